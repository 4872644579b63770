package render

import (
	"testing"
	"unicode/utf8"
)

func FuzzRuneCount(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("\xff\xc2a\xe0\x80\x80\xed\xa0\x80€😀\xc0\x80\xc1\xbf\xe1\x80\xf4\x90\x80\x80 abcdefghijklmnop Ташкент o‘zbek")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
			t.Fatalf("runeCount(%q) = %d, want %d", s, got, want)
		}
	})
}

package render

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// validCases are strings at the edges of validUTF8's eight-byte checks.
var validCases = []string{
	"", "a", "abcdefgh", "abcdefghi", "привет, мир", "абвг", "абвгд", "aабвг", "aaaaaaaд", "aaaaaaaaд",
	"\xd0", "aaaaaaa\xd0", "aaaaaaa\xd0\xbf", "aaaaaaa\xd0a", "\xbfaaaaaaaa", "a\xbfaaaaaaa", "\xc0\x80aaaaaa",
	"\xc1\xbfaaaaaa", "\xc2\x80aaaaaa", "\xdf\xbfaaaaaa", "\xe0\xa0\x80aaaaa", "\xe0\x80\x80aaaaa", "中文。日本語！",
	"\xed\xa0\x80aaaaa", "\xf0\x90\x80\x80aaaa", "\xf4\x90\x80\x80aaaa", "\xff", "\xfeaaaaaaaa", "👩‍💻🇺🇿e\u0301",
	"д\xd0д\xd0д\xd0", "\xd0\xd0\xbf\xbfaaaa", "дд\xbfдд", "\uFFFDaaaaaaa", strings.Repeat("ё", 100),
}

func TestValidUTF8(t *testing.T) {
	for _, s := range validCases {
		for pre := range 9 {
			x := strings.Repeat("x", pre) + s + "zz"
			if got, want := validUTF8(x), utf8.ValidString(x); got != want {
				t.Errorf("validUTF8(%q) = %v, want %v", x, got, want)
			}
		}
	}
	// Random strings of bytes drawn mostly from the ranges that matter.
	rng := rand.New(rand.NewPCG(5, 6))
	pool := []byte{'a', ' ', 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xd0, 0xd1, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff}
	valid := 0
	for range 200000 {
		b := make([]byte, rng.IntN(24))
		for j := range b {
			if rng.IntN(4) == 0 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = pool[rng.IntN(len(pool))]
			}
		}
		s := string(b)
		want := utf8.ValidString(s)
		if want {
			valid++
		}
		if got := validUTF8(s); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", s, got, want)
		}
	}
	if valid == 0 {
		t.Fatal("no valid random string: the test checks only one side")
	}
}

// FuzzValidUTF8 requires validUTF8 to agree with utf8.ValidString.
func FuzzValidUTF8(f *testing.F) {
	for _, s := range validCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validUTF8(s), utf8.ValidString(s); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestInvalidUTF8Body renders a hand-made release with invalid bytes as
// if each bad sequence were U+FFFD.
func TestInvalidUTF8Body(t *testing.T) {
	r := newTestRenderer(t)
	for _, body := range []string{"a\xffb", "абвгдеж\xd0", "**ж\xc0\x80ж** [x](https://x.org/\xfe)", strings.Repeat("д", 20) + "\xed\xa0\x80"} {
		got, err := r.All(fuzzRelease(body, true))
		if err != nil {
			t.Fatal(err)
		}
		want, err := r.All(fuzzRelease(strings.ToValidUTF8(body, "\uFFFD"), true))
		if err != nil {
			t.Fatal(err)
		}
		if got.WebHTML != want.WebHTML || got.Posts[0].Parts[0].Text != want.Posts[0].Parts[0].Text {
			t.Errorf("body %q: renders %q, want %q", body, got.WebHTML, want.WebHTML)
		}
		if !strings.Contains(got.WebHTML, "\uFFFD") {
			t.Errorf("body %q: web HTML %q has no U+FFFD", body, got.WebHTML)
		}
	}
}

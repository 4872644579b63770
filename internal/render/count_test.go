package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// validRunesCases are valid UTF-8 of every sequence length, at every
// offset in a word and past the last whole word.
var validRunesCases = []string{
	"", "a", "é", "€", "😀", "abcdefgh", "abcdefghi", "ééééé", "a€€€€€€€€€x",
	"😀😀😀😀😀😀😀", "Qo‘shma guruh — “Toza suv”", "Привет, мир! 中文 标签",
	strings.Repeat("x😀é€", 17), "\uFFFD\u2028\u00a0",
}

func TestValidRunes(t *testing.T) {
	for _, s := range validRunesCases {
		if got, want := validRunes(s), utf8.RuneCountInString(s); got != want {
			t.Errorf("validRunes(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestValidRunesLong counts texts around the 32-byte blocks and the 63
// blocks after which validRunes sums its lanes, all continuation bytes
// (the fullest lanes) and none, at every offset of a block.
func TestValidRunesLong(t *testing.T) {
	for _, fill := range []string{"я", "€", "😀", "x", "Ташкент — o‘zbek "} {
		for _, size := range []int{31, 32, 33, 63 * 32, 64 * 32, 127 * 32, 10000} {
			for pre := range 33 {
				s := strings.Repeat("x", pre) + strings.Repeat(fill, size/len(fill)+1)
				if got, want := validRunes(s), utf8.RuneCountInString(s); got != want {
					t.Fatalf("validRunes(%d bytes of %q after %d) = %d, want %d", len(s), fill, pre, got, want)
				}
			}
		}
	}
}

func TestJoinCount(t *testing.T) {
	for _, head := range []string{"", " <b>Head</b> \n", "Ünïcödé 😀", "\xff\xe2\x80"} {
		for _, body := range validRunesCases {
			for _, foot := range []string{"", "https://e.org/a\n", "\xe2\x80"} {
				for _, pad := range []string{"", " \n", "\u00a0"} {
					b := []byte(pad + body + pad)
					text, n := joinCount(head, b, foot)
					if want := joinBody(head, b, foot); text != want {
						t.Fatalf("joinCount(%q, %q, %q) text %q, want %q", head, b, foot, text, want)
					}
					if want := utf8.RuneCountInString(text); n != want {
						t.Fatalf("joinCount(%q, %q, %q) = %d runes, want %d", head, b, foot, n, want)
					}
				}
			}
		}
	}
}

// FuzzValidRunes counts the runes of valid UTF-8 as utf8 does.
func FuzzValidRunes(f *testing.F) {
	for _, s := range validRunesCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		if got, want := validRunes(s), utf8.RuneCountInString(s); got != want {
			t.Fatalf("validRunes(%q) = %d, want %d", s, got, want)
		}
	})
}

// TestTelegramInvalidTitle checks that a head with invalid UTF-8 (a
// title no loader checked) is measured the validating way.
func TestTelegramInvalidTitle(t *testing.T) {
	r := newTestRenderer(t)
	for _, image := range []bool{false, true} {
		rel := fuzzRelease("Lead.\n\n"+strings.Repeat("Some more words. ", 300), image)
		rel.Title = "Bad \xff\xfe\xf0 title \xe2\x80"
		all, err := r.All(rel)
		if err != nil {
			t.Fatal(err)
		}
		checkPosts(t, "invalid title", all.Posts)
	}
}

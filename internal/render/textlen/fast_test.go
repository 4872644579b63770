package textlen

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// TestAloneRunes checks the code points XWeight weighs without grapheme
// segmentation against uniseg: each stands alone next to a letter, on
// either side (no prepended mark, no extending or spacing mark, no
// joiner), and none is a Hangul jamo or regional indicator.
func TestAloneRunes(t *testing.T) {
	n := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !alone(r) || r == '\r' || !utf8.ValidRune(r) {
			continue
		}
		n++
		s := string(r)
		if c, _, _, _ := uniseg.FirstGraphemeClusterInString(s+"a", -1); c != s {
			t.Fatalf("%U joins the letter after it: %q", r, c)
		}
		if c, _, _, _ := uniseg.FirstGraphemeClusterInString("a"+s, -1); c != "a" {
			t.Fatalf("%U joins the letter before it: %q", r, c)
		}
		if r >= 0x1100 && r <= 0x11FF || r >= 0xAC00 && r <= 0xD7A3 || r >= 0x1F1E6 && r <= 0x1F1FF {
			t.Fatalf("%U is a jamo, syllable or regional indicator", r)
		}
	}
	if n < 20000 {
		t.Fatalf("only %d code points", n)
	}
}

// TestNFCInert checks every code point of nfcInert with the norm package:
// NFC on its own and never combining with a code point before it.
func TestNFCInert(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !nfcInert(r) || !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if !norm.NFC.IsNormalString(s) || !norm.NFC.PropertiesString(s).BoundaryBefore() {
			t.Fatalf("%U is not NFC-inert", r)
		}
		for _, before := range []string{"a", "e", "\u0415", "\u1100", "\u0300"} {
			if !norm.NFC.IsNormalString(before + s) {
				t.Fatalf("%U composes with %q", r, before)
			}
		}
	}
}

// TestNumericLabelsAreNoTLD backs isTLD's shortcut with the Public Suffix
// List itself.
func TestNumericLabelsAreNoTLD(t *testing.T) {
	for i := 0; i < 10000; i++ {
		if l := strconv.Itoa(i); lookUpTLD(l) {
			t.Fatalf("%s is a TLD", l)
		}
	}
}

// TestASCIIClasses checks the table behind isPathChar, isPathEndChar,
// isQueryChar and matchQuery against the character lists of
// twitter-text's path and query patterns.
func TestASCIIClasses(t *testing.T) {
	for c := range rune(utf8.RuneSelf) {
		alnum := isASCIIAlnum(c)
		for _, tc := range []struct {
			name  string
			got   bool
			punct string
		}{
			{"isPathChar", isPathChar(c), "!*';:=+,.$/%#[]-_~|&@"},
			{"isPathEndChar", isPathEndChar(c), "=_#/-+"},
			{"isQueryChar", isQueryChar(byte(c)), "!?*'();:&=+$/%#[]-_.,~|@"},
			{"query end", asciiClass[c]&queryEnd != 0, "-_&=#/"},
			{"startsURL", startsURL[c], "-_"},
		} {
			if want := alnum || strings.ContainsRune(tc.punct, c); tc.got != want {
				t.Errorf("%s(%q) = %v, want %v", tc.name, c, tc.got, want)
			}
		}
	}
}

// TestFindURLsAfterASCII checks the shortcut findURLs takes after ASCII
// characters against the reference, where a URL may or may not start.
func TestFindURLsAfterASCII(t *testing.T) {
	for _, s := range []string{
		"a.com", "xa.com b.com", " a.com", "-a.com", "_a.com", "#a.com", "@a.com", "$a.com", ".a.com", "x-a.com/p",
		"ahttps://a.com", "a https://a.com", "(a.com)", "«a.com»", "дa.com", "é.com", "a\u00e9.com/x", "1.co", "a.co/x",
		"e-mail a@b.com", "x_y.com/q?x=1", "https://newsroom.example.org/releases/2024/a-b-1/\n\n#Tag #Yoshlar",
	} {
		if got, want := findURLs(s), refFindURLs(s); len(got) != len(want) || len(got) > 0 && !equalSpans(got, want) {
			t.Errorf("findURLs(%q) = %v, reference %v", s, got, want)
		}
	}
}

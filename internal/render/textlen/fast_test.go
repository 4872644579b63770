package textlen

import (
	"strconv"
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

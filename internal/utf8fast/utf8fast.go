// Package utf8fast finds and counts whole runes of UTF-8 text eight bytes
// at a time where the text is ASCII or two-byte sequences (Cyrillic, Latin
// with accents), which is most of a release; anything else goes one rune
// at a time through unicode/utf8. Results equal unicode/utf8's. (To check
// a whole text, unicode/utf8.ValidString is as fast.)
package utf8fast

import (
	"math/bits"
	"unicode/utf8"
)

const (
	hi8   = 0x8080808080808080
	low7  = 0x7F7F7F7F7F7F7F7F
	bits4 = 0x1E1E1E1E1E1E1E1E
)

// Load8 returns the eight bytes at s[i:] as a little-endian uint64 (the
// compiler makes it one load).
func Load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Span returns how many of the eight bytes in v (as Load8 returns them,
// starting at a rune boundary) are whole runes that are ASCII or
// well-formed two-byte sequences: 8, 7 when the last byte opens a
// two-byte sequence, or 0 when the word holds anything else (a three- or
// four-byte sequence, an invalid byte, or a continuation byte whose lead
// is in the word before).
func Span(v uint64) int {
	if v&hi8 == 0 {
		return 8
	}
	return spanTwoByte(v)
}

// spanTwoByte is Span for a word that is not all ASCII.
func spanTwoByte(v uint64) int {
	h := v & hi8
	b6 := (v << 1) & hi8                  // bit 6 of each byte, at bit 7
	b5 := (v << 2) & hi8                  // bit 5 of each byte, at bit 7
	cont := h &^ b6                       // 10xxxxxx
	lead := h & b6 &^ b5                  // 110xxxxx
	notC0C1 := ((v & bits4) + low7) & hi8 // bits 1-4 not all zero: not 0xC0, 0xC1
	// Every byte is ASCII, a lead byte C2-DF or a continuation byte, and
	// the continuation bytes are exactly the bytes after the lead bytes.
	if h&b6&b5 != 0 || lead&^notC0C1 != 0 || lead<<8 != cont {
		return 0
	}
	if lead>>56 != 0 {
		return 7
	}
	return 8
}

// runes returns how many runes the first n bytes of v hold when
// Span(v) == n.
func runes(v uint64, n int) int {
	cont := v & hi8 &^ ((v << 1) & hi8)
	return n - bits.OnesCount64(cont)
}

// RuneCount returns the number of runes in s, an invalid byte counting as
// one, as utf8.RuneCountInString does.
func RuneCount(s string) int {
	count := 0
	for i := 0; i < len(s); count++ {
		if i+8 <= len(s) {
			v := Load8(s, i)
			if n := Span(v); n > 0 {
				count += runes(v, n) - 1 // the loop counts one
				i += n
				continue
			}
		}
		i = next(s, i)
	}
	return count
}

// next returns the index after the rune at s[i] (an invalid byte is a
// rune of its own).
func next(s string, i int) int {
	switch c := s[i]; {
	case c < utf8.RuneSelf:
		return i + 1
	case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
		return i + 3 // the common three-byte runes (– — “ ” ‘ €), no surrogates
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

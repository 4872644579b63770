package content

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Masks for the word-at-a-time scans: a one, and the high bit, in each
// byte of a 64-bit word.
const (
	wordOnes  = 0x0101010101010101
	wordHighs = 0x8080808080808080
)

// scanText reports whether data is valid UTF-8 (as utf8.Valid does) and,
// when it is, the index of its first bad control character (see
// isBadControl), or -1: one pass for both checks.
//
// Release texts are English, Russian and Uzbek: mostly ASCII and two-byte
// sequences (Cyrillic, ʻ), on which utf8.Valid decodes rune by rune. This
// reads eight bytes at a time as long as they hold only ASCII, two-byte
// leads and continuation bytes: then the text is valid exactly when every
// lead (C2-DF) is followed by a continuation byte and every continuation
// byte follows a lead, which is one comparison of bit masks. A word with a
// byte from E0 up (a three- or four-byte sequence) is decoded rune by rune,
// from the rune that was open when it began, to the first rune boundary
// past it. Runs of ASCII go 32 bytes at a time. Bad control characters
// are all below 0x20, which in UTF-8 only ever stands for itself, so a
// byte scan finds the same first one as a rune scan.
func scanText(data []byte) (bool, int) {
	ctrl := -1
	var open uint64 // 0x80 when data[i-1] is a two-byte lead
	i := asciiBlocks(data, 0, &ctrl)
	for i+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[i:])
		if ctrl < 0 && mayControl(w) {
			ctrl = controlIn(w, i)
		}
		high := w & wordHighs
		if high|open == 0 {
			i = asciiBlocks(data, i+8, &ctrl) // ASCII: likely more of it
			continue
		}
		bit6 := (w << 1) & wordHighs
		lead := high & bit6   // 11xxxxxx
		cont := high &^ bit6  // 10xxxxxx
		if lead&(w<<2) != 0 { // 111xxxxx: E0 and up
			j, ok := decodePast(data, i-int(open>>7), i+8)
			if !ok {
				return false, -1
			}
			i, open = j, 0
			continue
		}
		// A lead is C0 or C1 (overlong) when its bits 1 to 5 are zero;
		// adding 7E to those bits sets the high bit unless they are.
		wide := ((w & (0x3e * wordOnes)) + 0x7e*wordOnes) & wordHighs
		if lead&^wide != 0 || cont != lead<<8|open {
			return false, -1
		}
		open = lead >> 56
		i += 8
	}
	if !utf8.Valid(data[i-int(open>>7):]) {
		return false, -1
	}
	if ctrl < 0 {
		ctrl = badControlIn(data[i:], i)
	}
	return true, ctrl
}

// asciiBlocks returns the index of the first block of 32 bytes from i on
// that is not all ASCII, or that data has not in full, and sets *ctrl to
// the index of the first bad control character before it when it is -1.
func asciiBlocks(data []byte, i int, ctrl *int) int {
	const below = 0x20 * wordOnes
	for ; i+32 <= len(data); i += 32 {
		b := data[i : i+32]
		w0 := binary.LittleEndian.Uint64(b)
		w1 := binary.LittleEndian.Uint64(b[8:])
		w2 := binary.LittleEndian.Uint64(b[16:])
		w3 := binary.LittleEndian.Uint64(b[24:])
		if (w0|w1|w2|w3)&wordHighs != 0 {
			return i
		}
		// A byte below 0x20 borrows in the subtraction (see mayControl).
		if *ctrl < 0 && ((w0-below)&^w0|(w1-below)&^w1|(w2-below)&^w2|(w3-below)&^w3)&wordHighs != 0 {
			*ctrl = controlIn4(w0, w1, w2, w3, i)
		}
	}
	return i
}

// mayControl reports whether word w has a byte below 0x20.
func mayControl(w uint64) bool {
	return (w-0x20*wordOnes)&^w&wordHighs != 0
}

// controlIn returns off plus the index of the first bad control byte in
// word w (tested by bit masks), or -1.
func controlIn(w uint64, off int) int {
	// The high bit of each byte of ge20 is set when it is 0x20 or over.
	ge20 := (w&(0x7f*wordOnes) + 0x60*wordOnes) | w
	bad := ^ge20 & wordHighs &^ byteIs(w, '\t') &^ byteIs(w, '\n') &^ byteIs(w, '\r')
	if bad == 0 {
		return -1
	}
	return off + bits.TrailingZeros64(bad)/8
}

// controlIn4 returns off plus the index of the first bad control byte in
// words w0 to w3, one after the other, or -1.
func controlIn4(w0, w1, w2, w3 uint64, off int) int {
	for k, w := range [4]uint64{w0, w1, w2, w3} {
		if c := controlIn(w, off+8*k); c >= 0 {
			return c
		}
	}
	return -1
}

// byteIs returns the high bit of each byte of w that equals c.
func byteIs(w uint64, c byte) uint64 {
	x := w ^ uint64(c)*wordOnes
	return ^((x&(0x7f*wordOnes) + 0x7f*wordOnes) | x) & wordHighs
}

// badControlIn returns off plus the index of the first bad control byte in
// b, or -1.
func badControlIn(b []byte, off int) int {
	for j, c := range b {
		if c < 0x20 && isBadControl(rune(c)) {
			return off + j
		}
	}
	return -1
}

// decodePast decodes the runes of data from index start, a rune boundary,
// until one ends at or past index end, and returns the index after it; ok
// is false when it meets invalid UTF-8 first.
func decodePast(data []byte, start, end int) (int, bool) {
	for start < end {
		c := data[start]
		if c < utf8.RuneSelf {
			start++
			continue
		}
		r, size := utf8.DecodeRune(data[start:])
		if r == utf8.RuneError && size == 1 {
			return start, false
		}
		start += size
	}
	return start, true
}

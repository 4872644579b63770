package render

import "unicode/utf8"

// SWAR masks: the high bit of each of eight bytes, and bits 1-4.
const (
	hi8   = 0x8080808080808080
	low7  = 0x7F7F7F7F7F7F7F7F
	bits4 = 0x1E1E1E1E1E1E1E1E
)

// validUTF8 is utf8.ValidString, faster on the text of releases: eight
// bytes at a time when they are ASCII and well-formed two-byte sequences
// (Cyrillic, Latin with accents); any other eight bytes (three- and
// four-byte sequences, invalid bytes) go one rune at a time through
// utf8.DecodeRuneInString.
func validUTF8(s string) bool {
	i := 0
	for i+8 <= len(s) {
		v := load8(s, i)
		h := v & hi8
		if h == 0 { // eight ASCII bytes
			i += 8
			continue
		}
		b6 := (v << 1) & hi8                  // bit 6 of each byte, at bit 7
		b5 := (v << 2) & hi8                  // bit 5 of each byte, at bit 7
		cont := h &^ b6                       // 10xxxxxx
		lead := h & b6 &^ b5                  // 110xxxxx
		notC0C1 := ((v & bits4) + low7) & hi8 // bits 1-4 not all zero: not 0xC0, 0xC1
		// Every byte is ASCII, a lead byte C2-DF or a continuation byte,
		// and the continuation bytes are exactly the bytes after the lead
		// bytes (a lead in the last byte is checked with the next eight).
		if h&b6&b5 == 0 && lead&^notC0C1 == 0 && lead<<8 == cont {
			if lead>>56 != 0 {
				i += 7
			} else {
				i += 8
			}
			continue
		}
		if !validRune(s, &i) {
			return false
		}
	}
	for i < len(s) {
		if !validRune(s, &i) {
			return false
		}
	}
	return true
}

// validRune checks the rune at s[*i] and moves *i past it.
func validRune(s string, i *int) bool {
	if s[*i] < utf8.RuneSelf {
		*i++
		return true
	}
	r, size := utf8.DecodeRuneInString(s[*i:])
	if r == utf8.RuneError && size == 1 {
		return false
	}
	*i += size
	return true
}

// load8 returns the eight bytes at s[i:] as a little-endian uint64 (the
// compiler makes it one load).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

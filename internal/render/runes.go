package render

import "unicode/utf8"

// runeCount is utf8.RuneCountInString (an invalid byte counts as one
// rune) with fast paths for the text of releases: eight ASCII bytes at a
// time, and well-formed two- and three-byte sequences without decoding.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			j := i + 1
			for j+8 <= len(s) && ascii8(s, j) {
				j += 8
			}
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			n += j - i
			i = j
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			j := i + 2
			for j+1 < len(s) && s[j] >= 0xC2 && s[j] <= 0xDF && s[j+1]&0xC0 == 0x80 {
				j += 2
			}
			n += (j - i) / 2
			i = j
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			n++
			i += 3
		default:
			_, w := utf8.DecodeRuneInString(s[i:])
			n++
			i += w
		}
	}
	return n
}

// ascii8 reports whether s[i:i+8] is all ASCII.
func ascii8(s string, i int) bool {
	w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	return w&0x8080808080808080 == 0
}

package textlen

import "unicode/utf8"

// Code points that build emoji sequences (Unicode TR51).
const (
	zwj        = 0x200D
	vs15       = 0xFE0E // text presentation selector
	vs16       = 0xFE0F // emoji presentation selector
	keycap     = 0x20E3
	tagCancel  = 0xE007F
	blackFlag  = 0x1F3F4
	riFirst    = 0x1F1E6 // regional indicator A
	riLast     = 0x1F1FF // regional indicator Z
	toneFirst  = 0x1F3FB // skin tone modifiers
	toneLast   = 0x1F3FF
	tagFirst   = 0xE0020
	tagLastTag = 0xE007E
)

// emojiLen returns the byte length of the emoji sequence that starts c (one
// grapheme cluster), or 0 when c does not start with one. Code points of the
// cluster after the sequence (say, a stray combining mark) are not part of it.
func emojiLen(c string) int {
	r, n := utf8.DecodeRuneInString(c)
	switch {
	case r == vs16:
		return n // a stray VS16 counts as an emoji of its own
	case isKeycapBase(r):
		return keycapLen(c, n)
	case r >= riFirst && r <= riLast:
		if r2, n2 := utf8.DecodeRuneInString(c[n:]); r2 >= riFirst && r2 <= riLast {
			return n + n2
		}
		return n
	case r == 0xA9 || r == 0xAE: // © ® are text by default: emoji only with VS16
		if r2, n2 := utf8.DecodeRuneInString(c[n:]); r2 == vs16 {
			return n + n2
		}
		return 0
	case isPictographic(r):
		return n + emojiTail(c[n:])
	}
	return 0
}

// isKeycapBase reports whether r can start a keycap sequence (# * 0–9).
func isKeycapBase(r rune) bool {
	return r == '#' || r == '*' || (r >= '0' && r <= '9')
}

// keycapLen returns the length of "base VS16? U+20E3" at c, or 0.
func keycapLen(c string, n int) int {
	r, w := utf8.DecodeRuneInString(c[n:])
	if r == vs16 {
		n += w
		r, w = utf8.DecodeRuneInString(c[n:])
	}
	if r == keycap {
		return n + w
	}
	return 0
}

// emojiTail returns the length of the modifiers, tags and ZWJ-joined
// pictographs that follow an emoji base in s.
func emojiTail(s string) int {
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == vs16, r == keycap,
			r >= toneFirst && r <= toneLast,
			r >= tagFirst && r <= tagLastTag, r == tagCancel:
			i += w
		case r == zwj:
			r2, w2 := utf8.DecodeRuneInString(s[i+w:])
			if !isPictographic(r2) {
				return i
			}
			i += w + w2
		default:
			return i
		}
	}
	return i
}

// isPictographic approximates Unicode's Extended_Pictographic property: the
// blocks where emoji bases live. It only decides whether the code points
// that follow a base (VS16, skin tone, ZWJ, tags) join it into one emoji;
// a lone code point in these blocks weighs 2 either way.
func isPictographic(r rune) bool {
	switch {
	case r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2194 && r <= 0x21AA,
		r >= 0x2300 && r <= 0x23FF,
		r == 0x24C2,
		r >= 0x25AA && r <= 0x25FE,
		r >= 0x2600 && r <= 0x27BF,
		r >= 0x2934 && r <= 0x2935,
		r >= 0x2B05 && r <= 0x2B55,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299,
		r >= 0x1F000 && r <= 0x1F0FF,
		r >= 0x1F10D && r <= 0x1F1E5, // enclosed alphanumerics, before regional indicators
		r >= 0x1F200 && r <= 0x1FAFF,
		r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

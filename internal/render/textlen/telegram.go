package textlen

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/utf8fast"
)

// TelegramLen returns the length Telegram applies to a parse_mode=HTML text
// (https://core.telegram.org/bots/api#html-style): the UTF-16 code units of
// what remains after tags are removed and the entities &lt; &gt; &amp;
// &quot; and numeric ones (&#123; &#x1F600;) are decoded. Anything else
// that looks like an entity is counted as the characters it is written with.
func TelegramLen(html string) int {
	n, _ := TelegramLenWithin(html, math.MaxInt)
	return n
}

// TelegramLenWithin is TelegramLen that stops counting once the length
// exceeds limit: ok is false then, and n is only known to be over limit.
// A caller that only needs to know whether a text fits pays for no more
// than the limit.
func TelegramLenWithin[T string | []byte](html T, limit int) (n int, ok bool) {
	for i := 0; i < len(html); {
		if n > limit {
			return n, false
		}
		if len(html)-i >= 16 {
			// Eight bytes at a time through text without tags or
			// entities whose characters take one unit each.
			if end, runes := utf8fast.RunStops(html, i, tagOrEntity); end > i {
				n += runes
				i = end
				continue
			}
		}
		c := html[i]
		switch {
		case c == '<':
			i = skipTag(html, i)
		case c == '&':
			// An entity ends within 12 bytes: a short window, which is
			// converted without allocating for a []byte.
			r, w := decodeEntity(string(html[i:min(i+13, len(html))]))
			n += utf16Units(r)
			i += w
		case c < utf8.RuneSelf:
			// A run of other ASCII characters, one unit each.
			j := i + 1
			for j < len(html) && plainASCII[html[j]] {
				j++
			}
			n += j - i
			i = j
		case c >= 0xC2 && c <= 0xDF && i+1 < len(html) && html[i+1]&0xC0 == 0x80:
			// A run of well-formed two-byte sequences (Cyrillic, Latin
			// accents), one unit each.
			n++
			i += 2
			for i+1 < len(html) && html[i] >= 0xC2 && html[i] <= 0xDF && html[i+1]&0xC0 == 0x80 {
				n++
				i += 2
			}
		case c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(html) &&
			html[i+1]&0xC0 == 0x80 && html[i+2]&0xC0 == 0x80:
			// A well-formed three-byte sequence (typographic punctuation,
			// CJK); E0 and ED have narrower second bytes and take the
			// general path.
			n++
			i += 3
		default:
			r, w := utf8.DecodeRuneInString(string(html[i:min(i+utf8.UTFMax, len(html))]))
			n += utf16Units(r)
			i += w
		}
	}
	return n, n <= limit
}

// tagOrEntity are the bytes that start a tag or an entity.
var tagOrEntity = utf8fast.NewStops(0, false, '<', '&')

// plainASCII marks the ASCII bytes TelegramLen counts as one unit each
// without looking further: all but '<' and '&'.
var plainASCII = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c != '<' && c != '&'
	}
	return t
}()

// utf16Units returns how many UTF-16 code units r takes.
func utf16Units(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// skipTag returns the offset after the tag that starts at s[i] ('<'); a '>'
// inside a quoted attribute value does not end the tag. An unclosed tag runs
// to the end of s.
func skipTag[T string | []byte](s T, i int) int {
	j, _ := scanTag(s, i)
	return j
}

// scanTag is skipTag that also reports whether the tag was closed.
func scanTag[T string | []byte](s T, i int) (int, bool) {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1, true
		}
	}
	return len(s), false
}

// EndsInTag reports whether html ends inside a tag (a '<' whose '>' never
// comes), so that TelegramLen would take text appended to it for part of
// that tag. Otherwise TelegramLen of html followed by a blank line and
// more text is the sum of the lengths (an entity never spans a line break).
func EndsInTag(html string) bool {
	for i := 0; i < len(html); {
		// Entities and characters never hold a '<': every '<' outside a
		// tag starts one, as TelegramLen reads it.
		k := strings.IndexByte(html[i:], '<')
		if k < 0 {
			return false
		}
		j, closed := scanTag(html, i+k)
		if !closed {
			return true
		}
		i = j
	}
	return false
}

// decodeEntity decodes the entity at the start of s ('&' first) and returns
// its code point and length; a '&' that starts no entity stands for itself.
func decodeEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return '&', 1
	}
	name := s[1:end]
	switch name { // the only named entities Telegram decodes
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	if name[0] != '#' {
		return '&', 1
	}
	base, digits := 10, name[1:]
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		base, digits = 16, digits[1:]
	}
	if digits == "" || strings.ContainsAny(digits, "+-") {
		return '&', 1
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return '&', 1
	}
	if v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return utf8.RuneError, end + 1
	}
	return rune(v), end + 1
}

package textlen

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// TelegramLen returns the length Telegram applies to a parse_mode=HTML text
// (https://core.telegram.org/bots/api#html-style): the UTF-16 code units of
// what remains after tags are removed and the entities &lt; &gt; &amp;
// &quot; and numeric ones (&#123; &#x1F600;) are decoded. Anything else
// that looks like an entity is counted as the characters it is written with.
func TelegramLen(html string) int {
	n := 0
	for i := 0; i < len(html); {
		switch html[i] {
		case '<':
			i = skipTag(html, i)
		case '&':
			r, w := decodeEntity(html[i:])
			n += utf16Units(r)
			i += w
		default:
			r, w := utf8.DecodeRuneInString(html[i:])
			n += utf16Units(r)
			i += w
		}
	}
	return n
}

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
func skipTag(s string, i int) int {
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
			return j + 1
		}
	}
	return len(s)
}

// namedEntities are the only named entities Telegram decodes.
var namedEntities = map[string]rune{"lt": '<', "gt": '>', "amp": '&', "quot": '"'}

// decodeEntity decodes the entity at the start of s ('&' first) and returns
// its code point and length; a '&' that starts no entity stands for itself.
func decodeEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return '&', 1
	}
	name := s[1:end]
	if r, ok := namedEntities[name]; ok {
		return r, end + 1
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

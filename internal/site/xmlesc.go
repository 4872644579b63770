package site

import (
	"strings"
	"unicode/utf8"
)

// rawText is an XML element whose character data is escaped by escapeXML
// and written as inner XML: encoding/xml's own escaping of long HTML
// bodies costs more than the rest of a feed.
type rawText struct {
	Type  string `xml:"type,attr,omitempty"`
	Inner string `xml:",innerxml"`
}

// escapeXML escapes s as XML character data: & < > become references, \r
// becomes &#xD; so that it survives parsing, and characters XML does not
// allow (control characters, U+FFFE, U+FFFF, invalid UTF-8) become U+FFFD,
// as encoding/xml does. Newlines, tabs and quotes stay as they are.
func escapeXML(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		esc, size := "", 1
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#xD;"
		case c < 0x20 && c != '\t' && c != '\n':
			esc = "\uFFFD"
		case c >= utf8.RuneSelf:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			if last == 0 {
				b.Grow(len(s) + len(s)/8)
			}
			b.WriteString(s[last:i])
			b.WriteString(esc)
			last = i + size
		}
		i += size
	}
	if last == 0 && b.Len() == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

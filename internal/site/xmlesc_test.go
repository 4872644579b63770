package site

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// xmlClean is what escapeXML must preserve of s: every character XML
// allows, with the others replaced by U+FFFD.
func xmlClean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		ok := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r < 0xD800 || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000
		if r == utf8.RuneError && size == 1 {
			ok = false
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteRune('\uFFFD')
		}
		i += size
	}
	return b.String()
}

// FuzzEscapeXML checks that escaped text reads back as the original text.
func FuzzEscapeXML(f *testing.F) {
	for _, s := range []string{"", "plain", "<p>a &amp; b</p>", "]]>", "\r\n\t\x00\x1f", "\xff\xfe", "\uFFFE\uFFFF", "Ўзбек ‘ta’lim’ 🇺🇿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v struct {
			Text string `xml:",chardata"`
		}
		doc := "<a>" + escapeXML(s) + "</a>"
		if err := xml.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if want := xmlClean(s); v.Text != want {
			t.Fatalf("read back %q, want %q", v.Text, want)
		}
	})
}

package htmlexec

import (
	"strings"
	"testing"
)

// plainProcessURL is processURL as it was before urlClass: a switch on
// every byte, the plain path that the table replaces.
func plainProcessURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plainURLKeeps(s, i, norm) {
			continue
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// plainURLKeeps reports whether plainProcessURL keeps byte i of s.
func plainURLKeeps(s string, i int, norm bool) bool {
	switch c := s[i]; c {
	case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		return norm
	case '-', '.', '_', '~':
		return true
	case '%':
		return norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
	default:
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
}

// urlCases are URLs and other text, with every class of byte, escapes
// valid and cut short at the end, Cyrillic and invalid UTF-8.
var urlCases = []string{
	"", "a", "%", "%4", "%41", "%4g", "a%", "a%4", "a%41", "%%41", "%zz%41%",
	"https://newsroom.example.org/releases/2019/bmt-va-ozbekiston-2064/",
	"../../../tags/suv-resurslari/", "../../../style.css",
	"/search?q=a b&n=1#frag", "mailto:a@b.org", "javascript:alert(1)",
	"!#$&*+,/:;=?@[]-._~", "\"'<>\\^`{|} \t\n\x00\x7f",
	"https://example.org/теги/климат/", "Oʻzbekiston ‘…’", "\xff\xfe\xc3", "\xe2\x80",
	"01234567", "0123456%", "0123456%4", "0123456%41", "012345678901234%41",
}

func TestProcessURLSameAsPlain(t *testing.T) {
	for _, s := range append(urlCases, hostile...) {
		for _, norm := range []bool{false, true} {
			if got, want := processURL(s, norm), plainProcessURL(s, norm); got != want {
				t.Errorf("processURL(%q, %v) = %q, want %q", s, norm, got, want)
			}
		}
	}
	for c := range 256 {
		for _, s := range []string{string(rune(0)) + string([]byte{byte(c)}), string([]byte{byte(c)}) + "41", "%" + string([]byte{byte(c)}) + "1"} {
			for _, norm := range []bool{false, true} {
				if got, want := processURL(s, norm), plainProcessURL(s, norm); got != want {
					t.Errorf("processURL(%q, %v) = %q, want %q", s, norm, got, want)
				}
			}
		}
	}
}

func FuzzProcessURL(f *testing.F) {
	for _, s := range urlCases {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, norm bool) {
		if got, want := processURL(s, norm), plainProcessURL(s, norm); got != want {
			t.Errorf("processURL(%q, %v) = %q, want %q", s, norm, got, want)
		}
	})
}

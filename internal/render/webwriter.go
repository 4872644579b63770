package render

import (
	"strconv"
	"unicode/utf8"

	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// webWriter is goldmark's default html.Writer (without EscapedSpace) for
// the newsroom HTML, written to copy runs of ordinary bytes whole where
// goldmark's looks at every byte on its own. It writes exactly what
// html.DefaultWriter writes (FuzzWebWriter holds it to that).
type webWriter struct{}

var _ html.Writer = webWriter{}

// flush writes a run of source that needs no escaping.
func flush(w util.BufWriter, s []byte) {
	if len(s) > 0 {
		_, _ = w.Write(s)
	}
}

// RawWrite writes s with &, <, > and " escaped and NUL replaced.
func (webWriter) RawWrite(w util.BufWriter, s []byte) {
	last := 0
	for i := 0; i < len(s); i++ {
		if byteClass[s[i]]&escHTML != 0 {
			flush(w, s[last:i])
			_, _ = w.WriteString(htmlEscapes[s[i]])
			last = i + 1
		}
	}
	flush(w, s[last:])
}

// SecureWrite writes s with NUL replaced.
func (webWriter) SecureWrite(w util.BufWriter, s []byte) {
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			flush(w, s[last:i])
			_, _ = w.WriteString("\uFFFD")
			last = i + 1
		}
	}
	flush(w, s[last:])
}

// Write writes Markdown text: a backslash before punctuation is dropped,
// character references are resolved as goldmark resolves them (numeric
// ones of up to 6 hex or 7 decimal digits, HTML5 named ones) and the
// result is escaped as RawWrite escapes.
func (ww webWriter) Write(w util.BufWriter, s []byte) {
	n := 0 // s[n:i] is pending and needs no escaping
	for i := 0; i < len(s); i++ {
		c := s[i]
		if byteClass[c]&(escHTML|escMD) == 0 {
			continue
		}
		switch c {
		case '\\':
			if i+1 < len(s) && util.IsPunct(s[i+1]) {
				// The backslash goes; the character after it is text
				// as it is, never the start of a reference.
				flush(w, s[n:i])
				i++
				n = i
				if e := htmlEscapes[s[i]]; e != "" {
					_, _ = w.WriteString(e)
					n = i + 1
				}
			}
		case '&':
			if end, ok := ww.reference(w, s, n, i); ok {
				n, i = end+1, end
			} else {
				flush(w, s[n:i])
				_, _ = w.WriteString("&amp;")
				n = i + 1
			}
		default: // NUL, <, > or "
			flush(w, s[n:i])
			_, _ = w.WriteString(htmlEscapes[c])
			n = i + 1
		}
	}
	flush(w, s[n:])
}

// reference writes the character reference at s[i] ('&'), after the
// pending text s[n:i], and returns the offset of its ';'; ok is false
// (and nothing written) when goldmark would not resolve one there.
func (ww webWriter) reference(w util.BufWriter, s []byte, n, i int) (end int, ok bool) {
	next := i + 1
	if next < len(s) && s[next] == '#' {
		if next+1 >= len(s) {
			return 0, false
		}
		base, start, max, digit := 10, next+1, 8, util.IsNumeric
		switch nc := s[next+1]; {
		case nc == 'x' || nc == 'X':
			base, start, max, digit = 16, next+2, 7, util.IsHexDecimal
		case nc < '0' || nc > '9':
			return 0, false
		}
		j, ok := util.ReadWhile(s, [2]int{start, len(s)}, digit)
		if !ok || j >= len(s) || s[j] != ';' || j-start >= max {
			return 0, false
		}
		v, _ := strconv.ParseUint(string(s[start:j]), base, 32)
		flush(w, s[n:i])
		if v < 256 && htmlEscapes[v] != "" {
			_, _ = w.WriteString(htmlEscapes[v])
		} else {
			var buf [utf8.UTFMax]byte
			_, _ = w.Write(utf8.AppendRune(buf[:0], util.ToValidRune(rune(v))))
		}
		return j, true
	}
	j, ok := util.ReadWhile(s, [2]int{next, len(s)}, util.IsAlphaNumeric)
	if !ok || j >= len(s) || s[j] != ';' {
		return 0, false
	}
	entity, ok := util.LookUpHTML5EntityByName(string(s[next:j]))
	if !ok {
		return 0, false
	}
	flush(w, s[n:i])
	ww.RawWrite(w, entity.Characters)
	return j, true
}

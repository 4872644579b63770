package render

import (
	"strconv"
	"unicode/utf8"

	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// webWriter is goldmark's default html.Writer (without EscapedSpace) for
// the newsroom HTML, written to copy runs of ordinary bytes whole where
// goldmark's looks at every byte on its own, and to append straight into
// an htmlSink. It writes exactly what html.DefaultWriter writes
// (FuzzWebWriter holds it to that).
type webWriter struct{}

var _ html.Writer = webWriter{}

// write appends with f into w's buffer when w is an htmlSink, else
// through a temporary buffer.
func write(w util.BufWriter, s []byte, f func(dst, s []byte) []byte) {
	if b, ok := w.(*htmlSink); ok {
		b.buf = f(b.buf, s)
		return
	}
	_, _ = w.Write(f(nil, s))
}

// RawWrite writes s with &, <, > and " escaped and NUL replaced.
func (webWriter) RawWrite(w util.BufWriter, s []byte) { write(w, s, appendEscaped) }

// SecureWrite writes s with NUL replaced.
func (webWriter) SecureWrite(w util.BufWriter, s []byte) { write(w, s, appendSecure) }

// Write writes Markdown text: a backslash before punctuation is dropped,
// character references are resolved as goldmark resolves them (numeric
// ones of up to 6 hex or 7 decimal digits, HTML5 named ones) and the
// result is escaped as RawWrite escapes.
func (webWriter) Write(w util.BufWriter, s []byte) { write(w, s, appendWebText) }

// appendSecure appends s with NUL replaced by U+FFFD.
func appendSecure(dst, s []byte) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, "\uFFFD"...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// appendWebText appends s as webWriter.Write writes it.
func appendWebText(dst, s []byte) []byte {
	n := 0 // s[n:i] is pending and needs no escaping
	for i := 0; i < len(s); i++ {
		if len(s)-i > longRun {
			if i += nextOf(s[i:], specialsHTMLMD); i == len(s) {
				break
			}
		}
		c := s[i]
		if byteClass[c]&(escHTML|escMD) == 0 {
			continue
		}
		switch c {
		case '\\':
			if i+1 < len(s) && util.IsPunct(s[i+1]) {
				// The backslash goes; the character after it is text
				// as it is, never the start of a reference.
				dst = append(dst, s[n:i]...)
				i++
				n = i
				if e := htmlEscapes[s[i]]; e != "" {
					dst = append(dst, e...)
					n = i + 1
				}
			}
		case '&':
			dst = append(dst, s[n:i]...)
			var end int
			if dst, end = appendReference(dst, s, i); end > i {
				n, i = end+1, end
			} else {
				dst = append(dst, "&amp;"...)
				n = i + 1
			}
		default: // NUL, <, > or "
			dst = append(dst, s[n:i]...)
			dst = append(dst, htmlEscapes[c]...)
			n = i + 1
		}
	}
	return append(dst, s[n:]...)
}

// appendReference appends the character reference at s[i] ('&') and
// returns the offset of its ';', or i (and nothing appended) when
// goldmark would not resolve one there.
func appendReference(dst, s []byte, i int) ([]byte, int) {
	next := i + 1
	if next < len(s) && s[next] == '#' {
		if next+1 >= len(s) {
			return dst, i
		}
		base, start, max, digit := 10, next+1, 8, util.IsNumeric
		switch nc := s[next+1]; {
		case nc == 'x' || nc == 'X':
			base, start, max, digit = 16, next+2, 7, util.IsHexDecimal
		case nc < '0' || nc > '9':
			return dst, i
		}
		j, ok := util.ReadWhile(s, [2]int{start, len(s)}, digit)
		if !ok || j >= len(s) || s[j] != ';' || j-start >= max {
			return dst, i
		}
		v, _ := strconv.ParseUint(string(s[start:j]), base, 32)
		if v < 256 && htmlEscapes[v] != "" {
			return append(dst, htmlEscapes[v]...), j
		}
		return utf8.AppendRune(dst, util.ToValidRune(rune(v))), j
	}
	j, ok := util.ReadWhile(s, [2]int{next, len(s)}, util.IsAlphaNumeric)
	if !ok || j >= len(s) || s[j] != ';' {
		return dst, i
	}
	entity, ok := util.LookUpHTML5EntityByName(string(s[next:j]))
	if !ok {
		return dst, i
	}
	return appendEscaped(dst, entity.Characters), j
}

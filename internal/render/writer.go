package render

import (
	"bytes"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// writer is the output of the Telegram and plain-text profiles. It
// implements util.BufWriter so goldmark's renderer writes into it, and it
// carries the per-render state (Hugo's context-writer pattern), so that the
// node renderers themselves stay stateless and safe for concurrent use.
type writer struct {
	buf []byte
	// html is true for the Telegram HTML profile, false for plain text.
	html bool
	// base is the newsroom base URL for relative links.
	base string

	// nl is the number of line breaks owed before the next content.
	nl int
	// fresh is true while nothing has been written into the current
	// container since it opened (no leading line breaks are owed there).
	fresh bool
	// marker is written once before the next content (a list marker).
	marker string
	// indent is the continuation indent of the current list item.
	indent []string
	lists  []listState
	quote  int  // blockquote depth
	qopen  bool // a <blockquote> tag is open in buf
	link   int  // depth of links being rendered as <a>
	links  []linkState
	// leadEnd is the offset in buf after the body's first top-level
	// paragraph (0 when there is none).
	leadEnd int
}

// listState numbers the items of one list.
type listState struct {
	ordered bool
	next    int
}

func newWriter(html bool, base string) *writer {
	return &writer{html: html, base: base, fresh: true}
}

// writerPool recycles writers and their buffers: a body is copied out of
// the buffer once, as the string that is kept.
var writerPool = sync.Pool{New: func() any { return new(writer) }}

// getWriter returns an empty writer from the pool.
func getWriter(html bool, base string) *writer {
	w := writerPool.Get().(*writer)
	*w = writer{
		buf: w.buf[:0], html: html, base: base, fresh: true,
		indent: w.indent[:0], lists: w.lists[:0], links: w.links[:0],
	}
	return w
}

// putWriter returns w to the pool; w must not be used afterwards.
func putWriter(w *writer) {
	if cap(w.buf) > 1<<20 {
		return // a rare huge release: let its buffer go
	}
	clear(w.indent[:cap(w.indent)])
	clear(w.links[:cap(w.links)])
	writerPool.Put(w)
}

// util.BufWriter.

func (w *writer) Write(p []byte) (int, error)       { w.buf = append(w.buf, p...); return len(p), nil }
func (w *writer) WriteString(s string) (int, error) { w.buf = append(w.buf, s...); return len(s), nil }
func (w *writer) WriteByte(c byte) error            { w.buf = append(w.buf, c); return nil }
func (w *writer) WriteRune(r rune) (int, error) {
	n := len(w.buf)
	w.buf = utf8.AppendRune(w.buf, r)
	return len(w.buf) - n, nil
}
func (w *writer) Available() int { return 1 << 20 }
func (w *writer) Buffered() int  { return len(w.buf) }
func (w *writer) Flush() error   { return nil }
func (w *writer) String() string { return string(w.buf) }

var _ util.BufWriter = (*writer)(nil)

// brk asks for at least n line breaks before the next content.
func (w *writer) brk(n int) {
	if n > w.nl {
		w.nl = n
	}
}

// open writes what is owed before content: line breaks with the list
// indent, a pending <blockquote>, and a pending list marker.
func (w *writer) open() {
	if w.nl > 0 && !w.fresh {
		for range w.nl {
			w.buf = append(w.buf, '\n')
		}
		if w.marker == "" && len(w.indent) > 0 {
			w.buf = append(w.buf, w.indent[len(w.indent)-1]...)
		}
	}
	w.nl = 0
	w.fresh = false
	if w.quote > 0 && !w.qopen && w.html {
		w.buf = append(w.buf, "<blockquote>"...)
		w.qopen = true
	}
	if w.marker != "" {
		w.buf = append(w.buf, w.marker...)
		w.marker = ""
	}
}

// closeQuote ends an open <blockquote> tag (before a block Telegram does
// not allow inside one, or at the end of the outermost quote).
func (w *writer) closeQuote() {
	if w.qopen {
		w.buf = append(w.buf, "</blockquote>"...)
		w.qopen = false
	}
}

// tag writes an HTML tag in the Telegram profile and nothing in plain text.
func (w *writer) tag(s string) {
	if w.html {
		w.buf = append(w.buf, s...)
	}
}

// text writes source text: in HTML with Markdown escapes and entities
// resolved and &, <, >, " escaped; in plain text resolved only.
func (w *writer) text(src []byte) {
	w.open()
	w.buf = appendResolved(w.buf, src, w.html)
}

// raw writes literal text (code), escaped for HTML when needed.
func (w *writer) raw(s []byte) {
	w.open()
	if w.html {
		w.buf = appendEscaped(w.buf, s)
	} else {
		w.buf = append(w.buf, s...)
	}
}

// rawString is raw for a string.
func (w *writer) rawString(s string) {
	w.open()
	if w.html {
		w.buf = appendEscapedString(w.buf, s)
	} else {
		w.buf = append(w.buf, s...)
	}
}

// htmlEscapes is what an escaped text has for each byte ("" where the
// byte stays as it is): &, <, > and " as entities, NUL as U+FFFD.
var htmlEscapes = [256]string{0: "\uFFFD", '"': "&quot;", '&': "&amp;", '<': "&lt;", '>': "&gt;"}

// Byte classes of the text scanners: escHTML marks the bytes of
// htmlEscapes, escMD those that may start a Markdown backslash escape or a
// character reference (and NUL).
const (
	escHTML = 1 << iota
	escMD
)

var byteClass = func() (t [256]uint8) {
	for c, e := range htmlEscapes {
		if e != "" {
			t[c] |= escHTML
		}
	}
	t['\\'] |= escMD
	t['&'] |= escMD
	t[0] |= escMD
	return t
}()

// The bytes the text scanners stop at, as sets for nextOf.
const (
	specialsHTML   = "\x00\"&<>"
	specialsMD     = "\x00&\\"
	specialsHTMLMD = "\x00\"&<>\\"
)

// longRun is the length from which a scanner looks for the next byte it
// must stop at with nextOf rather than byte by byte.
const longRun = 48

// nextOf returns the index of the first byte of s that is in set, or
// len(s). bytes.IndexByte is vectorized: on the long runs of ordinary
// text in a paragraph, one search per byte of set beats a byte loop.
func nextOf(s []byte, set string) int {
	k := len(s)
	for i := 0; i < len(set); i++ {
		if j := bytes.IndexByte(s[:k], set[i]); j >= 0 {
			k = j
		}
	}
	return k
}

// appendEscaped appends s with &, <, > and " escaped and NUL replaced.
func appendEscaped(dst, s []byte) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if len(s)-i > longRun {
			if i += nextOf(s[i:], specialsHTML); i == len(s) {
				break
			}
		}
		if byteClass[s[i]]&escHTML != 0 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, htmlEscapes[s[i]]...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// appendEscapedString is appendEscaped for a string.
func appendEscapedString(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if byteClass[s[i]]&escHTML != 0 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, htmlEscapes[s[i]]...)
			last = i + 1
		}
	}
	return append(dst, s[last:]...)
}

// escapeHTML returns s with &, <, > and " escaped.
func escapeHTML(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '<' || c == '>' || c == '"' {
			return string(appendEscapedString(nil, s))
		}
	}
	return s
}

// appendResolved appends Markdown source text with backslash escapes,
// named (HTML5) and numeric character references resolved, in one pass as
// CommonMark reads them; escaped for HTML when esc is true. Runs of
// ordinary bytes are copied whole.
func appendResolved(dst, src []byte, esc bool) []byte {
	mask := uint8(escMD)
	if esc {
		mask |= escHTML
	}
	set := specialsMD
	if esc {
		set = specialsHTMLMD
	}
	last := 0
	for i := 0; i < len(src); i++ {
		if len(src)-i > longRun {
			if i += nextOf(src[i:], set); i == len(src) {
				break
			}
		}
		c := src[i]
		if byteClass[c]&mask == 0 {
			continue
		}
		switch {
		case c == '\\':
			if i+1 >= len(src) || !util.IsPunct(src[i+1]) {
				continue // a literal backslash
			}
			// The escaped character is written literally (escaped for HTML).
			dst = append(dst, src[last:i]...)
			i++
			last = i
			if esc && byteClass[src[i]]&escHTML != 0 {
				dst = append(dst, htmlEscapes[src[i]]...)
				last = i + 1
			}
		case c == '&':
			r, chars, n := entityAt(src[i:])
			if n == 0 {
				if esc {
					dst = append(dst, src[last:i]...)
					dst = append(dst, "&amp;"...)
					last = i + 1
				}
				continue
			}
			dst = append(dst, src[last:i]...)
			if chars == nil {
				chars = utf8.AppendRune(make([]byte, 0, utf8.UTFMax), r)
			}
			if esc {
				dst = appendEscaped(dst, chars)
			} else {
				dst = append(dst, chars...)
			}
			last = i + n
			i += n - 1
		default: // NUL, or <, > and " when escaping
			dst = append(dst, src[last:i]...)
			dst = append(dst, htmlEscapes[c]...)
			last = i + 1
		}
	}
	return append(dst, src[last:]...)
}

// appendResolvedBoth is appendResolved of src into html (escaped) and
// into plain (not escaped) in one scan: the two differ only at the bytes
// HTML escapes and at a '&' that starts no reference.
func appendResolvedBoth(html, plain, src []byte) ([]byte, []byte) {
	lastH, lastP := 0, 0 // what each has taken of src
	for i := 0; i < len(src); i++ {
		if len(src)-i > longRun {
			if i += nextOf(src[i:], specialsHTMLMD); i == len(src) {
				break
			}
		}
		c := src[i]
		if byteClass[c] == 0 {
			continue
		}
		switch {
		case c == '\\':
			if i+1 >= len(src) || !util.IsPunct(src[i+1]) {
				continue // a literal backslash
			}
			html, plain = append(html, src[lastH:i]...), append(plain, src[lastP:i]...)
			i++
			lastH, lastP = i, i
			if byteClass[src[i]]&escHTML != 0 {
				html = append(html, htmlEscapes[src[i]]...)
				lastH = i + 1
			}
		case c == '&':
			r, chars, n := entityAt(src[i:])
			if n == 0 {
				html = append(html, src[lastH:i]...)
				html = append(html, "&amp;"...)
				lastH = i + 1
				continue
			}
			html, plain = append(html, src[lastH:i]...), append(plain, src[lastP:i]...)
			if chars == nil {
				chars = utf8.AppendRune(make([]byte, 0, utf8.UTFMax), r)
			}
			html, plain = appendEscaped(html, chars), append(plain, chars...)
			lastH, lastP = i+n, i+n
			i += n - 1
		case c == 0:
			html, plain = append(html, src[lastH:i]...), append(plain, src[lastP:i]...)
			html, plain = append(html, htmlEscapes[0]...), append(plain, htmlEscapes[0]...)
			lastH, lastP = i+1, i+1
		default: // <, > and ", escaped in HTML only
			html = append(html, src[lastH:i]...)
			html = append(html, htmlEscapes[c]...)
			lastH = i + 1
		}
	}
	return append(html, src[lastH:]...), append(plain, src[lastP:]...)
}

// entityAt reads a character reference at the start of s: a named one
// returns its characters, a numeric one its rune; n is 0 when s starts with
// none.
func entityAt(s []byte) (r rune, chars []byte, n int) {
	end := -1
	for j := 1; j < len(s) && j < 40; j++ {
		if s[j] == ';' {
			end = j
			break
		}
		if !util.IsAlphaNumeric(s[j]) && s[j] != '#' {
			break
		}
	}
	if end < 2 {
		return 0, nil, 0
	}
	name := string(s[1:end])
	if name[0] != '#' {
		e, ok := util.LookUpHTML5EntityByName(name)
		if !ok {
			return 0, nil, 0
		}
		return 0, e.Characters, end + 1
	}
	digits, base, max := name[1:], 10, 7
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, base, max = digits[1:], 16, 6
	}
	if digits == "" || len(digits) > max {
		return 0, nil, 0
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return 0, nil, 0
	}
	return util.ToValidRune(rune(v)), nil, end + 1
}

// literal appends text as is (escaped for HTML) without opening anything:
// the content of a <pre> block.
func (w *writer) literal(s []byte) {
	if w.html {
		w.buf = appendEscaped(w.buf, s)
	} else {
		w.buf = append(w.buf, s...)
	}
}

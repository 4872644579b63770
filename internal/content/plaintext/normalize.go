package plaintext

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one input line, cleaned, with its 1-based number in the file.
type line struct {
	text string
	num  int
}

// para is a paragraph: a run of non-blank lines.
type para struct {
	lines []string
	line  int    // number of its first line
	text  string // the lines before any list, joined with single spaces
	list  []item // a list the paragraph ends with, if any
	// listLine is the number of the list's first line.
	listLine int
}

// item is one entry of a list written in the plain text.
type item struct {
	marker string // "-" for bullets, else the item's number with "."
	text   string
}

// document is the input cut into a title and paragraphs.
type document struct {
	title     string
	titleLine int
	paras     []para // never empty
}

// allText returns the title and every paragraph, for language detection.
func (d document) allText() string {
	var b strings.Builder
	b.WriteString(d.title)
	for _, p := range d.paras {
		b.WriteByte('\n')
		b.WriteString(p.text)
	}
	return b.String()
}

// normalize drops a BOM, splits on LF, CRLF or CR, and cleans each line:
// control characters removed, tabs made spaces, surrounding white space
// (including no-break spaces) trimmed. Input that is not UTF-8 is an error
// naming the first bad line.
func normalize(text []byte) ([]line, error) {
	if utf16(text) {
		return nil, errors.New("plaintext: the file is UTF-16 text, not UTF-8; convert it first (e.g. iconv -f UTF-16 -t UTF-8, which reads its byte order mark)")
	}
	text = bytes.TrimPrefix(text, []byte("\uFEFF"))
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	raw := strings.Split(s, "\n")
	out := make([]line, 0, len(raw))
	for i, r := range raw {
		if !utf8.ValidString(r) {
			return nil, fmt.Errorf("plaintext: line %d: not UTF-8 text; convert the file first (e.g. iconv -f CP1251 -t UTF-8 for old Russian files)", i+1)
		}
		out = append(out, line{text: cleanLine(r), num: i + 1})
	}
	return out, nil
}

// utf16 reports whether text looks like UTF-16: it opens with a UTF-16
// byte order mark, or NUL bytes are frequent among its first bytes, as
// every other byte of Latin text is in UTF-16.
func utf16(text []byte) bool {
	return bytes.HasPrefix(text, []byte{0xFF, 0xFE}) || bytes.HasPrefix(text, []byte{0xFE, 0xFF}) ||
		bytes.Count(text[:min(len(text), 64)], []byte{0}) >= 4
}

// cleanLine removes control and format characters that carry no text
// (keeping zero-width joiners used in emoji), turns tabs into spaces and
// trims white space at both ends.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\u200d' || r == '\u200c':
			return r
		case r == '\uFEFF' || unicode.IsControl(r):
			return -1
		}
		return r
	}, s))
}

// split finds the title (the first non-blank line) and groups the lines
// after it into paragraphs.
func split(lines []line) (document, error) {
	var d document
	i := 0
	for i < len(lines) && lines[i].text == "" {
		i++
	}
	if i == len(lines) {
		return d, fmt.Errorf("plaintext: %w", ErrEmpty)
	}
	d.title, d.titleLine = lines[i].text, lines[i].num
	var cur *para
	for _, l := range lines[i+1:] {
		if l.text == "" {
			cur = nil
			continue
		}
		if cur == nil || isFooterHeading(l.text) {
			d.paras = append(d.paras, para{line: l.num})
			cur = &d.paras[len(d.paras)-1]
		}
		cur.lines = append(cur.lines, l.text)
	}
	if len(d.paras) == 0 {
		return d, fmt.Errorf("plaintext: line %d: nothing follows the title %q; a release needs a body", d.titleLine, d.title)
	}
	d.paras = unwrapLong(d.paras)
	for k := range d.paras {
		p := &d.paras[k]
		n := listStart(p.lines)
		p.text = strings.Join(p.lines[:n], " ")
		p.list, p.listLine = items(p.lines[n:]), p.line+n
	}
	return d, nil
}

// listMarker matches a bullet or number opening a list line.
var listMarker = regexp.MustCompile(`^(?:([-*•·▪–—])|(\d{1,9})[.)])\s+`)

// markerKind returns "-" for a bullet line, "1" for a numbered one, "" else.
func markerKind(l string) string {
	m := listMarker.FindStringSubmatch(l)
	switch {
	case m == nil:
		return ""
	case m[1] != "":
		return "-"
	}
	return "1"
}

// listStart returns the index of the line where a list begins: the first
// bullet or numbered line, if at least two lines carry the same kind of
// marker; else len(lines). One dash line is not a list: it is often an
// attribution ("- said the Minister") wrapped onto its own line.
func listStart(lines []string) int {
	count := map[string]int{}
	for _, l := range lines {
		count[markerKind(l)]++
	}
	for i, l := range lines {
		if k := markerKind(l); k != "" && count[k] >= 2 {
			return i
		}
	}
	return len(lines)
}

// items parses list lines; a line without a marker continues the item
// before it.
func items(lines []string) []item {
	var out []item
	for _, l := range lines {
		m := listMarker.FindStringSubmatch(l)
		if m == nil {
			out[len(out)-1].text += " " + l
			continue
		}
		marker := "-"
		if m[2] != "" {
			marker = m[2] + "."
		}
		out = append(out, item{marker: marker, text: l[len(m[0]):]})
	}
	return out
}

// longLine is the length, in characters, above which a line is taken for a
// whole paragraph: hard-wrapped text has shorter lines, while files saved
// from a word processor hold one paragraph per line, often without blank
// lines between them.
const longLine = 120

// unwrapLong splits each paragraph that has a long line into one paragraph
// per line, keeping consecutive lines with the same kind of list marker
// together.
func unwrapLong(paras []para) []para {
	out := make([]para, 0, len(paras))
	for _, p := range paras {
		if len(p.lines) < 2 || !hasLongLine(p.lines, longLine) {
			out = append(out, p)
			continue
		}
		prevKind := ""
		for i, l := range p.lines {
			k := markerKind(l)
			if k != "" && k == prevKind {
				last := &out[len(out)-1]
				last.lines = append(last.lines, l)
				continue
			}
			out = append(out, para{lines: []string{l}, line: p.line + i})
			prevKind = k
		}
	}
	return out
}

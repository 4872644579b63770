package plaintext

import (
	"bytes"
	"fmt"
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
	text  string // lines joined with single spaces
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
		if cur == nil {
			d.paras = append(d.paras, para{line: l.num})
			cur = &d.paras[len(d.paras)-1]
		}
		cur.lines = append(cur.lines, l.text)
	}
	if len(d.paras) == 0 {
		return d, fmt.Errorf("plaintext: line %d: nothing follows the title %q; a release needs a body", d.titleLine, d.title)
	}
	for k := range d.paras {
		d.paras[k].text = strings.Join(d.paras[k].lines, " ")
	}
	return d, nil
}

package content

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest release file accepted, in bytes (1 MiB).
const MaxFileSize = 1 << 20

var bom = []byte("\xef\xbb\xbf")

// Front matter formats.
const (
	formatYAML = "YAML"
	formatTOML = "TOML"
)

// frame is a file cut into front matter and body.
type frame struct {
	format    string // formatYAML or formatTOML
	delim     string // "---" or "+++"
	fm        []byte // the front matter, LF line endings
	fmLine    int    // file line of the first front matter line
	closeLine int    // file line of the closing delimiter
	body      []byte // everything after the closing delimiter
	bodyLine  int    // file line where body starts
}

// normalize strips a UTF-8 BOM and turns CRLF into LF.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, bom)
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return data
}

// firstInvalidUTF8 returns the position of the first byte that is not part
// of valid UTF-8, and whether there is one. scanText tells faster whether
// there is one.
func firstInvalidUTF8(data []byte) (pos, bool) {
	if utf8.Valid(data) {
		return pos{}, false
	}
	p := pos{line: 1, col: 1}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return p, true
		}
		if r == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
		i += size
	}
	return p, true
}

// isBadControl reports whether r is a C0 control character other than
// tab and the line breaks: invisible in editors, and never publishable.
func isBadControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r'
}

// controlAt returns the position of the control character at index i of
// valid UTF-8 data.
func controlAt(data []byte, i int) pos {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return pos{line: 1 + bytes.Count(data[:start], []byte("\n")), col: utf8.RuneCount(data[start:i]) + 1}
}

// nextLine returns the line of data starting at off (without its newline)
// and the offset of the following line.
func nextLine(data []byte, off int) ([]byte, int) {
	i := bytes.IndexByte(data[off:], '\n')
	if i < 0 {
		return data[off:], len(data)
	}
	return data[off : off+i], off + i + 1
}

// isDelim reports whether line is the delimiter d, allowing trailing blanks.
func isDelim(line []byte, d string) bool {
	return string(bytes.TrimRight(line, " \t")) == d
}

// split cuts normalised data into front matter and body. It reports a
// missing or unterminated front matter to ps and returns false.
func split(data []byte, ps *problems) (frame, bool) {
	if len(bytes.TrimSpace(data)) == 0 {
		ps.errorf(pos{1, 1}, "file is empty: write a front matter block between two '---' lines (title, date, ...) and the release text below it")
		return frame{}, false
	}
	first, off := nextLine(data, 0)
	var f frame
	switch {
	case isDelim(first, "---"):
		f.format, f.delim = formatYAML, "---"
	case isDelim(first, "+++"):
		f.format, f.delim = formatTOML, "+++"
	default:
		noFrontMatter(data, ps)
		return frame{}, false
	}
	f.fmLine = 2
	start, line := off, 2
	for off < len(data) {
		l, next := nextLine(data, off)
		if isDelim(l, f.delim) {
			f.fm = data[start:off]
			f.closeLine = line
			f.body, f.bodyLine = data[next:], line+1
			return f, true
		}
		off = next
		line++
	}
	ps.errorf(pos{1, 1}, "front matter opened with '%s' on line 1 is never closed: add a line '%s' after the last key", f.delim, f.delim)
	return frame{}, false
}

// noFrontMatter reports data without a front matter on line 1: when
// blank lines come before a '---' or '+++' line, that they must go.
func noFrontMatter(data []byte, ps *problems) {
	off, line := 0, 1
	for off < len(data) {
		l, next := nextLine(data, off)
		if len(bytes.TrimSpace(l)) != 0 {
			break
		}
		off, line = next, line+1
	}
	if l, _ := nextLine(data, off); line > 1 && (isDelim(l, "---") || isDelim(l, "+++")) {
		blank := "line 1 is blank"
		if line > 2 {
			blank = fmt.Sprintf("lines 1–%d are blank", line-1)
		}
		ps.errorf(pos{1, 1}, "no front matter on line 1: %s, and the front matter must start on the very first line; delete the blank lines so that '%s' (now on line %d) is line 1", blank, strings.TrimSpace(string(l)), line)
		return
	}
	ps.errorf(pos{1, 1}, "no front matter: start the file with a line '---', then the keys (title: ..., date: ...), then a closing '---' line")
}

// utf16BOM reports whether data starts with a UTF-16 byte order mark.
func utf16BOM(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff})
}

// trimBody drops the blank lines before the text (advancing the start
// line) and the white space after it; a non-empty body ends in one newline.
func trimBody(body []byte, line int) (string, int) {
	off := 0
	for off < len(body) {
		l, next := nextLine(body, off)
		if len(bytes.TrimSpace(l)) != 0 {
			break
		}
		off = next
		line++
	}
	b := bytes.TrimRight(body[off:], " \t\n")
	if len(b) == 0 {
		return "", line
	}
	var s strings.Builder // one copy, with room for the newline
	s.Grow(len(b) + 1)
	s.Write(b)
	s.WriteByte('\n')
	return s.String(), line
}

package content

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// decodeYAML parses YAML front matter into fields. A syntax error is
// reported at its line in the file and makes it return false. Front matter
// in the common flat form is read by fastYAML; the rest by yaml.v3.
func decodeYAML(fr *frame, ps *problems) ([]field, bool) {
	if fields, ok := fastYAML(fr); ok {
		return fields, true
	}
	return decodeYAMLv3(fr, ps)
}

// decodeYAMLv3 is decodeYAML with yaml.v3 for any front matter.
func decodeYAMLv3(fr *frame, ps *problems) ([]field, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fr.fm, &doc); err != nil {
		line, msg := yamlErrorLine(err.Error())
		at := fmErrorPos(fr, line)
		text := lineAt(fr.fm, at.line-fr.fmLine+1)
		switch {
		case strings.HasPrefix(msg, "mapping values are not allowed"):
			at.col = secondColon(text, at.col)
		case strings.HasPrefix(msg, "found unexpected end of stream"):
			// yaml.v3 names the line the open quote started on, except
			// when that is the first line: then it names the last.
			if l, c := openQuote(fr.fm); l > 0 {
				at = pos{line: fr.fmLine - 1 + l, col: c}
			}
		case strings.HasPrefix(msg, "found character that cannot start any token"),
			strings.HasPrefix(msg, "found a tab character"):
			if i := bytes.IndexByte(text[:at.col-1], '\t'); i >= 0 {
				at.col = i + 1 // indentation is ASCII: byte index is the column
			} else if l, c := tabIndent(fr.fm, at.line-fr.fmLine+1); l > 0 {
				// yaml.v3 may name the line before the tab's.
				at = pos{line: fr.fmLine - 1 + l, col: c}
			}
		}
		hint := yamlHint(msg)
		if typographicQuotes(text) {
			hint = "this value is in typographic quotes (“…”, «…»), which YAML takes as ordinary text: put it in straight double quotes instead, e.g. title: \"Minister: the plan works\""
		}
		ps.errorf(at, "YAML syntax error: %s: %s", msg, hint)
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, true // empty front matter: required keys are reported later
	}
	root := deref(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, true
	}
	if root.Kind != yaml.MappingNode {
		ps.errorf(yamlPos(fr, root), "front matter must be 'key: value' lines, found %s: write one key per line, such as 'title: ...'", yamlKind(root))
		return nil, false
	}
	fields := make([]field, 0, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		// Positions are where a value is written: for an alias (*name),
		// the alias, not the anchor it refers to.
		k, written := root.Content[i], root.Content[i+1]
		v := deref(written)
		f := field{key: k.Value, keyAt: yamlPos(fr, k), valAt: yamlPos(fr, written)}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				f.kind = kindNull
				f.valAt = f.keyAt
			} else {
				f.kind, f.text, f.isBool = kindScalar, v.Value, v.Tag == "!!bool"
			}
		case yaml.SequenceNode:
			f.kind = kindList
			f.list = make([]item, 0, len(v.Content))
			for _, c := range v.Content {
				at := yamlPos(fr, c)
				if written != v {
					at = f.valAt // the list itself is an alias
				}
				c = deref(c)
				ok := c.Kind == yaml.ScalarNode && c.Tag != "!!null"
				f.list = append(f.list, item{text: c.Value, at: at, ok: ok})
			}
		default:
			f.kind = kindOther
		}
		fields = append(fields, f)
	}
	return fields, true
}

// tabIndent returns the line (1-based, from line from on) and column of
// the first tab in the indentation of a line of fm, or 0, 0.
func tabIndent(fm []byte, from int) (line, col int) {
	n := 0
	for off := 0; off < len(fm); {
		l, next := nextLine(fm, off)
		n++
		if n >= from {
			indent := len(l) - len(bytes.TrimLeft(l, " \t"))
			if i := bytes.IndexByte(l[:indent], '\t'); i >= 0 {
				return n, i + 1
			}
		}
		off = next
	}
	return 0, 0
}

// typographicQuotes reports whether the value of a "key: value" line
// opens with a typographic quote mark, which an editor takes for quoting.
func typographicQuotes(line []byte) bool {
	_, v, ok := bytes.Cut(line, []byte(":"))
	v = bytes.TrimSpace(v)
	for _, q := range []string{"“", "”", "„", "«", "‘", "’"} {
		if ok && bytes.HasPrefix(v, []byte(q)) {
			return true
		}
	}
	return false
}

// yamlHint says what to do about a yaml.v3 syntax error message.
func yamlHint(msg string) string {
	switch {
	case strings.HasPrefix(msg, "found unexpected end of stream"):
		return "a quoted value that starts on this line is never closed: end it with the same quote mark (\" or ')"
	case strings.HasPrefix(msg, "did not find expected ',' or ']'"):
		return "a list opened with '[' is not closed: end it with ']' on the same line and separate its entries with ','"
	case strings.HasPrefix(msg, "did not find expected ',' or '}'"):
		return "a value opened with '{' is not closed; front matter values are text or lists: write key: \"...\" or key: [\"a\", \"b\"]"
	case strings.HasPrefix(msg, "exceeded max depth"):
		return "values are nested far too deeply; front matter values are text or lists: write key: \"...\" or key: [\"a\", \"b\"]"
	case strings.HasPrefix(msg, "found a tab character"):
		return "indent with spaces, not tabs"
	case strings.HasPrefix(msg, "found character that cannot start any token"):
		return "indent with spaces, not tabs, and put a value that starts with @ or ` in double quotes"
	}
	return "fix this line (put text containing ': ', '#' or a leading special character in double quotes, indent with spaces only)"
}

// openQuote returns the line and column (1-based) of the quote mark that
// opens a quoted YAML value still open at the end of fm, or 0, 0 if every
// quoted value is closed. A quote mark opens a value where a token can
// start: at the start of a line, or after a space, '[', '{' or ','. Quoted
// values may span lines; '#' after a space starts a comment.
func openQuote(fm []byte) (line, col int) {
	var q byte // the open quote mark, or 0
	n := 0
	for off := 0; off < len(fm); {
		l, next := nextLine(fm, off)
		n++
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case q == '"' && c == '\\':
				i++
			case q == '\'' && c == '\'' && i+1 < len(l) && l[i+1] == '\'':
				i++
			case q != 0 && c == q:
				q = 0
			case q != 0:
			case c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
				i = len(l)
			case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,", l[i-1]) >= 0):
				q, line, col = c, n, utf8.RuneCount(l[:i])+1
			}
		}
		off = next
	}
	if q == 0 {
		return 0, 0
	}
	return line, col
}

// deref follows YAML aliases (one level at a time, bounded).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

// yamlPos returns the file position of a node.
func yamlPos(fr *frame, n *yaml.Node) pos {
	return pos{line: fr.fmLine - 1 + n.Line, col: n.Column}
}

// yamlKind names a node's kind for messages.
func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "something else"
}

// yamlErrorLine extracts the line number (relative to the front matter, 0
// if absent) and the message from a yaml.v3 error. yaml.v3 reports parser
// errors ("did not find expected ...") one line early: correct for that.
func yamlErrorLine(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(s, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, s = n, rest[i+2:]
			}
		}
	}
	if line > 0 && strings.HasPrefix(s, "did not find expected") {
		line++
	}
	return line, s
}

// fmErrorPos maps a front matter line (1-based, 0 if unknown) to a file
// position within the front matter: the first non-blank character of that
// line.
func fmErrorPos(fr *frame, line int) pos {
	nLines := bytes.Count(fr.fm, []byte("\n"))
	if line < 1 {
		line = 1
	}
	if line > nLines && nLines > 0 {
		line = nLines
	}
	return pos{line: fr.fmLine - 1 + line, col: firstNonBlankCol(lineAt(fr.fm, line))}
}

// secondColon returns the column of the ": " that made "mapping values
// are not allowed": on a key line, the one after the key's own colon (an
// unquoted value containing ": "); on an indented line, which continues the
// previous value, the first one. It returns col when there is none.
func secondColon(line []byte, col int) int {
	first := bytes.Index(line, []byte(": "))
	if first < 0 {
		return col
	}
	if line[0] == ' ' || line[0] == '\t' {
		return utf8.RuneCount(line[:first]) + 1
	}
	second := bytes.Index(line[first+2:], []byte(": "))
	if second < 0 && bytes.HasSuffix(line, []byte(":")) && len(line) > first+2 {
		second = len(line) - 1 - (first + 2)
	}
	if second < 0 {
		return col
	}
	return utf8.RuneCount(line[:first+2+second]) + 1
}

// lineAt returns the n-th (1-based) line of data, without its newline.
func lineAt(data []byte, n int) []byte {
	off := 0
	for i := 1; i < n && off < len(data); i++ {
		_, off = nextLine(data, off)
	}
	if off >= len(data) {
		return nil
	}
	l, _ := nextLine(data, off)
	return l
}

// firstNonBlankCol returns the 1-based column of the first character of
// line that is not a space or tab (1 for a blank line).
func firstNonBlankCol(line []byte) int {
	trimmed := bytes.TrimLeft(line, " \t")
	if len(trimmed) == 0 {
		return 1
	}
	return utf8.RuneCount(line[:len(line)-len(trimmed)]) + 1
}

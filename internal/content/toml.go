package content

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// decodeTOML parses TOML front matter into fields. A syntax error is
// reported at its line and column in the file and makes it return false.
func decodeTOML(fr *frame, ps *problems) ([]field, bool) {
	var m map[string]any
	md, err := toml.Decode(string(fr.fm), &m)
	if err != nil {
		var pe toml.ParseError
		if !errors.As(err, &pe) {
			ps.errorf(pos{fr.fmLine, 1}, "TOML error: %v: fix the front matter", err)
			return nil, false
		}
		line := max(pe.Position.Line, 1)
		l := lineAt(fr.fm, line)
		col := pe.Position.Col
		if col >= 1 && col-1 <= len(l) {
			col = utf8.RuneCount(l[:col-1]) + 1
		} else {
			col = firstNonBlankCol(l)
		}
		ps.errorf(pos{fr.fmLine - 1 + line, col}, "TOML syntax error: %s: %s", strings.TrimSuffix(pe.Message, "."), tomlHint(pe.Message))
		return nil, false
	}
	locs := tomlKeyPositions(fr.fm)
	var fields []field
	for _, k := range md.Keys() {
		if len(k) != 1 {
			continue
		}
		name := k[0]
		loc, found := locs[name]
		if !found {
			loc = tomlLoc{line: 1, keyCol: 1, valCol: 1}
		}
		at := pos{fr.fmLine - 1 + loc.line, loc.keyCol}
		f := field{key: name, keyAt: at, valAt: pos{at.line, loc.valCol}}
		tomlValue(&f, m[name], fr, loc)
		fields = append(fields, f)
	}
	return fields, true
}

// tomlHint says what to do about a TOML parse error message.
func tomlHint(msg string) string {
	if strings.HasSuffix(msg, "has already been defined.") {
		return "keep only one of them"
	}
	return "fix this line (text values go in double quotes: title = \"...\")"
}

// tomlValue fills f from a decoded TOML value.
func tomlValue(f *field, v any, fr *frame, loc tomlLoc) {
	switch v := v.(type) {
	case time.Time:
		f.kind, f.when = kindTime, v
		f.local = strings.HasSuffix(v.Location().String(), "-local")
	case []any:
		f.kind = kindList
		c := cursor{fr: fr, at: pos{fr.fmLine, 1}}
		off := loc.valOff
		for _, e := range v {
			text, ok := tomlScalar(e)
			it := item{text: text, at: f.valAt, ok: ok}
			if ok && text != "" {
				if i := bytes.Index(fr.fm[off:], []byte(text)); i >= 0 {
					it.at = c.pos(off + i)
					off += i + len(text)
				}
			}
			f.list = append(f.list, it)
		}
	default:
		text, ok := tomlScalar(v)
		if !ok {
			f.kind = kindOther
			return
		}
		_, f.isBool = v.(bool)
		f.kind, f.text = kindScalar, text
	}
}

// tomlScalar formats a TOML scalar as text; ok is false for tables and arrays.
func tomlScalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case time.Time:
		return v.Format(time.RFC3339Nano), true
	}
	return "", false
}

// tomlLoc is where a top-level TOML key is written.
type tomlLoc struct {
	line, keyCol, valCol int // front matter line, 1-based columns
	valOff               int // byte offset of the value in the front matter
}

// tomlKeyPositions finds the line and columns of each top-level key in TOML
// front matter (the TOML library does not export them). Keys after the
// first [table] header belong to tables, except the header's own name.
func tomlKeyPositions(fm []byte) map[string]tomlLoc {
	locs := map[string]tomlLoc{}
	inTable := false
	for off, line := 0, 1; off < len(fm); line++ {
		l, next := nextLine(fm, off)
		trimmed := bytes.TrimLeft(l, " \t")
		indent := len(l) - len(trimmed)
		keyCol := utf8.RuneCount(l[:indent]) + 1
		if len(trimmed) > 0 && trimmed[0] == '[' {
			inTable = true
			name := strings.Trim(string(trimmed), "[] \t")
			name, _, _ = strings.Cut(name, ".")
			if _, seen := locs[name]; !seen {
				locs[name] = tomlLoc{line: line, keyCol: keyCol, valCol: keyCol, valOff: off + indent}
			}
		} else if key, rest, ok := tomlKey(trimmed); ok && !inTable {
			if _, seen := locs[key]; !seen {
				val := bytes.TrimLeft(rest, " \t")
				valIdx := len(l) - len(val)
				locs[key] = tomlLoc{line: line, keyCol: keyCol, valCol: utf8.RuneCount(l[:valIdx]) + 1, valOff: off + valIdx}
			}
		}
		off = next
	}
	return locs
}

// tomlKey reads a bare or quoted key (the first part of a dotted key) and
// the '=' after it; rest is what follows '='.
func tomlKey(s []byte) (key string, rest []byte, ok bool) {
	if len(s) == 0 {
		return "", nil, false
	}
	var i int
	if q := s[0]; q == '"' || q == '\'' {
		j := bytes.IndexByte(s[1:], q)
		if j < 0 {
			return "", nil, false
		}
		key, i = string(s[1:1+j]), j+2
	} else {
		for i < len(s) && isBareKeyByte(s[i]) {
			i++
		}
		key = string(s[:i])
	}
	if key == "" && s[0] != '"' && s[0] != '\'' {
		return "", nil, false
	}
	eq := bytes.IndexByte(s[i:], '=')
	if eq < 0 {
		return "", nil, false
	}
	return key, s[i+eq+1:], true
}

// isBareKeyByte reports whether b may appear in a bare TOML key.
func isBareKeyByte(b byte) bool {
	return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// cursor converts increasing byte offsets in the front matter to file
// positions, scanning each byte once.
type cursor struct {
	fr  *frame
	off int // offset of at
	at  pos
}

// pos returns the file position of offset off (not before the last one).
func (c *cursor) pos(off int) pos {
	fm := c.fr.fm
	newLine := false
	for i := bytes.IndexByte(fm[c.off:off], '\n'); i >= 0; i = bytes.IndexByte(fm[c.off:off], '\n') {
		c.off += i + 1
		c.at.line++
		newLine = true
	}
	if newLine {
		c.at.col = 1
	}
	c.at.col += utf8.RuneCount(fm[c.off:off])
	c.off = off
	return c.at
}

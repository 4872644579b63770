package content

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// maxFastKey is the longest key the fast YAML path reads.
const maxFastKey = 128

// fastYAML decodes front matter written in the flat subset of YAML that
// release files use: top-level 'key: value' lines at column 1 whose values
// are plain, "double-quoted" or 'single-quoted' scalars on one line, flow
// lists on one line ([a, "b"]) or block lists of such scalars (- item),
// with comments and blank lines. It yields exactly the fields decodeYAML
// yields from yaml.v3. It returns false for anything else (anchors,
// aliases, tags, multi-line scalars, nested values, tabs, duplicate keys,
// unusual escapes or characters, syntax errors), and decodeYAML then
// parses the front matter with yaml.v3, whose messages stay the same.
func fastYAML(fr *frame) ([]field, bool) {
	if !fastYAMLChars(fr.fm) {
		return nil, false
	}
	fm := string(fr.fm) // one copy: every key and value is a substring
	st := fastState{fields: make([]field, 0, 12), open: -1}
	line := fr.fmLine
	for off := 0; off < len(fm); line++ {
		l := fm[off:]
		if i := strings.IndexByte(l, '\n'); i >= 0 {
			l, off = l[:i], off+i+1
		} else {
			off = len(fm)
		}
		n := 0
		for n < len(l) && l[n] == ' ' {
			n++
		}
		rest := l[n:]
		ok := true
		switch {
		case rest == "" || rest[0] == '#':
			// blank or comment line
		case rest[0] == '-' && (len(rest) == 1 || rest[1] == ' '):
			ok = st.listItem(l, n, line)
		case n > 0:
			ok = false // a continuation, a nested value or odd indentation
		default:
			ok = st.keyLine(l, line)
		}
		if !ok {
			return nil, false
		}
	}
	if len(st.fields) == 0 {
		return nil, false
	}
	return st.fields, true
}

// fastState is what fastYAML has read so far.
type fastState struct {
	fields     []field
	open       int // index of the field whose block list may continue, or -1
	listIndent int // indentation of that list's "- " lines
}

// listItem reads line l, a "- item" line indented by n, into the open
// field's block list.
func (st *fastState) listItem(l string, n, line int) bool {
	if st.open < 0 {
		return false
	}
	f := &st.fields[st.open]
	if f.kind == kindNull {
		f.kind, f.valAt, st.listIndent = kindList, pos{line, n + 1}, n
	} else if n != st.listIndent {
		return false
	}
	i := n + 1
	for i < len(l) && l[i] == ' ' {
		i++
	}
	if i == len(l) || l[i] == '#' {
		return false // an empty item: its position is yaml.v3's to say
	}
	text, end, plain, ok := fastScalar(l, i, false)
	if !ok || !fastTrailer(l, end) {
		return false
	}
	f.list = append(f.list, item{text: text, at: pos{line, fastCol(l, i)}, ok: !(plain && isYAMLNull(text))})
	return true
}

// keyLine reads line l, a "key: value" line at column 1, into a new field.
func (st *fastState) keyLine(l string, line int) bool {
	st.open = -1
	k := fastKey(l)
	if k == 0 || k == len(l) || l[k] != ':' || (k+1 < len(l) && l[k+1] != ' ') {
		return false
	}
	key := l[:k]
	for i := range st.fields {
		if st.fields[i].key == key {
			return false
		}
	}
	f := field{key: key, keyAt: pos{line, 1}}
	i := k + 1
	for i < len(l) && l[i] == ' ' {
		i++
	}
	switch {
	case i == len(l) || l[i] == '#':
		f.kind, f.valAt = kindNull, f.keyAt
		st.open = len(st.fields)
	case l[i] == '[':
		list, ok := fastFlowList(l, i, line)
		if !ok {
			return false
		}
		f.kind, f.valAt, f.list = kindList, pos{line, fastCol(l, i)}, list
	default:
		text, end, plain, ok := fastScalar(l, i, false)
		if !ok || !fastTrailer(l, end) {
			return false
		}
		if plain && isYAMLNull(text) {
			f.kind, f.valAt = kindNull, f.keyAt
		} else {
			f.kind, f.text, f.valAt = kindScalar, text, pos{line, fastCol(l, i)}
			f.isBool = plain && isYAMLBool(text)
		}
	}
	st.fields = append(st.fields, f)
	return true
}

// fastYAMLChars reports whether fm, which is valid UTF-8 without bad
// control characters (parse checks both first), holds only characters the
// fast path reads like yaml.v3: no tab, CR or DEL, and no non-ASCII
// character that YAML treats as a line break (U+0085, U+2028, U+2029), a
// byte order mark (U+FEFF) or a control or non-character (U+0080 to
// U+009F, U+FFFE, U+FFFF).
func fastYAMLChars(fm []byte) bool {
	i := 0
	for ; i+8 <= len(fm); i += 8 {
		if !plainYAMLWord(binary.LittleEndian.Uint64(fm[i:])) && !fastYAMLBytes(fm, i, i+8) {
			return false
		}
	}
	return fastYAMLBytes(fm, i, len(fm))
}

// plainYAMLWord reports whether the eight bytes of word w are all ones
// that fastYAMLBytes passes without looking at the bytes after them:
// printable ASCII, line breaks, and non-ASCII bytes other than C2, E2 and
// EF, the leads of the characters it rejects.
func plainYAMLWord(w uint64) bool {
	// The high bit of each byte of below is set when it is under 0x20.
	below := ^((w&(0x7f*wordOnes) + 0x60*wordOnes) | w) & wordHighs
	bad := below&^byteIs(w, '\n') | byteIs(w, 0x7f) | byteIs(w, 0xc2) | byteIs(w, 0xe2) | byteIs(w, 0xef)
	return bad == 0
}

// fastYAMLBytes is fastYAMLChars for the bytes of fm from index i to end,
// byte by byte (looking at the bytes after a lead, which may be past end).
func fastYAMLBytes(fm []byte, i, end int) bool {
	for ; i < end; i++ {
		c := fm[i]
		switch {
		case c >= 0x20 && c < 0x7f, c == '\n', c >= 0x80 && c < 0xc2:
			// ASCII text, a line break, or a continuation byte.
		case c < 0x80:
			return false // a control character or DEL
		case c == 0xc2:
			if i+1 < len(fm) && fm[i+1] < 0xa0 {
				return false // U+0080 to U+009F
			}
		case c == 0xe2:
			if i+2 < len(fm) && fm[i+1] == 0x80 && (fm[i+2] == 0xa8 || fm[i+2] == 0xa9) {
				return false // U+2028, U+2029
			}
		case c == 0xef:
			if i+2 < len(fm) && (fm[i+1] == 0xbb && fm[i+2] == 0xbf || fm[i+1] == 0xbf && fm[i+2] >= 0xbe) {
				return false // U+FEFF, U+FFFE, U+FFFF
			}
		}
	}
	return true
}

// fastKey returns the length of the plain key that starts line: a letter
// or '_', then letters, digits, '_' and '-'; 0 when there is none.
func fastKey(l string) int {
	i := 0
	for i < len(l) && i <= maxFastKey {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return i
		}
		i++
	}
	if i > maxFastKey {
		return 0
	}
	return i
}

// fastScalar reads the scalar that starts at l[i]: its value, the index
// after it, and whether it is plain. In a flow list, a plain scalar ends
// at ',' or ']'. It returns false for anything it does not read exactly
// as yaml.v3 does.
func fastScalar(l string, i int, flow bool) (string, int, bool, bool) {
	switch l[i] {
	case '"':
		return fastDoubleQuoted(l, i)
	case '\'':
		return fastSingleQuoted(l, i)
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '<':
		return "", 0, false, false
	}
	end := len(l)
	for j := i; j < len(l); j++ {
		switch c := l[j]; c {
		case ':':
			if flow || j+1 == len(l) || l[j+1] == ' ' {
				return "", 0, false, false
			}
		case '#':
			if l[j-1] == ' ' {
				if flow {
					return "", 0, false, false
				}
				end = j
			}
		case ',', ']':
			if flow {
				end = j
			}
		case '[', '{', '}', '?':
			if flow {
				return "", 0, false, false
			}
		}
		if end != len(l) {
			break
		}
	}
	v := strings.TrimRight(l[i:end], " ")
	if v == "" {
		return "", 0, false, false
	}
	return v, i + len(v), true, true
}

// fastDoubleQuoted reads a "double-quoted" scalar on one line, with the
// escapes \" \\ \n and \t.
func fastDoubleQuoted(l string, i int) (string, int, bool, bool) {
	j := i + 1
	for j < len(l) && l[j] != '"' && l[j] != '\\' {
		j++
	}
	if j < len(l) && l[j] == '"' {
		return l[i+1 : j], j + 1, false, true
	}
	var b strings.Builder
	b.WriteString(l[i+1 : j])
	for j < len(l) {
		switch c := l[j]; c {
		case '"':
			return b.String(), j + 1, false, true
		case '\\':
			if j+1 == len(l) {
				return "", 0, false, false
			}
			switch l[j+1] {
			case '"', '\\':
				b.WriteByte(l[j+1])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				return "", 0, false, false
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, false, false // not closed on this line
}

// fastSingleQuoted reads a 'single-quoted' scalar on one line, where two
// single quotes stand for one.
func fastSingleQuoted(l string, i int) (string, int, bool, bool) {
	j, doubled := i+1, false
	for {
		k := strings.IndexByte(l[j:], '\'')
		if k < 0 {
			return "", 0, false, false // not closed on this line
		}
		j += k
		if j+1 < len(l) && l[j+1] == '\'' {
			j, doubled = j+2, true
			continue
		}
		v := l[i+1 : j]
		if doubled {
			v = strings.ReplaceAll(v, "''", "'")
		}
		return v, j + 1, false, true
	}
}

// fastTrailer reports whether l holds nothing after index i but blanks and
// a comment.
func fastTrailer(l string, i int) bool {
	j := i
	for j < len(l) && l[j] == ' ' {
		j++
	}
	return j == len(l) || (l[j] == '#' && j > i)
}

// fastFlowList reads a flow list [a, "b"] that starts at l[i] and ends on
// the same line.
func fastFlowList(l string, i, line int) ([]item, bool) {
	var list []item
	j := i + 1
	for {
		for j < len(l) && l[j] == ' ' {
			j++
		}
		if j == len(l) {
			return nil, false
		}
		if l[j] == ']' && len(list) == 0 {
			break
		}
		text, end, plain, ok := fastScalar(l, j, true)
		if !ok {
			return nil, false
		}
		list = append(list, item{text: text, at: pos{line, fastCol(l, j)}, ok: !(plain && isYAMLNull(text))})
		j = end
		for j < len(l) && l[j] == ' ' {
			j++
		}
		if j == len(l) {
			return nil, false
		}
		if l[j] == ']' {
			break
		}
		if l[j] != ',' {
			return nil, false
		}
		j++
		for j < len(l) && l[j] == ' ' {
			j++
		}
		if j < len(l) && l[j] == ']' {
			return nil, false // a trailing comma
		}
	}
	if !fastTrailer(l, j+1) {
		return nil, false
	}
	if list == nil {
		list = []item{}
	}
	return list, true
}

// fastCol returns the 1-based column (in characters) of l[i].
func fastCol(l string, i int) int {
	return utf8.RuneCountInString(l[:i]) + 1
}

// isYAMLNull reports whether yaml.v3 resolves plain scalar s to !!null.
func isYAMLNull(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// isYAMLBool reports whether yaml.v3 resolves plain scalar s to !!bool.
func isYAMLBool(s string) bool {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return true
	}
	return false
}

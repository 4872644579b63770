package content

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// fastYAMLCases are front matters (without delimiters) for the fast YAML
// path, and whether it must read them itself rather than leave them to
// yaml.v3.
var fastYAMLCases = []struct {
	fm   string
	fast bool
}{
	{"title: Hello\n", true},
	{"title: \"Привет, мир\"\ndate: 2020-02-06T10:00:00+05:00\n", true},
	{"title: 'It''s here'\n", true},
	{"title: \"a \\\"b\\\" c\\\\ d\\n\\t\"\n", true},
	{"title: plain # comment\n# whole line\n\nlang: en\n", true},
	{"tags: [a, \"b c\", 'd', null, ~, true]\n", true},
	{"tags: []\n", true},
	{"tags: [ a ,b ]  # c\n", true},
	{"tags:\n  - a\n  - \"b\"\n  - 'c' # d\n  - null\n", true},
	{"tags:\n- a\n-   b\nlang: en\n", true},
	{"tags: # list\n  # first\n  - a\n\n  - b\n", true},
	{"draft: true\nwithdrawn: False\nx: yes\ny: TRUE\n", true},
	{"a:\nb: null\nc: ~\nd: Null\ne: NULL\nf: \"\"\ng: ''\n", true},
	{"url: http://x.org/a:b\nc: C# and F#\nd: a, b [c] {d}\n", true},
	{"title: Ünïcödé 🇺🇿 ✅\nsummary: «x» — y\n", true},
	{"tags: [\"é\", ü, 'ö']\n", true},
	{"n: 12\nf: 1.5\nt: 2020-02-06\n", true},
	// Left to yaml.v3.
	{"", false},
	{"# only a comment\n", false},
	{"title: a: b\n", false},
	{"title: a:\n", false},
	{"title: a\n  continued\n", false},
	{"title: \"a\n  b\"\n", false},
	{"title: 'a\n", false},
	{"title: \"\\u0041\"\n", false},
	{"title: &a x\nsummary: *a\n", false},
	{"title: !!str 1\n", false},
	{"title: |\n  a\n", false},
	{"title: >\n  a\n", false},
	{"title:\n  sub: x\n", false},
	{"tags: {a: b}\n", false},
	{"tags: [[a]]\n", false},
	{"tags: [a, b,]\n", false},
	{"tags: [a,, b]\n", false},
	{"tags: [a\n", false},
	{"tags: [a: b]\n", false},
	{"tags: [a?]\n", false},
	{"tags:\n  - a\n - b\n", false},
	{"tags:\n  -\n", false},
	{"tags:\n  - - a\n", false},
	{"tags:\n  - a: b\n", false},
	{"title: a\ntitle: b\n", false},
	{"title: a\n- b\n", false},
	{"\ttitle: a\n", false},
	{"title:\ta\n", false},
	{"  title: a\n", false},
	{"title : a\n", false},
	{"title:a\n", false},
	{"\"title\": a\n", false},
	{"<<: a\n", false},
	{"m: <<\n", false},
	{"title: \"\\/\"\n", false},
	{"title: a\r\n", false},
	{"title: a\u2028b\n", false},
	{"title: a\u0085b\n", false},
	{"title: \ufeffa\n", false},
	{"title: a\x7fb\n", false},
	{"title: @a\n", false},
	{"title: `a`\n", false},
	{"title: \"a\" b\n", false},
	{"title: a #b\n", true},
	{"- a\n", false},
	{"a\n", false},
	{"--- a\n", false},
	{"...\n", false},
	{"%YAML 1.2\n", false},
	{"? a\n: b\n", false},
}

// TestFastYAML checks that the fast YAML path reads the cases it must,
// and that whatever it reads yields the same fields as yaml.v3.
func TestFastYAML(t *testing.T) {
	for _, c := range fastYAMLCases {
		if _, fast := checkFastYAML(t, []byte(c.fm)); fast != c.fast {
			t.Errorf("%q: fast path read it: %v, want %v", c.fm, fast, c.fast)
		}
	}
}

// TestFastYAMLFiles checks the fast path on the front matter of every
// release file under testdata and the bad corpus.
func TestFastYAMLFiles(t *testing.T) {
	n := 0
	for _, fm := range fastYAMLSeeds(t) {
		if _, fast := checkFastYAML(t, fm); fast {
			n++
		}
	}
	if n == 0 {
		t.Fatal("the fast path read no testdata front matter")
	}
}

// FuzzFastYAML checks that whenever the fast YAML path reads a front
// matter, its fields deep-equal those decoded by yaml.v3.
func FuzzFastYAML(f *testing.F) {
	for _, c := range fastYAMLCases {
		f.Add([]byte(c.fm))
	}
	for _, fm := range fastYAMLSeeds(f) {
		f.Add(fm)
	}
	f.Fuzz(func(t *testing.T, fm []byte) {
		checkFastYAML(t, fm)
		checkFastYAML(t, genYAML(fm))
	})
}

// yamlPieces are what genYAML builds values from: ordinary text and every
// character that means something in YAML.
var yamlPieces = []string{
	"a", "b c", "Ünï", "🇺🇿", " ", "  ", ":", ": ", " #", "#", "'", "''", "\"", "\\", "\\\"", "\\n", "\\t",
	"\\x", ",", ", ", "[", "]", "{", "}", "-", "- ", "?", "*", "&", "!", "|", ">", "%", "@", "`", "<<", "~",
	"null", "Null", "true", "False", "yes", "on", "1", "0x1", "2020-02-06", ".5", "\t", "\n", "\n ", "\n- ",
	"\u2028", "\u00a0", "\ufeff", "\u0085",
}

// genYAML turns fuzz input into front matter that mostly follows the forms
// the fast path reads, so that the fuzzer reaches them more often than
// with arbitrary bytes: each input byte picks a line shape or a piece.
func genYAML(in []byte) []byte {
	var b []byte
	next := func() int {
		if len(in) == 0 {
			return 0
		}
		c := int(in[0])
		in = in[1:]
		return c
	}
	value := func() {
		for n := next() % 4; n >= 0; n-- {
			b = append(b, yamlPieces[next()%len(yamlPieces)]...)
		}
	}
	keys := []string{"title", "tags", "lang", "a", "b_c", "x-y", "title"}
	for len(in) > 0 {
		shape := next()
		indent := strings.Repeat(" ", next()%3)
		switch shape % 9 {
		case 0, 1:
			b = append(b, keys[next()%len(keys)]+": "...)
			value()
		case 2:
			b = append(b, keys[next()%len(keys)]+": \""...)
			value()
			b = append(b, '"')
		case 3:
			b = append(b, keys[next()%len(keys)]+": '"...)
			value()
			b = append(b, '\'')
		case 4:
			b = append(b, keys[next()%len(keys)]+": ["...)
			for n := next() % 4; n > 0; n-- {
				value()
				b = append(b, ", "...)
			}
			value()
			b = append(b, ']')
		case 5:
			b = append(b, keys[next()%len(keys)]+":"...)
		case 6:
			b = append(b, indent+"- "...)
			value()
		case 7:
			b = append(b, indent+"# "...)
			value()
		default:
			b = append(b, indent...)
			value()
		}
		if next()%5 == 0 {
			value() // something after the value
		}
		b = append(b, '\n')
	}
	return b
}

// checkFastYAML runs both paths on fm and fails when the fast path reads
// it differently from yaml.v3; it returns the fast path's fields and
// whether it read fm.
func checkFastYAML(t testing.TB, fm []byte) ([]field, bool) {
	t.Helper()
	if !utf8.Valid(fm) || firstBadControl(fm) >= 0 {
		return nil, false // parse reports these before it decodes
	}
	fr := frame{format: formatYAML, delim: "---", fm: fm, fmLine: 2}
	fields, fast := fastYAML(&fr)
	if !fast {
		return nil, false
	}
	ps := &problems{path: "f.md"}
	want, ok := decodeYAMLv3(&fr, ps)
	if !ok {
		t.Fatalf("%q: fast path read it, yaml.v3 reports %v", fm, ps.list)
	}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("%q: fast path read\n%+v\nyaml.v3 read\n%+v", fm, fields, want)
	}
	return fields, true
}

// fastYAMLSeeds returns the YAML front matters of the release files under
// testdata and of the bad corpus.
func fastYAMLSeeds(t testing.TB) [][]byte {
	t.Helper()
	var names []string
	for _, pattern := range []string{
		filepath.Join("testdata", "files", "*", "*.md"),
		filepath.Join("..", "..", "testdata", "bad", "*.md"),
		filepath.Join("..", "..", "testdata", "bad", "*", "*.md"),
	} {
		m, _ := filepath.Glob(pattern)
		names = append(names, m...)
	}
	var out [][]byte
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fr, ok := split(normalize(data), &problems{})
		if ok && fr.format == formatYAML && bytes.IndexByte(fr.fm, 0) < 0 {
			out = append(out, fr.fm)
		}
	}
	return out
}

// TestFastYAMLChars compares fastYAMLChars with a rune by rune check for
// every character up to U+10000 and a few above.
func TestFastYAMLChars(t *testing.T) {
	for r := rune(0); r < 0x10100; r++ {
		if r >= 0xd800 && r < 0xe000 {
			continue // not in valid UTF-8
		}
		want := (r >= 0x20 && r < 0x7f) || r == '\n' || (r >= 0xa0 && r != 0x2028 && r != 0x2029 && r != 0xfeff && r != 0xfffe && r != 0xffff)
		if got := fastYAMLChars([]byte("a" + string(r) + "b")); got != want {
			t.Errorf("U+%04X: got %v, want %v", r, got, want)
		}
	}
}

// checkFastYAMLChars fails when fastYAMLChars, which skips words of plain
// bytes, differs from the byte-by-byte check.
func checkFastYAMLChars(t *testing.T, fm []byte) {
	t.Helper()
	if got, want := fastYAMLChars(fm), fastYAMLBytes(fm, 0, len(fm)); got != want {
		t.Fatalf("%q: got %v, byte by byte %v", fm, got, want)
	}
}

// TestFastYAMLCharsWords sets each byte value, and each character the
// fast path rejects, at each offset of front matter lines longer than a
// word.
func TestFastYAMLCharsWords(t *testing.T) {
	base := "title: \"Привет, мир\"\ntags: [a, b]\nsummary: Oʻzbekiston — “bosh”\n"
	for at := range len(base) {
		for c := range 0x100 {
			data := []byte(base)
			data[at] = byte(c)
			checkFastYAMLChars(t, data)
		}
		for _, r := range []string{"\u0085", "\u009f", "\u00a0", "\u2028", "\u2029", "\u2027", "\ufeff", "\ufffe", "\uffff", "\ufffd"} {
			checkFastYAMLChars(t, []byte(base[:at]+r+base[at:]))
		}
	}
}

// FuzzFastYAMLChars compares fastYAMLChars with the byte-by-byte check.
func FuzzFastYAMLChars(f *testing.F) {
	f.Add([]byte("title: \"Привет, мир\"\ntags: [a, b]\n\u2028x: \ufeff\n"))
	f.Fuzz(func(t *testing.T, fm []byte) { checkFastYAMLChars(t, fm) })
}

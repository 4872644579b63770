package content

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the parser: it must never panic,
// every problem must have a position (line and column at least 1) and a
// message, and a release without errors must have a title, a date, a body
// and a hash.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "files", "*", "*.md"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "---", "---\n---\n", "+++\n+++\n", "---\n: :\n---\nx", "---\n&a [*a]\n---\n",
		"---\ntitle: [\n---\n", "+++\n[a\n+++\n", "+++\na = [1, 'x']\nb.c = 1\n+++\nx",
		"\xef\xbb\xbf---\r\ntitle: t\r\ndate: 2020-02-06\r\n---\r\nx\r\n", "---\ntitle: t\ndate: 2020-02-06\n---\n\xff",
		"---\ntitle: t\ndate: 2020-02-06\nchannels: [[x]]\ntags: {a: b}\nimages: []\n---\n[x](y) **",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ps := Parse("f.md", "f", data, Options{})
		for _, p := range ps {
			if p.Line < 1 || p.Col < 1 || p.Message == "" || p.Path != "f.md" {
				t.Fatalf("problem without position or message: %#v", p)
			}
		}
		if HasErrors(ps) {
			return
		}
		if r.Title == "" || r.Date.IsZero() || r.Body == "" || len(r.Hash) != 64 || r.BodyLine < 3 {
			t.Fatalf("release without errors is incomplete: %+v", r)
		}
		if !utf8.ValidString(r.Body) || !utf8.ValidString(r.Summary) {
			t.Fatalf("invalid UTF-8 in a valid release")
		}
	})
}

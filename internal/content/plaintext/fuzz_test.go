package plaintext

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var slugShape = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// FuzzConvert feeds arbitrary bytes to Convert: it never panics; an error
// carries the package prefix; a result has a YAML front matter block that
// reads back its fields, a well-formed slug, and (for text without lists)
// a body that renders to exactly the input's text.
func FuzzConvert(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range files {
		f.Add(readFixture(f, filepath.Base(name)))
	}
	for _, s := range []string{
		"", "Title", "T\n\nx", "\uFEFFT\r\n\r\n6 февраля 2020 г., Ташкент – x",
		"T\n\n**6 May 2020**, <b> – &amp; `x` [a](b) _i_ \\",
		"T\n\n1. a\n2. b", "T\n\nFor more information:\n- a\n* b", "T\n\nhttps://x.org/a_b) mail@x.org.",
		"T\n\nhttps://пример.рф/путь?a=1&b=2&amp;c и x-@-y.com, <https://x.org> a@b.c http://",
		"\"quoted: title\" # not a comment\n\n2020-yil 6-fevral, Toshkent — x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Convert(data, Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "plaintext: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		checkMarkdown(t, res)
		if !slugShape.MatchString(res.Slug) || len(res.Slug) > maxSlugLen {
			t.Errorf("slug %q is malformed", res.Slug)
		}
		for _, n := range res.Inferred {
			if strings.HasPrefix(n, "list:") || strings.HasPrefix(n, "footer:") {
				return // list markers are not text any more
			}
		}
		_, body, _ := splitFrontMatter(string(res.Markdown))
		if got, want := renderedText(t, body), expectedText(t, data); got != want {
			t.Errorf("body renders as\n%q\nwant\n%q\nMarkdown:\n%s", got, want, body)
		}
	})
}

// expectedText returns the text after the title line, cleaned as Convert
// cleans it, without white space.
func expectedText(t *testing.T, data []byte) string {
	lines, err := normalize(data)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	seenTitle := false
	for _, l := range lines {
		if seenTitle {
			b.WriteString(l.text)
		}
		seenTitle = seenTitle || l.text != ""
	}
	return stripSpace(b.String())
}

package fastparser_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/pressbot/pressbot/internal/markdown/fastparser"
)

// flavours are the goldmark set-ups compared: pressbot's (GFM and
// footnotes, with and without the autolinker, whose parser starts at
// every space) and goldmark's defaults.
var flavours = []struct {
	name string
	exts []goldmark.Extender
}{
	{"gfm", []goldmark.Extender{extension.GFM, extension.Footnote}},
	{"no-linkify", []goldmark.Extender{extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote}},
	{"commonmark", nil},
}

// pair returns goldmark with its own parser and with fastparser's.
func pair(exts []goldmark.Extender) (want, got goldmark.Markdown) {
	want = goldmark.New(goldmark.WithExtensions(exts...))
	got = goldmark.New(goldmark.WithParser(fastparser.Default()), goldmark.WithExtensions(exts...))
	return want, got
}

// compare fails unless both parse src into the same tree and HTML.
func compare(t *testing.T, src []byte) {
	t.Helper()
	for _, f := range flavours {
		want, got := pair(f.exts)
		wt, gt := want.Parser().Parse(text.NewReader(src)), got.Parser().Parse(text.NewReader(src))
		if w, g := dump(wt), dump(gt); w != g {
			t.Fatalf("%s: %q: trees differ:\n got %s\nwant %s", f.name, src, g, w)
		}
		var wh, gh bytes.Buffer
		if err := want.Renderer().Render(&wh, src, wt); err != nil {
			t.Fatal(err)
		}
		if err := got.Renderer().Render(&gh, src, gt); err != nil {
			t.Fatal(err)
		}
		if wh.String() != gh.String() {
			t.Fatalf("%s: %q: HTML differs:\n got %q\nwant %q", f.name, src, gh.String(), wh.String())
		}
	}
}

// dump writes n's tree: each node's kind, its lines, and a text node's
// segment and line breaks.
func dump(n ast.Node) string {
	var b strings.Builder
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			b.WriteString(")")
			return ast.WalkContinue, nil
		}
		fmt.Fprintf(&b, "(%s", n.Kind())
		switch t := n.(type) {
		case *ast.Text:
			fmt.Fprintf(&b, " %d-%d soft=%v hard=%v raw=%v", t.Segment.Start, t.Segment.Stop, t.SoftLineBreak(), t.HardLineBreak(), t.IsRaw())
		case *ast.String:
			fmt.Fprintf(&b, " %q", t.Value)
		}
		if n.Type() == ast.TypeBlock {
			for i := range n.Lines().Len() {
				s := n.Lines().At(i)
				fmt.Fprintf(&b, " L%d-%d+%d", s.Start, s.Stop, s.Padding)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TestSameTreeAsGoldmark compares the trees of texts that exercise every
// branch of the inner loop: escapes before stop and plain bytes, line
// heads, trailing spaces and backslashes (hard breaks), '\r', tabs,
// autolinks after spaces, emphasis, links, code and non-ASCII text.
func TestSameTreeAsGoldmark(t *testing.T) {
	for _, src := range []string{
		"",
		"plain text",
		"a\\*b\\\\*c* \\ d\\\n",
		"\\a \\ b\\\\ c\\\t",
		"hard break  \nnext\\\nthird \\\r\nfourth\r\n",
		"tab\there\tand\\\tthere  \t\n",
		"see www.example.org and https://example.org/x?y=1, or mail a@b.org.",
		"*em* _em_ **strong** ~~del~~ `code` [link](http://x.org) ![img](a.png)",
		"<b>raw</b> <http://auto.link> &amp; &#1234;",
		"Ташкент, 6 февраля 2020 г. – **ООН** и Oʻzbekiston ‘…’ www.un.uz",
		"| a | b |\n|---|---|\n| \\| | *c* |\n",
		"- [ ] task\n- [x] done\n\n> quote\\\n> more\n",
		"text[^1]\n\n[^1]: note *here*\n",
		"  indented\n    code\n\n# Head \\#\n\nSetext\n===\n",
		"x\\",
		"\\",
		"a\n\n\n\nb \n c\\ \n",
	} {
		compare(t, []byte(src))
	}
}

// TestSameTreeOnCorpus compares the trees of the bodies under
// PRESSBOT_BENCH_CONTENT (the generated corpus), when set, and of the
// seed and test releases in the repository.
func TestSameTreeOnCorpus(t *testing.T) {
	dirs := []string{"../../../content", "../../render/testdata"}
	if d := os.Getenv("PRESSBOT_BENCH_CONTENT"); d != "" {
		dirs = append(dirs, d)
	}
	n := 0
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || filepath.Ext(p) != ".md" {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, src)
			n++
			return nil
		})
	}
	if n == 0 {
		t.Fatal("no Markdown files found")
	}
}

// FuzzSameTreeAsGoldmark compares the trees of any text.
func FuzzSameTreeAsGoldmark(f *testing.F) {
	for _, s := range []string{"a\\*b* c", "x  \ny\\\nz", "see www.a.org *b*", "Ташкент \\ _x_\r\n", "| a |\n|-|\n| b\\| |"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		compare(t, src)
	})
}

// BenchmarkParse parses the corpus under PRESSBOT_BENCH_CONTENT with
// goldmark's parser and with fastparser's (GFM without the autolinker
// and footnotes, as pressbot's plain parse).
func BenchmarkParse(b *testing.B) {
	d := os.Getenv("PRESSBOT_BENCH_CONTENT")
	if d == "" {
		b.Skip("set PRESSBOT_BENCH_CONTENT to a content folder")
	}
	var srcs [][]byte
	filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && filepath.Ext(p) == ".md" {
			s, _ := os.ReadFile(p)
			srcs = append(srcs, s)
		}
		return nil
	})
	want, got := pair(flavours[1].exts)
	for _, c := range []struct {
		name string
		p    parser.Parser
	}{{"goldmark", want.Parser()}, {"fastparser", got.Parser()}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, s := range srcs {
					c.p.Parse(text.NewReader(s))
				}
			}
		})
	}
}

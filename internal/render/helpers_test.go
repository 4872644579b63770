package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
)

const testBase = "http://127.0.0.1:8080"

// testChannels has every kind, X as a thread, and a second Telegram
// channel to show that channels of one kind share a rendering.
var testChannels = []Channel{
	{Name: "telegram", Kind: release.KindTelegram},
	{Name: "facebook", Kind: release.KindFacebook},
	{Name: "x", Kind: release.KindX, Thread: true},
}

func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New(Config{BaseURL: testBase, Channels: testChannels})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// parseRelease reads a release file the way pressbot does.
func parseRelease(t testing.TB, id string, data []byte) release.Release {
	t.Helper()
	rel, ps := content.Parse(id+".md", id, data, content.Options{})
	for _, p := range ps {
		if p.Severity == content.SeverityError {
			t.Fatalf("%s: %s", id, p.String())
		}
	}
	return rel
}

// testRelease is one release of the golden set.
type testRelease struct {
	name string
	data []byte
}

// testReleases returns the files in testdata/releases and the generated
// edge cases of issue 3.
func testReleases(t testing.TB) []testRelease {
	t.Helper()
	files, err := filepath.Glob("testdata/releases/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []testRelease
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, testRelease{strings.TrimSuffix(filepath.Base(f), ".md"), data})
	}
	return append(out, generatedReleases()...)
}

// frontMatter returns a YAML front matter block.
func frontMatter(title string, extra ...string) string {
	return "---\ntitle: " + fmt.Sprintf("%q", title) + "\ndate: 2024-06-01T10:00:00+05:00\nlocation: \"Tashkent, Uzbekistan\"\nlang: en\ntags: [\"water\", \"climate\"]\n" +
		strings.Join(extra, "\n") + "\n---\n\n"
}

// sentences returns deterministic prose of about n bytes: sentences with
// bold, links and emoji, in paragraphs.
func sentences(n int) string {
	subjects := []string{"The project", "Local authorities", "The joint team", "Partners from civil society"}
	verbs := []string{"will support", "has already helped", "aims to strengthen", "brings together"}
	objects := []string{"rural communities in Khorezm", "**women and young people**", "[water user associations](https://www.undp.org/uzbekistan?a=1&b=2)", "1500 schools 🇺🇿", "local health facilities 👩‍💻"}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s %s %s over the next %d years.", subjects[i%4], verbs[(i/4)%4], objects[i%5], i%7+2)
		switch {
		case i%9 == 8:
			b.WriteString("\n\n")
		case i%37 == 36:
			b.WriteString("\n\n- first point of a list\n- second point with `code & <tags>`\n\n> A quote that closes the section.\n\n## A heading\n\n")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// generatedReleases are the large and extreme releases of issue 3.
func generatedReleases() []testRelease {
	var words []string
	for i := 0; len(strings.Join(words, " ")) < 6000; i++ {
		words = append(words, fmt.Sprintf("word%d,", i))
	}
	para := strings.Join(words, " ")
	var code strings.Builder
	code.WriteString("```js\n")
	for i := 0; code.Len() < 5000; i++ {
		fmt.Fprintf(&code, "if (a%d < b && c > d) { x = \"<tag>&amp;\"; }\n", i)
	}
	code.WriteString("```\n")
	longURL := "https://example.org/path?" + strings.Repeat("q=abcdefghij&", 2000/13)
	title300 := strings.TrimSpace(strings.Repeat("Regional forum discusses climate adaptation in the Aral Sea region ", 5))[:300]
	return []testRelease{
		{"gen-100kb", []byte(frontMatter("A 100 KB release") + sentences(100*1024))},
		{"gen-paragraph-6000", []byte(frontMatter("A 6,000-character paragraph without sentence breaks") + para + "\n")},
		{"gen-nospace-6000", []byte(frontMatter("6,000 characters without a space") + strings.Repeat("ab👩‍💻🇺🇿e\u0301中", 6000/8) + "\n")},
		{"gen-code-5000", []byte(frontMatter("A 5,000-character code block") + "Before the code.\n\n" + code.String() + "\nAfter the code.\n")},
		{"gen-url-2000", []byte(frontMatter("A 2,000-character URL") + "See [the document](" + longURL + ") and " + longURL + " too.\n")},
		{"gen-title-300", []byte(frontMatter(title300) + "Short body.\n")},
		{"gen-image-3000", []byte(frontMatter("An image with a 3,000-character body", "image: /images/2024/forum.jpg", "image_alt: \"Participants of the forum\"") + sentences(3000))},
	}
}

// checkPosts asserts the platform rules on every part of every post.
func checkPosts(t testing.TB, name string, posts []release.Post) {
	t.Helper()
	for _, p := range posts {
		for i, part := range p.Parts {
			where := fmt.Sprintf("%s: %s part %d", name, p.Channel, i+1)
			checkPart(t, where, p.Kind, part)
		}
	}
}

func checkPart(t testing.TB, where, kind string, part release.Part) {
	t.Helper()
	if strings.TrimSpace(part.Text) == "" {
		t.Errorf("%s: empty part", where)
	}
	switch kind {
	case release.KindTelegram:
		if err := ValidateTelegramHTML(part.Text); err != nil {
			t.Errorf("%s: %v\n%s", where, err, part.Text)
		}
		if n := textlen.TelegramLen(part.Text); n != part.Length || n > part.Limit {
			t.Errorf("%s: TelegramLen %d, Length %d, Limit %d", where, n, part.Length, part.Limit)
		}
		if part.Limit != TelegramTextLimit && part.Limit != TelegramCaptionLimit {
			t.Errorf("%s: limit %d", where, part.Limit)
		}
	case release.KindX:
		if n := textlen.XWeight(part.Text); n != part.Length || n > XLimit {
			t.Errorf("%s: XWeight %d, Length %d", where, n, part.Length)
		}
	case release.KindFacebook:
		if n := len([]rune(part.Text)); n != part.Length || n > FacebookLimit {
			t.Errorf("%s: runes %d, Length %d", where, n, part.Length)
		}
	}
}

// bodyWords returns the words of the release body's text as the AST holds
// it (raw HTML excluded), the reference for "nothing lost or reordered".
func bodyWords(r *Renderer, rel release.Release) []string {
	d := r.newDoc(rel)
	var b []byte
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if isCode(n) {
				b = append(b, n.Segment.Value(d.src)...)
			} else {
				b = appendResolved(b, n.Segment.Value(d.src), false)
			}
			b = append(b, ' ')
		case *ast.String:
			b = appendResolved(b, n.Value, false)
		case *ast.AutoLink:
			b = append(b, n.Label(d.src)...)
			b = append(b, ' ')
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b = append(b, seg.Value(d.src)...)
			}
			b = append(b, ' ')
			return ast.WalkSkipChildren, nil
		case *east.Table:
			// Table cells are in the Telegram <pre> as plain text.
		}
		return ast.WalkContinue, nil
	})
	return strings.Fields(strings.ReplaceAll(string(b), "\x00", "\uFFFD"))
}

// isCode reports whether a text node is inside a code span.
func isCode(n ast.Node) bool {
	p := n.Parent()
	return p != nil && p.Kind() == ast.KindCodeSpan
}

// telegramStream returns the text of the Telegram parts without tags,
// entities decoded and whitespace removed.
func telegramStream(parts []release.Part) string {
	var b strings.Builder
	for _, p := range parts {
		s := p.Text
		for i := 0; i < len(s); {
			switch s[i] {
			case '<':
				end := strings.IndexByte(s[i:], '>')
				if end < 0 {
					end = len(s) - i - 1
				}
				i += end + 1
				continue
			case '&':
				if r, n := entityRune(s[i:]); n > 0 {
					b.WriteRune(r)
					i += n
					continue
				}
			}
			b.WriteByte(s[i])
			i++
		}
	}
	return strings.Join(strings.Fields(b.String()), "")
}

// checkGraphemes asserts that no split between two Telegram parts falls
// inside a grapheme cluster (an emoji sequence, a flag, a letter with its
// combining marks).
func checkGraphemes(t testing.TB, name string, parts []release.Part) {
	t.Helper()
	for i := 1; i < len(parts); i++ {
		a := []rune(telegramStream(parts[i-1 : i]))
		b := []rune(telegramStream(parts[i : i+1]))
		if len(a) == 0 || len(b) == 0 {
			continue
		}
		last, first := string(a[max(0, len(a)-12):]), string(b[:min(len(b), 12)])
		if uniseg.GraphemeClusterCount(last)+uniseg.GraphemeClusterCount(first) != uniseg.GraphemeClusterCount(last+first) {
			t.Errorf("%s: parts %d and %d split a grapheme cluster: %q | %q", name, i, i+1, last, first)
		}
	}
}

// checkWordsInOrder asserts that every word of the body appears, in order,
// across the Telegram parts.
func checkWordsInOrder(t testing.TB, name string, words []string, parts []release.Part) {
	t.Helper()
	stream := telegramStream(parts)
	at := 0
	for i, w := range words {
		k := strings.Index(stream[at:], w)
		if k < 0 {
			ctx := stream[at:min(len(stream), at+80)]
			t.Fatalf("%s: body word %d %q missing or out of order; output continues %q", name, i, w, ctx)
		}
		at += k + len(w)
	}
}

package render

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/pressbot/pressbot/internal/release"
)

// fuzzSeeds are Markdown snippets that stress the renderers.
var fuzzSeeds = []string{
	"",
	"plain",
	"> > > deep\n> > quote\n\n> - list in quote\n>   > quote in list in quote",
	"- a\n  - b\n    - c\n\n      para\n\n1. x\n2. y",
	"```\n<&>\n```\n\n    indented\n\n`a<b`",
	"| a | b |\n|---|:-:|\n| <x> | &amp; |",
	"x[^1]\n\n[^1]: note with **bold**\n\n> [^2]\n\n[^2]: in quote",
	"[a](javascript:alert(1)) [b](</x y>) <mailto:a@b.c> www.x.org https://x.org/(a) [c][d]\n\n[d]: tg://x",
	"<b>raw</b> <script>x</script>\n\n<div>\nblock\n</div>",
	"&amp; &copy; &#0; &#x110000; &#55296; &bogus; \\& \\<",
	"**bold _it ~~del `code` del~~ it_ bold**",
	"👩‍💻🇺🇿e\u0301 中文。日本語！",
	"# h1\n## h2\n---\n***\n- [ ] t\n- [x] u",
	"![alt *em*](x.png) [![i](https://x/i.png)](https://x)",
	"a  \nb\\\nc",
}

func addFuzzSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	files, _ := filepath.Glob("testdata/releases/*.md")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
}

func fuzzRelease(body string, image bool) release.Release {
	rel := release.Release{
		ID: "2024/fuzz", Title: "Fuzz <title> & co", Body: body, Lang: "en",
		Date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Location: "Tashkent",
		Tags: []string{"fuzz", "test-case"}, Hash: "abc",
	}
	if image {
		rel.Image, rel.ImageAlt = "/images/f.jpg", "alt"
	}
	return rel
}

// FuzzRender renders arbitrary Markdown for every channel: every Telegram
// part must pass the validator and its limit, every X part weigh at most
// 280, and every word of the body appear in order across the Telegram
// parts.
func FuzzRender(f *testing.F) {
	addFuzzSeeds(f)
	r := newTestRenderer(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, image := range []bool{false, true} {
			rel := fuzzRelease(body, image)
			all, err := r.All(rel)
			if err != nil {
				t.Fatal(err)
			}
			checkPosts(t, "fuzz", all.Posts)
			checkWordsInOrder(t, "fuzz", bodyWords(r, rel), all.Posts[0].Parts)
			checkGraphemes(t, "fuzz", all.Posts[0].Parts)
		}
	})
}

// FuzzSplit splits the Telegram rendering of arbitrary Markdown at small
// limits, where every construct meets a split: the parts must stay valid
// HTML within the limit and keep every word in order.
func FuzzSplit(f *testing.F) {
	addFuzzSeeds(f)
	r := newTestRenderer(f)
	f.Fuzz(func(t *testing.T, body string) {
		rel := fuzzRelease(body, false)
		html := string(r.newDoc(rel).telegramBody().buf)
		if html == "" {
			return
		}
		// A grapheme cluster longer than the limit has to be cut; keep the
		// limit above the longest one so that the cluster check holds.
		limit := max(12+len(body)%50, longestCluster(html)+2)
		texts := splitText(html, limit, limit, true)
		parts := telegramParts(texts, nil, 0, nil, false)
		for i, p := range parts {
			if err := ValidateTelegramHTML(p.Text); err != nil {
				t.Fatalf("part %d: %v\n%s", i+1, err, p.Text)
			}
			if p.Length > limit || p.Text == "" {
				t.Fatalf("part %d: length %d over %d: %q", i+1, p.Length, limit, p.Text)
			}
		}
		checkWordsInOrder(t, "split", bodyWords(r, rel), parts)
		checkGraphemes(t, "split", parts)
	})
}

// longestCluster returns the UTF-16 length of the longest grapheme cluster
// in the text of a Telegram HTML string.
func longestCluster(html string) int {
	text := []rune(telegramStream([]release.Part{{Text: html}}))
	longest := 0
	g := uniseg.NewGraphemes(string(text))
	for g.Next() {
		n := 0
		for _, r := range g.Runes() {
			n += utf16Units(r)
		}
		longest = max(longest, n)
	}
	return longest
}

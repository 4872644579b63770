package render

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/util"
)

// stockRenderer is newTestRenderer with goldmark's own GFM extension
// (its Linkify) in place of fastLinkify.
func stockRenderer(t testing.TB) *Renderer {
	t.Helper()
	r := newTestRenderer(t)
	r.md = newMarkdownWith(testBase, []goldmark.Extender{extension.GFM, extension.Footnote})
	r.plain = nil // every body through goldmark's GFM, linkify included
	return r
}

// sameAll renders body with both renderers (with and without an image)
// and fails unless every post, the web HTML and the summary are identical.
func sameAll(t *testing.T, fast, stock *Renderer, body string) {
	t.Helper()
	for _, image := range []bool{false, true} {
		rel := fuzzRelease(body, image)
		got, err1 := fast.All(rel)
		want, err2 := stock.All(rel)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("body %q: errors differ: fastLinkify %v, goldmark %v", body, err1, err2)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("body %q: fastLinkify renders\n%#v\ngoldmark's Linkify renders\n%#v", body, got, want)
		}
	}
}

// linkifyPieces are the fragments randomMarkdown joins: near misses and
// hits of every branch of goldmark's linkify parser, with the Markdown
// around them that moves the trigger (emphasis, parentheses, link labels,
// code, escapes, line heads).
var linkifyPieces = []string{
	" ", " ", " ", "\n", "\n\n", "\t", "*", "_", "~", "(", ")", "**", "~~", "[", "]", "](", "`", "\\", "<", ">",
	"http://", "https://", "ftp://", "http:", "https:", "ftp:", "http", "htt", "www.", "www", "ww.", "mailto:",
	"h", "f", "w", "x.org", "example.com", "a.b", "-", ".", ",", ";", "&amp;", "?", "!", ":", "/", "#", "=",
	"@", "a@b", "user", "first.last", "a_b", "a-b", "@x.org", "n@x.org", "n@x", "z@x.org_", "z@x.org-", "y@x.org.",
	"привет", "мир@пример.рф", "ё", "👩‍💻", "\u00a0", "e\u0301", "1", "[^1]", "[^1]: note", "> ", "- ", "1. ", "# ",
	"| a | b |\n|---|---|\n| ", "    ", "```\n", "<https://x.org>", "[t](https://x.org)", "![i](x.png)",
	strings.Repeat("a", 63), strings.Repeat("b", 64), strings.Repeat("c", 65), "!#$%&'*+-/=?^`{|}~",
}

// randomMarkdown joins up to n random pieces.
func randomMarkdown(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range 1 + rng.IntN(n) {
		if rng.IntN(8) == 0 {
			b.WriteByte(byte(rng.IntN(128)))
			continue
		}
		b.WriteString(linkifyPieces[rng.IntN(len(linkifyPieces))])
	}
	return b.String()
}

// TestLinkifySameOutput renders random Markdown rich in URL and e-mail
// near misses, the fuzz seeds and the test releases through fastLinkify
// and through goldmark's Linkify: every profile must come out identical.
func TestLinkifySameOutput(t *testing.T) {
	fast, stock := newTestRenderer(t), stockRenderer(t)
	for _, s := range fuzzSeeds {
		sameAll(t, fast, stock, s)
	}
	for _, tr := range testReleases(t) {
		sameAll(t, fast, stock, parseRelease(t, tr.name, tr.data).Body)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		sameAll(t, fast, stock, randomMarkdown(rng, 40))
	}
}

// TestMayLinkifyEmailTable checks emailLocal against the characters
// goldmark accepts before '@' in a longer local part too.
func TestMayLinkifyEmailTable(t *testing.T) {
	n := 0
	for c := range 256 {
		if c == '@' {
			continue // "a@b@x.org" is a@b to FindEmailIndex; checked below
		}
		want := util.FindEmailIndex([]byte{'a', byte(c), 'b', '@', 'x', '.', 'o', 'r', 'g'}) >= 0
		if emailLocal[c] != want {
			t.Errorf("emailLocal[%q] = %v, want %v", byte(c), emailLocal[c], want)
		}
		if emailLocal[c] {
			n++
		}
	}
	if n < 62 || emailLocal['@'] || emailLocal[' '] {
		t.Fatalf("emailLocal has %d bytes (want at least the 62 letters and digits, never '@' or ' ')", n)
	}
}

// TestMayLinkify pins the pre-check on lines goldmark links and lines it
// cannot.
func TestMayLinkify(t *testing.T) {
	for line, want := range map[string]bool{
		"http://x.org": true, "https://x": true, "ftp://x": true, "www.x.org": true, "http:": true,
		"a@b.c": true, "a@": true, "first.last@x": true, strings.Repeat("a", 64) + "@x.org": true,
		"": false, "word": false, "hello world": false, "htt://x": false, "ww.x": false, ".a@b.c": false,
		"@a.b": false, "привет@x.org": false, strings.Repeat("a", 65) + "@x.org": false, "a b@c.d": false,
	} {
		if got := mayLinkify([]byte(line)); got != want {
			t.Errorf("mayLinkify(%q) = %v, want %v", line, got, want)
		}
	}
}

// FuzzLinkify renders arbitrary Markdown through fastLinkify and through
// goldmark's Linkify and requires every profile to be identical.
func FuzzLinkify(f *testing.F) {
	addFuzzSeeds(f)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		f.Add(randomMarkdown(rng, 30))
	}
	fast, stock := newTestRenderer(f), stockRenderer(f)
	f.Fuzz(func(t *testing.T, body string) {
		sameAll(t, fast, stock, body)
	})
}

// TestLinkifyOptions: with linkify options set on the parser, every
// position goes to goldmark's parser, which then links what its options
// allow.
func TestLinkifyOptions(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(fastLinkify{}), goldmark.WithParserOptions(
		extension.WithLinkifyAllowedProtocols([]string{"tg:"}),
		extension.WithLinkifyURLRegexp(regexp.MustCompile(`^tg://[a-z]+`)),
	))
	var b strings.Builder
	if err := md.Convert([]byte("see tg://resolve now"), &b); err != nil {
		t.Fatal(err)
	}
	if want := `<a href="tg://resolve">tg://resolve</a>`; !strings.Contains(b.String(), want) {
		t.Fatalf("got %q, want it to contain %q", b.String(), want)
	}
}

// TestLinkStart: mayLinkify is false on every line whose first byte
// linkStart refuses, whatever follows.
func TestLinkStart(t *testing.T) {
	for c := range 256 {
		if linkStart[c] {
			continue
		}
		for _, rest := range []string{"", "ttp://x.org", "ttps://x", "tp://x", "ww.x.org", "@x.org", "a@x.org", "x"} {
			if line := append([]byte{byte(c)}, rest...); mayLinkify(line) {
				t.Errorf("linkStart[%q] is false, but mayLinkify(%q) is true", byte(c), line)
			}
		}
	}
	for _, c := range "hfwaZ09" {
		if !linkStart[c] {
			t.Errorf("linkStart[%q] = false", c)
		}
	}
}

// plainPieces are Markdown fragments without bare URLs or e-mail
// addresses, with everything that moves goldmark's text cuts (spaces at
// line heads and ends, '*', '_', '~', '(', escapes, hard breaks) and the
// near misses that send a body to the full parser ("](https://", "(www.").
var plainPieces = []string{
	" ", " ", " ", "  ", "\n", "\n", "\n\n", "  \n", "\\\n", "\t", "*", "**", "_", "__", "~", "~~", "(", ")", "[", "]",
	"`", "\\", "<b>", "&amp;", "&#42;", "word", "Ташкент", "o‘zbek", "ё", "👩‍💻", "e\u0301", "\u00a0", "1.", "-",
	"[t](https://x.org)", "[t](www.x.org)", "](https://x.org", "(www.x.org)", "![i](img.png)", "[^1]", "[^1]: note\n",
	"> ", "- ", "1. ", "# ", "    ", "```\ncode\n```\n", "| a | b |\n|---|---|\n| c | d |\n", "- [ ] task\n",
	"<https://x.org>", "http", "www", "ftp", ":", ".", ",", "!", "?", strings.Repeat("long ", 30),
}

// TestPlainParseSameOutput: the linkify-free parse renders exactly as the
// full one, on the fuzz seeds, the test releases and random Markdown
// without autolinks; and random Markdown with them still renders as
// goldmark's GFM does (TestLinkifySameOutput).
func TestPlainParseSameOutput(t *testing.T) {
	fast, full := newTestRenderer(t), newTestRenderer(t)
	full.plain = nil
	plainUsed := 0
	check := func(body string) {
		if usesPlain(fast, []byte(body)) {
			plainUsed++
		}
		sameAll(t, fast, full, body)
	}
	for _, s := range fuzzSeeds {
		check(s)
	}
	for _, tr := range testReleases(t) {
		check(parseRelease(t, tr.name, tr.data).Body)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(60) {
			b.WriteString(plainPieces[rng.IntN(len(plainPieces))])
		}
		check(b.String())
	}
	if plainUsed < n/5 {
		t.Fatalf("only %d bodies took the linkify-free parse: the comparison tests little", plainUsed)
	}
}

// FuzzPlainParse requires the linkify-free parse, when parseBody takes
// it, to render every profile as the full parse does.
func FuzzPlainParse(f *testing.F) {
	addFuzzSeeds(f)
	rng := rand.New(rand.NewPCG(9, 10))
	for range 50 {
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteString(plainPieces[rng.IntN(len(plainPieces))])
		}
		f.Add(b.String())
	}
	fast, full := newTestRenderer(f), newTestRenderer(f)
	full.plain = nil
	f.Fuzz(func(t *testing.T, body string) {
		sameAll(t, fast, full, body)
	})
}

// usesPlain reports whether parseBody keeps the linkify-free parse of src.
func usesPlain(r *Renderer, src []byte) bool {
	if oddLineEnds(src) {
		return false
	}
	suspects, elsewhere := scanAutolinks(src)
	return !elsewhere && (len(suspects) == 0 || !textCovers(parse(r.plain, src), suspects))
}

// TestAutolinkChecks pins which bodies go to the full parser.
func TestAutolinkChecks(t *testing.T) {
	r := newTestRenderer(t)
	for body, want := range map[string]bool{
		"plain text": false, "[t](https://x.org) and [u](http://y.org)": false, "[t](https://www.x.org/a@b)": false, "[t](<https://x.org>)": false, "see (www.x.org)": true,
		"see www.x.org": true, "see https://x.org": true, "mail a@b.org": true, "ftp://x": true, "*http://x*": true,
		"[www.x.org](https://x.org)": true, "`http://x`": true, "[t](https://x.org": true, "Www.X.org HTTP://x": false,
		"![alt](https://x.org/i.png)": false, "<https://x.org>": true, "[t]: https://x.org\n\n[t]": true,
		"[t](www.x.org": true, "[t](a@b.org \"t\")": false, "[t](x \"www.y.org\")": true, "x]( www.y.org)": true,
		strings.Repeat("a", 3000) + "](" + strings.Repeat("b", 3000) + "@x.org": true, "[www](https://x.org/www.html)": false,
	} {
		if got := !usesPlain(r, []byte(body)); got != want {
			t.Errorf("%q: full parse %v, want %v", body, got, want)
		}
	}
	for body, want := range map[string]bool{
		"a\nb": false, "a \nb": false, "a  \nb": false, "a  ": false, "a \t\nb": true, "a\t \nb": true,
		"a   \nb": true, "a \r\nb": true, "a\r\nb": false, "a \t": true, "\t\t\n": true, "": false, "\n\n": false,
	} {
		if got := oddLineEnds([]byte(body)); got != want {
			t.Errorf("oddLineEnds(%q) = %v, want %v", body, got, want)
		}
	}
	// The plain parser really has no linkify.
	var b strings.Builder
	if err := goldmark.New(goldmark.WithParser(r.plain)).Renderer().Render(&b, []byte("see www.x.org"), parse(r.plain, []byte("see www.x.org"))); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<a") {
		t.Fatalf("the plain parser linked a bare URL: %s", b.String())
	}
}

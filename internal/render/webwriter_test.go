package render

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// FuzzWebWriter holds webWriter to goldmark's default html.Writer: the
// newsroom HTML must be byte for byte what goldmark writes.
func FuzzWebWriter(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`\<\&\\\\&amp;&#0;&#x0;&#X3c;&#1234567;&#12345678;&#x10FFFF;&#x110000;&#xFFFFFF;&#xD800;`,
		"\x00&lt;&bogus; &quot; \"<>&#; &#x; &# &&amp &copy &copy; \\a \\ \\\x00 &NotANamedEntity; &ngE;",
		"&#60;&#062;&#x26;&#x22;&#38;&#0000060;",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		ww, gw := webWriter{}, html.DefaultWriter
		methods := map[string][2]func(util.BufWriter, []byte){
			"Write":       {ww.Write, gw.Write},
			"RawWrite":    {ww.RawWrite, gw.RawWrite},
			"SecureWrite": {ww.SecureWrite, gw.SecureWrite},
		}
		for name, m := range methods {
			var want, sink htmlSink
			m[1](&want, s)
			m[0](&sink, s) // appends into the sink
			var b bytes.Buffer
			other := bufio.NewWriter(&b)
			m[0](other, s) // through any other BufWriter
			_ = other.Flush()
			if sink.String() != want.String() || b.String() != want.String() {
				t.Fatalf("%s(%q) = %q / %q, goldmark writes %q", name, s, sink.String(), b.String(), want.String())
			}
		}
	})
}

// FuzzEscapeURL holds escapeURL's shortcut to goldmark's URLEscape.
func FuzzEscapeURL(f *testing.F) {
	for _, s := range []string{"https://example.org/a?b=1&c=2", "https://x.org/(a)", `a\(b`, "a%20b", "a%zz", "путь", "a b", "mailto:a@b.c", "&amp;", "\t x \n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, dest []byte) {
		want := strings.TrimSpace(string(util.URLEscape(dest, true)))
		if got := escapeURL(dest); got != want {
			t.Fatalf("escapeURL(%q) = %q, want %q", dest, got, want)
		}
	})
}

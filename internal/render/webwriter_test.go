package render

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark/renderer/html"
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
		var got, want htmlSink
		for name, write := range map[string][2]func(){
			"Write":       {func() { webWriter{}.Write(&got, s) }, func() { html.DefaultWriter.Write(&want, s) }},
			"RawWrite":    {func() { webWriter{}.RawWrite(&got, s) }, func() { html.DefaultWriter.RawWrite(&want, s) }},
			"SecureWrite": {func() { webWriter{}.SecureWrite(&got, s) }, func() { html.DefaultWriter.SecureWrite(&want, s) }},
		} {
			got.Reset()
			want.Reset()
			write[0]()
			write[1]()
			if !bytes.Equal([]byte(got.String()), []byte(want.String())) {
				t.Fatalf("%s(%q) = %q, goldmark writes %q", name, s, got.String(), want.String())
			}
		}
	})
}

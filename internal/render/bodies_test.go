package render

import (
	"bytes"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
)

// TestRenderBodiesOneWalk checks that the one walk of renderBodies writes
// each profile exactly as a walk of goldmark's renderer of its own does
// (text and lead end), for the test releases and Markdown with every
// construct the node renderers handle.
func TestRenderBodiesOneWalk(t *testing.T) {
	r := newTestRenderer(t)
	var bodies []string
	for _, tr := range testReleases(t) {
		bodies = append(bodies, parseRelease(t, "2024/"+tr.name, tr.data).Body)
	}
	bodies = append(bodies,
		"# H\n\nLead *em* **b** ~~s~~ `c` [l](https://e.org) ![i](/a.png) <https://x.org> a@b.org\n\n> q\n> > qq\n\n- a\n  - b\n1. x\n\n```go\nx\n```\n\n    code\n\n---\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] t\n\nN[^1]\n\n[^1]: F\n\n<div>raw</div>",
		"&amp; &copy; \\* <b>x</b>\nline  \nbreak", "", "[](https://e.org) [x](javascript:alert(1))",
	)
	for _, body := range bodies {
		d := r.newDoc(release.Release{ID: "2024/x", Body: body})
		tg, plain := d.render(true), d.render(false)
		d2 := r.newDoc(release.Release{ID: "2024/x", Body: body})
		d2.renderBodies()
		for _, c := range []struct{ one, two *writer }{{tg, d2.tg}, {plain, d2.plain}} {
			if !bytes.Equal(c.one.buf, c.two.buf) || c.one.leadEnd != c.two.leadEnd {
				t.Fatalf("body %q, html %v: one walk wrote %q (lead %d), its own walk %q (lead %d)",
					body, c.one.html, c.two.buf, c.two.leadEnd, c.one.buf, c.one.leadEnd)
			}
		}
		putWriter(tg)
		putWriter(plain)
		d.free()
		d2.free()
	}
}

package render

import "testing"

// BenchmarkBodies renders the Telegram and plain-text bodies of the
// corpus (parsed before the timing): in one walk, and in two walks of
// goldmark's renderer.
func BenchmarkBodies(b *testing.B) {
	_, docs := benchDocs(b)
	b.Run("one-walk", func(b *testing.B) {
		for b.Loop() {
			for _, d := range docs {
				d.renderBodies()
				putWriter(d.tg)
				putWriter(d.plain)
				d.tg, d.plain = nil, nil
			}
		}
	})
	b.Run("two-walks", func(b *testing.B) {
		for b.Loop() {
			for _, d := range docs {
				putWriter(d.render(true))
				putWriter(d.render(false))
			}
		}
	})
}

// benchDocs returns a test renderer and the parsed documents of the
// corpus's first 3,000 releases.
func benchDocs(b *testing.B) (*Renderer, []*doc) {
	b.Helper()
	rels := benchCorpus(b)
	r := newTestRenderer(b)
	rels = rels[:min(len(rels), 3000)]
	docs := make([]*doc, len(rels))
	for i, rel := range rels {
		docs[i] = r.newDoc(rel)
	}
	return r, docs
}

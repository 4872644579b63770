package render

import "testing"

// BenchmarkBodies renders the Telegram and plain-text bodies of the
// corpus (parsed before the timing): in one walk, and in two walks of
// goldmark's renderer.
func BenchmarkBodies(b *testing.B) {
	rels := benchCorpus(b)
	r := newTestRenderer(b)
	rels = rels[:min(len(rels), 3000)]
	docs := make([]*doc, len(rels))
	for i, rel := range rels {
		docs[i] = r.newDoc(rel)
	}
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

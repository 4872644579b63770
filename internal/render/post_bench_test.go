package render

import (
	"testing"

	"github.com/pressbot/pressbot/internal/release"
)

// BenchmarkPosts renders the Telegram post, and the post of every kind, for the corpus (parsed
// before the timing, every profile rendered anew in each round): the
// work a build's -posts adds to a release's parse and web render.
func BenchmarkPosts(b *testing.B) {
	rels := benchCorpus(b)
	r := newTestRenderer(b)
	rels = rels[:min(len(rels), 3000)]
	docs := make([]*doc, len(rels))
	for i, rel := range rels {
		docs[i] = r.newDoc(rel)
	}
	tg := []Channel{{Name: release.KindTelegram, Kind: release.KindTelegram}}
	for _, c := range []struct {
		name  string
		chans []Channel
	}{{"telegram", tg}, {"all", DefaultChannels()}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, d := range docs {
					for _, ch := range c.chans {
						if _, err := r.post(d, ch); err != nil {
							b.Fatal(err)
						}
					}
					resetDoc(d)
				}
			}
		})
	}
}

// resetDoc drops what d rendered, keeping its parse.
func resetDoc(d *doc) {
	for _, w := range []*writer{d.tg, d.plain} {
		if w != nil {
			putWriter(w)
		}
	}
	d.tg, d.plain, d.img, d.para, d.data, d.tgData = nil, nil, nil, nil, nil, nil
}

package render

import (
	"runtime"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
)

// BenchmarkPosts renders the Telegram post, and the post of every kind,
// for the corpus (parsed before the timing, every profile rendered anew
// in each round): the work a build's -posts adds to a release's parse
// and web render; the benchmark's thread CPU time is reported too (less
// disturbed by load).
func BenchmarkPosts(b *testing.B) {
	r, docs := benchDocs(b)
	tg := []Channel{{Name: release.KindTelegram, Kind: release.KindTelegram}}
	for _, c := range []struct {
		name  string
		chans []Channel
	}{{"telegram", tg}, {"all", DefaultChannels()}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPU()
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
			b.ReportMetric(float64(threadCPU()-c0)/1e6/float64(b.N), "thread-cpu-ms/op")
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

package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// BenchmarkNewsroomUpdate measures serve's live newsroom update over a
// store in which the releases of PRESSBOT_BENCH_CONTENT (at most
// PRESSBOT_BENCH_N of them, default all) are published on three channels,
// in SQLite. serve runs it once a minute and before each send, so a post
// waits for it: "unchanged" is the usual case (one store read), "changed"
// renders the whole newsroom again, as after a new release goes out, and
// reports the heap that remains, most of it the live newsroom's files.
//
//	PRESSBOT_BENCH_CONTENT=/tmp/corpus PRESSBOT_BENCH_N=2000 go test ./cmd/pressbot -run XXX -bench NewsroomUpdate
func BenchmarkNewsroomUpdate(b *testing.B) {
	dir := benchContent(b)
	res, err := content.Load(dir, content.Options{Zone: time.UTC, DefaultLang: "en", ImageDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	rels := res.Releases
	if n, err := strconv.Atoi(os.Getenv("PRESSBOT_BENCH_N")); err == nil && n > 0 && n < len(rels) {
		rels = rels[:n]
	}
	s := &server{store: storetest.Open(b, store.DialectSQLite), contentDir: dir}
	storetest.SeedPublished(b, s.store, rels, "telegram", "facebook", "x")
	if s.webRender, err = render.New(render.Config{BaseURL: "https://newsroom.example.org", Channels: []render.Channel{}, Zone: time.UTC}); err != nil {
		b.Fatal(err)
	}
	if s.site, err = site.New(site.Config{BaseURL: "https://newsroom.example.org", Title: "Bench", Zone: time.UTC, MediaDir: dir}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("changed-"+strconv.Itoa(len(rels)), func(b *testing.B) {
		for b.Loop() {
			s.newsroomBuilt = false
			if err := s.updateNewsroom(ctx); err != nil {
				b.Fatal(err)
			}
		}
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapAlloc)/1e6, "heap-MB")
	})
	b.Run("unchanged-"+strconv.Itoa(len(rels)), func(b *testing.B) {
		for b.Loop() {
			if err := s.updateNewsroom(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package ingest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// quiet is an Offerer that does nothing.
type quiet struct{}

func (quiet) Offer(context.Context, release.Release, store.Change) error { return nil }
func (quiet) ReportProblems(context.Context, string, []string)           {}
func (quiet) Alert(context.Context, string)                              {}
func (quiet) Renamed(context.Context, string, string, store.Change) bool { return false }

// BenchmarkFirstLoad is serve's first scan of a content folder: Apply of
// every release file, as added, into a fresh SQLite file store ("first"),
// and the same into a store that already holds them all, as after a
// restart ("again"). Besides the wall clock, cpu-ns/op is the CPU time
// of the whole process, which a busy machine disturbs less. The folder
// holds PRESSBOT_BENCH_N generated releases
// (default 1000; each in English, Russian or Uzbek, three of them the
// language versions of one release by their translation_key), or is the one PRESSBOT_BENCH_CONTENT names (for example
// made by shared/bench/gen_corpus.py):
//
//	PRESSBOT_BENCH_N=10000 go test ./internal/ingest -run XXX -bench FirstLoad -benchtime 1x
func BenchmarkFirstLoad(b *testing.B) {
	dir := os.Getenv("PRESSBOT_BENCH_CONTENT")
	if dir == "" {
		n := 1000
		if v, err := strconv.Atoi(os.Getenv("PRESSBOT_BENCH_N")); err == nil && v > 0 {
			n = v
		}
		dir = b.TempDir()
		for i := range n {
			lang := []string{"en", "ru", "uz"}[i%3] // three language versions of each release
			body := fmt.Sprintf("---\ntitle: Release %d\ndate: 2026-11-20T10:00:00+05:00\nlang: %s\ntranslation_key: k%d\n---\n\nBody of release %d, long enough to stand for a real one.\n", i, lang, i/3, i)
			write(b, dir, fmt.Sprintf("%d/r%05d.md", 2000+i%25, i), body)
		}
	}
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(dir, p)
			paths = append(paths, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil || len(paths) == 0 {
		b.Fatalf("content %s: %d release files, %v", dir, len(paths), err)
	}
	ctx := context.Background()
	open := func(b *testing.B) *store.Store {
		st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "p.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	apply := func(b *testing.B, st *store.Store) {
		n, err := New(Config{Dir: dir, Store: st, Offer: quiet{}}).Apply(ctx, watch.Changes{Added: paths})
		if err != nil || n == 0 {
			b.Fatalf("apply: %d offered, %v", n, err)
		}
	}
	b.Run("first", func(b *testing.B) {
		var cpu time.Duration
		for range b.N {
			b.StopTimer()
			st := open(b)
			b.StartTimer()
			c0 := processCPU()
			apply(b, st)
			cpu += processCPU() - c0
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
	b.Run("again", func(b *testing.B) {
		st := open(b)
		apply(b, st)
		b.ResetTimer()
		c0 := processCPU()
		for range b.N {
			if _, err := New(Config{Dir: dir, Store: st, Offer: quiet{}}).Apply(ctx, watch.Changes{Added: paths}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((processCPU()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
}

// processCPU returns the CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

//go:build unix

package site

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkGenerate renders the files of a 10,000-release newsroom as
// Write does, on as many workers, and drops them: what the pages cost
// without the file system. It reports the CPU time, garbage collection
// included, as cpu-ns/op.
func BenchmarkGenerate(b *testing.B) {
	es := benchEntries(10000)
	s := newSite(b, Config{BaseURL: testBase, Langs: []string{"en", "ru", "uz"}})
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		start := cpuTime()
		m, err := s.model(es)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.generate(m, 2*runtime.GOMAXPROCS(0), func(string, []byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

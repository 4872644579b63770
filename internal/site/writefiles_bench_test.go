//go:build unix

package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkWriteFiles writes the files of 10,000 releases (a page and a
// posts file, each in the release's own folder, under a year) with
// writeFile from four goroutines, as Write does, into a new folder each
// time (under TMPDIR: point it at a tmpfs to leave the disk out). It
// reports the CPU time, system time included, as cpu-ns/op.
func BenchmarkWriteFiles(b *testing.B) {
	var paths []string
	for i := range 10000 {
		d := fmt.Sprintf("releases/%d/release-number-%d-about-water-and-climate", 2015+i%10, i)
		paths = append(paths, d+"/index.html", d+"/posts.json")
	}
	body := make([]byte, 3000)
	root := b.TempDir()
	n := 0
	var cpu time.Duration
	for b.Loop() {
		n++
		dir := filepath.Join(root, strconv.Itoa(n))
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		start := cpuTime()
		ds := newDirs(dir)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := w; i < len(paths); i += 4 {
					if err := ds.writeFile(dir, paths[i], body); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
}

package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkBuildAll runs `pressbot build -all` in-process on the folder
// named by PRESSBOT_BENCH_CONTENT (for example a corpus made by
// ../shared/bench/gen_corpus.py), each time into a new output folder; with
// PRESSBOT_BENCH_POSTS set, as `build -all -posts`:
//
//	PRESSBOT_BENCH_CONTENT=/tmp/corpus go test ./cmd/pressbot -run XXX -bench BuildAll -benchtime 3x -cpuprofile /tmp/cpu.out
func BenchmarkBuildAll(b *testing.B) {
	dir := benchContent(b)
	tmp := b.TempDir()
	f := buildFlags{all: true, posts: os.Getenv("PRESSBOT_BENCH_POSTS") != "", content: dir, baseURL: "https://newsroom.example.org", title: "Bench"}
	n := 0
	for b.Loop() {
		n++
		f.out = filepath.Join(tmp, strconv.Itoa(n))
		if code := buildAll(f, time.Now(), io.Discard, io.Discard); code != exitOK {
			b.Fatalf("build -all: exit %d", code)
		}
	}
}

// benchContent returns the content folder named by PRESSBOT_BENCH_CONTENT,
// or skips b without one.
func benchContent(b *testing.B) string {
	dir := os.Getenv("PRESSBOT_BENCH_CONTENT")
	if dir == "" {
		b.Skip("set PRESSBOT_BENCH_CONTENT to a content folder")
	}
	return dir
}

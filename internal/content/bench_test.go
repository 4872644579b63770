package content

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkLoad loads 1,000 releases made by the shared corpus generator.
func BenchmarkLoad(b *testing.B) {
	gen := filepath.Join("..", "..", "..", "shared", "bench", "gen_corpus.py")
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("corpus generator not found: %v", err)
	}
	dir := b.TempDir()
	if out, err := exec.Command("python3", gen, "--n", "1000", "--out", dir, "--seed", "1").CombinedOutput(); err != nil {
		b.Skipf("corpus generator failed: %v\n%s", err, out)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := Load(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Releases) != 1000 || len(res.Problems) != 0 {
			b.Fatalf("loaded %d releases with %d problems, want 1000 and none", len(res.Releases), len(res.Problems))
		}
	}
}

// BenchmarkParse parses one generated release (no file system).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "files", "2020", "imts-success.md"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ps := Parse("a.md", "a", data, Options{}); len(ps) != 0 {
			b.Fatal(ps)
		}
	}
}

// BenchmarkLoadCorpus loads the corpus named by PRESSBOT_BENCH_CONTENT
// (for example 10,000 releases made by shared/bench/gen_corpus.py):
//
//	PRESSBOT_BENCH_CONTENT=/tmp/corpus go test ./internal/content -run XXX -bench LoadCorpus -benchmem
func BenchmarkLoadCorpus(b *testing.B) {
	dir := os.Getenv("PRESSBOT_BENCH_CONTENT")
	if dir == "" {
		b.Skip("PRESSBOT_BENCH_CONTENT is not set")
	}
	for b.Loop() {
		res, err := Load(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Releases) == 0 {
			b.Fatal("no releases loaded")
		}
	}
}

package release

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRenderingCorpus encodes the posts.json files of a built
// newsroom (PRESSBOT_BENCH_POSTS_DIR, e.g. the output of
// `pressbot build -all -posts`), decoded before the timing, with the
// parts' text checked for valid UTF-8 and known to be valid.
func BenchmarkRenderingCorpus(b *testing.B) {
	dir := os.Getenv("PRESSBOT_BENCH_POSTS_DIR")
	if dir == "" {
		b.Skip("PRESSBOT_BENCH_POSTS_DIR not set")
	}
	var rs []Rendering
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "posts.json" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var r Rendering
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		rs = append(rs, r)
		size += int64(len(data))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// checked: parts as decoded; valid: as a build renders them from
	// content.Load, known to be valid UTF-8.
	for _, valid := range []bool{false, true} {
		for _, r := range rs {
			for _, p := range r.Posts {
				for i := range p.Parts {
					p.Parts[i].ValidUTF8 = valid
				}
			}
		}
		b.Run(map[bool]string{false: "checked", true: "valid"}[valid], func(b *testing.B) {
			b.SetBytes(size)
			var buf []byte
			for b.Loop() {
				for _, r := range rs {
					buf = r.AppendJSON(buf[:0])
				}
			}
		})
	}
}

package textlen

import (
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkXWeightCorpus weighs the texts of the JSON array of strings
// in the file named by PRESSBOT_BENCH_XPOSTS (for example every X post
// of a built newsroom's posts.json files).
func BenchmarkXWeightCorpus(b *testing.B) {
	name := os.Getenv("PRESSBOT_BENCH_XPOSTS")
	if name == "" {
		b.Skip("PRESSBOT_BENCH_XPOSTS not set")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, s := range texts {
		n += len(s)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range texts {
			XWeight(s)
		}
	}
}

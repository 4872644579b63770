package content

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden loads testdata/files and compares the problems, and each
// valid release's ID, language, summary and hash, with
// testdata/golden/load.txt. A changed hash there means every approval
// would be asked again: bump hashVersion on purpose, never by accident.
func TestGolden(t *testing.T) {
	res, err := Load(filepath.Join("testdata", "files"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d files, %d releases, %d errors, %d warnings\n\n", res.Files, len(res.Releases), res.Errors(), res.Warnings())
	for _, p := range res.Problems {
		p.Path = filepath.ToSlash(p.Path)
		b.WriteString(p.String() + "\n")
	}
	b.WriteString("\n")
	for _, r := range res.Releases {
		fmt.Fprintf(&b, "%s lang=%s date=%s body_line=%d hash=%s\n  summary: %s\n", r.ID, r.Lang, r.Date.UTC().Format("2006-01-02T15:04Z"), r.BodyLine, r.Hash, r.Summary)
	}
	golden := filepath.Join("testdata", "golden", "load.txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("load of testdata/files changed (go test -update rewrites %s):\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden renders every test release for every channel kind and the
// newsroom, checks each part against the platform rules and the body's
// words against the Telegram parts, and compares everything with
// testdata/golden/<name>.txt (go test -run TestGolden -update rewrites).
func TestGolden(t *testing.T) {
	r := newTestRenderer(t)
	for _, tr := range testReleases(t) {
		t.Run(tr.name, func(t *testing.T) {
			rel := parseRelease(t, "2024/"+tr.name, tr.data)
			all, err := r.All(rel)
			if err != nil {
				t.Fatal(err)
			}
			checkPosts(t, tr.name, all.Posts)
			checkWordsInOrder(t, tr.name, bodyWords(r, rel), all.Posts[0].Parts)
			checkGraphemes(t, tr.name, all.Posts[0].Parts)
			compareGolden(t, filepath.Join("testdata", "golden", tr.name+".txt"), goldenText(all))
		})
	}
}

// goldenText prints a rendering for review: one section per part.
func goldenText(all Rendered) string {
	var b strings.Builder
	for _, p := range all.Posts {
		for i, part := range p.Parts {
			fmt.Fprintf(&b, "==== %s (%s) part %d/%d: %s %d/%d", p.Channel, p.Kind, i+1, len(p.Parts), part.Format, part.Length, part.Limit)
			for _, m := range part.Media {
				fmt.Fprintf(&b, " media=%s alt=%q", m.URL, m.Alt)
			}
			if part.Link != "" {
				fmt.Fprintf(&b, " link=%s", part.Link)
			}
			b.WriteString("\n" + part.Text + "\n")
		}
	}
	fmt.Fprintf(&b, "==== summary\n%s\n==== web\n%s", all.Summary, all.WebHTML)
	return b.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendering (go test -run TestGolden -update rewrites it):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return ""
}

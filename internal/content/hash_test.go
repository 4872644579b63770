package content

import (
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
)

// TestHashStable checks that the hash does not depend on how the same
// release is written: YAML or TOML, CRLF, BOM, key order, Hugo names,
// blank lines around the body, or an explicit default language.
func TestHashStable(t *testing.T) {
	base := "---\ntitle: IMTs\ndate: 2020-02-06T10:00:00+05:00\ntags: [a, b]\nimage: v.jpg\nimage_alt: A van\n---\n\nBody.\n\nMore.\n"
	same := map[string]string{
		"crlf":                 strings.ReplaceAll(base, "\n", "\r\n"),
		"bom":                  "\xef\xbb\xbf" + base,
		"key order":            "---\nimage_alt: A van\ntags: [a, b]\nimage: v.jpg\ndate: 2020-02-06T10:00:00+05:00\ntitle: IMTs\n---\nBody.\n\nMore.\n\n\n",
		"toml":                 "+++\ntitle = \"IMTs\"\ndate = 2020-02-06T10:00:00+05:00\ntags = [\"a\", \"b\"]\nimage = \"v.jpg\"\nimage_alt = \"A van\"\n+++\nBody.\n\nMore.\n",
		"toml local date-time": "+++\ntitle = \"IMTs\"\ndate = 2020-02-06T10:00:00\ntags = [\"a\", \"b\"]\nimage = \"v.jpg\"\nimage_alt = \"A van\"\n+++\nBody.\n\nMore.\n",
		"zone written as UTC":  "---\ntitle: IMTs\ndate: 2020-02-06T05:00:00Z\ntags: [a, b]\nimage: v.jpg\nimage_alt: A van\n---\n\nBody.\n\nMore.\n",
		"hugo images":          "---\ntitle: IMTs\ndate: 2020-02-06 10:00\ntags: [a, b]\nimages: [v.jpg]\nimage_alt: A van\nlang: en\n---\n\nBody.\n\nMore.\n",
		"quoted values":        "---\ntitle: \"IMTs\"\ndate: \"2020-02-06T10:00:00+05:00\"\ntags:\n  - a\n  - 'b'\nimage: v.jpg\nimage_alt: A van\n---\n\nBody.\n\nMore.   \n",
	}
	want := mustParse(t, base).Hash
	if len(want) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", want)
	}
	for name, in := range same {
		if got := mustParse(t, in).Hash; got != want {
			t.Errorf("%s: hash %s, want %s", name, got, want)
		}
	}
	differs := map[string]string{
		"title":     strings.Replace(base, "title: IMTs", "title: IMTs!", 1),
		"date":      strings.Replace(base, "10:00:00", "10:00:01", 1),
		"tag order": strings.Replace(base, "[a, b]", "[b, a]", 1),
		"alt":       strings.Replace(base, "A van", "A car", 1),
		"body":      strings.Replace(base, "More.", "More!", 1),
		"paragraph": strings.Replace(base, "Body.\n\nMore.", "Body.\nMore.", 1),
		"draft":     strings.Replace(base, "---\n\n", "draft: true\n---\n\n", 1),
		"lang":      strings.Replace(base, "---\n\n", "lang: ru\n---\n\n", 1),
		"summary":   strings.Replace(base, "---\n\n", "summary: Other lead.\n---\n\n", 1),
		"embargo":   strings.Replace(base, "---\n\n", "publish_at: 2020-02-07\n---\n\n", 1),
		"withdrawn": strings.Replace(base, "---\n\n", "withdrawn: true\n---\n\n", 1),
		"channels":  strings.Replace(base, "---\n\n", "channels: [x]\n---\n\n", 1),
	}
	for name, in := range differs {
		if got := mustParse(t, in).Hash; got == want {
			t.Errorf("changing %s kept the hash", name)
		}
	}
}

// TestHashFieldBoundaries checks that moving text between fields changes
// the hash (values are length-prefixed).
func TestHashFieldBoundaries(t *testing.T) {
	a := mustParse(t, "---\ntitle: ab\ndate: 2020-02-06\nlocation: c\n---\nx\n")
	b := mustParse(t, "---\ntitle: a\ndate: 2020-02-06\nlocation: bc\n---\nx\n")
	if a.Hash == b.Hash {
		t.Error("title/location boundary does not change the hash")
	}
}

// mustParse parses a release that must have no errors.
func mustParse(t *testing.T, in string) release.Release {
	t.Helper()
	r, ps := Parse("r.md", "r", []byte(in), Options{})
	if HasErrors(ps) {
		t.Fatalf("unexpected problems:\n%s", problemLines(ps))
	}
	return r
}

package content

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// TestImageDir checks that with Options.ImageDir a local image that is not
// a file in that folder is a warning at its value, and that URLs and
// present pictures pass.
func TestImageDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images", "2020", "folder.jpg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "images", "2020", "van.jpg"), []byte("jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	head := "---\ntitle: t\ndate: 2020-02-06\nimage_alt: a van\n"
	tests := []struct {
		name  string
		fm    string
		want  string // a part of the warning; "" for none
		line  int
		col   int
		noDir bool // check nothing: ImageDir ""
	}{
		{"present", "image: images/2020/van.jpg\n", "", 0, 0, false},
		{"present with leading slash", "image: /images/2020/van.jpg\n", "", 0, 0, false},
		{"present, written loosely", "image: ./images//2020/./van.jpg\n", "", 0, 0, false},
		{"url", "image: https://example.org/missing.jpg\n", "", 0, 0, false},
		{"missing", "image: images/2020/bus.jpg\n", `image "images/2020/bus.jpg" is not in ` + dir + ": the newsroom page and every channel's post would show a missing picture; add it as " + filepath.Join(dir, "images", "2020", "bus.jpg"), 5, 8, false},
		{"missing, quoted", "image: \"images/bus.jpg\"\n", "is not in", 5, 8, false},
		{"missing, first of images", "images: [images/bus.jpg, images/2020/van.jpg]\n", "is not in", 5, 1, false},
		{"a folder", "image: images/2020/folder.jpg\n", "cannot be used (it is a folder, not a picture)", 5, 8, false},
		{"outside the folder", "image: ../van.jpg\n", "cannot be used (the path leads out of the content folder)", 5, 8, false},
		{"missing, not checked", "image: images/2020/bus.jpg\n", "", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{ImageDir: dir}
			if tt.noDir {
				opts.ImageDir = ""
			}
			r, probs := Parse("r.md", "r", []byte(head+tt.fm+"---\nText.\n"), opts)
			if HasErrors(probs) {
				t.Fatalf("errors: %v", probs)
			}
			if r.Image == "" {
				t.Fatal("no image parsed")
			}
			wantWarning(t, probs, tt.want, tt.line, tt.col)
		})
	}
}

// wantWarning checks that probs is one warning at line:col containing
// want, or nothing when want is "".
func wantWarning(t *testing.T, probs []Problem, want string, line, col int) {
	t.Helper()
	if want == "" {
		if len(probs) != 0 {
			t.Fatalf("problems %v, want none", probs)
		}
		return
	}
	if len(probs) != 1 {
		t.Fatalf("problems %v, want one warning", probs)
	}
	p := probs[0]
	if p.Severity != SeverityWarning || p.Line != line || p.Col != col || !strings.Contains(p.Message, want) {
		t.Errorf("got %v, want warning at %d:%d containing %q", p, line, col, want)
	}
}

// TestBodyPictures checks that with Options.ImageDir a picture of the
// text that names a missing file, or one outside the content folder, is a
// warning at its path, and that present pictures, URLs and pictures
// without ImageDir pass.
func TestBodyPictures(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "images", "карта.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	special := specialFiles(t, filepath.Join(dir, "images"))
	head := "---\ntitle: t\ndate: 2020-02-06\n---\n\n"
	tests := []struct {
		name      string
		body      string
		want      string // a part of the warning; "" for none
		line, col int
		noDir     bool
	}{
		{"present", "Text.\n\n![Map](images/карта.png)\n", "", 0, 0, false},
		{"present, escaped", "![Map](images/%D0%BA%D0%B0%D1%80%D1%82%D0%B0.png \"title\")\n", "", 0, 0, false},
		{"url", "![Map](https://example.org/map.png)\n", "", 0, 0, false},
		{"missing", "Text.\n\nСм. ![Map](images/missing.png)\n", `picture "images/missing.png" is not in ` + dir, 8, 12, false},
		{"outside", "![Map](../secret.png)\n", "cannot be shown (the path leads out of the content folder)", 6, 8, false},
		{"missing, not checked", "![Map](images/missing.png)\n", "", 0, 0, true},
		{"space in the path", "![A map of the basin](images/2024/map with space.png)\n", `"images/2024/map with space.png" is not a picture: its path holds a space, so the page shows the text as written; write the path between < and >, ![…](<images/2024/map with space.png>), or with %20 for each space, images/2024/map%20with%20space.png`, 6, 23, false},
		{"space in the path, not checked", "![Map](map with space.png)\n", "is not a picture: its path holds a space", 6, 8, true},
		{"space, between < and >", "![Map](<images/карта.png>)\n", "", 0, 0, false},
		{"space, between < and >, missing", "![Map](<images/map with space.png>)\n", `picture "images/map with space.png" is not in`, 6, 9, false},
		{"space before a title", "![Map](images/карта.png  \"The basin\")\n", "", 0, 0, false},
		{"a named pipe", "![Map](images/pipe.png)\n", "cannot be shown (it is a named pipe (FIFO), not a regular file with a picture in it)", 6, 8, false},
		{"a link to a device", "![Map](images/zero.png)\n", "cannot be shown (it is a device, not a regular file with a picture in it)", 6, 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !special && (strings.Contains(tt.body, "pipe.png") || strings.Contains(tt.body, "zero.png")) {
				t.Skip("no named pipes or /dev/zero here")
			}
			opts := Options{ImageDir: dir}
			if tt.noDir {
				opts.ImageDir = ""
			}
			_, probs := Parse("r.md", "r", []byte(head+tt.body), opts)
			wantWarning(t, probs, tt.want, tt.line, tt.col)
		})
	}
}

// TestImageDigest checks that with Options.ImageDir a present local picture
// puts the SHA-256 of its bytes into the release and its hash: the same
// file hashes differently once the picture under its name is replaced,
// even within the cache of digests, and as before without a picture.
func TestImageDigest(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "van.jpg")
	src := []byte("---\ntitle: t\ndate: 2020-02-06\nimage: /van.jpg\nimage_alt: a van\n---\nText.\n")
	parse := func(opts Options) release.Release {
		t.Helper()
		r, probs := Parse("r.md", "r", src, opts)
		if len(probs) != 0 {
			t.Fatalf("problems %v", probs)
		}
		return r
	}
	if err := os.WriteFile(pic, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := parse(Options{ImageDir: dir})
	if want := fmt.Sprintf("%x", sha256.Sum256([]byte("first"))); first.ImageDigest != want {
		t.Fatalf("ImageDigest %q, want %q", first.ImageDigest, want)
	}
	if again := parse(Options{ImageDir: dir}); again.Hash != first.Hash {
		t.Error("the same picture hashes differently")
	}
	if err := os.WriteFile(pic, []byte("second, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := parse(Options{ImageDir: dir})
	if second.Hash == first.Hash || second.ImageDigest == first.ImageDigest {
		t.Error("a replaced picture leaves the hash as it was")
	}
	if runtime.GOOS == "linux" { // where the stamp has the change time
		st, err := os.Stat(pic)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // past the file system's clock tick
		if err := os.WriteFile(pic, []byte("SECOND, LONGER"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(pic, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
		if third := parse(Options{ImageDir: dir}); third.Hash == second.Hash {
			t.Error("a picture copied over with the old one's size and mtime (cp -p) leaves the hash as it was")
		}
	}
	if onlyChecked := parse(Options{ImageDir: dir, NoImageDigest: true}); onlyChecked.ImageDigest != "" {
		t.Error("NoImageDigest read the picture")
	}
	unchecked := parse(Options{})
	unchecked.ImageDigest = ""
	if unchecked.Hash != Hash(unchecked) || unchecked.Hash == second.Hash {
		t.Error("without ImageDir the hash should cover front matter and body only")
	}
}

// TestCleanImagePath checks the clean form of local image paths: "./",
// "//" and "x/.." go, a leading "/" stays, a path that leaves the folder
// still does (and is refused by the image check).
func TestCleanImagePath(t *testing.T) {
	for in, want := range map[string]string{
		"images/a.jpg":       "images/a.jpg",
		"/images/a.jpg":      "/images/a.jpg",
		"./images//a.jpg":    "images/a.jpg",
		"/images/./2020/a.b": "/images/2020/a.b",
		"images/x/../a.jpg":  "images/a.jpg",
		"a/../../x.jpg":      "../x.jpg",
	} {
		if got := cleanImagePath(in); got != want {
			t.Errorf("cleanImagePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBodyPictureDigest checks that with Options.ImageDir a picture the
// text shows puts its digest into the release and its hash: the same
// file hashes differently once the picture is replaced, a picture named
// twice is listed once, and without ImageDir nothing is read.
func TestBodyPictureDigest(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "images", "map.png")
	if err := os.MkdirAll(filepath.Dir(pic), 0o755); err != nil {
		t.Fatal(err)
	}
	src := []byte("---\ntitle: t\ndate: 2020-02-06\n---\n\n![Map](images/map.png)\n\n![The same map](./images/map.png)\n")
	parse := func(opts Options) release.Release {
		t.Helper()
		r, probs := Parse("r.md", "r", src, opts)
		if len(probs) != 0 {
			t.Fatalf("problems: %v", probs)
		}
		return r
	}
	if err := os.WriteFile(pic, []byte("first map"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := parse(Options{ImageDir: dir})
	want := fmt.Sprintf("%x", sha256.Sum256([]byte("first map")))
	if len(first.BodyImages) != 1 || first.BodyImages[0] != (release.BodyImage{Path: "images/map.png", Digest: want}) {
		t.Fatalf("body images %+v, want images/map.png once with digest %s", first.BodyImages, want)
	}
	if plain := parse(Options{}); len(plain.BodyImages) != 0 || plain.Hash == first.Hash {
		t.Errorf("without ImageDir: body images %+v, hash %s (with: %s)", plain.BodyImages, plain.Hash, first.Hash)
	}
	later := time.Now().Add(time.Minute)
	if err := os.WriteFile(pic, []byte("other map"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(pic, later, later); err != nil {
		t.Fatal(err)
	}
	if second := parse(Options{ImageDir: dir}); second.Hash == first.Hash {
		t.Error("the hash did not change with the picture's bytes")
	}
}

// TestDatelineDate checks that a text opening with a dateline whose date
// is not date: is a warning at the written date, in each language's
// forms, and that a matching dateline or none passes.
func TestDatelineDate(t *testing.T) {
	tests := []struct {
		name, lang, body string
		want             string // a part of the warning; "" for none
		line, col        int
	}{
		{"matches", "en", "**1 November 2026, Tashkent** – Text.", "", 0, 0},
		{"no dateline", "en", "Text of 2 November.", "", 0, 0},
		{"english", "en", "**2 November 2026, Tashkent** – Text.", "says 2 November 2026, but date: says 1 November 2026", 6, 3},
		{"russian", "ru", "**2 ноября 2026 г., Ташкент** – Текст.", "says 2 ноября 2026 г., but date: says 1 ноября 2026 г.", 6, 3},
		{"uzbek", "uz", "**1-dekabr 2026-yil, Toshkent** – Matn.", "says 1-dekabr 2026-yil", 6, 3},
		{"iso, a year off", "en", "2025-11-01, Tashkent – Text.", "says 1 November 2025", 6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: t\ndate: 2026-11-01T10:00:00+05:00\nlang: " + tt.lang + "\n---\n" + tt.body + "\n"
			_, probs := Parse("r.md", "r", []byte(src), Options{})
			wantWarning(t, probs, tt.want, tt.line, tt.col)
		})
	}
}

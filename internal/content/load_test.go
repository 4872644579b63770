package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// writeFiles creates files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func releaseFile(title, extra string) string {
	return "---\ntitle: " + title + "\ndate: 2020-02-06\n" + extra + "---\nText.\n"
}

// TestLoad checks walking, IDs, skipped files and that a bad file does not
// stop the others.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"2020/imts.md":        releaseFile("IMTs", ""),
		"2020/ru/imts.md":     releaseFile("ИМТ", "lang: ru\n"),
		"2021/broken.md":      "no front matter\n",
		"2021/warned.md":      releaseFile("Warned", "titel: x\n"),
		"_index.md":           "Hugo section page, not a release\n",
		".git/x.md":           "not content\n",
		"2020/.draft.md":      "editor backup\n",
		"2020/notes.txt":      "not markdown\n",
		"2022/deep/in/one.md": releaseFile("Deep", ""),
	})
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(releaseIDs(res), " "), "2020/imts 2020/ru/imts 2021/warned 2022/deep/in/one"; got != want {
		t.Errorf("IDs = %q, want %q", got, want)
	}
	if res.Files != 5 {
		t.Errorf("Files = %d, want 5", res.Files)
	}
	if res.Errors() != 1 || res.Warnings() != 1 {
		t.Fatalf("problems:\n%s\nwant 1 error and 1 warning", problemLines(res.Problems))
	}
	if p := res.Problems[0]; p.Path != filepath.Join(dir, "2021", "broken.md") || p.Line != 1 {
		t.Errorf("first problem = %s, want broken.md:1", p)
	}
	if p := res.Problems[1]; p.Severity != SeverityWarning || p.Line != 4 {
		t.Errorf("second problem = %s, want the warning on warned.md:4", p)
	}
}

// TestLoadTranslationKey reports the second file of a (translation_key,
// lang) pair, naming the first, and keeps other languages.
func TestLoadTranslationKey(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.md": releaseFile("A", "translation_key: imts\n"),
		"b.md": releaseFile("B", "lang: ru\ntranslationKey: imts\n"),
		"c.md": releaseFile("C", "lang: en\n\ntranslation_key: imts\n"),
		"d.md": releaseFile("D", "lang: ru\ntranslation_key: other\n"),
	})
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "c.md")
	checkProblems(t, res.Problems, []want{{6, 18, SeverityError, `translation_key "imts" with lang "en" is also used by ` + filepath.Join(dir, "a.md")}})
	if res.Problems[0].Path != c {
		t.Errorf("reported on %s, want %s", res.Problems[0].Path, c)
	}
	if len(res.Releases) != 3 {
		t.Errorf("got %d releases, want 3 (c.md left out)", len(res.Releases))
	}
}

// TestLoadPaths checks files and folders mixed, a path given twice, and
// a missing path.
func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"content/2020/a.md": releaseFile("A", ""),
		"content/2020/b.md": releaseFile("B", ""),
		"other/c.md":        releaseFile("C", ""),
	})
	content := filepath.Join(dir, "content")
	res, err := LoadPaths([]string{content, filepath.Join(content, "2020", "a.md"), filepath.Join(dir, "other", "c.md")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(releaseIDs(res), " "); got != "2020/a 2020/b c" || res.Files != 3 {
		t.Errorf("IDs = %q from %d files, want \"2020/a 2020/b c\" from 3", got, res.Files)
	}
	if _, err := LoadPaths([]string{filepath.Join(dir, "missing")}, Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing path: err = %v, want fs.ErrNotExist", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing dir: err = %v, want fs.ErrNotExist", err)
	}
}

// TestLoadOversized reports a file over 1 MiB without reading it.
func TestLoadOversized(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"big.md": releaseFile("Big", "") + strings.Repeat("x", MaxFileSize)})
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, res.Problems, []want{{1, 1, SeverityError, "over the 1 MiB limit"}})
}

// TestLoadUnreadable reports a file that cannot be read as a problem.
func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any file")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.md": releaseFile("A", ""), "b.md": releaseFile("B", "")})
	if err := os.Chmod(filepath.Join(dir, "a.md"), 0); err != nil {
		t.Fatal(err)
	}
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.md")
	checkProblems(t, res.Problems, []want{{1, 1, SeverityError, "cannot read the file: open " + a + ": permission denied: check that it exists and is readable"}})
	if len(res.Releases) != 1 || !slices.Equal(res.Unreadable, []string{a}) {
		t.Errorf("got %d releases, Unreadable %q; want b.md only, and %s", len(res.Releases), res.Unreadable, a)
	}
}

// TestLoadUnreadableLinks reports a link to nothing and a link to a
// folder, both found as files, with the messages os.Open and
// (*os.File).Read give; unlike TestLoadUnreadable it runs as root too.
func TestLoadUnreadableLinks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.md": releaseFile("A", ""), "sub/b.md": releaseFile("B", "")})
	dangling, folder := filepath.Join(dir, "dangling.md"), filepath.Join(dir, "folder.md")
	if err := os.Symlink(filepath.Join(dir, "missing"), dangling); err != nil {
		t.Skipf("cannot make links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub"), folder); err != nil {
		t.Fatal(err)
	}
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range res.Problems {
		msgs = append(msgs, p.String())
	}
	wantMsgs := []string{
		dangling + ":1:1: cannot read the file: open " + dangling + ": no such file or directory: check that it exists and is readable",
		folder + ":1:1: cannot read the file: read " + folder + ": is a directory: check that it exists and is readable",
	}
	if strings.Join(msgs, "\n") != strings.Join(wantMsgs, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(wantMsgs, "\n"))
	}
	if len(res.Releases) != 2 || res.Files != 4 {
		t.Errorf("got %d releases from %d files, want a.md and sub/b.md from 4", len(res.Releases), res.Files)
	}
	if !slices.Equal(res.Unreadable, []string{folder}) {
		t.Errorf("Unreadable = %q, want only %s (a dangling link is a removed file)", res.Unreadable, folder)
	}
}

// TestLoadManyFiles loads more files than the workers take at a time,
// and checks that the result does not depend on which worker read what:
// every file counted, releases by ID, a clash reported on the later path.
func TestLoadManyFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	var wantIDs []string
	for i := range 5*batchSize + 3 {
		id := fmt.Sprintf("%d/r%03d", 2020+i%3, i)
		files[id+".md"] = releaseFile(fmt.Sprintf("R%d", i), "")
		wantIDs = append(wantIDs, id)
	}
	files["2019/clash.md"] = releaseFile("First", "translation_key: k\n")
	files["2023/clash.md"] = releaseFile("Second", "translation_key: k\n")
	wantIDs = append([]string{"2019/clash"}, wantIDs...)
	slices.Sort(wantIDs)
	writeFiles(t, dir, files)
	for range 3 {
		res, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ids := releaseIDs(res)
		if !slices.Equal(ids, wantIDs) || res.Files != len(files) {
			t.Fatalf("got %d files and IDs %v\nwant %d files and IDs %v", res.Files, ids, len(files), wantIDs)
		}
		if len(res.Problems) != 1 || res.Problems[0].Path != filepath.Join(dir, "2023", "clash.md") {
			t.Fatalf("problems:\n%s\nwant one, on 2023/clash.md", problemLines(res.Problems))
		}
	}
}

// releaseIDs returns the IDs of res's releases in order.
func releaseIDs(res Result) []string {
	var ids []string
	for _, r := range res.Releases {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestLoadNoHash checks that Options.NoHash changes nothing but
// Release.Hash, which content.Hash then gives as a load without it does.
func TestLoadNoHash(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"en.md":        releaseFile("IMTs", "image: images/a.jpg\nimage_alt: A\n"),
		"ru.md":        releaseFile("ИМТ", "lang: ru\nimage: images/missing.jpg\nimage_alt: Б\n"),
		"body.md":      "---\ntitle: T\ndate: 2020-02-06\n---\nText ![x](images/a.jpg)\n",
		"crlf.md":      "\ufeff---\r\ntitle: T\r\ndate: 2020-02-06\r\n---\r\nText.  \r\n\r\n",
		"broken.md":    "no front matter\n",
		"warned.md":    releaseFile("Warned", "titel: x\n"),
		"images/a.jpg": "JPEG",
	})
	for _, name := range []string{dir, filepath.Join("testdata", "files")} {
		opts := Options{ImageDir: name}
		want, err := Load(name, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.NoHash = true
		got, err := Load(name, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Problems, want.Problems) || len(got.Releases) != len(want.Releases) {
			t.Fatalf("%s: NoHash changed the problems or the releases:\n%s\nwant:\n%s", name, problemLines(got.Problems), problemLines(want.Problems))
		}
		for i, r := range got.Releases {
			if r.Hash != "" {
				t.Errorf("%s: %s: Hash %q, want none", name, r.ID, r.Hash)
			}
			if h := Hash(r); h != want.Releases[i].Hash {
				t.Errorf("%s: %s: Hash(r) = %q, want %q", name, r.ID, h, want.Releases[i].Hash)
			}
			r.Hash = want.Releases[i].Hash
			if !reflect.DeepEqual(r, want.Releases[i]) {
				t.Errorf("%s: NoHash changed release %s:\n%+v\nwant:\n%+v", name, r.ID, r, want.Releases[i])
			}
		}
	}
}

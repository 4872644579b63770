package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// badDir is the bad-input corpus, relative to the repository root.
const badDir = "testdata/bad"

// minBadCases is the fewest cases the corpus may hold: a folder emptied by
// mistake must not pass.
const minBadCases = 30

// badCase is one entry of testdata/bad: a release file (NN-name.md), a
// folder checked as a whole (NN-name/), or a generator for a file too big
// to commit (NN-name.gen). Its expected output is NN-name.want.
type badCase struct {
	name string // NN-name
	arg  string // what "pressbot check" is given, e.g. testdata/bad/NN-name.md
	gen  string // path of the .gen file, or ""
}

// TestBadCorpus runs every case of testdata/bad through the loader as
// "pressbot check testdata/bad/NN-name.md" does from the repository root,
// and compares its exact output (problems, then the summary line) with
// NN-name.want. go test -update rewrites the .want files.
func TestBadCorpus(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cases := badCases(t, filepath.Join(root, filepath.FromSlash(badDir)))
	if len(cases) < minBadCases {
		t.Fatalf("%s holds %d cases, want at least %d", badDir, len(cases), minBadCases)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := root
			if c.gen != "" {
				dir = generate(t, c)
			}
			t.Chdir(dir)
			got := checkOutput(t, c.arg)
			wantFile := filepath.Join(root, filepath.FromSlash(badDir), c.name+".want")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (go test ./internal/content -run TestBadCorpus -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("pressbot check %s changed (-update rewrites %s.want):\n--- got\n%s--- want\n%s", c.arg, c.name, got, want)
			}
		})
	}
}

// badCases lists the corpus, and fails on a .want file without its case.
func badCases(t *testing.T, dir string) []badCase {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	names := map[string]bool{}
	var wants []string
	for _, e := range entries {
		name, ext := e.Name(), filepath.Ext(e.Name())
		base := strings.TrimSuffix(name, ext)
		switch {
		case strings.HasPrefix(name, "."): // .gitattributes
			continue
		case e.IsDir():
			cases = append(cases, badCase{name: name, arg: badDir + "/" + name})
		case ext == ".md":
			cases = append(cases, badCase{name: base, arg: badDir + "/" + name})
		case ext == ".gen":
			cases = append(cases, badCase{name: base, arg: badDir + "/" + base + ".md", gen: filepath.Join(dir, name)})
		case ext == ".want":
			wants = append(wants, base)
			continue
		default:
			t.Errorf("%s/%s: unexpected file; the corpus holds NN-name.md, NN-name/, NN-name.gen and NN-name.want", badDir, name)
			continue
		}
		if names[cases[len(cases)-1].name] {
			t.Errorf("%s: two cases named %s", badDir, base)
		}
		names[cases[len(cases)-1].name] = true
	}
	for _, w := range wants {
		if !names[w] {
			t.Errorf("%s/%s.want has no case: remove it or add %s.md", badDir, w, w)
		}
	}
	return cases
}

// checkOutput loads arg as "pressbot check arg" does with its default
// flags, and returns what it prints on standard output.
func checkOutput(t *testing.T, arg string) string {
	t.Helper()
	res, err := LoadPaths([]string{arg}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range res.Problems {
		b.WriteString(p.String() + "\n")
	}
	fmt.Fprintf(&b, "%d releases, %d errors, %d warnings\n", len(res.Releases), res.Errors(), res.Warnings())
	return b.String()
}

// generate writes the file a .gen case describes into a temporary folder,
// at the same relative path as a committed case, and returns the folder.
// A .gen file is a first line "size=N" and the start of the release; the
// body is padded with text to exactly N bytes.
func generate(t *testing.T, c badCase) string {
	t.Helper()
	spec, err := os.ReadFile(c.gen)
	if err != nil {
		t.Fatal(err)
	}
	first, head, _ := bytes.Cut(spec, []byte("\n"))
	size, err := strconv.Atoi(strings.TrimPrefix(string(first), "size="))
	if err != nil || !bytes.HasPrefix(first, []byte("size=")) || size < len(head) {
		t.Fatalf("%s: first line must be size=N with N at least the length of the rest, not %q", c.gen, first)
	}
	const filler = "The office handed over a mobile laboratory to the border service.\n"
	data := make([]byte, 0, size+len(filler))
	data = append(data, head...)
	for len(data) < size {
		data = append(data, filler...)
	}
	data = data[:size]
	tmp := t.TempDir()
	path := filepath.Join(tmp, filepath.FromSlash(c.arg))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return tmp
}

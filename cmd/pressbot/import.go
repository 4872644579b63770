package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/content/plaintext"
)

func init() {
	register(command{name: "import", summary: "turn plain-text press releases into Markdown releases", run: runImport})
}

// runImport converts each plain-text FILE into DIR/YYYY/slug.md, never
// overwriting, and reports what it inferred and what it could not.
func runImport(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("import", "[-lang L] [-out DIR] FILE...",
		"Convert plain-text press releases (title line, dateline, body, \"For more information:\" footer)\n"+
			"into Markdown releases with front matter, written to DIR/YYYY/slug.md.\n"+
			"Existing files are never overwritten. See docs/import.md.", stderr)
	lang := fset.String("lang", "", "`language` of the releases (BCP 47: en, ru, uz, uz-Cyrl); default: detect")
	out := fset.String("out", "content", "content `folder` to write into")
	if code, ok := parseFlags(fset, args); !ok {
		return code
	}
	if fset.NArg() == 0 {
		fmt.Fprintln(stderr, "pressbot import: no FILE given")
		fset.Usage()
		return exitUsage
	}
	if *lang != "" {
		if _, err := language.Parse(*lang); err != nil {
			fmt.Fprintf(stderr, "pressbot import: -lang %q is not a BCP 47 language tag (e.g. en, ru, uz, uz-Cyrl)\n", *lang)
			fset.Usage()
			return exitUsage
		}
	}
	code := exitOK
	for _, file := range fset.Args() {
		if err := importFile(file, *out, plaintext.Options{Lang: *lang}, stdout); err != nil {
			fmt.Fprintf(stderr, "pressbot import: %v\n", err)
			code = exitProblems
		}
	}
	return code
}

// errIncomplete marks a release that was written but lacks a required
// field the text did not give (the date).
var errIncomplete = errors.New("written, but incomplete")

// importFile converts one file and writes it under outDir.
func importFile(file, outDir string, opts plaintext.Options, stdout io.Writer) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if len(text) > content.MaxFileSize {
		return fmt.Errorf("%s: %d bytes is over the %d-byte limit of one release; is this one press release?", file, len(text), content.MaxFileSize)
	}
	res, err := plaintext.Convert(text, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	rel := res.RelPath()
	if err := validate(outDir, rel, res); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	dst := filepath.Join(outDir, filepath.FromSlash(rel))
	err = writeNew(dst, res.Markdown)
	if other, ok := otherRelease(dst, res); errors.Is(err, fs.ErrExist) && ok {
		// Another release of the same title: this one gets its date too.
		res.Slug += "-" + res.Date.Format("2006-01-02")
		res.Inferred = append(res.Inferred, fmt.Sprintf("slug: %s (%s is another release of the same title, dated %s)", res.Slug, dst, other))
		dst = filepath.Join(outDir, filepath.FromSlash(res.RelPath()))
		err = writeNew(dst, res.Markdown)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %s already exists; delete it or choose another -out", file, dst)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(stdout, "%s -> %s\n", file, dst)
	for _, s := range res.Inferred {
		fmt.Fprintf(stdout, "  inferred %s\n", s)
	}
	for _, s := range res.Missing {
		fmt.Fprintf(stdout, "  missing  %s\n", s)
	}
	if res.Date.IsZero() {
		return fmt.Errorf("%s: %w: %s has no date; add one before `pressbot check` will accept it", file, errIncomplete, dst)
	}
	return nil
}

// otherRelease reports whether the release file at path is another
// release than res, by its date, and returns that date.
func otherRelease(path string, res plaintext.Result) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil || res.Date.IsZero() {
		return "", false
	}
	rel, _ := content.Parse(path, "", data, content.Options{})
	if rel.Date.IsZero() || sameDay(rel.Date, res.Date) {
		return "", false
	}
	return rel.Date.Format("2006-01-02"), true
}

// sameDay reports whether a and b fall on the same calendar day in a's zone.
func sameDay(a, b time.Time) bool {
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.In(a.Location()).Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// writeNew creates path (and its folder) with data; it fails with
// fs.ErrExist rather than replace an existing file.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// validate parses the converted release as `pressbot check` would and
// refuses output with errors: that is a converter bug, not bad input. An
// undated release is checked with a stand-in date, since the missing date
// is reported to the user instead.
func validate(outDir, rel string, res plaintext.Result) error {
	data := res.Markdown
	if res.Date.IsZero() {
		data = append([]byte("---\ndate: 2000-01-01T00:00:00+05:00\n"), bytes.TrimPrefix(data, []byte("---\n"))...)
	}
	path := filepath.Join(outDir, filepath.FromSlash(rel))
	_, problems := content.Parse(path, strings.TrimSuffix(rel, ".md"), data, content.Options{})
	if !content.HasErrors(problems) {
		return nil
	}
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("\n  " + p.String())
	}
	return fmt.Errorf("not written: the converted release would fail `pressbot check`; this is a bug in pressbot import, please report it with the input file:%s", b.String())
}

// Package content reads press releases from Markdown files with YAML or
// TOML front matter, validates them with precise positions, and computes
// their content hash.
package content

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/pressbot/pressbot/internal/release"
)

// Result is what a load found.
type Result struct {
	// Releases are the valid releases (no errors; warnings allowed), by ID.
	Releases []release.Release
	// Problems are every error and warning, by path, line and column.
	Problems []Problem
	// Files is the number of release files read.
	Files int
}

// Errors returns the number of error problems.
func (r Result) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Warnings returns the number of warning problems.
func (r Result) Warnings() int { return len(r.Problems) - r.Errors() }

// Load reads every *.md file under dir. IDs are paths relative to dir with
// forward slashes and without ".md". Hidden files and folders (".git") and
// files whose name starts with "_" (Hugo's _index.md) are skipped. The
// error is only for a dir that cannot be read; problems in files are in
// the Result.
func Load(dir string, opts Options) (Result, error) {
	files, err := walk(dir)
	if err != nil {
		return Result{}, err
	}
	return load(files, opts), nil
}

// LoadPaths reads the given files and folders. A folder is walked as by
// Load, with IDs relative to it; a file's ID is its name without ".md"
// (relative to the folder it was named with). A path given twice is read
// once.
func LoadPaths(paths []string, opts Options) (Result, error) {
	var files []file
	seen := map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return Result{}, fmt.Errorf("content: %w", err)
		}
		var found []file
		if st.IsDir() {
			if found, err = walk(p); err != nil {
				return Result{}, err
			}
		} else {
			found = []file{{path: p, id: strings.TrimSuffix(filepath.Base(p), ".md")}}
		}
		for _, f := range found {
			key := filepath.Clean(f.path)
			if !seen[key] {
				seen[key] = true
				files = append(files, f)
			}
		}
	}
	return load(files, opts), nil
}

// file is a release file to read.
type file struct {
	path string
	id   string
}

// walk lists the release files under dir.
func walk(dir string) ([]file, error) {
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, file{path: p, id: strings.TrimSuffix(filepath.ToSlash(rel), ".md")})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	return files, nil
}

// parsed is the outcome for one file.
type parsed struct {
	rel      release.Release
	problems []Problem
	info     fileInfo
}

// load parses files in parallel, then runs the checks across files.
func load(files []file, opts Options) Result {
	s := opts.resolve()
	out := make([]parsed, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Go(func() {
			var buf []byte // reused: parse keeps no part of the data it reads
			for i := range jobs {
				out[i], buf = readOne(files[i], s, buf)
			}
		})
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return crossCheck(files, out)
}

// readOne reads and parses one file, reporting an unreadable or oversized
// file as a problem. It reads into buf when it is large enough, and returns
// the buffer it used for the next file.
func readOne(f file, s *settings, buf []byte) (parsed, []byte) {
	ps := &problems{path: f.path}
	data, size, err := readLimited(f.path, buf)
	if cap(data) > cap(buf) {
		buf = data
	}
	switch {
	case err != nil:
		ps.errorf(pos{1, 1}, "cannot read the file: %v: check that it exists and is readable", err)
	case size > MaxFileSize:
		ps.errorf(pos{1, 1}, "file is %d bytes, over the 1 MiB limit (%d bytes): shorten the text, and keep pictures as separate files named by 'image'", size, MaxFileSize)
	default:
		r, list, info := parse(f.path, f.id, data, s)
		return parsed{rel: r, problems: list, info: info}, buf
	}
	return parsed{problems: ps.list}, buf
}

// readLimited reads a file unless it is larger than MaxFileSize; it
// returns the size either way. It reads into buf when its capacity is
// enough.
func readLimited(path string, buf []byte) ([]byte, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, 0, err
	}
	if st.Size() > MaxFileSize {
		return nil, st.Size(), nil
	}
	// One byte more than the size: a file that grew meanwhile is still read
	// to its end, up to the limit.
	data := buf[:0]
	if int64(cap(data)) < st.Size()+1 {
		data = make([]byte, 0, st.Size()+1)
	}
	for int64(len(data)) <= MaxFileSize {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := fh.Read(data[len(data):min(cap(data), MaxFileSize+1)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
	}
	return data, int64(len(data)), nil
}

// crossCheck reports (translation_key, lang) pairs used twice, on the
// later file in path order, and collects the valid releases.
func crossCheck(files []file, out []parsed) Result {
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(files[a].path, files[b].path) })
	res := Result{Files: len(files)}
	translations := map[[2]string]string{}
	for _, i := range order {
		p := &out[i]
		ps := &problems{path: files[i].path, list: p.problems}
		valid := !HasErrors(p.problems)
		if valid {
			valid = uniqueTranslation(p, ps, translations)
		}
		if valid {
			if res.Releases == nil {
				res.Releases = make([]release.Release, 0, len(files)) // at most one each
			}
			res.Releases = append(res.Releases, p.rel)
		}
		res.Problems = append(res.Problems, ps.list...)
	}
	SortProblems(res.Problems)
	slices.SortFunc(res.Releases, func(a, b release.Release) int { return strings.Compare(a.ID, b.ID) })
	return res
}

// uniqueTranslation records a valid release's (translation_key, lang)
// pair, and reports a clash with an earlier file.
func uniqueTranslation(p *parsed, ps *problems, translations map[[2]string]string) bool {
	r := &p.rel
	if r.TranslationKey == "" {
		return true
	}
	k := [2]string{r.TranslationKey, r.Lang}
	if first, dup := translations[k]; dup {
		ps.errorf(p.info.translationKeyAt, "translation_key %q with lang %q is already used by %s: give this file another lang, or another translation_key if it is a different release", r.TranslationKey, r.Lang, first)
		return false
	}
	translations[k] = r.Path
	return true
}

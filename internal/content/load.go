// Package content reads press releases from Markdown files with YAML or
// TOML front matter, validates them with precise positions, and computes
// their content hash.
package content

import (
	"fmt"
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
	return load(opts, func(add func(file)) error { return walk(dir, add) })
}

// LoadPaths reads the given files and folders. A folder is walked as by
// Load, with IDs relative to it; a file's ID is its name without ".md"
// (relative to the folder it was named with). A path given twice is read
// once.
func LoadPaths(paths []string, opts Options) (Result, error) {
	return load(opts, func(add func(file)) error { return walkPaths(paths, add) })
}

// load reads and parses the files list hands to add, while list runs.
// The error is list's.
func load(opts Options, list func(add func(file)) error) (Result, error) {
	l := startLoad(opts)
	err := list(l.add)
	res := l.finish() // always: the workers stop only here
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// walkPaths calls add for each release file in paths, as LoadPaths
// describes, once per cleaned path.
func walkPaths(paths []string, add func(file)) error {
	seen := map[string]bool{}
	addNew := func(f file) {
		key := filepath.Clean(f.path)
		if !seen[key] {
			seen[key] = true
			add(f)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("content: %w", err)
		}
		if !st.IsDir() {
			addNew(file{path: p, id: strings.TrimSuffix(filepath.Base(p), ".md")})
		} else if err := walk(p, addNew); err != nil {
			return err
		}
	}
	return nil
}

// file is a release file to read.
type file struct {
	path string
	id   string
}

// walk calls add for each release file under dir, in lexical order.
func walk(dir string, add func(file)) error {
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
		add(file{path: p, id: strings.TrimSuffix(filepath.ToSlash(rel), ".md")})
		return nil
	})
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	return nil
}

// parsed is the outcome for one file.
type parsed struct {
	rel      release.Release
	problems []Problem
	info     fileInfo
}

// batchSize is how many files a worker takes at a time: enough to make
// handing them over cheap, few enough to keep the workers evenly busy.
// 16, 32 and 64 measure about the same on 10,000 releases; 32 was a
// little ahead.
const batchSize = 32

// loader reads and parses files on worker goroutines while they are
// still being listed, then runs the checks across files.
type loader struct {
	s       *settings
	jobs    chan *batch
	wg      sync.WaitGroup
	workers int      // workers started
	max     int      // workers to start at most
	batches []*batch // every batch, in the order its files were listed
	next    *batch   // the batch being filled, or nil
}

// batch is a run of listed files and, once a worker is done, what it
// found in each.
type batch struct {
	files []file
	out   []parsed
}

// startLoad prepares a load; workers start with the first batches.
func startLoad(opts Options) *loader {
	n := loadWorkers()
	return &loader{s: opts.resolve(), jobs: make(chan *batch, n), max: n}
}

// loadWorkers is how many files are read and parsed at a time: twice
// the processors, so that one parses while another waits for the system
// (about 4% faster than one each on 10,000 releases in tmpfs, 2 CPUs).
func loadWorkers() int { return 2 * runtime.GOMAXPROCS(0) }

// work reads and parses the files of each batch it receives.
func (l *loader) work() {
	var buf []byte // reused: parse keeps no part of the data it reads
	for b := range l.jobs {
		b.out = make([]parsed, len(b.files))
		for i, f := range b.files {
			b.out[i], buf = readOne(f, l.s, buf)
		}
	}
}

// add queues a listed file; it hands the files over to the workers by
// the batch.
func (l *loader) add(f file) {
	if l.next == nil {
		l.next = &batch{files: make([]file, 0, batchSize)}
	}
	l.next.files = append(l.next.files, f)
	if len(l.next.files) == batchSize {
		l.flush()
	}
}

// flush hands the batch being filled over to the workers, starting one
// more while there are fewer than the most: a load of a few files starts
// few.
func (l *loader) flush() {
	if l.next == nil {
		return
	}
	if l.workers < l.max {
		l.workers++
		l.wg.Go(l.work)
	}
	l.batches = append(l.batches, l.next)
	l.jobs <- l.next
	l.next = nil
}

// finish waits for the workers and checks across the files, which are
// in the order they were added.
func (l *loader) finish() Result {
	l.flush()
	close(l.jobs)
	l.wg.Wait()
	n := 0
	for _, b := range l.batches {
		n += len(b.files)
	}
	files, out := make([]file, 0, n), make([]*parsed, 0, n)
	for _, b := range l.batches {
		files = append(files, b.files...)
		for i := range b.out {
			out = append(out, &b.out[i])
		}
	}
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

// readBuffer returns buf emptied, or a new buffer when buf cannot hold
// size+1 bytes: one byte more than the size, so that a file that grew
// meanwhile is still read to its end, up to the limit.
func readBuffer(buf []byte, size int64) []byte {
	if int64(cap(buf)) < size+1 {
		return make([]byte, 0, size+1)
	}
	return buf[:0]
}

// crossCheck reports (translation_key, lang) pairs used twice, on the
// later file in path order, and collects the valid releases.
func crossCheck(files []file, out []*parsed) Result {
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(files[a].path, files[b].path) })
	res := Result{Files: len(files)}
	translations := map[[2]string]string{}
	for _, i := range order {
		p := out[i]
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
		ps.errorf(p.info.translationKeyAt, "translation_key %q with lang %q is also used by %s: two files cannot be one language version of a release; in the newer one, change lang, or translation_key if it is a different release", r.TranslationKey, r.Lang, first)
		return false
	}
	translations[k] = r.Path
	return true
}

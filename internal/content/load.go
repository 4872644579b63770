// Package content reads press releases from Markdown files with YAML or
// TOML front matter, validates them with precise positions, and computes
// their content hash.
package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/pressbot/pressbot/internal/filestamp"
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
	// Unreadable are the folders and release files, by path, that could
	// not be read (not those removed meanwhile), in order: each also has
	// an error problem. Releases whose files are in them (or are them)
	// are missing from Releases, though their files may still be there.
	Unreadable []string
}

// IsUnreadable reports whether the file or folder p was, or is inside,
// one of r.Unreadable: a release missing from r for that reason may
// still have its file. p is compared as a cleaned path.
func (r Result) IsUnreadable(p string) bool {
	p = filepath.Clean(p)
	for _, u := range r.Unreadable {
		if p == u || strings.HasPrefix(p, u+string(filepath.Separator)) {
			return true
		}
	}
	return false
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
// files whose name starts with "_" (Hugo's _index.md) are skipped; a file
// ending in another case of ".md" (".MD"), and a symbolic link to a
// folder, are skipped with a warning. A folder below dir that cannot be
// read is an error problem, and is listed in Result.Unreadable; the
// error is only for a dir that cannot be read; problems in files are in
// the Result.
func Load(dir string, opts Options) (Result, error) {
	return load(opts, func(w *walker) error { return w.walk(dir) })
}

// LoadPaths reads the given files and folders. A folder is walked as by
// Load, with IDs relative to it; a file's ID is its name without ".md"
// (relative to the folder it was named with). A path given twice is read
// once. A file ending in another case of ".md" is skipped with a warning,
// as Load does.
func LoadPaths(paths []string, opts Options) (Result, error) {
	return load(opts, func(w *walker) error { return w.walkPaths(paths) })
}

// load reads and parses the files list hands to the walker, while list
// runs. The error is list's.
func load(opts Options, list func(w *walker) error) (Result, error) {
	l := startLoad(opts)
	w := &walker{add: l.add}
	err := list(w)
	res := l.finish() // always: the workers stop only here
	if err != nil {
		return Result{}, err
	}
	if len(w.problems) > 0 {
		res.Problems = append(res.Problems, w.problems...)
		SortProblems(res.Problems)
	}
	res.Unreadable = append(res.Unreadable, w.unreadable...)
	slices.Sort(res.Unreadable)
	return res, nil
}

// file is a release file to read.
type file struct {
	path string
	id   string
	// regular says the walker saw a regular file at path; otherwise (a
	// symbolic link, a named pipe, a device) what path leads to is
	// looked at before it is opened.
	regular bool
}

// readDir lists a folder, sorted by name; tests replace it to make a
// folder unreadable whoever runs them.
var readDir = os.ReadDir

// walker lists release files for a load, and collects what it skipped
// with a word: folders it could not read, links to folders, file names
// in the wrong case.
type walker struct {
	add        func(file)
	seen       map[string]bool // cleaned paths added, for walkPaths
	problems   []Problem
	unreadable []string
}

// walkPaths calls add for each release file in paths, as LoadPaths
// describes, once per cleaned path.
func (w *walker) walkPaths(paths []string) error {
	w.seen = map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("content: %w", err)
		}
		if !st.IsDir() {
			w.file(p, strings.TrimSuffix(filepath.Base(p), ".md"), st.Mode().IsRegular())
		} else if err := w.walk(p); err != nil {
			return err
		}
	}
	return nil
}

// file adds release file p with ID id, unless its name ends in ".md"
// in another case, or it was added already; regular says p was seen to
// be a regular file.
func (w *walker) file(p, id string, regular bool) {
	if name := filepath.Base(p); isUpperMD(name) {
		w.warn(p, "ignored: only files ending in .md (lower case) are releases; rename it to %s", name[:len(name)-3]+".md")
		return
	}
	if w.seen != nil {
		key := filepath.Clean(p)
		if w.seen[key] {
			return
		}
		w.seen[key] = true
	}
	w.add(file{path: p, id: id, regular: regular})
}

// isUpperMD reports whether name ends in ".md" in a case other than
// lower case (".MD", ".Md").
func isUpperMD(name string) bool {
	n := len(name)
	return n > 3 && strings.EqualFold(name[n-3:], ".md") && name[n-3:] != ".md"
}

// walk calls add for each release file under dir, in lexical order. The
// error is for dir itself; a folder below it that cannot be read is a
// problem.
func (w *walker) walk(dir string) error {
	entries, err := readDir(dir)
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	w.entries(dir, dir, entries)
	return nil
}

// releaseID is the path of file p relative to the folder walked, root,
// with forward slashes: a part of p, without a copy, on Unix.
func releaseID(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// entries walks the entries of folder dir, inside the folder walked,
// root.
func (w *walker) entries(root, dir string, entries []fs.DirEntry) {
	for _, d := range entries {
		name := d.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		switch {
		case d.IsDir():
			w.folder(root, p)
		case strings.HasPrefix(name, "_"):
		case strings.HasSuffix(name, ".md"):
			w.file(p, strings.TrimSuffix(releaseID(root, p), ".md"), d.Type().IsRegular())
		case isUpperMD(name):
			w.file(p, "", false)
		case d.Type()&fs.ModeSymlink != 0:
			w.link(p)
		}
	}
}

// folder walks folder p, inside root; a folder that cannot be read
// is an error problem and listed as unreadable, and the entries read
// before the error are still walked. A folder removed meanwhile is gone
// without a word.
func (w *walker) folder(root, p string) {
	entries, err := readDir(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // without the path, which the problem names
		}
		w.unreadable = append(w.unreadable, p)
		w.problems = append(w.problems, Problem{Path: p, Line: 1, Col: 1, Severity: SeverityError,
			Message: fmt.Sprintf("cannot read this folder: %v; the releases in it are not read: fix its permissions so that pressbot can list and open it", err)})
	}
	w.entries(root, p, entries)
}

// link warns about a symbolic link to a folder, which is not followed:
// it could lead out of the folder walked, or round in a loop. A link to
// a file not ending in .md is no release, and skipped without a word.
func (w *walker) link(p string) {
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return
	}
	target, _ := os.Readlink(p)
	w.warn(p, "ignored: this is a symbolic link to the folder %q, and linked folders are not read (they could lead out of the content folder, or round in a loop); move or copy the releases into a real folder here", target)
}

// warn records a warning about the file or folder p.
func (w *walker) warn(p, format string, args ...any) {
	w.problems = append(w.problems, Problem{Path: p, Line: 1, Col: 1, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

// parsed is the outcome for one file.
type parsed struct {
	rel        release.Release
	problems   []Problem
	info       fileInfo
	unreadable bool // the file is there but could not be read
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
// file, or one that is not a regular file, as a problem. It reads into buf
// when it is large enough, and returns the buffer it used for the next
// file.
func readOne(f file, s *settings, buf []byte) (parsed, []byte) {
	ps := &problems{path: f.path}
	data, size, err := readLimited(f.path, f.regular, buf)
	if cap(data) > cap(buf) {
		buf = data
	}
	var special *notRegularError
	switch {
	case errors.As(err, &special):
		ps.errorf(pos{1, 1}, "not a regular file: %s; remove it, or replace it with a regular file that holds the release's text (pressbot reads no special files)", filestamp.Kind(special.mode))
		return parsed{problems: ps.list, unreadable: true}, buf
	case err != nil:
		ps.errorf(pos{1, 1}, "cannot read the file: %v: check that it exists and is readable", err)
		return parsed{problems: ps.list, unreadable: !errors.Is(err, fs.ErrNotExist)}, buf
	case size > MaxFileSize:
		ps.errorf(pos{1, 1}, "file is %d bytes, over the 1 MiB limit (%d bytes): shorten the text, and keep pictures as separate files named by 'image'", size, MaxFileSize)
	default:
		r, list, info := parse(f.path, f.id, data, s)
		return parsed{rel: r, problems: list, info: info}, buf
	}
	return parsed{problems: ps.list}, buf
}

// notRegularError is readLimited's error for a file that is neither a
// regular file nor a folder (a named pipe, a device, a socket): it is
// never read, since reading one can wait forever or never end.
type notRegularError struct{ mode fs.FileMode }

// Error names the kind of file.
func (e *notRegularError) Error() string {
	return "content: not a regular file: " + filestamp.Kind(e.mode)
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
		if p.unreadable {
			res.Unreadable = append(res.Unreadable, files[i].path)
		}
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

// Package watch notices new, changed and removed release files in a content
// folder: fsnotify events where the platform has them, plus a periodic
// rescan that compares only file stamps (size, times, inode), so an unchanged
// folder costs one directory walk and no file reads.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/pressbot/pressbot/internal/filestamp"
)

// Changes lists the release files that differ from the previous scan, as
// paths relative to the content folder with forward slashes, sorted.
// Files lists the other files (pictures) added, changed or removed: a
// release that names one as its image has changed with it.
type Changes struct {
	Added, Changed, Removed []string
	Files                   []string
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Changed) == 0 && len(c.Removed) == 0 && len(c.Files) == 0
}

// Watcher tracks the release files (*.md) under one folder, and the other
// files there, which releases may name as their picture.
type Watcher struct {
	dir      string
	interval time.Duration
	debounce time.Duration
	log      *slog.Logger
	mu       sync.Mutex                 // guards what follows: Forget runs beside Run
	seen     map[string]filestamp.Stamp // release files
	files    map[string]filestamp.Stamp // other files
	locked   map[string]bool            // folders that could not be read at the last scan
}

// New returns a watcher of dir that rescans every interval (0: 10 s).
// The first Scan reports every file as added.
func New(dir string, interval time.Duration, log *slog.Logger) *Watcher {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{dir: dir, interval: interval, debounce: 200 * time.Millisecond, log: log, seen: map[string]filestamp.Stamp{}, files: map[string]filestamp.Stamp{}, locked: map[string]bool{}}
}

// Scan walks the folder and returns what changed since the last Scan.
// It never reads file contents. A folder that cannot be read (its
// permissions) keeps what the last scan saw in it, so that its files do
// not count as removed; it is logged once.
func (w *Watcher) Scan() (Changes, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := make(map[string]filestamp.Stamp, len(w.seen))
	files := make(map[string]filestamp.Stamp, len(w.files))
	locked := map[string]bool{}
	root := walkRoot(w.dir)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			if d != nil && d.IsDir() && !errors.Is(err, fs.ErrNotExist) {
				locked[w.rel(path)] = true
			}
			return nil // a file removed during the walk; the next scan sees it
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		into := now
		if !isRelease(d.Name()) {
			if strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(d.Name(), ".md") {
				return nil
			}
			into = files
		}
		info, err := fileInfo(path, d)
		if err != nil {
			w.keepUnreadable(w.rel(path), err, into)
			return nil
		}
		into[w.rel(path)] = filestamp.Of(info)
		return nil
	})
	if err != nil {
		return Changes{}, fmt.Errorf("watch: scan %s: %w", w.dir, err)
	}
	w.keepLocked(locked, now, files)
	if len(now) == 0 && len(w.seen) > 0 {
		// Every release file gone at once: far likelier a folder not
		// mounted or a checkout half done than an office removing all
		// its releases. Nothing is reported removed.
		w.log.Warn("the content folder has no release files any more: taken as unavailable, nothing is withdrawn; to take releases down, give them withdrawn: true", "dir", w.dir)
		return Changes{}, nil
	}
	ch := diff(w.seen, now)
	other := diff(w.files, files)
	ch.Files = slices.Concat(other.Added, other.Changed, other.Removed)
	slices.Sort(ch.Files)
	w.seen, w.files, w.locked = now, files, locked
	return ch, nil
}

// walkRoot returns dir as filepath.WalkDir must be given it to enter it
// when dir is a symbolic link to a folder (a content folder linked from
// elsewhere, or a deploy's "current" link): with a trailing separator,
// which makes the link itself resolve. WalkDir does not follow links.
func walkRoot(dir string) string {
	if strings.HasSuffix(dir, string(filepath.Separator)) {
		return dir
	}
	return dir + string(filepath.Separator)
}

// rel returns path relative to the watched folder, with forward slashes.
func (w *Watcher) rel(path string) string {
	rel, _ := filepath.Rel(w.dir, path)
	return filepath.ToSlash(rel)
}

// keepLocked copies into now and files what the last scan saw in the
// folders that could not be read this time, and logs each folder that
// could be read before.
func (w *Watcher) keepLocked(locked map[string]bool, now, files map[string]filestamp.Stamp) {
	for dir := range locked {
		if !w.locked[dir] {
			w.log.Warn("cannot read a content folder: its releases are kept as they were until it can be read; fix its permissions", "dir", filepath.Join(w.dir, filepath.FromSlash(dir)))
		}
		for _, m := range []struct{ from, to map[string]filestamp.Stamp }{{w.seen, now}, {w.files, files}} {
			for p, st := range m.from {
				if strings.HasPrefix(p, dir+"/") {
					m.to[p] = st
				}
			}
		}
	}
}

// keepUnreadable keeps into the last stamp of the file rel, which could be
// listed but not looked at (a folder without search permission): it does
// not count as removed. A file that is gone, or not a regular file, is
// left out.
func (w *Watcher) keepUnreadable(rel string, err error, into map[string]filestamp.Stamp) {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotRegular) {
		return
	}
	if st, ok := w.seen[rel]; ok {
		into[rel] = st
	} else if st, ok := w.files[rel]; ok {
		into[rel] = st
	}
}

// Remember makes the next Scan report the release files paths as removed
// again (or as changed, if they are back): their removal could not be
// recorded and is to be tried again.
func (w *Watcher) Remember(paths ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range paths {
		if _, ok := w.seen[p]; !ok {
			w.seen[p] = filestamp.Stamp{}
		}
	}
}

// Forget makes the next Scan report the release files paths (relative,
// slash-separated) as added, whatever their state: their last changes
// could not be processed and are to be tried again.
func (w *Watcher) Forget(paths ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range paths {
		delete(w.seen, p)
	}
}

// errNotRegular is fileInfo's error for a folder, pipe or device.
var errNotRegular = errors.New("not a regular file")

// fileInfo returns the FileInfo of a regular file, or of the regular file a
// symbolic link points at (so that replacing a linked picture's target is a
// change), and an error for anything else.
func fileInfo(path string, d fs.DirEntry) (fs.FileInfo, error) {
	info, err := d.Info()
	if err == nil && info.Mode()&fs.ModeSymlink != 0 {
		info, err = os.Stat(path)
	}
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("watch: %s: %w", path, errNotRegular)
	}
	return info, err
}

// diff compares two scans.
func diff(before, after map[string]filestamp.Stamp) Changes {
	var c Changes
	for p, s := range after {
		old, ok := before[p]
		switch {
		case !ok:
			c.Added = append(c.Added, p)
		case old != s:
			c.Changed = append(c.Changed, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			c.Removed = append(c.Removed, p)
		}
	}
	slices.Sort(c.Added)
	slices.Sort(c.Changed)
	slices.Sort(c.Removed)
	return c
}

// isRelease reports whether a file name is a release: *.md, neither hidden
// nor starting with "_" (Hugo's _index.md), as content.Load reads them.
func isRelease(name string) bool {
	return strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_")
}

// Run scans at start, then on every file-system event (debounced) and
// every interval, sending each non-empty Changes to out until ctx ends.
// Without fsnotify support it falls back to the periodic rescan alone.
func (w *Watcher) Run(ctx context.Context, out chan<- Changes) error {
	events := w.notify(ctx)
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	var debounce <-chan time.Time
	scan := func() error {
		c, err := w.Scan()
		if err != nil || c.Empty() {
			return err
		}
		select {
		case out <- c:
		case <-ctx.Done():
		}
		return nil
	}
	if err := scan(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-events:
			if debounce == nil {
				debounce = time.After(w.debounce)
			}
		case <-debounce:
			debounce = nil
			if err := scan(); err != nil {
				w.log.Warn("content rescan failed", "dir", w.dir, "err", err)
			}
		case <-tick.C:
			if err := scan(); err != nil {
				w.log.Warn("content rescan failed", "dir", w.dir, "err", err)
			}
		}
	}
}

// notify watches dir and its subfolders with fsnotify and returns a channel
// that ticks on any event; nil (never ready) when fsnotify is unavailable.
func (w *Watcher) notify(ctx context.Context) <-chan struct{} {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		w.log.Info("fsnotify unavailable; relying on periodic rescan", "interval", w.interval, "err", err)
		return nil
	}
	w.addTree(fw, w.dir)
	out := make(chan struct{}, 1)
	go func() {
		defer fw.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
						w.addTree(fw, ev.Name)
					}
				}
				select {
				case out <- struct{}{}:
				default:
				}
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				w.log.Warn("fsnotify error; the periodic rescan continues", "err", err)
			}
		}
	}()
	return out
}

// addTree adds dir and every non-hidden subfolder to fw.
func (w *Watcher) addTree(fw *fsnotify.Watcher, dir string) {
	dir = walkRoot(dir)
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := fw.Add(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			w.log.Warn("cannot watch folder", "dir", path, "err", err)
		}
		return nil
	})
}

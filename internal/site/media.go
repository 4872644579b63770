package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pressbot/pressbot/internal/filestamp"
)

// SkippedMedia is the error Write returns when it wrote the whole newsroom
// but left out local pictures that it must not copy: a symbolic link that
// leads out of MediaDir, a named pipe, a device or anything else that is
// not a regular file, or a file it cannot open. The pages still name such
// a picture, so they show none. Each problem is one line naming the
// release, the picture and what to do; the caller reports them as
// warnings, and the newsroom is built. Pictures names each problem's
// picture, a slash path under MediaDir.
type SkippedMedia struct{ Problems, Pictures []string }

// add records the problem of picture img.
func (e *SkippedMedia) add(img, problem string) {
	e.Problems, e.Pictures = append(e.Problems, problem), append(e.Pictures, img)
}

// Error returns the problems, one per line.
func (e *SkippedMedia) Error() string { return strings.Join(e.Problems, "\n") }

// badMedia is why a picture under MediaDir is neither copied nor served.
type badMedia struct {
	img string
	err error       // from os.Root, errNotRegular or errReplaced
	st  fs.FileInfo // what it is, when known
}

// Error names the picture and the cause.
func (e *badMedia) Error() string { return "site: media " + e.img + ": " + e.err.Error() }

// Unwrap returns the cause.
func (e *badMedia) Unwrap() error { return e.err }

var (
	errNotRegular = errors.New("not a regular file")
	errReplaced   = errors.New("replaced while being opened")
)

// statRegular returns what name inside root is, following only links that
// stay inside root. The error is a *badMedia (wrapping fs.ErrNotExist
// when there is no such file) unless name is a regular file.
func statRegular(root *os.Root, name string) (fs.FileInfo, error) {
	st, err := root.Stat(filepath.FromSlash(name))
	if err != nil {
		return nil, &badMedia{img: name, err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &badMedia{img: name, err: errNotRegular, st: st}
	}
	return st, nil
}

// openRegular opens name inside root, the regular file statRegular found
// as st, for reading. It opens without blocking, so that a named pipe put
// in its place meanwhile cannot hang it, and refuses any file but st; the
// error is a *badMedia.
func openRegular(root *os.Root, name string, st fs.FileInfo) (*os.File, error) {
	f, err := root.OpenFile(filepath.FromSlash(name), os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, &badMedia{img: name, err: err}
	}
	now, err := f.Stat()
	if err == nil && !os.SameFile(st, now) {
		err = errReplaced
	}
	if err != nil {
		f.Close()
		return nil, &badMedia{img: name, err: err, st: now}
	}
	return f, nil
}

// mediaProblem says, for SkippedMedia, which release shows the picture
// img, why it is left out and what to do.
func (s *Site) mediaProblem(m *model, img string, bad *badMedia) string {
	full := filepath.Join(s.cfg.MediaDir, filepath.FromSlash(img))
	what, fix := bad.describe(s.cfg.MediaDir, full)
	return fmt.Sprintf("%s: warning: picture %s %s: it is left out of the site, so the page shows no picture; %s",
		shownBy(m, img), full, what, fix)
}

// describe says what the picture at full, under mediaDir, is and what to
// do about it. The advice never names the file a link leads to as one to
// copy: it may be any file on the system. check (package content) gives
// the same advice in the same words.
func (e *badMedia) describe(mediaDir, full string) (what, fix string) {
	itself := "put the picture file itself at " + full
	if e.st != nil && !e.st.Mode().IsRegular() {
		return "is " + filestamp.Kind(e.st.Mode()) + ", not a picture file", itself
	}
	if errors.Is(e.err, errReplaced) {
		return "changed while the site was built", "build again"
	}
	if errors.Is(e.err, fs.ErrPermission) {
		return "cannot be read (" + e.err.Error() + ")", "fix its permissions, or " + itself
	}
	if link, target, ok := filestamp.DanglingLink(mediaDir, filepath.FromSlash(e.img)); ok {
		if link == full {
			return "is a symbolic link to a missing file, " + target, itself + ", or correct the link"
		}
		return "leads through the symbolic link " + link + " to " + target + ", which is missing", itself + ", or correct the link"
	}
	target, err := filepath.EvalSymlinks(full)
	switch {
	case err != nil:
		return "cannot be read (" + e.err.Error() + ")", itself
	case !filestamp.Outside(mediaDir, target):
		// os.Root refuses a link that leaves the folder, even to come back.
		return "leads through a symbolic link that leaves " + mediaDir + " on its way to " + target,
			"replace the link with the picture file itself, or with a relative link that stays inside " + mediaDir
	}
	if t, err := os.Stat(target); err != nil || !t.Mode().IsRegular() {
		return "leads to " + target + ", outside " + mediaDir + ", which is not a picture file", itself
	}
	return "leads through a symbolic link to " + target + ", outside " + mediaDir,
		"replace the link with the picture file itself (only files inside " + mediaDir + " are put on the site)"
}

// shownBy names the newest release that shows picture img: its file, or
// its ID when the entry has no file, and how many others do.
func shownBy(m *model, img string) string {
	var first *item
	others := 0
	for _, it := range m.items {
		if it.Image != img && !slices.Contains(it.BodyImages, img) {
			continue
		}
		if first != nil {
			others++
			continue
		}
		first = it
	}
	if first == nil {
		return "site"
	}
	who := first.e.Release.Path
	if who == "" {
		who = "release " + first.ID
	}
	switch {
	case others == 1:
		who += " (and 1 other release)"
	case others > 1:
		who += fmt.Sprintf(" (and %d other releases)", others)
	}
	return who
}

package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressbot/pressbot/internal/filestamp"
)

// leftOut is why the newsroom build would leave a local picture out of
// the site: what the picture is, and what to do. The words are those of
// the build's own warning (site.SkippedMedia), so that check gives the
// advice build does.
type leftOut struct{ what, fix string }

// Error says what the picture is.
func (e *leftOut) Error() string { return e.what }

// openImage opens local picture img, a slash path, for reading when the
// newsroom build would copy it: a regular file inside dir, reached
// without a symbolic link leading out of dir, not even to come back (the
// build opens pictures with os.Root, which refuses such a link). It
// opens without waiting, so that a named pipe cannot hang it. The error
// wraps fs.ErrNotExist when there is no such file; it is a *leftOut for
// a link the build refuses or a file it cannot read, and otherwise says
// what stands in the picture's place.
func openImage(dir, img string) (*os.File, error) {
	rel := filepath.FromSlash(strings.TrimLeft(img, "/"))
	if !filepath.IsLocal(rel) {
		return nil, errors.New("the path leads out of the content folder")
	}
	full := filepath.Join(dir, rel)
	st, err := os.Stat(full) // what the picture is, wherever its links lead
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if link, target, ok := filestamp.DanglingLink(dir, rel); ok {
			return nil, missingTarget(full, link, target)
		}
		return nil, fs.ErrNotExist
	case err != nil:
		return nil, refused(dir, full, err)
	case !st.Mode().IsRegular():
		return nil, errors.New(notRegular(st.Mode()))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.OpenFile(rel, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, refused(dir, full, err)
	}
	now, err := f.Stat() // what was opened: a named pipe may stand there now
	if err == nil && !now.Mode().IsRegular() {
		err = errors.New(notRegular(now.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// notRegular says what a picture file of mode m, not a regular file, is.
func notRegular(m fs.FileMode) string {
	if m.IsDir() {
		return "it is a folder, not a picture"
	}
	return "it is " + filestamp.Kind(m) + ", not a regular file with a picture in it"
}

// refused says why the picture at full, inside dir, could not be looked
// at or opened inside dir (err), when it is not simply missing: as the
// newsroom build says it.
func refused(dir, full string, err error) error {
	itself := "put the picture file itself at " + full
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // without the path, which the message names
	}
	if errors.Is(err, fs.ErrPermission) {
		return &leftOut{"cannot be read (" + err.Error() + ")", "fix its permissions, or " + itself}
	}
	target, terr := filepath.EvalSymlinks(full)
	switch {
	case terr != nil:
		return &leftOut{"cannot be read (" + err.Error() + ")", itself}
	case filestamp.Outside(dir, target):
		return &leftOut{"leads through a symbolic link to " + target + ", outside " + dir,
			"replace the link with the picture file itself (only files inside " + dir + " are put on the site)"}
	}
	return &leftOut{"leads through a symbolic link that leaves " + dir + " on its way to " + target,
		"replace the link with the picture file itself, or with a relative link that stays inside " + dir}
}

// missingTarget says that the picture at full leads through the symbolic
// link link to target, which does not exist: as the newsroom build says
// it.
func missingTarget(full, link, target string) *leftOut {
	fix := "put the picture file itself at " + full + ", or correct the link"
	if link == full {
		return &leftOut{"is a symbolic link to a missing file, " + target, fix}
	}
	return &leftOut{"leads through the symbolic link " + link + " to " + target + ", which is missing", fix}
}

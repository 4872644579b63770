package filestamp

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DanglingLink finds the symbolic link, along path rel inside dir, whose
// target is missing, and returns it and that target; ok is false when
// no link on the way is dangling.
func DanglingLink(dir, rel string) (link, target string, ok bool) {
	p := dir
	for part := range strings.SplitSeq(filepath.Clean(rel), string(filepath.Separator)) {
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if err != nil {
			return "", "", false
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", "", false
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		return p, t, true
	}
	return "", "", false
}

// Outside reports whether path p lies outside folder dir, both with
// their links resolved.
func Outside(dir, p string) bool {
	d, err := filepath.EvalSymlinks(dir)
	if err == nil {
		d, err = filepath.Abs(d)
	}
	if err == nil {
		p, err = filepath.Abs(p)
	}
	if err != nil {
		return true
	}
	rel, err := filepath.Rel(d, p)
	return err != nil || !filepath.IsLocal(rel)
}

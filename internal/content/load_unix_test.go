//go:build unix

package content

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestLoadSpecialFiles checks that a release file that is a named pipe,
// a device or a socket, found in a folder, named alone or reached through
// a symbolic link, is an error at its path naming what it is, is listed
// as unreadable, and neither hangs the load nor stops the other files.
func TestLoadSpecialFiles(t *testing.T) {
	fifo := func(p string) error { return syscall.Mkfifo(p, 0o644) }
	tests := []struct {
		name  string
		make  func(t *testing.T, dir, outside string) error // makes dir/2020/x.md
		alone bool                                          // named to LoadPaths, not found in a folder
		want  string
	}{
		{"named pipe in a folder", func(_ *testing.T, dir, _ string) error {
			return fifo(filepath.Join(dir, "2020", "x.md"))
		}, false, "not a regular file: a named pipe (FIFO); remove it"},
		{"named pipe named alone", func(_ *testing.T, dir, _ string) error {
			return fifo(filepath.Join(dir, "2020", "x.md"))
		}, true, "not a regular file: a named pipe (FIFO); remove it"},
		{"link to a named pipe", func(_ *testing.T, dir, outside string) error {
			if err := fifo(filepath.Join(outside, "pipe")); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(outside, "pipe"), filepath.Join(dir, "2020", "x.md"))
		}, false, "not a regular file: a named pipe (FIFO); remove it"},
		{"link to a named pipe, named alone", func(_ *testing.T, dir, outside string) error {
			if err := fifo(filepath.Join(outside, "pipe")); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(outside, "pipe"), filepath.Join(dir, "2020", "x.md"))
		}, true, "not a regular file: a named pipe (FIFO); remove it"},
		{"link to a device", func(_ *testing.T, dir, _ string) error {
			if _, err := os.Stat("/dev/null"); err != nil {
				return err
			}
			return os.Symlink("/dev/null", filepath.Join(dir, "2020", "x.md"))
		}, false, "not a regular file: a device; remove it"},
		{"socket", func(t *testing.T, dir, _ string) error {
			l, err := net.Listen("unix", filepath.Join(dir, "2020", "x.md"))
			if err == nil {
				t.Cleanup(func() { l.Close() })
			}
			return err
		}, false, "not a regular file: a socket; remove it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			writeFiles(t, dir, map[string]string{"2020/a.md": releaseFile("A", ""), "2021/b.md": releaseFile("B", "")})
			if err := tt.make(t, dir, outside); err != nil {
				t.Skipf("cannot make it here: %v", err)
			}
			x := filepath.Join(dir, "2020", "x.md")
			type loaded struct {
				res Result
				err error
			}
			done := make(chan loaded, 1)
			go func() {
				var l loaded
				if tt.alone {
					l.res, l.err = LoadPaths([]string{filepath.Join(dir, "2020", "a.md"), x, filepath.Join(dir, "2021")}, Options{})
				} else {
					l.res, l.err = Load(dir, Options{})
				}
				done <- l
			}()
			var l loaded
			select {
			case l = <-done:
			case <-time.After(10 * time.Second):
				unblockPipe(x)
				unblockPipe(filepath.Join(outside, "pipe"))
				t.Fatal("the load hangs on the special file")
			}
			if l.err != nil {
				t.Fatal(l.err)
			}
			checkProblems(t, l.res.Problems, []want{{1, 1, SeverityError, tt.want}})
			if p := l.res.Problems[0]; p.Path != x {
				t.Errorf("problem at %s, want at %s", p.Path, x)
			}
			if len(l.res.Releases) != 2 || l.res.Files != 3 {
				t.Errorf("IDs %q from %d files, want a and b from 3", releaseIDs(l.res), l.res.Files)
			}
			if !slices.Equal(l.res.Unreadable, []string{x}) {
				t.Errorf("Unreadable = %q, want %s", l.res.Unreadable, x)
			}
		})
	}
}

// unblockPipe opens the named pipe at p for writing, if it is one, so that
// a reader stuck opening it goes on (and reads nothing).
func unblockPipe(p string) {
	if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

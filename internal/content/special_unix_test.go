//go:build unix

package content

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// specialFiles makes, in dir, pipe.png (a named pipe) and zero.png (a
// symbolic link to /dev/zero): names of pictures that are no regular
// files. It returns whether it made them.
func specialFiles(t *testing.T, dir string) bool {
	t.Helper()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.png")); err != nil {
		t.Fatal(err)
	}
	return true
}

package filestamp

import (
	"io/fs"
	"testing"
)

// TestKind checks the name given to each kind of file.
func TestKind(t *testing.T) {
	for _, tt := range []struct {
		mode fs.FileMode
		want string
	}{
		{fs.ModeNamedPipe | 0o644, "a named pipe (FIFO)"},
		{fs.ModeDevice | fs.ModeCharDevice | 0o666, "a device"},
		{fs.ModeDevice | 0o660, "a device"},
		{fs.ModeSocket | 0o755, "a socket"},
		{fs.ModeDir | 0o755, "a folder"},
		{fs.ModeSymlink | 0o777, "a symbolic link"},
		{0o644, "a regular file"},
		{fs.ModeIrregular, "a special file"},
	} {
		if got := Kind(tt.mode); got != tt.want {
			t.Errorf("Kind(%v) = %q, want %q", tt.mode, got, tt.want)
		}
	}
}

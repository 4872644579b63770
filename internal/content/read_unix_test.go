//go:build unix

package content

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadFD checks that a file is read to its end whatever size fstat
// gave: smaller (the file grew since) or larger (it shrank), and that
// reading stops one byte over MaxFileSize.
func TestReadFD(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name      string
		len, size int
		want      int
	}{
		{"exact", 100, 100, 100},
		{"grew", 5000, 10, 5000},
		{"grew to the limit", MaxFileSize + 10, 10, MaxFileSize + 1},
		{"shrank", 100, 4000, 100},
		{"empty", 0, 0, 0},
		{"at the limit", MaxFileSize, MaxFileSize, MaxFileSize},
	} {
		data := bytes.Repeat([]byte("abcdefg\n"), c.len/8+1)[:c.len]
		p := filepath.Join(dir, "f.md")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fd, err := openRead(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readFD(fd, readBuffer(nil, int64(c.size)), int64(c.size))
		syscall.Close(fd)
		if err != nil || !bytes.Equal(got, data[:c.want]) {
			t.Errorf("%s: read %d bytes, %v; want the first %d of %d", c.name, len(got), err, c.want, c.len)
		}
	}
}

// TestReadLimitedReusesBuffer checks that a large enough buffer is read
// into, and that an oversized file is not read but measured.
func TestReadLimitedReusesBuffer(t *testing.T) {
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small.md"), filepath.Join(dir, "big.md")
	if err := os.WriteFile(small, []byte("text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	data, size, err := readLimited(small, true, buf)
	if err != nil || string(data) != "text\n" || size != 5 || &data[:1][0] != &buf[:1][0] {
		t.Errorf("small file: %q, %d, %v; want \"text\\n\", 5, read into the buffer given", data, size, err)
	}
	data, size, err = readLimited(big, true, buf)
	if err != nil || data != nil || size != MaxFileSize+1 {
		t.Errorf("big file: %d bytes, size %d, %v; want none read, size %d", len(data), size, err, MaxFileSize+1)
	}
}

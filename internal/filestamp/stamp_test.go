package filestamp

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestOf checks that a stamp sees the changes an editor or a copy makes,
// including those that keep a file's size and modification time.
func TestOf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pic.png")
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(t *testing.T, name, body string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	stamp := func(t *testing.T) Stamp {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return Of(info)
	}
	write(t, path, "aaaa")
	first := stamp(t)
	if first.Size != 4 || first.Mtime != old.UnixNano() {
		t.Fatalf("stamp = %+v, want size 4 and mtime %d", first, old.UnixNano())
	}
	if again := stamp(t); again != first {
		t.Fatalf("an untouched file's stamp changed: %+v then %+v", first, again)
	}
	if runtime.GOOS != "linux" {
		t.Skip("only Linux stamps carry the inode and change time")
	}
	tests := []struct {
		name    string
		replace func(t *testing.T)
	}{
		{"rewritten in place, same size and mtime", func(t *testing.T) {
			time.Sleep(20 * time.Millisecond) // past the file system's clock tick
			write(t, path, "bbbb")
		}},
		{"renamed over, same size and mtime", func(t *testing.T) {
			other := filepath.Join(dir, "new.png")
			write(t, other, "cccc")
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := stamp(t)
			tt.replace(t)
			after := stamp(t)
			if after.Size != before.Size || after.Mtime != before.Mtime {
				t.Fatalf("setup: size or mtime changed: %+v then %+v", before, after)
			}
			if after == before {
				t.Errorf("stamp did not change: %+v", after)
			}
		})
	}
}

//go:build unix

package site

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// unsafePictures are pictures that must be neither copied nor served:
// each makes content/images/2020/bad.jpg, given the content folder and
// the folder around it, and says what the warning must name, and what it
// must not.
var unsafePictures = []struct {
	name string
	make func(content, outside string) error
	want string
	not  string
}{
	{"link outside", func(content, outside string) error {
		return os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(content, "images", "2020", "bad.jpg"))
	}, "leads through a symbolic link to ", "cp "},
	{"link to a missing file outside", func(content, outside string) error {
		return os.Symlink(filepath.Join(outside, "missing.jpg"), filepath.Join(content, "images", "2020", "bad.jpg"))
	}, "is a symbolic link to a missing file, ", "permission"},
	{"link to a system file", func(content, _ string) error {
		if _, err := os.Stat("/etc/passwd"); err != nil {
			return err
		}
		return os.Symlink("/etc/passwd", filepath.Join(content, "images", "2020", "bad.jpg"))
	}, "replace the link with the picture file itself", "cp "},
	{"absolute link inside", func(content, _ string) error {
		return os.Symlink(filepath.Join(content, "images", "2020", "imts.jpg"), filepath.Join(content, "images", "2020", "bad.jpg"))
	}, "or with a relative link that stays inside", "permission"},
	{"folder link outside", func(content, outside string) error {
		if err := os.MkdirAll(filepath.Join(outside, "pics"), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outside, "pics", "bad.jpg"), []byte("\xff\xd8\xff far"), 0o644); err != nil {
			return err
		}
		return os.Symlink(filepath.Join(outside, "pics"), filepath.Join(content, "images", "2020", "far"))
	}, "replace the link with the picture file itself", "cp "},
	{"dangling folder link", func(content, outside string) error {
		return os.Symlink(filepath.Join(outside, "nodir"), filepath.Join(content, "images", "2020", "gone"))
	}, "leads through the symbolic link ", "permission"},
	{"fifo", func(content, _ string) error {
		return syscall.Mkfifo(filepath.Join(content, "images", "2020", "bad.jpg"), 0o644)
	}, "is a named pipe (FIFO), not a picture file", ""},
	{"link to /dev/zero", func(content, _ string) error {
		if _, err := os.Stat("/dev/zero"); err != nil {
			return err
		}
		return os.Symlink("/dev/zero", filepath.Join(content, "images", "2020", "bad.jpg"))
	}, "not a picture file", ""},
	{"folder", func(content, _ string) error {
		return os.Mkdir(filepath.Join(content, "images", "2020", "bad.jpg"), 0o755)
	}, "is a folder, not a picture file", ""},
}

// badImage is the picture the case named name makes.
func badImage(name string) string {
	switch name {
	case "folder link outside":
		return "images/2020/far/bad.jpg"
	case "dangling folder link":
		return "images/2020/gone/bad.jpg"
	}
	return "images/2020/bad.jpg"
}

// unblock opens the named pipe at p for writing, if it is one, so that a
// reader stuck opening it goes on.
func unblock(p string) {
	if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

// TestWriteSkipsUnsafePictures checks that Write leaves out a picture that
// is a link out of the content folder, a named pipe, a device or a folder:
// it neither fails nor hangs, writes every page, copies the good picture,
// and returns one SkippedMedia problem naming the release, the picture and
// what to do.
func TestWriteSkipsUnsafePictures(t *testing.T) {
	for _, tc := range unsafePictures {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.MediaDir = mediaDir(t)
			if err := tc.make(cfg.MediaDir, filepath.Dir(cfg.MediaDir)); err != nil {
				t.Skip(err)
			}
			entries := fixture(t)
			bad := entries[1]
			bad.Release.Image = badImage(tc.name)
			bad.Release.Path = "content/" + bad.Release.ID + ".md"
			entries[1] = bad
			out := t.TempDir()
			done := make(chan error, 1)
			go func() { done <- newSite(t, cfg).Write(out, entries) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				unblock(filepath.Join(cfg.MediaDir, badImage(tc.name)))
				t.Fatal("Write hangs")
			}
			var skipped *SkippedMedia
			if !errors.As(err, &skipped) || len(skipped.Problems) != 1 {
				t.Fatalf("Write = %v, want one SkippedMedia problem", err)
			}
			full := filepath.Join(cfg.MediaDir, filepath.FromSlash(badImage(tc.name)))
			for _, w := range []string{bad.Release.Path + ": warning: ", full, tc.want} {
				if !strings.Contains(skipped.Problems[0], w) {
					t.Errorf("problem %q does not say %q", skipped.Problems[0], w)
				}
			}
			if tc.not != "" && strings.Contains(skipped.Problems[0], tc.not) {
				t.Errorf("problem %q says %q", skipped.Problems[0], tc.not)
			}
			if _, err := os.Lstat(filepath.Join(out, "media", filepath.FromSlash(badImage(tc.name)))); err == nil {
				t.Error("the picture was copied")
			}
			for _, p := range []string{"releases/" + bad.Release.ID + "/index.html", "media/images/2020/imts.jpg", ManifestName} {
				if _, err := os.Stat(filepath.Join(out, p)); err != nil {
					t.Errorf("not written: %v", err)
				}
			}
			if _, err := StatImage(cfg.MediaDir, bad.Release.Image); err == nil {
				t.Error("StatImage gives it a size for the feeds' enclosures")
			}
		})
	}
}

// TestHandlerRefusesUnsafePictures checks that the handler answers 404,
// at once, for a picture a page shows that is a link out of the content
// folder, a named pipe, a device or a folder.
func TestHandlerRefusesUnsafePictures(t *testing.T) {
	for _, tc := range unsafePictures {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.MediaDir = mediaDir(t)
			if err := tc.make(cfg.MediaDir, filepath.Dir(cfg.MediaDir)); err != nil {
				t.Skip(err)
			}
			entries := fixture(t)
			entries[1].Release.Image = badImage(tc.name)
			s := newSite(t, cfg)
			if err := s.Update(entries); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s.Handler())
			t.Cleanup(srv.Close)
			t.Cleanup(func() { unblock(filepath.Join(cfg.MediaDir, badImage(tc.name))) })
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get(srv.URL + "/media/" + badImage(tc.name))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404", resp.StatusCode)
			}
		})
	}
}

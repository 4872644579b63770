package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lockFolders makes readDir fail with permission denied for the folders
// named (slash paths under dir), as for a folder of mode 700 owned by
// another user, until the test ends: it works whoever runs the tests.
func lockFolders(t *testing.T, dir string, locked ...string) {
	t.Helper()
	deny := map[string]bool{}
	for _, l := range locked {
		deny[filepath.Join(dir, filepath.FromSlash(l))] = true
	}
	t.Cleanup(func() { readDir = os.ReadDir })
	readDir = func(name string) ([]fs.DirEntry, error) {
		if deny[name] {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return os.ReadDir(name)
	}
}

// TestLoadUnreadableFolder checks that a folder that cannot be read is an
// error problem at the folder, is listed in Result.Unreadable, and does
// not stop the other files being read; and that the content folder itself
// that cannot be read is still the error of Load.
func TestLoadUnreadableFolder(t *testing.T) {
	tests := []struct {
		name       string
		locked     []string
		ids        string
		unreadable []string
		problem    string // the one problem's path, relative to dir
	}{
		{"none", nil, "a lockeddir/b lockeddir/deep/c z/d", nil, ""},
		{"one folder", []string{"lockeddir"}, "a z/d", []string{"lockeddir"}, "lockeddir"},
		{"a folder inside", []string{"lockeddir/deep"}, "a lockeddir/b z/d", []string{"lockeddir/deep"}, "lockeddir/deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"a.md": releaseFile("A", ""), "lockeddir/b.md": releaseFile("B", ""),
				"lockeddir/deep/c.md": releaseFile("C", ""), "z/d.md": releaseFile("D", "")})
			lockFolders(t, dir, tt.locked...)
			res, err := Load(dir, Options{})
			if err != nil {
				t.Fatalf("Load: %v, want the folder reported as a problem", err)
			}
			if got := strings.Join(releaseIDs(res), " "); got != tt.ids {
				t.Errorf("IDs = %q, want %q", got, tt.ids)
			}
			var wantUnreadable []string
			for _, u := range tt.unreadable {
				wantUnreadable = append(wantUnreadable, filepath.Join(dir, filepath.FromSlash(u)))
			}
			if !slices.Equal(res.Unreadable, wantUnreadable) {
				t.Errorf("Unreadable = %q, want %q", res.Unreadable, wantUnreadable)
			}
			if tt.problem == "" {
				checkProblems(t, res.Problems, nil)
				return
			}
			checkProblems(t, res.Problems, []want{{1, 1, SeverityError, "cannot read this folder: permission denied; the releases in it are not read: fix its permissions"}})
			if p := filepath.Join(dir, filepath.FromSlash(tt.problem)); res.Problems[0].Path != p {
				t.Errorf("problem at %s, want at %s", res.Problems[0].Path, p)
			}
			if in := filepath.Join(dir, filepath.FromSlash(tt.problem), "b.md"); !res.IsUnreadable(in) || res.IsUnreadable(filepath.Join(dir, "z", "d.md")) {
				t.Errorf("IsUnreadable(%s) = %v, want true; of z/d.md, want false", in, res.IsUnreadable(in))
			}
		})
	}
	dir := t.TempDir()
	lockFolders(t, dir, ".")
	if _, err := Load(dir, Options{}); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Load of an unreadable content folder: err = %v, want permission denied", err)
	}
}

// TestLoadUnreadableFolderMode checks the same with a real folder of mode
// 000, where the tests do not run as root (who can read it anyway).
func TestLoadUnreadableFolderMode(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any folder: TestLoadUnreadableFolder covers this")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.md": releaseFile("A", ""), "lockeddir/b.md": releaseFile("B", "")})
	locked := filepath.Join(dir, "lockeddir")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })
	res, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(releaseIDs(res), " "); got != "a" || !slices.Equal(res.Unreadable, []string{locked}) {
		t.Errorf("IDs %q, Unreadable %q; want a, and %s", got, res.Unreadable, locked)
	}
}

// TestLoadSkipsWithWarning checks the files and links the walk skips with
// a warning, by Load and by LoadPaths naming them, and that the others
// load as usual.
func TestLoadSkipsWithWarning(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.md": releaseFile("A", ""), "ext.MD": releaseFile("Ext", ""),
		"sub/b.Md": releaseFile("B", ""), "sub/c.md": releaseFile("C", ""), "_index.MD": "Hugo\n", ".x.MD": "hidden\n"})
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"o.md": releaseFile("O", "")})
	for link, target := range map[string]string{"sublink": "sub", "outlink": outside, "pic.png": "a.md"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("cannot make links here: %v", err)
		}
	}
	const mdRule = "ignored: only files ending in .md (lower case) are releases; rename it to "
	const linkRule = "ignored: this is a symbolic link to the folder %q, and linked folders are not read"
	tests := []struct {
		name  string
		paths []string // for LoadPaths; nil: Load(dir)
		ids   string
		want  map[string]string // path relative to dir → part of its warning
	}{
		{"walk", nil, "a sub/c", map[string]string{
			"ext.MD": mdRule + "ext.md", "sub/b.Md": mdRule + "b.md",
			"outlink": strings.Replace(linkRule, "%q", `"`+outside+`"`, 1), "sublink": strings.Replace(linkRule, "%q", `"sub"`, 1)}},
		{"named", []string{"ext.MD", "a.md"}, "a", map[string]string{"ext.MD": mdRule + "ext.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res Result
			var err error
			if tt.paths == nil {
				res, err = Load(dir, Options{})
			} else {
				var full []string
				for _, p := range tt.paths {
					full = append(full, filepath.Join(dir, p))
				}
				res, err = LoadPaths(full, Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(releaseIDs(res), " "); got != tt.ids {
				t.Errorf("IDs = %q, want %q", got, tt.ids)
			}
			got := map[string]string{}
			for _, p := range res.Problems {
				rel, _ := filepath.Rel(dir, p.Path)
				got[filepath.ToSlash(rel)] = p.Message
				if p.Severity != SeverityWarning || p.Line != 1 || p.Col != 1 {
					t.Errorf("%s: want a warning at 1:1", p)
				}
			}
			for p, w := range tt.want {
				if !strings.Contains(got[p], w) {
					t.Errorf("%s: warning %q, want one containing %q", p, got[p], w)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("problems:\n%s\nwant %d", problemLines(res.Problems), len(tt.want))
			}
		})
	}
}

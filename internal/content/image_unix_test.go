//go:build unix

package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageLinks checks that a picture the newsroom build would leave
// out, a symbolic link that leads out of the content folder or to a
// missing file, or a file that cannot be read, is a warning at its path
// with the build's advice, whether its bytes are read (build) or not
// (check), for image: and for a picture of the text; and that a link that
// stays inside the folder passes.
func TestImageLinks(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir()) // the paths the warnings name
	if err != nil {
		t.Fatal(err)
	}
	dir, outside := filepath.Join(base, "content"), filepath.Join(base, "outside")
	writeFiles(t, base, map[string]string{
		"content/images/van.jpg":    "jpeg",
		"content/images/locked.jpg": "jpeg",
		"outside/out.jpg":           "jpeg",
		"outside/pics/far.jpg":      "jpeg",
	})
	images := filepath.Join(dir, "images")
	links := map[string]string{
		"rel.jpg":     "van.jpg",
		"out.jpg":     filepath.Join(outside, "out.jpg"),
		"passwd.jpg":  "/etc/passwd",
		"far":         filepath.Join(outside, "pics"),
		"gone.jpg":    filepath.Join(outside, "missing.jpg"),
		"gone-in.jpg": "missing.jpg",
		"nodir":       filepath.Join(outside, "nodir"),
		"abs.jpg":     filepath.Join(images, "van.jpg"),
		"back.jpg":    "../../content/images/van.jpg",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(images, name)); err != nil {
			t.Skipf("cannot make links here: %v", err)
		}
	}
	if err := os.Chmod(filepath.Join(images, "locked.jpg"), 0); err != nil {
		t.Fatal(err)
	}
	replace := "replace the link with the picture file itself"
	tests := []struct {
		name string
		img  string
		want []string // parts of the warning; none for no warning
		not  string   // what the warning must not say
	}{
		{"link inside", "images/rel.jpg", nil, ""},
		{"link outside", "images/out.jpg", []string{"leads through a symbolic link to " + filepath.Join(outside, "out.jpg") + ", outside " + dir, replace}, "cp "},
		{"link to a system file", "images/passwd.jpg", []string{"leads through a symbolic link to /etc/passwd, outside " + dir, replace}, "cp "},
		{"folder link outside", "images/far/far.jpg", []string{"leads through a symbolic link to " + filepath.Join(outside, "pics", "far.jpg") + ", outside " + dir, replace}, "cp "},
		{"dangling link", "images/gone.jpg", []string{"is a symbolic link to a missing file, " + filepath.Join(outside, "missing.jpg"), "put the picture file itself at " + filepath.Join(images, "gone.jpg")}, "permission"},
		{"dangling link inside", "images/gone-in.jpg", []string{"is a symbolic link to a missing file, " + filepath.Join(images, "missing.jpg")}, "permission"},
		{"dangling folder link", "images/nodir/x.jpg", []string{"leads through the symbolic link " + filepath.Join(images, "nodir") + " to " + filepath.Join(outside, "nodir") + ", which is missing", "or correct the link"}, "permission"},
		{"absolute link inside", "images/abs.jpg", []string{"leaves " + dir + " on its way to " + filepath.Join(images, "van.jpg"), "or with a relative link that stays inside " + dir}, "permission"},
		{"link out and back", "images/back.jpg", []string{"leaves " + dir + " on its way to " + filepath.Join(images, "van.jpg")}, "permission"},
		{"unreadable", "images/locked.jpg", []string{"cannot be read (permission denied)", "fix its permissions"}, ""},
	}
	for _, tt := range tests {
		for _, where := range []string{"image", "text"} {
			for _, read := range []bool{false, true} {
				name := tt.name + ", " + where
				if !read {
					name += ", unread"
				}
				t.Run(name, func(t *testing.T) {
					if tt.name == "unreadable" && os.Geteuid() == 0 {
						t.Skip("root can read any file")
					}
					if _, err := os.Stat("/etc/passwd"); err != nil && tt.name == "link to a system file" {
						t.Skip(err)
					}
					src := "---\ntitle: t\ndate: 2020-02-06\n---\n\n![A van](" + tt.img + ")\n"
					line, col := 6, 10
					if where == "image" {
						src = "---\ntitle: t\ndate: 2020-02-06\nimage: " + tt.img + "\nimage_alt: a van\n---\nText.\n"
						line, col = 4, 8
					}
					_, probs := Parse("r.md", "r", []byte(src), Options{ImageDir: dir, NoImageDigest: !read})
					if len(tt.want) == 0 {
						wantWarning(t, probs, "", 0, 0)
						return
					}
					wantWarning(t, probs, tt.want[0], line, col)
					for _, w := range tt.want[1:] {
						if !strings.Contains(probs[0].Message, w) {
							t.Errorf("%q does not say %q", probs[0].Message, w)
						}
					}
					if tt.not != "" && strings.Contains(probs[0].Message, tt.not) {
						t.Errorf("%q says %q", probs[0].Message, tt.not)
					}
				})
			}
		}
	}
}

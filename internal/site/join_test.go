package site

import (
	"path/filepath"
	"testing"
)

// joinCases are output folders and page paths, clean and not.
var joinCases = []struct{ dir, p string }{
	{"/tmp/out", "index.html"},
	{"/tmp/out", "releases/2020/x/index.html"},
	{"/tmp/out", "ru/page/2/index.html"},
	{"/tmp/out", "tags/климат/index.html"},
	{"/tmp/out", "releases/2020/\xff\xfe/posts.json"},
	{"/", "index.html"},
	{"/", "a/b.html"},
	{"out", "a/b.html"},
	{"../out", "a/b.html"},
	{"..", "a"},
	{".", "a/b.html"},
	{"", "a/b.html"},
	{"/tmp/out/", "a/b.html"},
	{"/tmp//out", "a/b.html"},
	{"/tmp/./out", "a"},
	{"/tmp/out", ""},
	{"/tmp/out", "/a"},
	{"/tmp/out", "a/"},
	{"/tmp/out", "a//b"},
	{"/tmp/out", "./a"},
	{"/tmp/out", "a/./b"},
	{"/tmp/out", "a/../b"},
	{"/tmp/out", "../a"},
	{"/tmp/out", ".."},
	{"/tmp/out", "a/.."},
	{"/tmp/out", ".a/..b/...c"},
	{"/tmp/out", "a\\b"},
}

func TestJoinSameAsFilepath(t *testing.T) {
	for _, c := range joinCases {
		ds := newDirs(c.dir)
		checkJoin(t, ds, c.dir, c.p)
		checkJoin(t, ds, ds.root, c.p)
	}
}

// checkJoin fails unless ds.join gives what filepath.Join and
// filepath.Dir give.
func checkJoin(t *testing.T, ds *dirs, dir, p string) {
	t.Helper()
	wantFull := filepath.Join(dir, filepath.FromSlash(p))
	full, parent := ds.join(dir, p)
	if full != wantFull || parent != filepath.Dir(wantFull) {
		t.Errorf("join(%q, %q) = %q, %q; want %q, %q", dir, p, full, parent, wantFull, filepath.Dir(wantFull))
	}
}

func FuzzJoin(f *testing.F) {
	for _, c := range joinCases {
		f.Add(c.dir, c.p)
	}
	f.Fuzz(func(t *testing.T, dir, p string) {
		ds := newDirs(dir)
		checkJoin(t, ds, dir, p)
		checkJoin(t, ds, ds.root, p)
	})
}

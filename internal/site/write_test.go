package site

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html/atom"
)

// mediaDir makes a content directory holding the fixture's local image and
// a secret next to it that no release may reach.
func mediaDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(filepath.Join(content, "images", "2020"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "images", "2020", "imts.jpg"), []byte("\xff\xd8\xff jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	return content
}

// TestWrite writes the newsroom twice, checks it equals Files, that media
// are copied, that unchanged files are not rewritten and that stale files
// of the previous build go while foreign files stay.
func TestWrite(t *testing.T) {
	cfg := testConfig()
	cfg.MediaDir = mediaDir(t)
	s := newSite(t, cfg)
	out := filepath.Join(t.TempDir(), "public")
	es := fixture(t)
	escape := es[0]
	escape.Release.ID, escape.Release.TranslationKey = "2019/escape", ""
	escape.Release.Image = "../secret.txt"
	es = append(es, escape)
	if err := s.Write(out, es); err != nil {
		t.Fatal(err)
	}
	want, err := s.Files(es)
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range want {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: written file differs from Files (%v)", p, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "media", "images", "2020", "imts.jpg")); err != nil || string(b) != "\xff\xd8\xff jpeg" {
		t.Errorf("image not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "secret.txt")); err == nil {
		t.Error("an image path escaped the content directory")
	}
	page, _ := os.ReadFile(filepath.Join(out, "releases", "2020", "imts-success", "index.html"))
	if !strings.Contains(string(page), `<img src="../../../media/images/2020/imts.jpg"`) {
		t.Error("with MediaDir the page links the copied image relatively")
	}

	foreign := filepath.Join(out, "CNAME")
	if err := os.WriteFile(foreign, []byte("newsroom.example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(out, "index.html")
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(home, old, old); err != nil {
		t.Fatal(err)
	}
	// Second build: the Uzbek release is gone.
	var fewer []Entry
	for _, e := range es {
		if e.Release.Lang != "uz" {
			fewer = append(fewer, e)
		}
	}
	cfg.Langs = []string{"en", "ru"}
	if err := newSite(t, cfg).Write(out, fewer); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"releases/2020/imts-success-uz/index.html", "uz/feed.xml", "tags/giyohvandlik/index.html"} {
		if _, err := os.Stat(filepath.Join(out, p)); !os.IsNotExist(err) {
			t.Errorf("stale %s not removed (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "releases", "2020", "imts-success-uz")); !os.IsNotExist(err) {
		t.Error("empty directory of a removed release left behind")
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a file pressbot did not write was removed: %v", err)
	}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if hs, err := os.Stat(home); err != nil || hs.ModTime().Equal(old) {
		t.Errorf("the changed home page was not rewritten (%v)", err)
	}
}

// TestWriteKeepsUnchangedFiles checks that a rebuild with the same input
// rewrites nothing.
func TestWriteKeepsUnchangedFiles(t *testing.T) {
	s := newSite(t, testConfig())
	out := t.TempDir()
	if err := s.Write(out, fixture(t)); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	page := filepath.Join(out, "releases", "2021", "aral-sea-forum", "index.html")
	manifest := filepath.Join(out, ManifestName)
	for _, f := range []string{page, manifest} {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Write(out, fixture(t)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{page, manifest} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if !st.ModTime().Equal(old) {
			t.Errorf("unchanged %s was rewritten", filepath.Base(f))
		}
	}
}

// TestWriteCopiesReplacedPicture checks that a rebuild copies a picture
// again when its source changed, even to an older file of the same size, and
// leaves an unchanged one alone.
func TestWriteCopiesReplacedPicture(t *testing.T) {
	cfg := testConfig()
	cfg.MediaDir = mediaDir(t)
	s := newSite(t, cfg)
	out := t.TempDir()
	src := filepath.Join(cfg.MediaDir, "images", "2020", "imts.jpg")
	dst := filepath.Join(out, "media", "images", "2020", "imts.jpg")
	build := func(t *testing.T) (string, os.FileInfo) {
		t.Helper()
		if err := s.Write(out, fixture(t)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(dst)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), st
	}
	_, first := build(t)
	if again, st := build(t); again != "\xff\xd8\xff jpeg" || !os.SameFile(first, st) {
		t.Errorf("an unchanged picture was copied again (or differs: %q)", again)
	}
	older := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.WriteFile(src, []byte("\xff\xd8\xff JPEG"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(src, older, older); err != nil {
		t.Fatal(err)
	}
	if got, st := build(t); got != "\xff\xd8\xff JPEG" || !st.ModTime().Equal(older) {
		t.Errorf("replaced picture: newsroom has %q dated %v, want the new bytes dated %v", got, st.ModTime(), older)
	}
}

// TestWriteRepairsChangedFiles checks that a rebuild restores files that
// were edited in the output, whether their size changed or not.
func TestWriteRepairsChangedFiles(t *testing.T) {
	s := newSite(t, testConfig())
	out := t.TempDir()
	if err := s.Write(out, fixture(t)); err != nil {
		t.Fatal(err)
	}
	edits := map[string]func([]byte) []byte{
		"index.html":                            func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 1; return c },
		"feed.xml":                              func(b []byte) []byte { return b[:len(b)-1] },
		"releases/2020/imts-success/index.html": func(b []byte) []byte { return append(bytes.Clone(b), '\n') },
		"ru/atom.xml":                           func([]byte) []byte { return nil },
	}
	want := map[string][]byte{}
	for p, edit := range edits {
		full := filepath.Join(out, filepath.FromSlash(p))
		b, err := os.ReadFile(full)
		if err != nil {
			t.Fatal(err)
		}
		want[p] = b
		if err := os.WriteFile(full, edit(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Write(out, fixture(t)); err != nil {
		t.Fatal(err)
	}
	for p, b := range want {
		if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p))); err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: not restored by the rebuild (%v)", p, err)
		}
	}
}

func TestSameContent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		b          string
		same       bool
		notExist   bool
	}{
		{"same", file, "hello", true, false},
		{"same size, other bytes", file, "hellp", false, false},
		{"longer", file, "hello!", false, false},
		{"shorter", file, "hell", false, false},
		{"empty", file, "", false, false},
		{"a folder", dir, "", false, false},
		{"missing", filepath.Join(dir, "none"), "hello", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same, err := sameContent(tt.path, []byte(tt.b))
			if same != tt.same || errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("sameContent = %v, %v; want %v, not exist %v", same, err, tt.same, tt.notExist)
			}
		})
	}
}

// TestHandler serves the snapshot over HTTP.
func TestHandler(t *testing.T) {
	cfg := testConfig()
	cfg.MediaDir = mediaDir(t)
	s := newSite(t, cfg)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	if code := get(t, srv.URL+"/", nil).StatusCode; code != http.StatusServiceUnavailable {
		t.Errorf("before Update: %d, want 503", code)
	}
	if err := s.Update(fixture(t)); err != nil {
		t.Fatal(err)
	}
	s.SetGone([]Gone{{ID: "2019/withdrawn", Lang: "en"}})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const (
		notFound  = "Page not found"
		withdrawn = "Release withdrawn"
	)
	tests := []struct {
		path, method string
		code         int
		ctype        string
		h1           string // the page's heading, if it is checked
	}{
		{"/", "GET", 200, "text/html; charset=utf-8", ""},
		{"/releases/2020/imts-success/", "GET", 200, "text/html; charset=utf-8", ""},
		{"/releases/2020/imts-success", "GET", 301, "", ""},
		{"/feed.xml", "GET", 200, "application/rss+xml; charset=utf-8", ""},
		{"/style.css", "GET", 200, "text/css; charset=utf-8", ""},
		{"/ru/atom.xml", "GET", 200, "application/atom+xml; charset=utf-8", ""},
		{"/uz/feed.json", "HEAD", 200, "application/feed+json; charset=utf-8", ""},
		{"/media/images/2020/imts.jpg", "GET", 200, "image/jpeg", ""},
		{"/media/../../secret.txt", "GET", 404, "", notFound},
		{"/releases/2019/nothing/", "GET", 404, "text/html; charset=utf-8", notFound},
		{"/releases/2019/withdrawn/", "GET", 410, "text/html; charset=utf-8", withdrawn},
		{"/releases/2019/withdrawn", "HEAD", 410, "text/html; charset=utf-8", ""},
		{"/releases/2019/withdrawn/posts.json", "GET", 410, "text/html; charset=utf-8", withdrawn},
		{"/releases/2019/withdrawn-too/", "GET", 404, "text/html; charset=utf-8", notFound},
		{"/no/such/page", "HEAD", 404, "text/html; charset=utf-8", ""},
		{"/no/such/page", "GET", 404, "text/html; charset=utf-8", notFound},
		{"/feed.xml", "POST", 405, "", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.code {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, resp.StatusCode, tt.code)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if tt.h1 == "" {
			continue
		}
		if h, _ := text(parsePage(t, tt.path, body), atom.H1); h != tt.h1 {
			t.Errorf("%s %s: heading %q, want %q", tt.method, tt.path, h, tt.h1)
		}
	}
	first := get(t, srv.URL+"/feed.json", nil)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if code := get(t, srv.URL+"/feed.json", map[string]string{"If-None-Match": etag}).StatusCode; code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", code)
	}
	if err := s.Update(fixture(t)[:1]); err != nil {
		t.Fatal(err)
	}
	gone, err := http.Get(srv.URL + "/releases/2020/imts-success/")
	if err != nil {
		t.Fatal(err)
	}
	if gone.StatusCode != http.StatusNotFound {
		t.Errorf("after Update without it: %d, want 404", gone.StatusCode)
	}
	if h, ok := text(parsePage(t, "404", readAll(t, gone)), atom.H1); !ok || h != "Page not found" {
		t.Errorf("404 heading %q, want the newsroom's page for unknown addresses", h)
	}
}

// readAll reads and closes a response body.
func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHandlerMediaInUse checks that an image no page shows yet is served
// while Config.MediaInUse says a release needs it, and only then; that
// MediaInUse is asked only about image files that exist; and that media
// go out with a sandboxing Content-Security-Policy.
func TestHandlerMediaInUse(t *testing.T) {
	cfg := testConfig()
	cfg.MediaDir = mediaDir(t)
	for _, name := range []string{"pending.png", "other.jpg", "notes.md"} {
		if err := os.WriteFile(filepath.Join(cfg.MediaDir, "images", "2020", name), []byte("\x89PNG data"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu    sync.Mutex
		asked []string
	)
	cfg.MediaInUse = func(img string) bool {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, img)
		return img == "images/2020/pending.png" || img == "images/2020/notes.md" || img == "images/2020/gone.jpg"
	}
	s := newSite(t, cfg)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	if err := s.Update(fixture(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		code int
	}{
		{"/media/images/2020/imts.jpg", 200},    // on a page: MediaInUse not asked
		{"/media/images/2020/pending.png", 200}, // in use by a pending release
		{"/media/images/2020/other.jpg", 404},   // in the folder, not in use
		{"/media/images/2020/gone.jpg", 404},    // in use, but no such file: not asked
		{"/media/images/2020/notes.md", 404},    // not an image: not asked
	}
	for _, tt := range tests {
		resp := get(t, srv.URL+tt.path, nil)
		if resp.StatusCode != tt.code {
			t.Errorf("%s: %d, want %d", tt.path, resp.StatusCode, tt.code)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); tt.code == 200 && !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: Content-Security-Policy %q, want a sandbox", tt.path, csp)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"images/2020/pending.png", "images/2020/other.jpg"}; strings.Join(asked, " ") != strings.Join(want, " ") {
		t.Errorf("MediaInUse asked about %q, want %q", asked, want)
	}
}

// get makes a GET request with headers.
func get(t *testing.T, url string, h map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestBodyPictures checks that a picture the body shows from content/ is
// copied by Write and served by the handler, as the picture of image: is,
// and that a source outside content/, a remote one or a file that is not
// a picture is neither.
func TestBodyPictures(t *testing.T) {
	cfg := testConfig()
	cfg.MediaDir = mediaDir(t)
	if err := os.WriteFile(filepath.Join(cfg.MediaDir, "images", "2020", "карта.png"), []byte("\x89PNG map"), 0o644); err != nil {
		t.Fatal(err)
	}
	entries := fixture(t)
	entries[0].BodyHTML += `<p><img src="` + template.HTML(testBase) + `/media/images/2020/%D0%BA%D0%B0%D1%80%D1%82%D0%B0.png" alt="Map" loading="lazy"></p>` +
		`<p><img src="` + template.HTML(testBase) + `/media/../secret.txt" alt="x"><img src="https://cdn.example.org/media/a.png" alt="y"></p>`
	s := newSite(t, cfg)
	out := t.TempDir()
	if err := s.Write(out, entries); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "media", "images", "2020", "карта.png")); err != nil || string(b) != "\x89PNG map" {
		t.Errorf("body picture not copied: %q, %v", b, err)
	}
	for _, p := range []string{"secret.txt", "a.png"} {
		if _, err := os.Stat(filepath.Join(out, "media", p)); err == nil {
			t.Errorf("media/%s was copied", p)
		}
	}
	if err := s.Update(fixture(t)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	if code := get(t, srv.URL+"/media/images/2020/%D0%BA%D0%B0%D1%80%D1%82%D0%B0.png", nil).StatusCode; code != http.StatusNotFound {
		t.Errorf("picture no body shows: %d, want 404", code)
	}
	if err := s.Update(entries); err != nil {
		t.Fatal(err)
	}
	if resp := get(t, srv.URL+"/media/images/2020/%D0%BA%D0%B0%D1%80%D1%82%D0%B0.png", nil); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("body picture served: %d %s, want 200 image/png", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestBodyPicturesOpenedFromDisk checks that with IndexLinks a release
// page opens the pictures of its body from their copies relatively, as it
// does its image:, so that it shows them opened from disk, and leaves
// other sources and the feeds alone; without IndexLinks, the body is
// inserted as it is.
func TestBodyPicturesOpenedFromDisk(t *testing.T) {
	const (
		escaped = "images/2020/%D0%BA%D0%B0%D1%80%D1%82%D0%B0.png"
		outside = testBase + "/media/../secret.txt"
	)
	for _, tc := range []struct {
		indexLinks bool
		want       string
	}{
		{false, `<img src="` + testBase + "/media/" + escaped + `"`},
		{true, `<img src="../../../media/` + escaped + `"`},
	} {
		cfg := testConfig()
		cfg.IndexLinks, cfg.MediaDir, cfg.FeedItems = tc.indexLinks, mediaDir(t), 50
		if err := os.WriteFile(filepath.Join(cfg.MediaDir, "images", "2020", "карта.png"), []byte("\x89PNG map"), 0o644); err != nil {
			t.Fatal(err)
		}
		entries := fixture(t)
		entries[0].BodyHTML += `<p><img src="` + template.HTML(testBase) + "/media/" + escaped + `" alt="Map" loading="lazy">` +
			`<img src="` + outside + `" alt="x"></p>`
		out := t.TempDir()
		if err := newSite(t, cfg).Write(out, entries); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(out, "releases", filepath.FromSlash(entries[0].Release.ID))
		page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
		if !strings.Contains(string(page), tc.want) || !strings.Contains(string(page), `<img src="`+outside+`"`) {
			t.Errorf("IndexLinks %v: the page does not show %s and keep %s", tc.indexLinks, tc.want, outside)
		}
		if _, err := os.Stat(filepath.Join(dir, "..", "..", "..", "media", "images", "2020", "карта.png")); err != nil {
			t.Errorf("IndexLinks %v: the picture is not where the page opens it: %v", tc.indexLinks, err)
		}
		feed, _ := os.ReadFile(filepath.Join(out, "feed.xml"))
		if !strings.Contains(string(feed), testBase+"/media/"+escaped) {
			t.Errorf("IndexLinks %v: the feed lost the picture's address", tc.indexLinks)
		}
	}
}

// TestWriteTrustsImageMissing checks that Write does not copy a picture
// that Entry.ImageMissing says is missing (here it is there, to tell),
// unless a body shows it too.
func TestWriteTrustsImageMissing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		missing  bool
		inBody   bool
		wantCopy bool
	}{
		{"looked up", false, false, true},
		{"known missing", true, false, false},
		{"known missing, in a body", true, true, true},
	} {
		cfg := testConfig()
		cfg.MediaDir = mediaDir(t)
		s := newSite(t, cfg)
		entries := fixture(t)
		for i := range entries {
			if entries[i].Release.Image != "" {
				entries[i].ImageMissing = tc.missing
			}
		}
		if tc.inBody {
			entries[len(entries)-1].BodyHTML += template.HTML(s.imgSrc + `images/2020/imts.jpg" alt="">`)
		}
		out := t.TempDir()
		if err := s.Write(out, entries); err != nil {
			t.Fatal(err)
		}
		_, err := os.Stat(filepath.Join(out, "media", "images", "2020", "imts.jpg"))
		if copied := err == nil; copied != tc.wantCopy {
			t.Errorf("%s: copied %v, want %v", tc.name, copied, tc.wantCopy)
		}
	}
}

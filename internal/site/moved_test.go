package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMovedRedirects checks that the old page address of a release whose
// file was renamed answers 301 to its new page, relative, and that an
// old address whose new page is not in the newsroom is not redirected.
func TestMovedRedirects(t *testing.T) {
	s := newSite(t, testConfig())
	if err := s.Update(fixture(t)); err != nil {
		t.Fatal(err)
	}
	s.SetMoved([]Moved{{From: "2019/old-name", To: "2020/imts-success"}, {From: "2019/unpublished", To: "2019/nowhere"}})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		path     string
		code     int
		location string
	}{
		{"/releases/2019/old-name/", 301, "../../../releases/2020/imts-success/"},
		{"/releases/2019/old-name", 301, "../../releases/2020/imts-success/"},
		{"/releases/2019/old-name/index.html", 301, "../../../releases/2020/imts-success/"},
		{"/releases/2019/old-name/posts.json", 404, ""},
		{"/releases/2019/unpublished/", 404, ""},
		{"/releases/2020/imts-success/", 200, ""},
	} {
		resp, err := noRedirect.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.code || resp.Header.Get("Location") != tt.location {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.code, tt.location)
		}
	}
	resp, err := http.Get(srv.URL + "/releases/2019/old-name/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/releases/2020/imts-success/" {
		t.Errorf("following the redirect: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
}

// TestMovedPagesWritten checks that Write puts a page at the old address
// of a moved release that sends the browser on, with the new page as its
// canonical address, and none for a release whose new page is not there.
func TestMovedPagesWritten(t *testing.T) {
	s := newSite(t, testConfig())
	s.SetMoved([]Moved{{From: "2019/old-name", To: "2020/imts-success"}, {From: "2019/unpublished", To: "2019/nowhere"}})
	dir := t.TempDir()
	if err := s.Write(dir, fixture(t)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "releases/2019/old-name/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<link rel="canonical" href="` + testBase + `/releases/2020/imts-success/">`,
		`<meta http-equiv="refresh" content="0; url=../../../releases/2020/imts-success/">`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the old page lacks %s:\n%s", want, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "releases/2019/unpublished")); !os.IsNotExist(err) {
		t.Errorf("a page was written for a release not in the newsroom: %v", err)
	}
	// Renamed back: the stale page goes with the next Write.
	s.SetMoved(nil)
	if err := s.Write(dir, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "releases/2019/old-name/index.html")); !os.IsNotExist(err) {
		t.Errorf("the old page stays after SetMoved(nil): %v", err)
	}
}

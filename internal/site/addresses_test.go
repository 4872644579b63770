package site

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Escaped addresses of the pages of spelledEntries, as RFC 3986 writes
// them (upper-case hex).
const (
	climateTag  = "/tags/%D0%BA%D0%BB%D0%B8%D0%BC%D0%B0%D1%82/"
	cyrillicRel = "/releases/2020/%D0%BF%D1%80%D0%B5%D1%81%D1%81%20%D1%80%D0%B5%D0%BB%D0%B8%D0%B7/"
)

// spelledEntries is the fixture with addresses that must be escaped: a
// Cyrillic tag on every release, so that its page runs to three pages
// (with testConfig's two a page) linked by the pager, and a release whose
// ID and picture have Cyrillic letters and spaces, with versions in other
// languages that link it.
func spelledEntries(t *testing.T) []Entry {
	entries := fixture(t)
	for i := range entries {
		entries[i].Release.Tags = append(entries[i].Release.Tags, "климат")
		if entries[i].Release.ID == "2020/imts-success-uz" {
			entries[i].Release.ID = "2020/пресс релиз"
			entries[i].Release.Image, entries[i].Release.ImageAlt = "images/my фото.jpg", "A photo"
		}
	}
	return entries
}

// hexEscape finds percent escapes.
var hexEscape = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// addressBook records how the files of a newsroom spell each address.
type addressBook struct {
	t     *testing.T
	seen  map[string]string // address unescaped → its first spelling
	where map[string]string // address unescaped → the file that spelt it first
}

// add records ref, found in file at the page address base, and reports a
// second spelling of an address, or one with lower-case hex escapes.
func (b *addressBook) add(file string, base *url.URL, ref string) {
	if ref == "" || strings.HasPrefix(ref, "#") {
		return
	}
	u, err := base.Parse(ref)
	if err != nil {
		b.t.Errorf("%s: address %q: %v", file, ref, err)
		return
	}
	spelt := u.EscapedPath()
	key := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "index.html")
	for _, esc := range hexEscape.FindAllString(spelt, -1) {
		if esc != strings.ToUpper(esc) {
			b.t.Errorf("%s: %q has the lower-case escape %s", file, ref, esc)
			break
		}
	}
	spelt = strings.TrimSuffix(spelt, "index.html")
	if prev, ok := b.seen[key]; !ok {
		b.seen[key], b.where[key] = spelt, file
	} else if prev != spelt {
		b.t.Errorf("%s spells %s, %s spelt it %s", file, spelt, b.where[key], prev)
	}
}

// absoluteURL finds the absolute addresses in a feed, the sitemap or
// robots.txt.
var absoluteURL = regexp.MustCompile(`https?://[^\s"<>]+`)

// TestOneSpellingPerAddress reads every address in every page, feed, the
// sitemap and robots.txt, relative ones resolved against their page, and
// wants one spelling of each, with upper-case hex escapes (RFC 3986's
// normal form): a tag page, a release page or a picture whose name needs
// escaping must not have two URLs, or a crawler counts two pages.
func TestOneSpellingPerAddress(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*Config)
	}{
		{"web", func(*Config) {}},
		{"opened from disk", func(c *Config) { c.IndexLinks = true }},
		{"under a path", func(c *Config) { c.BaseURL = testBase + "/news" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.MediaDir = t.TempDir() // pages show local pictures from media/
			tt.cfg(&cfg)
			fs := files(t, cfg, spelledEntries(t))
			book := &addressBook{t: t, seen: map[string]string{}, where: map[string]string{}}
			root := strings.TrimRight(cfg.BaseURL, "/") + "/"
			for name, b := range fs {
				base, err := url.Parse(root + escapeDir(path.Dir(name)))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasSuffix(name, ".html") {
					for _, u := range absoluteURL.FindAllString(string(b), -1) {
						book.add(name, base, html.UnescapeString(u))
					}
					continue
				}
				walk(parsePage(t, name, b), func(n *html.Node) {
					for _, a := range n.Attr {
						if a.Key == "href" || a.Key == "src" || a.Key == "content" && strings.Contains(a.Val, "://") {
							book.add(name, base, a.Val)
						}
					}
				})
			}
			for _, want := range []string{climateTag, climateTag + "page/2/", cyrillicRel, "/media/images/my%20%D1%84%D0%BE%D1%82%D0%BE.jpg"} {
				u, _ := url.Parse(root + strings.TrimPrefix(want, "/"))
				if got := book.seen[u.Scheme+"://"+u.Host+u.Path]; got != u.EscapedPath() {
					t.Errorf("%s spelt %q, want %q", want, got, u.EscapedPath())
				}
			}
		})
	}
}

// escapeDir escapes the folder of a written file as its address does,
// with a trailing slash ("" for the root).
func escapeDir(dir string) string {
	if dir == "." {
		return ""
	}
	return (&url.URL{Path: dir}).EscapedPath() + "/"
}

// TestHandlerRedirectSpelling checks that serve's redirect of a folder's
// address without its trailing slash spells the target as the links do,
// however the request spelt it.
func TestHandlerRedirectSpelling(t *testing.T) {
	s := newSite(t, testConfig())
	if err := s.Update(spelledEntries(t)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct{ path, want string }{
		{strings.TrimSuffix(climateTag, "/"), climateTag},
		{strings.ToLower(strings.TrimSuffix(climateTag, "/")), climateTag},
		{strings.TrimSuffix(climateTag, "/") + "/page/2", climateTag + "page/2/"},
		{strings.TrimSuffix(cyrillicRel, "/"), cyrillicRel},
		{"/releases/2020/imts-success", "/releases/2020/imts-success/"},
	}
	// Behind a proxy (or serve) that takes a path off, the redirect
	// must keep it.
	prefixed := httptest.NewServer(http.StripPrefix("/news", s.Handler()))
	defer prefixed.Close()
	for _, tt := range tests {
		for _, at := range []struct{ base, prefix string }{{srv.URL, ""}, {prefixed.URL, "/news"}} {
			resp, err := client.Get(at.base + at.prefix + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			if got := loc.EscapedPath(); resp.StatusCode != http.StatusMovedPermanently || got != at.prefix+tt.want {
				t.Errorf("GET %s%s: %d to %q, want 301 to %q", at.prefix, tt.path, resp.StatusCode, got, at.prefix+tt.want)
			}
		}
	}
}

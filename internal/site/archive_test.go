package site

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pressbot/pressbot/internal/release"
)

// archiveEntries returns releases in year folders, one folder nested in
// another, one at the top of releases/, and folders named 999, Alpha and
// misc, published on the given dates.
func archiveEntries(t testing.TB) []Entry {
	t.Helper()
	e := func(id, lang, date string) Entry {
		return Entry{
			Release:   release.Release{ID: id, Lang: lang, Title: "Title of " + id, Date: at(t, date)},
			BodyHTML:  "<p>Body.</p>",
			Summary:   "Summary of " + id,
			Published: at(t, date),
		}
	}
	return []Entry{
		e("2019/a", "en", "2019-03-01T10:00:00+05:00"),
		e("2019/b", "ru", "2019-05-01T10:00:00+05:00"),
		e("2019/c", "uz", "2019-01-01T10:00:00+05:00"),
		e("2023/y", "en", "2023-02-01T10:00:00+05:00"),
		e("2023/sub/z", "ru", "2023-04-01T10:00:00+05:00"),
		e("2024/x", "en", "2024-01-01T10:00:00+05:00"),
		e("999/old", "en", "2010-01-01T10:00:00+05:00"),
		e("misc/m", "en", "2018-01-01T10:00:00+05:00"),
		e("Alpha/q", "en", "2017-01-01T10:00:00+05:00"),
		e("top", "en", "2016-01-01T10:00:00+05:00"),
	}
}

// archivePage is what a folder page shows.
type archivePage struct {
	heading string
	folders []string // "name count href" per subfolder, href "" when unlinked
	rows    []string // "lang href" per release, in order
}

// readArchivePage reads a folder page's heading, subfolders and rows.
func readArchivePage(t *testing.T, name string, b []byte) archivePage {
	t.Helper()
	doc := parsePage(t, name, b)
	var p archivePage
	p.heading, _ = text(doc, atom.H1)
	for _, nav := range elements(doc, atom.Nav) {
		if attrOf(nav, "aria-label") != "Sections" {
			continue
		}
		for _, li := range elements(nav, atom.Li) {
			count, _ := text(li, atom.Span)
			href := ""
			if as := elements(li, atom.A); len(as) > 0 {
				href = attrOf(as[0], "href")
			}
			p.folders = append(p.folders, strings.TrimSpace(strings.TrimSuffix(allText(li), count))+" "+count+" "+href)
		}
	}
	for _, ol := range elementsWithAttr(doc, atom.Ol, "class", "releases") {
		for _, li := range elements(ol, atom.Li) {
			a := elements(li, atom.A)[0]
			if len(elements(li, atom.Time)) != 1 {
				t.Errorf("%s: a row without its date: %s", name, attrOf(a, "href"))
			}
			p.rows = append(p.rows, attrOf(li, "lang")+" "+attrOf(a, "href"))
		}
	}
	return p
}

// allText returns the text inside n.
func allText(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// TestArchiveFolders checks each folder page of releases/: its heading,
// its subfolders with their counts (numbers first, largest first, then
// the other names), and the releases directly in it, newest first, each
// with its language and date; a withdrawn release is on none.
func TestArchiveFolders(t *testing.T) {
	s := newSite(t, testConfig())
	s.SetGone([]Gone{{ID: "2019/withdrawn", Lang: "en"}, {ID: "2022/gone", Lang: "en"}})
	fs, err := s.Files(archiveEntries(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		want archivePage
	}{
		{"releases/index.html", archivePage{
			heading: "Archive",
			folders: []string{"2024 1 2024/", "2023 2 2023/", "2019 3 2019/", "999 1 999/", "Alpha 1 Alpha/", "misc 1 misc/"},
			rows:    []string{"en ../releases/top/"},
		}},
		{"releases/2019/index.html", archivePage{
			heading: "Archive: 2019",
			rows:    []string{"ru ../../releases/2019/b/", "en ../../releases/2019/a/", "uz ../../releases/2019/c/"},
		}},
		{"releases/2023/index.html", archivePage{
			heading: "Archive: 2023",
			folders: []string{"sub 1 sub/"},
			rows:    []string{"en ../../releases/2023/y/"},
		}},
		{"releases/2023/sub/index.html", archivePage{
			heading: "Archive: 2023/sub",
			rows:    []string{"ru ../../../releases/2023/sub/z/"},
		}},
		{"releases/Alpha/index.html", archivePage{heading: "Archive: Alpha", rows: []string{"en ../../releases/Alpha/q/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, ok := fs[tt.file]
			if !ok {
				t.Fatalf("no %s", tt.file)
			}
			got := readArchivePage(t, tt.file, b)
			if got.heading != tt.want.heading || !slices.Equal(got.folders, tt.want.folders) || !slices.Equal(got.rows, tt.want.rows) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if !bytes.Contains(b, []byte("<title>"+tt.want.heading+" — UNODC Regional Office for Central Asia</title>")) {
				t.Errorf("no title %q", tt.want.heading)
			}
			if bytes.Contains(b, []byte("withdrawn")) || bytes.Contains(b, []byte(ui["en"].Empty)) {
				t.Errorf("names the withdrawn release, or says it is empty:\n%s", b)
			}
		})
	}
	for _, p := range []string{"releases/2022/index.html", "releases/top/page/2/index.html", "releases/2019/page/2/index.html"} {
		if _, ok := fs[p]; ok {
			t.Errorf("%s written", p)
		}
	}
}

// TestArchiveUnpaginated checks that a folder of more releases than a
// list page holds lists them all on one page.
func TestArchiveUnpaginated(t *testing.T) {
	var es []Entry
	for i := range 25 {
		e := archiveEntries(t)[0]
		e.Release.ID = "2019/r" + strings.Repeat("x", i)
		e.Published = e.Published.Add(time.Duration(i) * time.Hour)
		es = append(es, e)
	}
	fs := files(t, testConfig(), es) // 2 per page
	got := readArchivePage(t, "2019", fs["releases/2019/index.html"])
	if newest := "en ../../releases/2019/r" + strings.Repeat("x", 24) + "/"; len(got.rows) != 25 || got.rows[0] != newest {
		t.Errorf("releases/2019/ lists %q; want 25 releases, %q first", got.rows, newest)
	}
	if _, ok := fs["releases/2019/page/2/index.html"]; ok {
		t.Error("releases/2019/ has a second page")
	}
}

// TestArchiveFolderBesideRelease checks that a release whose page is a
// folder's (content/2019.md beside content/2019/x.md) keeps its address:
// the folder gets no page, its parent names it without a link, the build
// and the live newsroom do not fail, and the sitemap lists the address
// once.
func TestArchiveFolderBesideRelease(t *testing.T) {
	es := archiveEntries(t)[:2]
	top := es[0]
	top.Release.ID, top.Release.Title = "2019", "The year in review"
	es = append(es, top)
	s := newSite(t, testConfig())
	fs, err := s.Files(es)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := text(parsePage(t, "2019", fs["releases/2019/index.html"]), atom.H1); h != "The year in review" {
		t.Errorf("releases/2019/ is %q, want the release", h)
	}
	got := readArchivePage(t, "releases", fs["releases/index.html"])
	if want := []string{"2019 2 "}; !slices.Equal(got.folders, want) || !slices.Equal(got.rows, []string{"en ../releases/2019/"}) {
		t.Errorf("releases/ shows folders %q, rows %q; want %q and the release", got.folders, got.rows, want)
	}
	if n := bytes.Count(fs["sitemap.xml"], []byte("<loc>"+testBase+"/releases/2019/</loc>")); n != 1 {
		t.Errorf("sitemap lists releases/2019/ %d times", n)
	}
	if err := s.Write(filepath.Join(t.TempDir(), "out"), es); err != nil {
		t.Errorf("Write: %v", err)
	}
	if err := s.Update(es); err != nil {
		t.Errorf("Update: %v", err)
	}
}

// TestArchiveSitemap checks the lastmod of the folder pages: the latest
// publication or update of a release each lists, the latest publication
// in its subfolders (whose counts it shows), and a withdrawal in it or
// under it.
func TestArchiveSitemap(t *testing.T) {
	es := archiveEntries(t)[:5]                        // 2019/a, b, c; 2023/y; 2023/sub/z
	es[0].Updated = at(t, "2025-01-01T10:00:00+05:00") // 2019/a edited
	withdrawn := at(t, "2030-01-01T10:00:00+05:00")
	tests := []struct {
		name string
		gone []Gone
		want map[string]string
	}{
		{"published", nil, map[string]string{
			"releases/":          "2023-04-01T10:00:00+05:00",
			"releases/2019/":     "2025-01-01T10:00:00+05:00",
			"releases/2023/":     "2023-04-01T10:00:00+05:00",
			"releases/2023/sub/": "2023-04-01T10:00:00+05:00",
		}},
		{"withdrawn in 2023/sub", []Gone{{ID: "2023/sub/w", Lang: "en", At: withdrawn}}, map[string]string{
			"releases/":          "2030-01-01T10:00:00+05:00",
			"releases/2019/":     "2025-01-01T10:00:00+05:00",
			"releases/2023/":     "2030-01-01T10:00:00+05:00",
			"releases/2023/sub/": "2030-01-01T10:00:00+05:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, testConfig())
			s.SetGone(tt.gone)
			fs, err := s.Files(es)
			if err != nil {
				t.Fatal(err)
			}
			lastmods := sitemapLastmods(t, fs["sitemap.xml"])
			for dir, want := range tt.want {
				if got, ok := lastmods[testBase+"/"+dir]; !ok || got != want {
					t.Errorf("%s: listed %v, lastmod %q; want %q", dir, ok, got, want)
				}
			}
		})
	}
}

// TestArchiveWords checks the folder pages' words and the archive link in
// the footer in each language that has words of its own, the folder pages
// in the newsroom's first language.
func TestArchiveWords(t *testing.T) {
	tests := []struct{ lang, heading, link string }{
		{"en", "Archive: 2019", "Archive"},
		{"ru", "Архив: 2019", "Архив"},
		{"uz", "Arxiv: 2019", "Arxiv"},
		{"uz-Cyrl", "Архив: 2019", "Архив"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			cfg := testConfig()
			cfg.Langs = []string{tt.lang}
			fs := files(t, cfg, archiveEntries(t)[:3])
			doc := parsePage(t, "2019", fs["releases/2019/index.html"])
			if h, _ := text(doc, atom.H1); h != tt.heading || attrOf(elements(doc, atom.Html)[0], "lang") != tt.lang {
				t.Errorf("releases/2019/: heading %q in %q, want %q in %q", h, attrOf(elements(doc, atom.Html)[0], "lang"), tt.heading, tt.lang)
			}
			for _, page := range []string{"index.html", tt.lang + "/index.html", "releases/2019/a/index.html"} {
				want := `<a href="` + rootFor(strings.TrimSuffix(page, "index.html")) + `releases/">`
				if page == "releases/2019/a/index.html" {
					want += "Archive</a>" // an English release's page
				} else {
					want += tt.link + "</a>"
				}
				if !bytes.Contains(fs[page], []byte(want)) {
					t.Errorf("%s has no %s", page, want)
				}
			}
		})
	}
}

// TestArchiveDeterministic builds the archive from the entries in several
// orders, and with Write into one folder twice, and wants the same bytes.
func TestArchiveDeterministic(t *testing.T) {
	es := archiveEntries(t)
	a := files(t, testConfig(), es)
	folders := 0
	for p := range a {
		if strings.HasPrefix(p, "releases/") && isFolderPage(a, p) {
			folders++
		}
	}
	if folders < 8 {
		t.Fatalf("%d folder pages, want 8", folders)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 3 {
		shuffled := slices.Clone(es)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b := files(t, testConfig(), shuffled)
		for p := range a {
			if !bytes.Equal(a[p], b[p]) {
				t.Errorf("%s differs between builds", p)
			}
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	s := newSite(t, testConfig())
	for range 2 {
		if err := s.Write(out, es); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, "releases", "index.html"))
		if err != nil || !bytes.Equal(got, a["releases/index.html"]) {
			t.Errorf("written releases/index.html differs from Files (%v)", err)
		}
	}
}

// isFolderPage reports whether p is the index.html of a folder page of
// the archive rather than of a release.
func isFolderPage(fs map[string][]byte, p string) bool {
	return strings.HasSuffix(p, "index.html") && bytes.Contains(fs[p], []byte(`<meta property="og:type" content="website">`))
}

// TestArchiveServed checks that the live newsroom answers the folder
// pages, and an address of a folder without a slash with a redirect.
func TestArchiveServed(t *testing.T) {
	s := newSite(t, testConfig())
	if err := s.Update(archiveEntries(t)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		path    string
		code    int
		heading string
	}{
		{"/releases/", 200, "Archive"},
		{"/releases/2019/", 200, "Archive: 2019"},
		{"/releases/2023/sub/", 200, "Archive: 2023/sub"},
		{"/releases/2019", 301, ""},
		{"/releases/2022/", 404, "Page not found"},
	}
	for _, tt := range tests {
		resp, err := noRedirect.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.code {
			t.Errorf("GET %s: %d, want %d", tt.path, resp.StatusCode, tt.code)
		}
		if tt.heading == "" {
			continue
		}
		if h, _ := text(parsePage(t, tt.path, body), atom.H1); h != tt.heading {
			t.Errorf("GET %s: heading %q, want %q", tt.path, h, tt.heading)
		}
	}
}

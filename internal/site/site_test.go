package site

import (
	"bytes"
	"html/template"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/pressbot/pressbot/internal/release"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no base", Config{}, "base URL"},
		{"relative base", Config{BaseURL: "/news"}, "base URL"},
		{"ftp base", Config{BaseURL: "ftp://example.org"}, "base URL"},
		{"query", Config{BaseURL: "https://example.org/?a=1"}, "base URL"},
		{"space in the host", Config{BaseURL: "https://пресса .uz/новости"}, `base URL "https://пресса .uz/новости": weburl: host "пресса .uz" has a space`},
		{"host IDNA refuses", Config{BaseURL: "https://-пресса.uz"}, "is not a domain name"},
		{"line break", Config{BaseURL: "https://example.org/a\nb"}, "control character"},
		{"negative page", Config{BaseURL: "https://example.org", PerPage: -1}, "negative"},
		{"bad lang", Config{BaseURL: "https://example.org", Langs: []string{"en", "../x"}}, "language"},
		{"reserved dir", Config{BaseURL: "https://example.org", Langs: []string{"tags"}}, "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	s := newSite(t, Config{BaseURL: "https://example.org/news/"})
	if s.cfg.BaseURL != "https://example.org/news" || s.cfg.PerPage != 20 || s.cfg.FeedItems != 50 ||
		s.cfg.Zone.String() != "Asia/Tashkent" || s.cfg.Title != "Newsroom" {
		t.Errorf("defaults: %+v", s.cfg)
	}
}

// TestNewASCIIBaseURL checks that New writes a base URL with a host or
// path in Unicode, or spaces, in ASCII, and that every address in the
// feeds and the sitemap built with it, parsed back, is that ASCII form.
func TestNewASCIIBaseURL(t *testing.T) {
	const novosti = "%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
	tests := []struct{ base, want, host string }{
		{"https://пресса.uz/новости/", "https://xn--80aj3aega.uz/" + novosti, "xn--80aj3aega.uz"},
		{"https://ПРЕССА.uz", "https://xn--80aj3aega.uz", "xn--80aj3aega.uz"},
		{"http://пресса.uz:8080/press room", "http://xn--80aj3aega.uz:8080/press%20room", "xn--80aj3aega.uz"},
		{"https://example.org/a%2Fb/новости", "https://example.org/a%2Fb/" + novosti, "example.org"},
		{"https://News.example.org/News", "https://News.example.org/News", "News.example.org"}, // ASCII: as it is
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			cfg := testConfig()
			cfg.BaseURL = tt.base
			s := newSite(t, cfg)
			if s.cfg.BaseURL != tt.want || s.host != tt.host {
				t.Fatalf("base URL %q, host %q; want %q, %q", s.cfg.BaseURL, s.host, tt.want, tt.host)
			}
			fs, err := s.Files(fixture(t))
			if err != nil {
				t.Fatal(err)
			}
			var links []string
			for _, name := range []string{"feed.xml", "atom.xml", "feed.json", "ru/atom.xml"} {
				f, err := gofeed.NewParser().Parse(bytes.NewReader(fs[name]))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				links = append(links, f.Link, f.FeedLink)
				for _, it := range f.Items {
					links = append(links, it.Link)
					if name == "atom.xml" && !strings.HasPrefix(it.GUID, "tag:"+tt.host+",") {
						t.Errorf("%s: entry id %q, want tag:%s,…", name, it.GUID, tt.host)
					}
				}
			}
			for loc := range sitemapLastmods(t, fs["sitemap.xml"]) {
				links = append(links, loc)
			}
			for _, l := range links {
				if !strings.HasPrefix(l, tt.want+"/") || strings.ContainsFunc(l, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
					t.Errorf("address %q: want one in ASCII under %s/", l, tt.want)
				}
			}
		})
	}
}

func TestModelRejectsBadEntries(t *testing.T) {
	ok := release.Release{ID: "2020/a", Lang: "en", Title: "A", Date: time.Unix(1e9, 0)}
	tests := []struct {
		name string
		rels []release.Release
		want string
	}{
		{"duplicate", []release.Release{ok, ok}, "twice"},
		{"escaping id", []release.Release{{ID: "../etc/x", Lang: "en"}}, "clean relative path"},
		{"absolute id", []release.Release{{ID: "/x", Lang: "en"}}, "clean relative path"},
		{"dotted id", []release.Release{{ID: "a/./b", Lang: "en"}}, "clean relative path"},
		{"bad lang", []release.Release{{ID: "a", Lang: "e n"}}, "language"},
	}
	s := newSite(t, testConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var es []Entry
			for _, r := range tt.rels {
				es = append(es, Entry{Release: r})
			}
			_, err := s.Files(es)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Aral Sea":           "aral-sea",
		"aral-sea":           "aral-sea",
		"  COVID-19  ":       "covid-19",
		"sog‘liqni saqlash":  "sogliqni-saqlash",
		"Аральское море":     "аральское-море",
		"ЦУР":                "цур",
		"gender equality!!":  "gender-equality",
		"<script>x</script>": "script-x-script",
		"!!!":                "t-212121",
		"":                   "",
		"ta’lim":             "talim",
		"qishloq xo‘jaligi":  "qishloq-xojaligi",
		"../../etc/passwd":   "etc-passwd",
		"Ўзбекистон Республикаси": "ўзбекистон-республикаси",
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2020, 2, 6, 10, 0, 0, 0, time.UTC)
	tests := map[string]string{
		"en": "6 February 2020", "en-GB": "6 February 2020", "ru": "6 февраля 2020 г.",
		"uz": "6-fevral 2020-yil", "uz-Cyrl": "6-феврал 2020 йил", "fr": "2020-02-06",
	}
	for lang, want := range tests {
		if got := formatDate(d, lang); got != want {
			t.Errorf("formatDate(%s) = %q, want %q", lang, got, want)
		}
	}
}

func TestValidLang(t *testing.T) {
	for l, want := range map[string]bool{
		"en": true, "ru": true, "uz-Cyrl": true, "es-419": true, "zh-Hant-TW": true,
		"": false, "e": false, "tags": false, "media": false, "en_US": false, "en-": false, "-en": false,
		"../en": false, "en/ru": false, "1a": false,
	} {
		if got := validLang(l); got != want {
			t.Errorf("validLang(%q) = %v, want %v", l, got, want)
		}
	}
}

func TestImageType(t *testing.T) {
	for name, want := range map[string]string{
		"a.JPG": "image/jpeg", "https://x/a.png?w=2": "image/png", "a.webp": "image/webp", "a.tiff": "", "a": "",
	} {
		if got := ImageType(name); got != want {
			t.Errorf("ImageType(%q) = %q, want %q", name, got, want)
		}
	}
}

// interpreted returns a Site like s whose templates run through
// html/template alone, without htmlexec's compiled programs.
func interpreted(s *Site) *Site {
	t := *s.tmpl
	t.list, t.release, t.tags = t.list.Interpreted(), t.release.Interpreted(), t.tags.Interpreted()
	return &Site{cfg: s.cfg, host: s.host, tmpl: &t}
}

// FuzzPages feeds arbitrary text fields through the site and checks that
// every page still parses without live markup, and that htmlexec's
// compiled templates write every file exactly as html/template does.
func FuzzPages(f *testing.F) {
	f.Add("Title", "Summary", "tag", "alt", "Tashkent", "images/a.jpg")
	f.Add(hostileTitle, hostileSummary, hostileTag, hostileAlt, hostileLoc, "javascript:alert(1)")
	f.Add("</title><script>x</script>", "]]><x>", "\"'><img onerror=1>", "\x00\ufffd", "&amp;", "//evil.example/x.png")
	s := newSite(f, Config{BaseURL: testBase, Langs: []string{"en"}})
	plain := interpreted(s)
	f.Fuzz(func(t *testing.T, title, summary, tag, alt, loc, img string) {
		e := Entry{
			Release: release.Release{
				ID: "2020/x", Lang: "en", Title: title, Location: loc, Tags: []string{tag, "ok"},
				Image: img, ImageAlt: alt, Date: time.Unix(1.6e9, 0),
			},
			BodyHTML: template.HTML("<p>body</p>"), Summary: summary,
		}
		ru := e // a translation, so that pages link language versions
		ru.Release.ID, ru.Release.Lang, ru.Release.TranslationKey, e.Release.TranslationKey = "2020/x-ru", "ru", tag, tag
		fs, err := s.Files([]Entry{e, ru})
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Files([]Entry{e, ru})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != len(want) {
			t.Fatalf("%d files, html/template alone makes %d", len(fs), len(want))
		}
		for name, b := range fs {
			if !bytes.Equal(b, want[name]) {
				t.Fatalf("%s differs from html/template's:\n%s\nwant\n%s", name, b, want[name])
			}
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			if live := liveMarkup(parsePage(t, name, b)); live != "" {
				t.Fatalf("%s: live markup %s", name, live)
			}
		}
	})
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short text", 240, "short text"},
		{"one two three four", 9, "one two…"},
		{"one two, three", 10, "one two…"},
		{"Ташкент Узбекистан", 10, "Ташкент…"},
		{"abcdefghij", 4, "abcd…"},
		{long, 240, strings.TrimSpace(strings.Repeat("word ", 48)) + "…"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestRenderCalledOnce checks that an entry's Render runs exactly once per
// Write, although its page, list rows, feeds and posts all use what it
// fills in, and that the result is the same as for entries filled before.
func TestRenderCalledOnce(t *testing.T) {
	eager := benchEntries(120)
	for i := range eager {
		if i%3 == 0 {
			eager[i].Posts = []release.Post{{Channel: "x", Kind: release.KindX, Parts: []release.Part{{Format: "text", Text: "post " + eager[i].Release.ID}}}}
		}
	}
	lazy := make([]Entry, len(eager))
	calls := make([]atomic.Int32, len(eager))
	for i, e := range eager {
		lazy[i] = Entry{Release: e.Release, Published: e.Published, Render: func(l *Entry) {
			calls[i].Add(1)
			l.BodyHTML, l.Summary, l.Posts = e.BodyHTML, e.Summary, e.Posts
		}}
	}
	s := newSite(t, Config{BaseURL: testBase, Langs: []string{"en", "ru", "uz"}, PerPage: 7, FeedItems: 30})
	want, err := s.Files(eager)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Files(lazy)
	if err != nil {
		t.Fatal(err)
	}
	for i := range calls {
		if n := calls[i].Load(); n != 1 {
			t.Errorf("entry %d: Render called %d times, want 1", i, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			t.Errorf("%s differs from the eagerly rendered site", p)
		}
	}
	// Bodies are let go after their page, except for feed items (the 30
	// newest of all and of each language); posts after posts.json.
	inFeed := map[int]bool{}
	byDate := make([]int, len(eager))
	for i := range byDate {
		byDate[i] = i
	}
	slices.SortFunc(byDate, func(a, b int) int { return eager[b].Published.Compare(eager[a].Published) })
	perLang := map[string]int{}
	for n, i := range byDate {
		l := eager[i].Release.Lang
		if n < 30 || perLang[l] < 30 {
			inFeed[i] = true
		}
		perLang[l]++
	}
	for i := range lazy {
		if kept := lazy[i].BodyHTML != ""; kept != inFeed[i] {
			t.Errorf("entry %d: body kept %v, want %v (in a feed: %v)", i, kept, inFeed[i], inFeed[i])
		}
		if lazy[i].Posts != nil {
			t.Errorf("entry %d: posts kept after posts.json was written", i)
		}
	}
	if _, ok := got["releases/"+eager[0].Release.ID+"/posts.json"]; !ok {
		t.Error("no posts.json for an entry whose Render set posts")
	}
	if _, ok := got["releases/"+eager[1].Release.ID+"/posts.json"]; ok {
		t.Error("posts.json for an entry without posts")
	}
}

// TestTagRefs checks that the tag references a build shares keep each
// spelling of a tag, with its slug and escaped slug.
func TestTagRefs(t *testing.T) {
	refs := tagRefs{}
	for _, tc := range []struct{ tag, slug, esc string }{
		{"Aral Sea", "aral-sea", "aral-sea"},
		{"aral sea", "aral-sea", "aral-sea"},
		{"Aral Sea", "aral-sea", "aral-sea"},
		{"Орол", "орол", "%D0%BE%D1%80%D0%BE%D0%BB"},
		{"!!", "t-2121", "t-2121"},
		{" ", "", ""},
	} {
		got := refs.ref(tc.tag)
		if want := (tagRef{Name: tc.tag, Slug: tc.slug, Esc: tc.esc}); got != want {
			t.Errorf("ref(%q) = %+v, want %+v", tc.tag, got, want)
		}
	}
}

// TestRenderWhileTasksAreMade checks, under the race detector, that a
// list page may render an entry (its Render sets Posts) while a worker
// is still making the release tasks: a task must not read Posts.
func TestRenderWhileTasksAreMade(t *testing.T) {
	s := newSite(t, Config{BaseURL: testBase, PerPage: 1})
	for range 200 {
		entries := benchEntries(3)
		for i := range entries {
			entries[i].Render = func(e *Entry) {
				e.Posts = []release.Post{{Channel: "x", Kind: release.KindX, Parts: []release.Part{{Format: "text", Text: "post"}}}}
			}
		}
		if _, err := s.Files(entries); err != nil {
			t.Fatal(err)
		}
	}
}

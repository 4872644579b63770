// Package site builds pressbot's public newsroom: an HTML archive (home,
// one page per release, one index per language, tag pages) and RSS 2.0,
// Atom 1.0 and JSON Feed 1.1 feeds for all releases and for each language.
// It takes entries whose body HTML is already rendered and sanitized, so it
// depends on no other pressbot package but release. Output is
// deterministic: the same entries give byte-identical files.
package site

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the default office zone must load on hosts without tzdata

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/weburl"
)

// Defaults used when the Config leaves a field zero.
const (
	DefaultZone      = "Asia/Tashkent"
	DefaultPerPage   = 20
	DefaultFeedItems = 50
	DefaultTitle     = "Newsroom"
)

// Config describes one newsroom.
type Config struct {
	// BaseURL is the public root, e.g. "https://newsroom.example.org" or
	// "https://example.org/news"; every absolute URL starts with it, in
	// ASCII: New writes a host such as пресса.uz in punycode and
	// percent-escapes the path (weburl.ASCII), as feeds and the sitemap
	// must carry it.
	BaseURL string
	// Title is the office name, shown on every page and used as feed title.
	Title string
	// Zone is the office zone for displayed and feed dates (nil: Asia/Tashkent).
	Zone *time.Location
	// PerPage is the page size of the home, language and tag indexes (0: 20).
	PerPage int
	// FeedItems is how many of the latest releases each feed carries (0: 50).
	FeedItems int
	// Langs optionally orders the languages; each gets an index and feeds
	// even before its first release. Other languages follow, sorted.
	Langs []string
	// MediaDir is the directory that local image paths are relative to
	// (the content directory). Write copies referenced images from it to
	// media/ and Handler serves them; empty means local images are not
	// copied or served.
	MediaDir string
	// MediaInUse, when set, reports whether Handler may also serve a local
	// image that no newsroom page shows yet: one named by a release
	// awaiting approval or publication, whose approval preview and posts
	// link it, so that Telegram, Facebook and X can fetch it before the
	// release is in the newsroom. It is asked only for an image file that
	// exists in MediaDir.
	MediaInUse func(img string) bool
	// IndexLinks makes every link to a page of the newsroom name its
	// index.html ("releases/2020/x/index.html"), so that the files work
	// opened from disk, where a browser shows a folder's listing instead
	// of its index.html. Without it links end at the folder, as a web
	// server wants them.
	IndexLinks bool
	// PrivateTags are tags the newsroom never shows: no release page,
	// tag page, feed or sitemap names them (the workflow tags of
	// approval rules, config.Approval.PrivateTags).
	PrivateTags release.PrivateTags
}

// Entry is one release in the newsroom, with its body already rendered.
type Entry struct {
	Release release.Release
	// BodyHTML is the sanitized web HTML of the body (render.WebHTML). It
	// is the only field inserted without escaping.
	BodyHTML template.HTML
	// Summary is plain text for lists and feeds.
	Summary string
	// Published is when it was published (the release date for build -all).
	Published time.Time
	// Updated is the last change (Atom updated, JSON date_modified); zero
	// means Published.
	Updated time.Time
	// ImageSize and ImageType describe the image for feed enclosures when
	// known (0 and "" when not).
	ImageSize int64
	ImageType string
	// ImageMissing says that the local image was looked for in MediaDir
	// already and is not there: Write does not look for it again to
	// copy it (unless a body shows it too).
	ImageMissing bool
	// Posts, when set, are written next to the release page as
	// posts.json (release.Rendering): what each channel publishes.
	Posts []release.Post
	// Render, when set, fills in BodyHTML, Summary, Posts and the image
	// fields the first time the newsroom needs them, while it is being
	// written, rather than before: a large archive's pages then go out as
	// their bodies are rendered, on the same workers. It is called at most
	// once per Write, from any goroutine, and reports its own problems: an
	// entry it cannot render fully still gets a page.
	Render func(e *Entry)
}

// Site renders a newsroom for one Config. Its methods are safe for
// concurrent use.
type Site struct {
	cfg  Config
	host string // BaseURL's host name, the authority of tag: URIs
	// basePath is BaseURL's path as it spells it, "" or "/news": the
	// start of every tag: URI's path, so that newsrooms on one host
	// under different paths give different ids.
	basePath string
	// imgSrc is how the body's HTML opens a local picture:
	// <img src="BaseURL/media/.
	imgSrc string
	tmpl   *templates
	snap   atomic.Pointer[snapshot]
	gone   atomic.Pointer[goneSet]  // withdrawn releases (SetGone)
	moved  atomic.Pointer[movedSet] // renamed releases (SetMoved)
	// index is what a link to a page's folder ends with: "index.html"
	// with Config.IndexLinks, else "".
	index string
}

// New checks cfg, fills in defaults and parses the embedded templates.
func New(cfg Config) (*Site, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	ascii, err := weburl.ASCII(base)
	if err != nil {
		return nil, fmt.Errorf("site: base URL %q: %w: write it as a browser shows it (https://пресса.uz/новости) or in ASCII (https://xn--80aj3aega.uz/news)", base, err)
	}
	cfg.BaseURL = ascii
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("site: base URL %q: want an absolute http(s) URL like https://newsroom.example.org", base)
	}
	if cfg.Zone == nil {
		if cfg.Zone, err = time.LoadLocation(DefaultZone); err != nil {
			return nil, fmt.Errorf("site: zone: %w", err)
		}
	}
	if cfg.PerPage < 0 || cfg.FeedItems < 0 {
		return nil, errors.New("site: PerPage and FeedItems must not be negative")
	}
	if cfg.PerPage == 0 {
		cfg.PerPage = DefaultPerPage
	}
	if cfg.FeedItems == 0 {
		cfg.FeedItems = DefaultFeedItems
	}
	if strings.TrimSpace(cfg.Title) == "" {
		cfg.Title = DefaultTitle
	}
	for _, l := range cfg.Langs {
		if !validLang(l) {
			return nil, fmt.Errorf("site: language %q: want a BCP 47 tag such as en, ru or uz-Cyrl", l)
		}
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, host: u.Hostname(), basePath: u.EscapedPath(), imgSrc: `<img src="` + release.MediaURL(cfg.BaseURL, ""), tmpl: t}
	if cfg.IndexLinks {
		s.index = "index.html"
	}
	return s, nil
}

// dirLink returns a link to the page of folder href ("../ru/"), naming its
// index.html with Config.IndexLinks.
func (s *Site) dirLink(href string) string { return href + s.index }

// Files renders the whole newsroom and returns it as a map from slash
// path ("index.html", "releases/2020/x/index.html", "feed.xml",
// "en/atom.xml", …) to content. Local images are not included.
func (s *Site) Files(entries []Entry) (map[string][]byte, error) {
	m, err := s.model(entries)
	if err != nil {
		return nil, err
	}
	return s.render(m)
}

// validLang reports whether a language tag is usable as a path segment:
// a 2–3 letter primary subtag, then subtags of letters and digits
// ("en", "ru", "uz-Cyrl", "es-419"). The rule keeps language directories
// apart from releases/, tags/, page/ and media/.
func validLang(l string) bool {
	if len(l) > 35 {
		return false
	}
	for i, sub := range strings.Split(l, "-") {
		if i == 0 && (len(sub) < 2 || len(sub) > 3) || sub == "" || len(sub) > 8 {
			return false
		}
		for _, r := range sub {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !letter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

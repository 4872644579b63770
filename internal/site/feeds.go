package site

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"path"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// feedScope is one set of feeds: all languages (lang "") or one language.
type feedScope struct {
	lang  string
	dir   string // "" or "ru/"
	title string
	items []*item // newest first, at most FeedItems
	// gone is the latest withdrawal of a release of the scope, which took
	// it out of the feed; newsroom is the newest change in the whole
	// newsroom: the updated time of a feed without items of its own.
	gone, newsroom time.Time
}

// feedJobs renders RSS, Atom and JSON Feed for all languages and for each.
func (s *Site) feedJobs(m *model) []job {
	newest := s.goneAt("")
	for _, it := range m.items {
		if it.Upd.After(newest) {
			newest = it.Upd
		}
	}
	scopes := []feedScope{{title: s.cfg.Title, items: m.items, gone: s.goneAt(""), newsroom: newest}}
	for _, l := range m.langs {
		scopes = append(scopes, feedScope{lang: l, dir: l + "/", title: s.cfg.Title + " (" + langName(l) + ")", items: m.byLang[l],
			gone: s.goneAt(l), newsroom: newest})
	}
	var jobs []job
	for _, sc := range scopes {
		sc.items = sc.items[:min(len(sc.items), s.cfg.FeedItems)]
		for _, it := range sc.items {
			it.inFeed = true
		}
		jobs = append(jobs,
			func(buf *bytes.Buffer) (string, error) { return sc.dir + "feed.xml", s.rss(buf, sc.load()) },
			func(buf *bytes.Buffer) (string, error) { return sc.dir + "atom.xml", s.atom(buf, sc.load()) },
			func(buf *bytes.Buffer) (string, error) { return sc.dir + "feed.json", s.jsonFeed(buf, sc.load()) },
		)
	}
	return jobs
}

// load loads the scope's items (see item.load) and returns the scope.
func (sc feedScope) load() feedScope {
	for _, it := range sc.items {
		it.load()
	}
	return sc
}

// updated is the newest change among the scope's items and withdrawals,
// so that it never goes back when the newest release is withdrawn. A
// feed without items says the newest change in the newsroom; in an empty
// newsroom it is zero, and the feeds leave their optional dates out
// (Atom, which must have one, says the Unix epoch), so that output stays
// deterministic.
func (s *Site) updated(sc feedScope) time.Time {
	t := sc.gone
	for _, it := range sc.items {
		if it.Upd.After(t) {
			t = it.Upd
		}
	}
	if t.IsZero() {
		t = sc.newsroom
	}
	if t.IsZero() {
		return t
	}
	return t.In(s.cfg.Zone)
}

// dateOr formats t with layout, or gives "" (an element left out) for
// the zero time.
func dateOr(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(layout)
}

// description is the feed's subtitle.
func (s *Site) description(sc feedScope) string {
	lang := sc.lang
	if lang == "" {
		lang = s.defaultLang()
	}
	return wordsFor(lang).Latest + " — " + s.cfg.Title
}

// tagURI is an entry's Atom id (RFC 4151): stable for a release ID and its
// date, e.g. "tag:newsroom.example.org,2020-02-06:/releases/2020/x/", and
// "tag:example.org,2020-02-06:/news/releases/2020/x/" for a newsroom at
// https://example.org/news. The path is the page's path on the host, so
// that two newsrooms on one host give different ids.
func (s *Site) tagURI(it *item) string {
	d := it.e.Release.Date
	if d.IsZero() {
		d = it.Pub
	}
	return "tag:" + s.host + "," + d.In(s.cfg.Zone).Format(time.DateOnly) + ":" + s.basePath + "/" + release.EscapePath(it.Path)
}

// imageType returns the MIME type of an item's image: the one given on the
// entry, or one guessed from the file extension.
func imageType(it *item) string {
	if t := it.e.ImageType; t != "" {
		return t
	}
	return ImageType(it.ImageAbs)
}

// ImageType guesses an image's MIME type from its extension, with a fixed
// table so that output does not depend on the host's mime.types; it
// returns "" when the extension is unknown.
func ImageType(name string) string {
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".svg":
		return "image/svg+xml"
	}
	return ""
}

// RSS 2.0 (https://www.rssboard.org/rss-specification) with content:encoded
// (https://web.resource.org/rss/1.0/modules/content/) and dc:language.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Generator     string    `xml:"generator"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Description string        `xml:"description,omitempty"`
	Content     *rawText      `xml:"content:encoded"`
	Lang        string        `xml:"dc:language,omitempty"`
	Categories  []string      `xml:"category"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// rss renders the RSS 2.0 feed of a scope into buf.
func (s *Site) rss(buf *bytes.Buffer, sc feedScope) error {
	doc := rssDoc{
		Version: "2.0", NSContent: "http://purl.org/rss/1.0/modules/content/",
		NSAtom: "http://www.w3.org/2005/Atom", NSDC: "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title: sc.title, Link: s.cfg.BaseURL + "/" + sc.dir, Description: s.description(sc),
			Language: sc.lang, LastBuildDate: dateOr(s.updated(sc), time.RFC1123Z), Generator: "pressbot",
			Self:  atomLink{Rel: "self", Type: "application/rss+xml", Href: s.cfg.BaseURL + "/" + sc.dir + "feed.xml"},
			Items: make([]rssItem, 0, len(sc.items)),
		},
	}
	for _, it := range sc.items {
		ri := rssItem{
			Title: it.Title, Link: it.URL, GUID: rssGUID{IsPermaLink: true, Value: it.URL},
			PubDate: it.Pub.Format(time.RFC1123Z), Description: html.EscapeString(it.Summary),
			Content: &rawText{Inner: escapeXML(string(it.e.BodyHTML))}, Lang: it.Lang,
		}
		for _, t := range it.Tags {
			ri.Categories = append(ri.Categories, t.Name)
		}
		if it.ImageAbs != "" {
			ri.Enclosure = &rssEnclosure{URL: it.ImageAbs, Length: it.e.ImageSize, Type: cmp.Or(imageType(it), "application/octet-stream")}
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return marshalXML(buf, doc)
}

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Length   int64  `xml:"length,attr,omitempty"`
	Href     string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    rawText        `xml:"content"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// atom renders the Atom 1.0 feed of a scope into buf. The feed's id is its
// own URL; each entry's id is a tag: URI that does not change when the
// release does.
func (s *Site) atom(buf *bytes.Buffer, sc feedScope) error {
	self := s.cfg.BaseURL + "/" + sc.dir + "atom.xml"
	f := atomFeed{
		Lang: sc.lang, ID: self, Title: sc.title, Subtitle: s.description(sc),
		Updated: cmp.Or(dateOr(s.updated(sc), time.RFC3339), time.Unix(0, 0).In(s.cfg.Zone).Format(time.RFC3339)),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: s.cfg.BaseURL + "/" + sc.dir},
		},
		Author:    atomPerson{Name: s.cfg.Title, URI: s.cfg.BaseURL + "/"},
		Generator: "pressbot",
		Entries:   make([]atomEntry, 0, len(sc.items)),
	}
	for _, it := range sc.items {
		e := atomEntry{
			Lang: it.Lang, ID: s.tagURI(it), Title: atomText{Type: "text", Value: it.Title},
			Published: it.Pub.Format(time.RFC3339), Updated: it.Upd.Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: it.URL}},
			Content: rawText{Type: "html", Inner: escapeXML(string(it.e.BodyHTML))},
		}
		for _, a := range it.Alts {
			if a != it {
				// "related", not a second "alternate": readers such as
				// feedparser take the last alternate as the entry's link.
				e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", HrefLang: a.Lang, Href: a.URL})
			}
		}
		if it.ImageAbs != "" {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: imageType(it), Length: it.e.ImageSize, Href: it.ImageAbs})
		}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.Summary}
		}
		for _, t := range it.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t.Slug, Label: t.Name})
		}
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(buf, f)
}

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
type jsonFeedDoc struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

// jsonFeed renders the JSON Feed 1.1 of a scope into buf.
func (s *Site) jsonFeed(buf *bytes.Buffer, sc feedScope) error {
	f := jsonFeedDoc{
		Version: "https://jsonfeed.org/version/1.1", Title: sc.title,
		HomePageURL: s.cfg.BaseURL + "/" + sc.dir, FeedURL: s.cfg.BaseURL + "/" + sc.dir + "feed.json",
		Description: s.description(sc), Language: sc.lang,
		Authors: []jsonAuthor{{Name: s.cfg.Title, URL: s.cfg.BaseURL + "/"}},
		Items:   make([]jsonItem, 0, len(sc.items)),
	}
	for _, it := range sc.items {
		ji := jsonItem{
			ID: it.URL, URL: it.URL, Title: it.Title, ContentHTML: string(it.e.BodyHTML), Summary: it.Summary,
			Image: it.ImageAbs, DatePublished: it.Pub.Format(time.RFC3339), DateModified: it.Upd.Format(time.RFC3339),
			Language: it.Lang,
		}
		for _, t := range it.Tags {
			ji.Tags = append(ji.Tags, t.Name)
		}
		if it.ImageAbs != "" {
			ji.Attachments = []jsonAttachment{{URL: it.ImageAbs, MIMEType: cmp.Or(imageType(it), "application/octet-stream"), Size: it.e.ImageSize}}
		}
		f.Items = append(f.Items, ji)
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // a feed is not embedded in HTML; keep content_html readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("site: json feed: %w", err)
	}
	return nil
}

// marshalXML writes an XML declaration and v, indented, to buf.
func marshalXML(buf *bytes.Buffer, v any) error {
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("site: feed: %w", err)
	}
	buf.WriteByte('\n')
	return nil
}

// sitemap writes the list of the home page, the language indexes (every
// one the newsroom has, also a language whose releases were all
// withdrawn, whose index and feeds stay), the tag pages, the archive's
// folder pages and every release page to buf
// (https://www.sitemaps.org/protocol.html). An index's lastmod is the
// latest change of what it lists, a withdrawal (SetGone) included: the
// index changed then, and crawlers go by lastmod to fetch it again. A
// release page's lastmod is likewise the latest change of the release and
// of the translations it links (pageChanged), or the withdrawal of one it
// linked; an archive folder's is folderChanged.
func (s *Site) sitemap(buf *bytes.Buffer, m *model) error {
	sm := sitemapWriter{buf: buf}
	sm.open()
	list := func(dir string, items []*item, gone time.Time) {
		sm.url(s.cfg.BaseURL+"/"+release.EscapePath(dir), dateOr(s.updated(feedScope{items: items, gone: gone}), time.RFC3339))
	}
	list("", m.items, s.goneAt(""))
	for _, lang := range m.langs {
		list(lang+"/", m.byLang[lang], s.goneAt(lang))
	}
	if len(m.tags) > 0 {
		list("tags/", m.items, s.goneTagAt(""))
	}
	for _, t := range m.tags {
		list("tags/"+t.Slug+"/", t.Items, s.goneTagAt(t.Slug))
	}
	for _, f := range m.folders {
		if !f.shadowed {
			sm.url(s.cfg.BaseURL+"/"+release.EscapePath(f.Dir), dateOr(s.folderChanged(f), time.RFC3339))
		}
	}
	for _, it := range m.items {
		changed := it.pageChanged()
		if gone := s.goneKeyAt(it.e.Release.TranslationKey); gone.After(changed) {
			changed = gone // a translation it linked was withdrawn
		}
		sm.url(it.URL, changed.Format(time.RFC3339))
	}
	sm.close()
	return nil
}

// sitemapWriter writes a sitemap's XML as encoding/xml marshals it with
// two spaces of indent, without its reflection, which cost more than the
// rest of the sitemap: one url element per release.
type sitemapWriter struct{ buf *bytes.Buffer }

// open writes the XML header and the urlset start tag.
func (w sitemapWriter) open() {
	w.buf.WriteString(xml.Header)
	w.buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
}

// url writes one url element; an empty lastMod is left out.
func (w sitemapWriter) url(loc, lastMod string) {
	w.buf.WriteString("\n  <url>\n    <loc>")
	w.text(loc)
	w.buf.WriteString("</loc>")
	if lastMod != "" {
		w.buf.WriteString("\n    <lastmod>")
		w.text(lastMod)
		w.buf.WriteString("</lastmod>")
	}
	w.buf.WriteString("\n  </url>")
}

// close writes the urlset end tag and the final newline.
func (w sitemapWriter) close() { w.buf.WriteString("\n</urlset>\n") }

// text writes s as character data, escaped as encoding/xml escapes it. A
// URL, made of printable ASCII other than quotes, &, < and >, is written
// as it is.
func (w sitemapWriter) text(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || strings.IndexByte(`"'&<>`, c) >= 0 {
			_ = xml.EscapeText(w.buf, []byte(s)) // a bytes.Buffer does not fail
			return
		}
	}
	w.buf.WriteString(s)
}

// pageChanged is the latest change among what the item's page shows: the
// release itself and the translations it links, whose titles and
// addresses are in its hreflang alternates and its "also in" list.
func (it *item) pageChanged() time.Time {
	t := it.Upd
	for _, a := range it.Alts {
		if a.Upd.After(t) {
			t = a.Upd
		}
	}
	return t
}

// robots points crawlers at the sitemap. Crawlers read robots.txt only at
// the root of a host, so the file of a newsroom under a path says, in a
// comment, that its Sitemap line belongs in the host's own.
func (s *Site) robots() string {
	rules := "User-agent: *\nAllow: /\nSitemap: " + s.cfg.BaseURL + "/sitemap.xml\n"
	if s.basePath == "" {
		return rules
	}
	root := strings.TrimSuffix(s.cfg.BaseURL, s.basePath) + "/robots.txt"
	return "# Crawlers read robots.txt only at the root of the host, " + root + ",\n" +
		"# not here: add the Sitemap line below to that file.\n" + rules
}

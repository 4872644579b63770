package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pressbot/pressbot/internal/htmlexec"
	"github.com/pressbot/pressbot/internal/release"
	tfs "github.com/pressbot/pressbot/templates"
)

// templates are the parsed page templates, one set per page kind, each
// sharing templates/site/layout.html. They run through htmlexec: the same
// output as html/template's, without its reflective call per action.
type templates struct {
	list, release, tags, notFound *htmlexec.Set
	css                           []byte
}

// parseTemplates reads templates/site from the embedded FS.
func parseTemplates() (*templates, error) {
	dir, err := fs.Sub(tfs.FS, "site")
	if err != nil {
		return nil, fmt.Errorf("site: templates: %w", err)
	}
	css, err := fs.ReadFile(dir, "style.css")
	if err != nil {
		return nil, fmt.Errorf("site: templates: %w", err)
	}
	t := &templates{css: css}
	for _, k := range []struct {
		dst  **htmlexec.Set
		file string
	}{{&t.list, "list.html"}, {&t.release, "release.html"}, {&t.tags, "tags.html"}, {&t.notFound, "notfound.html"}} {
		tmpl, err := template.New(k.file).Option("missingkey=error").ParseFS(dir, "layout.html", k.file)
		if err != nil {
			return nil, fmt.Errorf("site: templates: %w", err)
		}
		*k.dst = htmlexec.New(tmpl)
	}
	return t, nil
}

// link is an anchor or <link> element.
type link struct {
	Href, Text, Lang, Name, Type string
	Current                      bool
}

// image is a release's picture on its page.
type image struct{ Src, Alt string }

// page is the data of every page template.
type page struct {
	Lang, Title, Heading, Desc, Canonical, Root, SiteTitle string
	Index                                                  string // what a link to a page's folder ends with (Site.index)

	// W are the interface words for Lang, and WLang is their language
	// when it is not Lang ("" when it is): a release in a language
	// without words of its own (kk) gets English headings and menus,
	// each marked lang="en".
	W                     words
	WLang                 string
	Chrome                *chrome
	Nav, Feeds, FeedLinks []link

	// Lists. Rows holds the list items, each on a line of its own.
	Rows          template.HTML
	PageNo, Pages int
	Prev, Next    string
	TagList       []*tag
	Links         []link       // the pages for addresses without a page (404, 410): where to go, per language
	Folders       []folderLink // an archive folder's subfolders (folderJob)

	// Release pages. Alternates, TagLinks and Others are fragments (see
	// fragment), each on a line of its own.
	R                            *item
	Img                          *image
	Body                         template.HTML
	Lead                         template.HTML // Body's opening tags when it opens with the dateline (see splitDateline)
	LeadDate                     string        // the date as that dateline writes it
	Alternates, TagLinks, Others template.HTML
}

// writeRooted writes a fragment written with links relative to the site
// root, split before each href value (splitHrefs), on a new line with
// root in front of every href.
func writeRooted(buf *bytes.Buffer, parts []string, root string) {
	buf.WriteByte('\n')
	buf.WriteString(parts[0])
	for _, p := range parts[1:] {
		buf.WriteString(root)
		buf.WriteString(p)
	}
}

// splitHrefs splits the fragment h after every `href="`, where addRooted
// puts the root: a list item shows on several list pages, and is split
// once. Escaped text never contains a raw '"', so `href="` finds only
// attributes.
func splitHrefs(h string) []string { return strings.SplitAfter(h, `href="`) }

// joinLines joins HTML fragments for a page, each after a newline, into a
// string of the exact size. A page inserts the whole with one template
// action rather than one per fragment: html/template runs every action's
// output through its escaper by a reflective call, which is most of what
// executing a page costs. The fragments are html/template output already.
func joinLines(fs []template.HTML) template.HTML {
	n := 0
	for _, f := range fs {
		n += 1 + len(f)
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fs {
		b.WriteByte('\n')
		b.WriteString(string(f))
	}
	return template.HTML(b.String())
}

// chrome is the parts of a page shared by every page of the same depth,
// language and feed scope, rendered once from the layout's partials.
type chrome struct{ Head, Header, Footer template.HTML }

// basePage fills in p what every page has for the page directory dir
// ("" for the root, "ru/", "releases/2020/x/"), in language lang, with
// feeds of scope feedLang ("" for all languages). p is filled in place,
// not returned: a page escapes to the heap (a template runs with it), and
// a page returned by value was one copy more of some 700 bytes.
func (s *Site) basePage(p *page, m *model, dir, lang, feedLang string) error {
	return s.basePageAt(p, m, dir, rootFor(dir), lang, feedLang)
}

// basePageAt is basePage with the page's path to the root given: the
// site's absolute URL for a page that may be served at any address.
func (s *Site) basePageAt(p *page, m *model, dir, root, lang, feedLang string) error {
	*p = page{
		Lang: lang, Root: root, SiteTitle: s.cfg.Title, W: wordsFor(lang), Index: s.index,
		Canonical: s.cfg.BaseURL + "/" + release.EscapePath(dir),
	}
	if ul := uiLang(lang); ul != lang {
		p.WLang = ul
	}
	current := ""
	if dir == "" || slices.Contains(m.langs, strings.TrimSuffix(dir, "/")) {
		current = dir
	}
	key := chromeKey{root, lang, feedLang, current}
	if c, ok := m.chrome.load(key); ok {
		p.Chrome = c
		return nil
	}
	p.Nav = append(p.Nav, link{Href: s.dirLink(root), Text: p.W.AllLangs, Current: dir == ""})
	for _, l := range m.langs {
		p.Nav = append(p.Nav, link{Href: s.dirLink(root + l + "/"), Text: langName(l), Lang: l, Current: dir == l+"/"})
	}
	p.FeedLinks = s.feedLinks(feedLang)
	p.Feeds = p.FeedLinks
	if feedLang != "" {
		p.Feeds = append(s.feedLinks(""), p.FeedLinks...)
	}
	c := &chrome{}
	for _, part := range []struct {
		dst  *template.HTML
		name string
	}{{&c.Head, "head-links"}, {&c.Header, "site-header"}, {&c.Footer, "site-footer"}} {
		var buf bytes.Buffer
		if err := s.tmpl.list.Execute(&buf, part.name, p); err != nil {
			return fmt.Errorf("site: %s: %w", part.name, err)
		}
		*part.dst = template.HTML(buf.String()) // html/template output, escaped in the same context
	}
	p.Chrome = m.chrome.loadOrStore(key, c)
	return nil
}

// chromeKey is what a page's chrome depends on: its path to the root, its
// language, the scope of its feeds and, for the pages of the menu, which
// one it is.
type chromeKey struct{ root, lang, feedLang, current string }

// fragKey names a fragment of release pages: its partial, the page's
// path to the root (for relative links) and what it shows.
type fragKey struct{ name, root, id, more string }

// cache is a map under a read-write lock, of what a build renders once
// and then reads for many pages. Its struct keys cost a look-up no
// allocation, where a sync.Map's key (an interface) and the string
// concatenated for it cost two per look-up, several per page.
type cache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// load returns the value stored for k, if any.
func (c *cache[K, V]) load(k K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

// loadOrStore stores v for k unless a value is stored already, and
// returns the value stored.
func (c *cache[K, V]) loadOrStore(k K, v V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		return old
	}
	if c.m == nil {
		c.m = map[K]V{}
	}
	c.m[k] = v
	return v
}

// rootFor returns the relative path from page directory dir to the root.
func rootFor(dir string) string {
	if dir == "" {
		return "./"
	}
	return strings.Repeat("../", strings.Count(dir, "/"))
}

// feedLinks returns the three feeds of a scope ("" for all languages).
func (s *Site) feedLinks(lang string) []link {
	prefix, name := s.cfg.BaseURL+"/", s.cfg.Title
	if lang != "" {
		prefix += lang + "/"
		name += " (" + langName(lang) + ")"
	}
	return []link{
		{Href: prefix + "feed.xml", Type: "application/rss+xml", Text: "RSS", Name: name},
		{Href: prefix + "atom.xml", Type: "application/atom+xml", Text: "Atom", Name: name},
		{Href: prefix + "feed.json", Type: "application/feed+json", Text: "JSON Feed", Name: name},
	}
}

// listing is a list page's place and words: its folder, the language of
// its interface and the scope of its feeds ("" for all languages).
type listing struct{ dir, lang, feedLang, heading, title string }

// listJobs renders a paginated list of items under dir.
func (s *Site) listJobs(m *model, dir, lang, feedLang, heading, title string, items []*item) []job {
	l := listing{dir: dir, lang: lang, feedLang: feedLang, heading: heading, title: title}
	per := s.cfg.PerPage
	pages := max(1, (len(items)+per-1)/per)
	jobs := make([]job, 0, pages)
	for n := 1; n <= pages; n++ {
		jobs = append(jobs, func(buf *bytes.Buffer) (string, error) {
			rows := items[(n-1)*per : min(n*per, len(items))]
			p, err := s.listPage(m, l, len(rows) == 0, n, pages)
			if err != nil {
				return "", err
			}
			return pageDir(dir, n) + "index.html", s.executeList(buf, p, rows)
		})
	}
	return jobs
}

// listPage fills page n of pages of list l, but for its rows (see
// executeList); empty says it has none.
func (s *Site) listPage(m *model, l listing, empty bool, n, pages int) (*page, error) {
	p := new(page)
	if err := s.basePage(p, m, pageDir(l.dir, n), l.lang, l.feedLang); err != nil {
		return nil, err
	}
	p.Heading, p.PageNo, p.Pages = l.heading, n, pages
	p.Title = l.title
	if empty && s.hadWithdrawn(l.feedLang) {
		p.W.Empty = p.W.EmptyNow
	}
	if n > 1 {
		p.Title = l.heading + ", " + p.W.Page + " " + strconv.Itoa(n) + " — " + s.cfg.Title
	}
	if n > 1 {
		p.Prev = s.dirLink(p.Root + release.EscapePath(pageDir(l.dir, n-1)))
	}
	if n < pages {
		p.Next = s.dirLink(p.Root + release.EscapePath(pageDir(l.dir, n+1)))
	}
	return p, nil
}

// rowsMark stands for a list page's rows while its template runs:
// executeList then writes the rows in its place, straight into the page's
// buffer, rather than joining them in a string first (some 10 KB per
// page) that the template then copies. It is found as the page's first
// NUL byte: the rest of a list page is template text (without NUL) and
// values that html/template's escapers wrote, which turn a NUL into
// U+FFFD (text, attributes) or %00 (URLs), or the chrome, made likewise.
const rowsMark = "\x00rows\x00"

// executeList runs the list template with p into buf, with the items rows
// as its list: each on a line, in place of p.Rows (see rowsMark).
func (s *Site) executeList(buf *bytes.Buffer, p *page, rows []*item) error {
	if len(rows) == 0 {
		return execute(buf, s.tmpl.list, p)
	}
	start := buf.Len()
	p.Rows = rowsMark
	if err := execute(buf, s.tmpl.list, p); err != nil {
		return err
	}
	at := bytes.IndexByte(buf.Bytes()[start:], 0)
	if at < 0 || !bytes.HasPrefix(buf.Bytes()[start+at:], []byte(rowsMark)) {
		buf.Truncate(start) // cannot happen (see rowsMark): to be sure
		return s.executeListPlain(buf, p, rows)
	}
	at += start
	var tailArr [2048]byte // the pager and the footer after the list
	tail := append(tailArr[:0], buf.Bytes()[at+len(rowsMark):]...)
	buf.Truncate(at)
	if err := s.writeRows(buf, rows, p.Root); err != nil {
		return err
	}
	buf.Write(tail)
	return nil
}

// executeListPlain is executeList the plain way: the rows joined into
// p.Rows before the template runs.
func (s *Site) executeListPlain(buf *bytes.Buffer, p *page, rows []*item) error {
	var b bytes.Buffer
	b.Grow(len(rows) * 512) // a list item is about 450 bytes
	if err := s.writeRows(&b, rows, p.Root); err != nil {
		return err
	}
	p.Rows = template.HTML(b.String())
	return execute(buf, s.tmpl.list, p)
}

// writeRows writes the items as shown in lists on a page whose path to
// the root is root, each on a new line.
func (s *Site) writeRows(buf *bytes.Buffer, rows []*item, root string) error {
	for _, it := range rows {
		if err := s.addRow(buf, it, root); err != nil {
			return err
		}
	}
	return nil
}

// addRow writes an item as shown in lists on a page whose path to the
// root is root, on a new line. The fragment is rendered once per item
// with root-relative links.
func (s *Site) addRow(buf *bytes.Buffer, it *item, root string) error {
	it.load()
	it.rowOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(1024) // an item is about 450 bytes: the buffer need not grow five times from 64
		it.rowErr = s.tmpl.list.Execute(&buf, "item", it)
		it.row = splitHrefs(buf.String())
	})
	if it.rowErr != nil {
		return fmt.Errorf("site: list item %s: %w", it.ID, it.rowErr)
	}
	writeRooted(buf, it.row, root)
	return nil
}

// pageDir is the directory of page n of the list at dir.
func pageDir(dir string, n int) string {
	if n == 1 {
		return dir
	}
	return dir + "page/" + strconv.Itoa(n) + "/"
}

// releaseJob renders one release page. The body of an entry that Render
// filled in is let go once its page is made, unless a feed carries it: a
// large archive then never holds every body at once.
func (s *Site) releaseJob(m *model, it *item) job {
	return func(buf *bytes.Buffer) (string, error) {
		p, err := s.releasePage(m, it, buf)
		if it.e.Render != nil && !it.inFeed {
			it.e.BodyHTML = ""
		}
		return p, err
	}
}

// releasePage renders the page of one release into buf.
func (s *Site) releasePage(m *model, it *item, buf *bytes.Buffer) (string, error) {
	p := new(page)
	if err := s.basePage(p, m, it.Path, it.Lang, it.Lang); err != nil {
		return "", err
	}
	it.load()
	p.R, p.Body, p.Desc = it, it.e.BodyHTML, it.Summary
	if s.cfg.IndexLinks && s.cfg.MediaDir != "" && len(it.BodyImages) > 0 {
		// Opened from disk: the body's pictures, like Img, from the copies.
		p.Body = template.HTML(rootedImages(string(p.Body), s.imgSrc, p.Root))
	}
	if lead, date, rest, ok := splitDateline(p.Body, it.dated, it.Lang, it.Location); ok {
		p.Lead, p.LeadDate, p.Body = lead, date, rest
	}
	p.Title = it.Title + " — " + s.cfg.Title
	switch {
	case it.Image != "" && s.cfg.MediaDir != "":
		p.Img = &image{Src: p.Root + "media/" + release.EscapePath(it.Image), Alt: it.e.Release.ImageAlt}
	case it.ImageAbs != "":
		p.Img = &image{Src: it.ImageAbs, Alt: it.e.Release.ImageAlt}
	}
	if err := s.releaseLinks(m, it, p); err != nil {
		return "", err
	}
	return it.Path + "index.html", execute(buf, s.tmpl.release, p)
}

// releaseLinks adds a release page's language alternates, links to its
// other languages and tag links, each a fragment rendered once per build.
// The fragments are gathered in arrays on the stack, and each list joined
// once.
func (s *Site) releaseLinks(m *model, it *item, p *page) error {
	var altArr, otherArr, tagArr [8]template.HTML
	alternates, others, tags := altArr[:0], otherArr[:0], tagArr[:0]
	for _, a := range it.Alts {
		f, err := s.fragment(m, fragKey{name: "alternate", id: a.ID}, func() any { return link{Href: a.URL, Lang: a.Lang} })
		if err != nil {
			return err
		}
		alternates = append(alternates, f)
		if a != it {
			f, err := s.fragment(m, fragKey{name: "translation", root: p.Root, id: a.ID}, func() any {
				return link{Href: p.Root + a.Href, Text: a.Title, Lang: a.Lang, Name: langName(a.Lang)}
			})
			if err != nil {
				return err
			}
			others = append(others, f)
		}
	}
	if len(it.Alts) > 1 {
		// x-default: the version in the menu's first language, for readers
		// whose language has none.
		first := it.Alts[0]
		f, err := s.fragment(m, fragKey{name: "alternate", id: first.ID, more: "x-default"}, func() any { return link{Href: first.URL, Lang: "x-default"} })
		if err != nil {
			return err
		}
		alternates = append(alternates, f)
	}
	for _, t := range it.Tags {
		f, err := s.fragment(m, fragKey{name: "tag-link", root: p.Root, id: t.Slug, more: t.Name}, func() any {
			return tagLink{Root: p.Root, Esc: t.Esc, Name: t.Name, Index: s.index}
		})
		if err != nil {
			return err
		}
		tags = append(tags, f)
	}
	p.Alternates, p.Others, p.TagLinks = joinLines(alternates), joinLines(others), joinLines(tags)
	return nil
}

// tagLink is a tag on a release page whose path to the root is Root; Esc
// is its slug escaped for a URL (tagRef.Esc).
type tagLink struct{ Root, Esc, Name, Index string }

// fragment returns the partial k.name of the release templates executed
// with what data returns, rendered once per build for each key and then
// reused: the same translation links and tag links recur on many pages,
// and executing a template costs far more than looking one up. data is
// called only to render, as making the data (a string or two, boxed in an
// interface) cost more than the look-up.
func (s *Site) fragment(m *model, k fragKey, data func() any) (template.HTML, error) {
	if f, ok := m.frags.load(k); ok {
		return f, nil
	}
	var buf bytes.Buffer
	if err := s.tmpl.release.Execute(&buf, k.name, data()); err != nil {
		return "", fmt.Errorf("site: %s: %w", k.name, err)
	}
	// html/template output, escaped in the context the page inserts it in.
	return m.frags.loadOrStore(k, template.HTML(buf.String())), nil
}

// tagIndexJob renders the list of all tags.
func (s *Site) tagIndexJob(m *model) job {
	return func(buf *bytes.Buffer) (string, error) {
		lang := uiLang(s.defaultLang())
		p := new(page)
		if err := s.basePage(p, m, "tags/", lang, ""); err != nil {
			return "", err
		}
		p.Heading, p.TagList = p.W.TagsTitle, m.tags
		p.Title = p.W.TagsTitle + " — " + s.cfg.Title
		return "tags/index.html", execute(buf, s.tmpl.tags, p)
	}
}

// notice gives what a page for an address without a release says in the
// language of w: its heading, and the line before the link to the latest
// releases.
type notice func(w words) (heading, text string)

// notFoundNotice is what NotFoundPage says.
func notFoundNotice(w words) (string, string) { return w.NotFound, w.NotFoundText }

// withdrawnNotice is what GonePage says.
func withdrawnNotice(w words) (string, string) { return w.Withdrawn, w.WithdrawnText }

// noticeJob renders file, a page for an address that has no page: the
// heading say gives in the default language, then the line say gives
// with a link to the latest releases, in that language and in each other
// language of the newsroom that has words of its own; a language that
// would repeat a line (kk, which gets English words) has none, and its
// releases are a click away in the menu. Its links are absolute, as it
// may be served at any address, except with Config.IndexLinks: a
// newsroom opened from disk has it at its root only.
func (s *Site) noticeJob(m *model, file string, say notice) job {
	root := s.cfg.BaseURL + "/"
	if s.cfg.IndexLinks {
		root = "" // not "./", the home page's: its chrome marks the home page current
	}
	return func(buf *bytes.Buffer) (string, error) {
		lang := uiLang(s.defaultLang())
		p := new(page)
		if err := s.basePageAt(p, m, file, root, lang, ""); err != nil {
			return "", err
		}
		heading, text := say(p.W)
		p.Canonical, p.Heading = "", heading
		p.Title = heading + " — " + s.cfg.Title
		p.Links = append(p.Links, link{Lang: lang, Text: text, Href: s.dirLink(p.Root), Name: p.W.Latest})
		shown := map[string]bool{text: true}
		for _, l := range m.langs {
			w := wordsFor(l)
			if _, text := say(w); !shown[text] {
				shown[text] = true
				p.Links = append(p.Links, link{Lang: uiLang(l), Text: text, Href: s.dirLink(p.Root + l + "/"), Name: w.Latest})
			}
		}
		return file, execute(buf, s.tmpl.notFound, p)
	}
}

// NotFoundPage is the file of the page for unknown addresses, which static
// hosts (nginx's error_page, GitHub Pages, Netlify) and Handler serve with
// status 404.
const NotFoundPage = "404.html"

// GonePage is the file of the page saying that the release at the address
// was withdrawn, which Handler serves with status 410 Gone at the address
// of a release SetGone names; a static host can serve it likewise (nginx's
// error_page 410).
const GonePage = "410.html"

// execute runs the layout of t with p into buf.
func execute(buf *bytes.Buffer, t *htmlexec.Set, p *page) error {
	buf.Grow(8192 + len(p.Body))
	if err := t.Execute(buf, "layout", p); err != nil {
		return fmt.Errorf("site: page %s: %w", p.Canonical, err)
	}
	return nil
}

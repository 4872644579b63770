package site

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"html/template"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/release"
)

// item is an entry prepared for templates and feeds.
type item struct {
	e        *Entry
	ID       string
	Title    string
	Lang     string
	Summary  string
	Short    string // Summary without its dateline (see trimDateline), cut for lists
	Location string
	Path     string // page directory relative to the root: "releases/{id}/"
	Href     string // link to the page relative to the root: Path escaped (release.EscapePath), or its index.html (Site.dirLink)
	URL      string // absolute page URL
	Date     string // display date in the release's language
	DateISO  string // RFC 3339 in the office zone
	// ModifiedISO is when the newsroom's text last changed after its
	// publication (an update of its posts), RFC 3339; "" if it did not.
	ModifiedISO string
	dated       time.Time // the release's date in the office zone, as Date and DateISO write it
	Pub         time.Time
	Upd         time.Time
	Tags        []tagRef
	Image       string // local path under MediaDir ("" if remote or none)
	ImageAbs    string // absolute image URL ("" if none)
	// BodyImages are the local pictures the body shows (paths under
	// MediaDir), found once the body is rendered (see load).
	BodyImages []string
	Alts       []*item // the translation group, self included, by language

	imgSrc string // how the body opens a local picture (Site.imgSrc)
	inFeed bool   // a feed carries it (set before pages are made)
	// posts: the entry may have posts (Posts or Render set when the
	// item was made), so its page's task writes posts.json too. Set
	// once, as Render sets Posts while other workers make tasks.
	posts    bool
	loadOnce sync.Once // runs e.Render, if any (see load)
	rowOnce  sync.Once // the list fragment, rendered on first use
	row      []string  // split by splitHrefs
	rowErr   error
}

// tagRef is a tag as shown on a release. Esc is Slug escaped for a URL
// (release.EscapePath), as every link to the tag's page writes it.
type tagRef struct{ Name, Slug, Esc string }

// tag is a tag page: every item carrying it, newest first.
type tag struct {
	Name, Slug, Esc string // as in tagRef
	Items           []*item
}

// model is everything the pages and feeds are made from.
type model struct {
	items  []*item            // newest first
	langs  []string           // index order
	byLang map[string][]*item // newest first
	// tags are the tag pages, by slug, and folders the archive's folders,
	// releases/ first, depth first: made by the function releaseOrder
	// returns, while the release pages are written, which need neither.
	tags    []*tag
	folders []*folder
	chrome  cache[chromeKey, *chrome]     // page chrome by depth, language, scope
	frags   cache[fragKey, template.HTML] // release page fragments by partial and key
}

// model validates the entries and groups them.
func (s *Site) model(entries []Entry) (*model, error) {
	items, err := s.newItems(entries)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(entries))
	for _, it := range items {
		if seen[it.ID] {
			return nil, fmt.Errorf("site: release %q appears twice", it.ID)
		}
		seen[it.ID] = true
	}
	sortHalves(items, func(a, b *item) int {
		return cmp.Or(b.Pub.Compare(a.Pub), strings.Compare(a.ID, b.ID))
	})
	m := &model{items: items, byLang: map[string][]*item{}}
	for _, it := range items {
		m.byLang[it.Lang] = append(m.byLang[it.Lang], it)
	}
	m.langs = s.langOrder(m.byLang)
	linkTranslations(items, m.langs)
	return m, nil
}

// load renders the entry if it has a Render function and fills in the
// summaries; it runs once, and every use of the body, the summaries, the
// posts or the image's size goes through it.
func (it *item) load() *item {
	it.loadOnce.Do(func() {
		if it.e.Render != nil {
			it.e.Render(it.e)
		}
		it.Summary = it.e.Summary
		it.BodyImages = bodyImages(string(it.e.BodyHTML), it.imgSrc)
		it.Short = shorten(trimDateline(it.Summary, it.dated, it.Lang, it.Location), shortSummary)
	})
	return it
}

// newItems prepares the entries on GOMAXPROCS goroutines, each taking a
// contiguous share. The error is that of the first bad entry.
func (s *Site) newItems(entries []Entry) ([]*item, error) {
	items := make([]*item, len(entries))
	errs := make([]error, len(entries))
	n := min(runtime.GOMAXPROCS(0), max(len(entries)/512, 1))
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			tags := tagRefs{}
			for i := w * len(entries) / n; i < (w+1)*len(entries)/n; i++ {
				items[i], errs[i] = s.newItem(&entries[i], tags)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// tagRefs holds the tag references made so far by one goroutine, by the
// tag as written: a newsroom's releases share a few hundred tags, and
// making a slug costs more than looking one up.
type tagRefs map[string]tagRef

// ref returns the reference to tag t.
func (refs tagRefs) ref(t string) tagRef {
	r, ok := refs[t]
	if !ok {
		sl := slug(t)
		r = tagRef{Name: t, Slug: sl, Esc: release.EscapePath(sl)}
		refs[t] = r
	}
	return r
}

// newItem prepares one entry, with the tag references made so far.
func (s *Site) newItem(e *Entry, tags tagRefs) (*item, error) {
	r := e.Release
	if err := checkID(r.ID); err != nil {
		return nil, err
	}
	lang := r.Lang
	if lang == "" {
		lang = s.defaultLang()
	}
	if !validLang(lang) {
		return nil, fmt.Errorf("site: release %q: language %q is not a BCP 47 tag", r.ID, r.Lang)
	}
	pub := e.Published
	if pub.IsZero() {
		pub = r.Date
	}
	pub = pub.In(s.cfg.Zone)
	upd := e.Updated
	if upd.IsZero() || upd.Before(pub) {
		upd = pub
	}
	dated := r.Date
	if dated.IsZero() {
		dated = pub
	}
	dated = dated.In(s.cfg.Zone)
	p := strings.TrimPrefix(r.PagePath(), "/")
	it := &item{
		e: e, ID: r.ID, Title: r.Title, Lang: lang, Location: r.Location,
		Path: p, Href: s.dirLink(release.EscapePath(p)), URL: r.PageURL(s.cfg.BaseURL),
		Date: formatDate(dated, lang), DateISO: dated.Format(time.RFC3339), dated: dated,
		Pub: pub, Upd: upd.In(s.cfg.Zone), ImageAbs: r.ImageURL(s.cfg.BaseURL), imgSrc: s.imgSrc,
		posts: e.Posts != nil || e.Render != nil,
	}
	if it.Upd.After(pub) {
		it.ModifiedISO = it.Upd.Format(time.RFC3339)
	}
	if r.Image != "" && !release.IsImageURL(r.Image) {
		it.Image = strings.TrimLeft(r.Image, "/")
		if !filepath.IsLocal(filepath.FromSlash(it.Image)) || strings.ContainsAny(it.Image, "\\?#") {
			it.Image, it.ImageAbs = "", "" // outside the content directory: never shown or copied
		}
	}
	for _, t := range s.cfg.PrivateTags.Public(r.Tags) {
		if ref := tags.ref(t); ref.Slug != "" && !slices.ContainsFunc(it.Tags, func(x tagRef) bool { return x.Slug == ref.Slug }) {
			it.Tags = append(it.Tags, ref)
		}
	}
	return it, nil
}

// checkID rejects release IDs that would escape the releases/ directory
// or make odd paths.
func checkID(id string) error {
	if id == "" || strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") || path.Clean(id) != id ||
		strings.HasPrefix(id, "..") || strings.ContainsAny(id, "\\?#%\x00") {
		return fmt.Errorf("site: release ID %q is not a clean relative path", id)
	}
	return nil
}

// defaultLang is the language of pages that mix languages.
func (s *Site) defaultLang() string {
	if len(s.cfg.Langs) > 0 {
		return s.cfg.Langs[0]
	}
	return "en"
}

// langOrder lists the configured languages, then the other present ones
// and those of withdrawn releases (SetGone), sorted.
func (s *Site) langOrder(byLang map[string][]*item) []string {
	langs := slices.Clone(s.cfg.Langs)
	var rest []string
	for l := range byLang {
		if !slices.Contains(langs, l) {
			rest = append(rest, l)
		}
	}
	for _, l := range s.goneLangs() {
		if !slices.Contains(langs, l) && byLang[l] == nil {
			rest = append(rest, l)
		}
	}
	slices.Sort(rest)
	return append(langs, rest...)
}

// groupTags collects the tag pages; a tag's display name is the spelling
// on its newest release.
func groupTags(items []*item) []*tag {
	bySlug := map[string]*tag{}
	for _, it := range items {
		for _, t := range it.Tags {
			g := bySlug[t.Slug]
			if g == nil {
				g = &tag{Name: t.Name, Slug: t.Slug, Esc: t.Esc}
				bySlug[t.Slug] = g
			}
			g.Items = append(g.Items, it)
		}
	}
	tags := make([]*tag, 0, len(bySlug))
	for _, g := range bySlug {
		tags = append(tags, g)
	}
	slices.SortFunc(tags, func(a, b *tag) int { return strings.Compare(a.Slug, b.Slug) })
	return tags
}

// linkTranslations sets Alts on every item that shares a translation key
// with another; one item per language, in index order.
func linkTranslations(items []*item, langs []string) {
	groups := map[string][]*item{}
	for _, it := range items {
		if k := it.e.Release.TranslationKey; k != "" {
			groups[k] = append(groups[k], it)
		}
	}
	rank := func(l string) int { return slices.Index(langs, l) }
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		var alts []*item
		for _, it := range g { // g is newest first: keep the newest per language
			if !slices.ContainsFunc(alts, func(a *item) bool { return a.Lang == it.Lang }) {
				alts = append(alts, it)
			}
		}
		slices.SortFunc(alts, func(a, b *item) int { return cmp.Compare(rank(a.Lang), rank(b.Lang)) })
		for _, it := range g {
			it.Alts = alts
		}
	}
}

// slug makes a path segment of a tag: lower case letters and digits in any
// script, other runs become "-", apostrophes vanish ("sog‘liqni saqlash"
// → "sogliqni-saqlash", "Aral Sea" → "aral-sea").
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case strings.ContainsRune("'‘’ʼʻ`´", r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" && strings.TrimSpace(s) != "" {
		out = "t-" + hex.EncodeToString([]byte(s))
	}
	return out
}

// shortSummary is the longest summary, in characters, that lists show.
const shortSummary = 240

// shorten cuts s to at most n characters at a word boundary and adds "…"
// when it cut.
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i, r := range s {
		if count == n {
			break
		}
		if unicode.IsSpace(r) {
			cut = i
		}
		count++
	}
	if cut == 0 { // one long word
		cut = len(string([]rune(s)[:n]))
	}
	return strings.TrimRightFunc(s[:cut], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' }) + "…"
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/weburl"
)

func init() {
	register(command{name: "build", summary: "write the newsroom and feeds as static files", run: runBuild})
}

// buildFlags are the flags of pressbot build and what -config adds.
type buildFlags struct {
	all, posts                        bool
	config, content, db, out, baseURL string
	title                             string

	// From -config; the zero values mean the defaults.
	zone    *time.Location
	lang    string
	perPage int
	langs   []string            // the newsroom's languages, in menu order
	chans   []render.Channel    // posts' channels (nil: the default ones)
	known   []string            // channel names a release may list
	private release.PrivateTags // tags of approval rules, shown nowhere
}

const buildDescription = `Write the public newsroom (HTML archive, RSS/Atom/JSON feeds for all
languages and for each) to the -out directory.

With -all, the newsroom holds every valid release under -content that is not
a draft, not withdrawn and past its publish_at embargo, dated by its date.
Invalid releases are reported on stderr as path:line:col: message and left
out; the build goes on and exits 0. Local images named by 'image' are copied
to OUT/media/.

Without -all, the newsroom holds the releases published through pressbot
(read from -db).

With -posts, each release page's folder also gets posts.json: the posts of
every channel (Telegram, Facebook, X) rendered from the same parse, in the
JSON of pressbot render -json.

With -config, the content folder, database, base URL, title, page size,
office zone, default language and channels come from the configuration
file (as for pressbot serve); flags given explicitly win. The tags of its
approval rules are private (unless a rule says public: true): no page,
feed, sitemap or post shows them.`

// runBuild parses the flags and builds the newsroom.
func runBuild(args []string, stdout, stderr io.Writer) int {
	var f buildFlags
	fset := newFlagSet("build", "[-config FILE] [-all] [-posts] [-content DIR] [-db URL] [-out DIR] [-base-url URL] [-title NAME]", buildDescription, stderr)
	fset.StringVar(&f.config, "config", "", "configuration `file` to take the content folder, database, site, zone, language and channels from")
	fset.BoolVar(&f.all, "all", false, "every valid, non-draft release past its embargo, instead of the published ones")
	fset.BoolVar(&f.posts, "posts", false, "also write each release's posts for every channel as posts.json next to its page")
	fset.StringVar(&f.content, "content", "content", "`directory` of the Markdown releases and their images")
	fset.StringVar(&f.db, "db", "sqlite:pressbot.db", "database `URL`: sqlite:PATH or postgres://…")
	fset.StringVar(&f.out, "out", "public", "output `directory`")
	fset.StringVar(&f.baseURL, "base-url", "http://127.0.0.1:8080", "public `URL` of the newsroom; every absolute link and feed id starts with it")
	fset.StringVar(&f.title, "title", config.DefaultOfficeName, "office `name` shown on every page and as the feed title (serve shows office.name)")
	if code, ok := parseFlags(fset, args); !ok {
		return code
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return exitUsage
	}
	if err := f.fromConfig(fset); err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	ascii, err := weburl.ASCII(f.baseURL)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: -base-url %q: %v; write it as a browser shows it (https://пресса.uz/новости) or in ASCII (https://xn--80aj3aega.uz/news)\n", f.baseURL, err)
		return exitUsage
	}
	f.baseURL = ascii // pages, feeds, posts and the hints printed all carry one form
	if sameDir(f.out, f.content) {
		fmt.Fprintf(stderr, "pressbot build: -out %s is the content folder: the site would be written among the releases; name another folder, such as -out public\n", f.out)
		return exitUsage
	}
	if !f.all {
		return buildPublished(f, stdout, stderr)
	}
	return buildAll(f, time.Now(), stdout, stderr)
}

// sameDir reports whether paths a and b name the same folder, by path or,
// when both exist, as the same file (a link to it).
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// fromConfig fills in what f.config and the PRESSBOT_* environment set
// and no flag overrides, as the other commands do.
func (f *buildFlags) fromConfig(fset *flag.FlagSet) error {
	if f.config == "" && !config.EnvSet(nil) {
		return nil
	}
	cfg, err := config.Load(f.config, nil)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fset.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for _, v := range []struct {
		flag string
		dst  *string
		from string
	}{{"content", &f.content, cfg.Content.ReleaseDir()}, {"db", &f.db, cfg.DB}, {"base-url", &f.baseURL, cfg.Site.BaseURL}, {"title", &f.title, cfg.Site.Title}} {
		if !set[v.flag] && v.from != "" {
			*v.dst = v.from
		}
	}
	f.zone, f.lang, f.perPage, f.langs = cfg.Zone, cfg.Office.DefaultLang, cfg.Site.PerPage, cfg.Site.Languages
	f.chans, f.known, f.private = renderChannels(cfg), cfg.ChannelNames(), cfg.Approval.PrivateTags()
	return nil
}

// newSite returns the site f describes. A site for this machine (base URL
// on loopback) is one to look at, not to publish: its links name each
// page's index.html, so that the pages also work opened from disk.
func (f *buildFlags) newSite() (*site.Site, error) {
	return site.New(site.Config{BaseURL: f.baseURL, Title: f.title, Zone: f.zone, PerPage: f.perPage, Langs: f.langs, MediaDir: f.content,
		IndexLinks: onLoopback(f.baseURL), PrivateTags: f.private})
}

// buildPublished builds the newsroom from the releases published through
// pressbot, as recorded in the store at f.db.
func buildPublished(f buildFlags, stdout, stderr io.Writer) int {
	s, err := f.newSite()
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitUsage
	}
	rdr, err := f.newsroomRenderer(false)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitUsage
	}
	ctx := context.Background()
	if abs := missingSQLite(f.db); abs != "" && holdsNewsroom(f.out) {
		// A new, empty database would empty the newsroom already there.
		fmt.Fprintf(stderr, "pressbot build: no database at %s, and %s holds a newsroom that an empty one would empty: build without -all writes the releases "+
			"published through serve, from its database: run it where serve runs or give -db or -config; to build from the files alone, use -all\n", abs, f.out)
		return exitProblems
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	defer st.Close()
	pubs, err := st.Published(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	gone, err := st.Gone(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	s.SetGone(siteGone(gone))
	renames, err := st.Renames(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	s.SetMoved(siteMoved(renames))
	root := openContent(f.content)
	if root != nil {
		defer root.Close()
	}
	entries, log := entriesOf(pubs, rdr, root)
	err = s.Write(f.out, entries)
	failed := log.print(stderr, entries)
	err = warnSkipped(stderr, err, nil)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	note := ""
	if failed > 0 {
		note = fmt.Sprintf(" (%d rendered only in part, see above)", failed)
	}
	fmt.Fprintf(stdout, "built %s published through pressbot into %s%s\n", plural(len(entries), "release"), f.out, note)
	f.loopbackHint(stdout)
	return exitOK
}

// buildAll builds the newsroom from every eligible release under f.content.
func buildAll(f buildFlags, now time.Time, stdout, stderr io.Writer) int {
	lessGC()
	s, err := f.newSite()
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitUsage
	}
	rdr, err := f.newsroomRenderer(true)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitUsage
	}
	// ImageDir: a local picture that is missing gets its warning, and one
	// that is there its digest, so that each release's hash (posts.json)
	// is the one serve and render give. Only posts.json shows the hash:
	// without -posts, the bodies are not hashed.
	res, err := content.Load(f.content, content.Options{Zone: f.zone, DefaultLang: f.lang, Channels: f.known, ImageDir: f.content, NoHash: !f.posts})
	if err != nil {
		fmt.Fprintf(stderr, "pressbot build: %v\n", err)
		return exitProblems
	}
	// One line per problem or warning, and a large archive can have
	// thousands: write them in blocks rather than one system call each.
	diag := bufio.NewWriterSize(stderr, 64<<10)
	defer diag.Flush()
	said := map[string]bool{} // pictures a warning already says are left out
	for _, p := range res.Problems {
		fmt.Fprintln(diag, p.String())
		if p.LeftOut != "" {
			said[p.LeftOut] = true
		}
	}
	rels, skipped := eligible(res.Releases, now)
	gone := withdrawnOf(res.Releases)
	s.SetGone(gone)
	invalid := res.Files - len(res.Releases)
	res = content.Result{} // rels has what is needed: let the rest go
	root, err := os.OpenRoot(f.content)
	if err != nil {
		fmt.Fprintf(diag, "pressbot build: %v\n", err)
		return exitProblems
	}
	defer root.Close()
	entries, log := lazyEntriesKnown(rdr, rels, root, missingAtLoad(said))
	diag.Flush()
	err = s.Write(f.out, entries)
	failed := log.print(diag, entries)
	err = warnSkipped(diag, err, said)
	if err != nil {
		fmt.Fprintf(diag, "pressbot build: %v\n", err)
		return exitProblems
	}
	note := ""
	if failed > 0 {
		note = fmt.Sprintf("; %d rendered only in part, see above", failed)
	}
	fmt.Fprintf(stdout, "built %s into %s (left out: %d invalid; %d draft, withdrawn or embargoed%s)\n",
		plural(len(entries), "release"), f.out, invalid, skipped, note)
	f.loopbackHint(stdout)
	f.webHints(stdout, gone)
	return exitOK
}

// holdsNewsroom reports whether the folder out holds a newsroom that
// build wrote, with at least one file.
func holdsNewsroom(out string) bool {
	st, err := os.Stat(filepath.Join(out, site.ManifestName))
	return err == nil && st.Size() > 0
}

// warnSkipped prints the pictures site.Write left out, one warning a
// line, except those said names (check's warnings, with their lines,
// already said so), and returns err without them.
func warnSkipped(w io.Writer, err error, said map[string]bool) error {
	var skipped *site.SkippedMedia
	if !errors.As(err, &skipped) {
		return err
	}
	for i, p := range skipped.Problems {
		if !said[skipped.Pictures[i]] {
			fmt.Fprintln(w, p)
		}
	}
	return nil
}

// loopbackHint says, when the site's links point at this machine, how to
// build it for the web: a copy on a web host would link back to loopback.
func (f buildFlags) loopbackHint(w io.Writer) {
	if onLoopback(f.baseURL) {
		fmt.Fprintf(w, "links point at %s (this machine) and name each page's index.html, so the pages also open from disk: to publish the folder on the web, build with -base-url https://your.newsroom (or site.base_url and -config)\n", f.baseURL)
	}
}

// webHints says what the newsroom's web server must be told: the
// addresses of withdrawn releases, which a static host answers with 404
// where 410 Gone drops them from search engines and feed readers at once;
// and, for a newsroom for the web under a path, that crawlers read
// robots.txt only at the host's root.
func (f buildFlags) webHints(w io.Writer, gone []site.Gone) {
	if len(gone) > 0 {
		fmt.Fprintf(w, "%s withdrawn, left out: a static host answers 404 at their addresses; to answer 410 Gone with 410.html, list them in the web server (docs/newsroom.md):\n",
			plural(len(gone), "release"))
		for _, g := range gone {
			fmt.Fprintf(w, "  %s\n", release.Release{ID: g.ID}.PageURL(f.baseURL))
		}
	}
	if p := basePath(f.baseURL); p != "" && !onLoopback(f.baseURL) {
		fmt.Fprintf(w, "the newsroom is under %s: crawlers read robots.txt only at the host's root, so add \"Sitemap: %s/sitemap.xml\" to that file\n", p, f.baseURL)
	}
}

// lessGC lets the heap grow to three times what is live before the
// garbage collector runs, unless GOGC says otherwise: a build is short and
// most of what it allocates dies young. On 10,000 releases this saves
// about 0.15 s of CPU for about 60 MB more memory (peak RSS ~255 MB).
func lessGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
}

// newsroomRenderer returns the renderer of newsroom entries: with -posts,
// for the channels as well; without, for the web only, so that entry
// renders nothing the newsroom does not use. fromContent says the
// releases come from content.Load, which refuses invalid UTF-8, so the
// renderer need not check their bodies again.
func (f *buildFlags) newsroomRenderer(fromContent bool) (*render.Renderer, error) {
	chans := f.chans // nil: the default channels
	if !f.posts {
		chans = []render.Channel{}
	}
	return render.New(render.Config{BaseURL: f.baseURL, Channels: chans, Zone: f.zone, ValidUTF8: fromContent, PrivateTags: f.private})
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// eligible keeps the releases the public may see now: not drafts, not
// withdrawn, past their embargo. It returns them and how many it left out.
func eligible(rels []release.Release, now time.Time) ([]release.Release, int) {
	out := make([]release.Release, 0, len(rels))
	for _, r := range rels {
		if r.Draft || r.Withdrawn || (!r.PublishAt.IsZero() && r.PublishAt.After(now)) {
			continue
		}
		out = append(out, r)
	}
	return out, len(rels) - len(out)
}

// withdrawnOf returns the withdrawn releases among rels, whose languages
// keep their indexes and feeds (site.SetGone).
func withdrawnOf(rels []release.Release) []site.Gone {
	var out []site.Gone
	for _, r := range rels {
		if r.Withdrawn {
			out = append(out, site.Gone{ID: r.ID, Lang: r.Lang, Tags: r.Tags})
		}
	}
	return out
}

// renderLog collects what went wrong rendering each release, by index,
// from whichever goroutine rendered it.
type renderLog struct {
	errs []string
}

// lazyEntries returns the newsroom entries of rels, each rendered by the
// site when it first needs it (site.Entry.Render): while the pages of a
// large archive are written, on the same workers. A release that cannot
// be rendered for its channels still gets its page, without posts.json;
// one whose body cannot be rendered gets a page without a body.
func lazyEntries(rdr *render.Renderer, rels []release.Release, content *os.Root) ([]site.Entry, *renderLog) {
	return lazyEntriesKnown(rdr, rels, content, nil)
}

// lazyEntriesKnown is lazyEntries for releases of which missing, when set,
// reports those whose local image the loader found missing: their images
// are not looked up again, to describe or to copy (Entry.ImageMissing).
func lazyEntriesKnown(rdr *render.Renderer, rels []release.Release, content *os.Root, missing func(r *release.Release) bool) ([]site.Entry, *renderLog) {
	log := &renderLog{errs: make([]string, len(rels))}
	entries := make([]site.Entry, len(rels))
	for j := range rels {
		ent := &entries[j]
		*ent = site.Entry{Release: rels[j], Published: rels[j].Date, Updated: rels[j].Date, Render: func(e *site.Entry) {
			log.errs[j] = fillOrFallBack(rdr, e, content, missing)
			e.Release.Body = "" // rendered: the Markdown is not needed any more
		}}
		// missing looks at the entry's copy of the release: a copy of its
		// own would escape, one allocation per release (3.5 MB in all for
		// 10,000).
		ent.ImageMissing = missing != nil && missing(&ent.Release)
	}
	return entries, log
}

// fillOrFallBack fills e as fill does; when that fails, it renders the
// web body alone. It returns what went wrong.
func fillOrFallBack(rdr *render.Renderer, e *site.Entry, content *os.Root, missing func(r *release.Release) bool) string {
	err := fill(rdr, e, content, missing)
	if err == nil {
		return ""
	}
	problem := err.Error() + ": the page has no posts.json"
	body, werr := rdr.WebHTML(e.Release)
	if werr != nil {
		problem = werr.Error() + ": the page has no body"
	}
	e.BodyHTML, e.Summary = template.HTML(body), rdr.Summary(e.Release)
	return problem
}

// print writes the errors in the order of entries and returns how many
// releases had one.
func (l *renderLog) print(w io.Writer, entries []site.Entry) int {
	return l.each(entries, func(e *site.Entry, problem string) {
		fmt.Fprintf(w, "%s: %s\n", e.Release.Path, problem)
	})
}

// each calls fn with every entry that had an error, in order, and returns
// how many did.
func (l *renderLog) each(entries []site.Entry, fn func(e *site.Entry, problem string)) int {
	failed := 0
	for j := range entries {
		if l.errs[j] != "" {
			fn(&entries[j], l.errs[j])
			failed++
		}
	}
	return failed
}

// fill renders e's release from one parse: its web HTML, its summary and,
// when rdr has channels, its posts; and it describes its local image (size
// and type for the feeds' enclosures). A local image that cannot be found
// is left undescribed: the loader (content.Options.ImageDir) or check has
// warned about it; one that missing (when set) reports is not looked up
// again. With a nil content root, images are linked but not described.
func fill(rdr *render.Renderer, e *site.Entry, content *os.Root, missing func(r *release.Release) bool) error {
	r := e.Release
	all, err := rdr.All(r)
	if err != nil {
		return err
	}
	e.BodyHTML, e.Summary, e.Posts = template.HTML(all.WebHTML), all.Summary, all.Posts
	if e.Posts == nil && len(rdr.Channels()) > 0 {
		e.Posts = []release.Post{} // the release targets none of them: still say so
	}
	if !site.IsLocalImage(r.Image) || content == nil || missing != nil && missing(&r) {
		return nil
	}
	if size, err := site.StatImageIn(content, r.Image); err == nil {
		e.ImageSize, e.ImageType = size, site.ImageType(r.Image)
	}
	return nil
}

// missingAtLoad returns whether content.Load, given the content folder as
// Options.ImageDir, found a release's local image missing: it gives an
// image it found a digest, and names one it found but refused in a
// problem's LeftOut (said); any other it warned is not there. A build of
// an archive whose pictures are not all in place then looks each missing
// one up once, not twice.
func missingAtLoad(said map[string]bool) func(r *release.Release) bool {
	return func(r *release.Release) bool {
		return site.IsLocalImage(r.Image) && r.ImageDigest == "" && !said[strings.TrimLeft(r.Image, "/")]
	}
}

// Package render turns a release into what each outlet publishes: Telegram
// HTML messages, a Facebook plain-text post, an X post or thread, and the
// sanitized body HTML of the newsroom. A release's Markdown is parsed once
// by goldmark (GFM and footnotes, typographer off, raw HTML never passed
// through) and the one AST is rendered by pressbot's own node renderers for
// each profile; the wrappers around the body (title, dateline, hashtags,
// "Read more") come from the templates in templates/channel.
package render

import (
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/templates"
)

// Platform limits of one part.
const (
	TelegramTextLimit    = 4096  // sendMessage text, UTF-16 after entity parsing
	TelegramCaptionLimit = 1024  // sendPhoto caption
	XLimit               = 280   // weighted characters
	FacebookLimit        = 63206 // characters of a Page post
)

// Channel is one configured outlet.
type Channel struct {
	// Name is the configured channel name ("telegram", "x-ru").
	Name string
	// Kind is release.KindTelegram, release.KindFacebook or release.KindX.
	Kind string
	// Thread (X only) posts the lead as numbered replies under the first
	// post.
	Thread bool
}

// Config configures a Renderer.
type Config struct {
	// BaseURL is the newsroom's base URL; links point to BaseURL +
	// release.PagePath().
	BaseURL string
	// Channels are the configured outlets; nil means DefaultChannels().
	Channels []Channel
	// Zone is the office's time zone for datelines; nil means Asia/Tashkent.
	Zone *time.Location
	// Templates holds channel/<kind>.tmpl; nil means the embedded
	// templates.FS.
	Templates fs.FS
	// PrivateTags are tags that never become hashtags: the workflow tags
	// of approval rules (config.Approval.PrivateTags).
	PrivateTags release.PrivateTags
	// ValidUTF8 says that every release body is valid UTF-8, as from
	// content.Load, which refuses other files: the renderer then does not
	// check again. Without it an invalid byte becomes U+FFFD; with it set
	// and an invalid body, posts may hold invalid UTF-8 (which Telegram
	// refuses) and the length of a Facebook post may be miscounted. It
	// sets release.Part.ValidUTF8 on every part.
	ValidUTF8 bool
}

// DefaultChannels returns one channel of each kind, named after its kind.
func DefaultChannels() []Channel {
	return []Channel{
		{Name: release.KindTelegram, Kind: release.KindTelegram},
		{Name: release.KindFacebook, Kind: release.KindFacebook},
		{Name: release.KindX, Kind: release.KindX},
	}
}

// Renderer renders releases. It is safe for concurrent use.
type Renderer struct {
	cfg  Config
	zone *time.Location
	md   goldmark.Markdown
	// plain parses like md without GFM's autolinks, for bodies that
	// cannot have any (see parseBody); nil parses everything with md.
	plain parser.Parser
	text  renderer.Renderer
	// nodes are text's node functions, for renderBodies.
	nodes nodeFuncs
	tmpl  map[string]*template.Template
	chans []Channel
	// fast holds the templates compiled by compileTemplate, by kind and
	// name; fastReply is X's "reply" (nil when they run through
	// text/template).
	fast      map[string]map[string]fastTemplate[wrapData]
	fastReply *fastTemplate[replyData]
	// tags remembers the hashtags of the tags seen.
	tags hashtagCache
}

// New checks cfg and returns a Renderer.
func New(cfg Config) (*Renderer, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("render: base URL %q: want an absolute http(s) URL such as http://127.0.0.1:8080", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	chans := cfg.Channels
	if chans == nil {
		chans = DefaultChannels()
	}
	if err := checkChannels(chans); err != nil {
		return nil, err
	}
	zone := cfg.Zone
	if zone == nil {
		zone = tashkent()
	}
	fsys := cfg.Templates
	if fsys == nil {
		fsys = templates.FS
	}
	tmpl, err := loadTemplates(fsys)
	if err != nil {
		return nil, err
	}
	r := &Renderer{
		cfg: cfg, zone: zone, md: newMarkdown(cfg.BaseURL), plain: newPlainParser(),
		tmpl: tmpl, chans: chans, fast: map[string]map[string]fastTemplate[wrapData]{},
	}
	r.text, r.nodes = newTextRenderer()
	for kind, names := range templateNames {
		r.fast[kind] = map[string]fastTemplate[wrapData]{}
		for _, name := range names {
			if name == "reply" {
				if ft, ok := compileTemplate(tmpl[kind], name, replyFields); ok {
					r.fastReply = &ft
				}
			} else if ft, ok := compileTemplate(tmpl[kind], name, wrapFields); ok {
				r.fast[kind][name] = ft
			}
		}
	}
	return r, nil
}

// execWrap executes the template name of a kind on wrapper data.
func (r *Renderer) execWrap(kind, name string, data *wrapData) (string, error) {
	if ft, ok := r.fast[kind][name]; ok {
		return ft.execute(data), nil
	}
	return execute(r.tmpl[kind], name, *data)
}

// execReply executes X's "reply" template.
func (r *Renderer) execReply(data replyData) (string, error) {
	if r.fastReply != nil {
		return r.fastReply.execute(&data), nil
	}
	return execute(r.tmpl[release.KindX], "reply", data)
}

// checkChannels refuses unnamed, duplicate and unknown-kind channels.
func checkChannels(chans []Channel) error {
	seen := map[string]bool{}
	for _, c := range chans {
		switch {
		case c.Name == "":
			return fmt.Errorf("render: a channel of kind %q has no name", c.Kind)
		case seen[c.Name]:
			return fmt.Errorf("render: channel %q is configured twice", c.Name)
		case templateNames[c.Kind] == nil:
			return fmt.Errorf("render: channel %q: unknown kind %q (want telegram, facebook or x)", c.Name, c.Kind)
		}
		seen[c.Name] = true
	}
	return nil
}

// tashkent loads the default office zone once; without a zone database it
// uses its fixed offset (UTC+5, no daylight saving since 1992).
var tashkent = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tashkent"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Tashkent", 5*60*60)
})

// Channels returns the configured channels.
func (r *Renderer) Channels() []Channel { return append([]Channel(nil), r.chans...) }

// Render returns one post per configured channel the release targets
// (rel.Channels, when set, names them), parsing the body once.
func (r *Renderer) Render(rel release.Release) ([]release.Post, error) {
	d := r.newDoc(rel)
	defer d.free()
	var posts []release.Post
	for _, ch := range r.chans {
		if len(rel.Channels) > 0 && !contains(rel.Channels, ch.Name) {
			continue
		}
		p, err := r.post(d, ch)
		if err != nil {
			return nil, err
		}
		if posts == nil {
			posts = make([]release.Post, 0, len(r.chans))
		}
		posts = append(posts, p)
	}
	return posts, nil
}

// Post renders the release for one channel, whether or not the release
// targets it.
func (r *Renderer) Post(rel release.Release, ch Channel) (release.Post, error) {
	if templateNames[ch.Kind] == nil {
		return release.Post{}, fmt.Errorf("render: channel %q: unknown kind %q", ch.Name, ch.Kind)
	}
	d := r.newDoc(rel)
	defer d.free()
	return r.post(d, ch)
}

// Rendered is every profile of one release, from one parse.
type Rendered struct {
	Posts   []release.Post
	WebHTML string
	Summary string
}

// All renders the posts of every targeted channel, the newsroom HTML and
// the summary from a single parse of the body.
func (r *Renderer) All(rel release.Release) (Rendered, error) {
	d := r.newDoc(rel)
	defer d.free()
	var out Rendered
	for _, ch := range r.chans {
		if len(rel.Channels) > 0 && !contains(rel.Channels, ch.Name) {
			continue
		}
		p, err := r.post(d, ch)
		if err != nil {
			return Rendered{}, err
		}
		if out.Posts == nil {
			out.Posts = make([]release.Post, 0, len(r.chans))
		}
		out.Posts = append(out.Posts, p)
	}
	var err error
	if out.WebHTML, err = d.web(); err != nil {
		return Rendered{}, err
	}
	out.Summary = d.summary()
	return out, nil
}

// WebHTML returns the release body as sanitized HTML for the newsroom.
func (r *Renderer) WebHTML(rel release.Release) (string, error) {
	d := r.newDoc(rel)
	defer d.free()
	return d.web()
}

// Summary returns rel.Summary, or the plain text of the body's first
// paragraph when it has none.
func (r *Renderer) Summary(rel release.Release) string {
	if s := strings.TrimSpace(rel.Summary); s != "" {
		return s
	}
	d := r.newDoc(rel)
	defer d.free()
	return d.firstPara()
}

// post renders one channel's post from a parsed document.
func (r *Renderer) post(d *doc, ch Channel) (release.Post, error) {
	p := release.Post{Release: d.rel.ID, Hash: d.rel.Hash, Channel: ch.Name, Kind: ch.Kind}
	var err error
	switch ch.Kind {
	case release.KindTelegram:
		p.Parts, err = r.telegram(d)
	case release.KindFacebook:
		p.Parts, err = r.facebook(d)
	case release.KindX:
		p.Parts, err = r.x(d, ch.Thread)
	default:
		err = fmt.Errorf("unknown kind %q", ch.Kind)
	}
	if err != nil {
		return release.Post{}, fmt.Errorf("render: %s: channel %s: %w", d.rel.ID, ch.Name, err)
	}
	for i := range p.Parts {
		p.Parts[i].ValidUTF8 = r.cfg.ValidUTF8 // the JSON of posts.json skips its check
	}
	return p, nil
}

// doc is one parsed release with the profiles rendered so far. Its
// source and the bodies rendered in the Telegram and plain-text profiles
// live in pooled buffers until free: everything that is kept is copied
// out of them (the parts, the newsroom HTML), once.
type doc struct {
	r    *Renderer
	rel  release.Release
	src  []byte
	buf  *[]byte // the pooled buffer of src
	root ast.Node

	tg, plain *writer
	img       *string // the image URL, once asked for
	para      *string
	data      *wrapData
	tgData    *wrapData
}

// srcPool recycles the buffers that hold the Markdown being parsed.
var srcPool = sync.Pool{New: func() any { return new([]byte) }}

// newDoc parses the release body.
func (r *Renderer) newDoc(rel release.Release) *doc {
	buf := srcPool.Get().(*[]byte)
	var src []byte
	if r.cfg.ValidUTF8 || utf8.ValidString(rel.Body) {
		src = append((*buf)[:0], rel.Body...)
	} else {
		// content.Parse refuses such files; a caller that builds a
		// Release by hand still gets text Telegram accepts.
		src = append((*buf)[:0], strings.ToValidUTF8(rel.Body, "\uFFFD")...)
	}
	return &doc{r: r, rel: rel, src: src, buf: buf, root: r.parseBody(src)}
}

// free returns the buffers of d to their pools; d, its AST and its bodies
// must not be used afterwards.
func (d *doc) free() {
	for _, w := range []*writer{d.tg, d.plain} {
		if w != nil {
			putWriter(w)
		}
	}
	if cap(d.src) <= 1<<20 { // a rare huge release: let its buffer go
		*d.buf = d.src[:0]
		srcPool.Put(d.buf)
	}
	*d = doc{}
}

// imageURL returns the release's image URL in the newsroom ("" for none).
func (d *doc) imageURL() string {
	if d.img == nil {
		u := d.rel.ImageURL(d.r.cfg.BaseURL)
		d.img = &u
	}
	return *d.img
}

// telegramBody returns the body as Telegram HTML (rendered once per doc).
func (d *doc) telegramBody() *writer {
	if d.tg == nil {
		d.tg = d.render(true)
	}
	return d.tg
}

// plainBody returns the body as plain text (rendered once per doc).
func (d *doc) plainBody() *writer {
	if d.plain == nil {
		d.plain = d.render(false)
	}
	return d.plain
}

// renderBodies renders the body in the Telegram and plain-text profiles
// in one walk of the tree, unless one of them is rendered already.
func (d *doc) renderBodies() {
	if d.tg != nil || d.plain != nil {
		return
	}
	d.tg, d.plain = getWriter(true, d.r.cfg.BaseURL), getWriter(false, d.r.cfg.BaseURL)
	d.r.nodes.renderBoth(d.tg, d.plain, d.src, d.root)
}

// render renders the body in one profile into a pooled writer, which
// free returns.
func (d *doc) render(html bool) *writer {
	w := getWriter(html, d.r.cfg.BaseURL)
	_ = d.r.text.Render(w, d.src, d.root) // a *writer never fails
	return w
}

// web renders the newsroom HTML.
func (d *doc) web() (string, error) {
	b := sinkPool.Get().(*htmlSink)
	defer putSink(b)
	b.buf = b.buf[:0]
	if err := d.r.md.Renderer().Render(b, d.src, d.root); err != nil {
		return "", fmt.Errorf("render: %s: web: %w", d.rel.ID, err)
	}
	return string(b.buf), nil
}

// htmlSink is the util.BufWriter goldmark's renderer writes the newsroom
// HTML into: a pooled byte buffer (no bufio.Writer in between), which
// webWriter appends text to directly.
type htmlSink struct{ buf []byte }

var sinkPool = sync.Pool{New: func() any { return new(htmlSink) }}

// putSink returns b to the pool unless it grew huge.
func putSink(b *htmlSink) {
	if cap(b.buf) <= 1<<20 {
		sinkPool.Put(b)
	}
}

func (b *htmlSink) Write(p []byte) (int, error) { b.buf = append(b.buf, p...); return len(p), nil }
func (b *htmlSink) WriteString(s string) (int, error) {
	b.buf = append(b.buf, s...)
	return len(s), nil
}
func (b *htmlSink) WriteByte(c byte) error { b.buf = append(b.buf, c); return nil }
func (b *htmlSink) WriteRune(r rune) (int, error) {
	n := len(b.buf)
	b.buf = utf8.AppendRune(b.buf, r)
	return len(b.buf) - n, nil
}
func (*htmlSink) Available() int   { return 1 << 20 }
func (b *htmlSink) Buffered() int  { return len(b.buf) }
func (*htmlSink) Flush() error     { return nil }
func (b *htmlSink) String() string { return string(b.buf) }
func (b *htmlSink) Reset()         { b.buf = b.buf[:0] }

var _ util.BufWriter = (*htmlSink)(nil)

// firstPara returns the plain text of the body's first top-level
// paragraph, on one line.
func (d *doc) firstPara() string {
	if d.para != nil {
		return *d.para
	}
	s := ""
	for c := d.root.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() == ast.KindParagraph {
			w := getWriter(false, d.r.cfg.BaseURL)
			_ = d.r.text.Render(w, d.src, c)
			s = oneLine(w.buf)
			putWriter(w)
			break
		}
	}
	d.para = &s
	return s
}

// oneLine returns the words of b joined by single spaces
// (strings.Join(strings.Fields(b), " ")).
func oneLine(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}

// summary is Renderer.Summary on a parsed document.
func (d *doc) summary() string {
	if s := strings.TrimSpace(d.rel.Summary); s != "" {
		return s
	}
	return d.firstPara()
}

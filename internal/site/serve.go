package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// snapshot is one rendered newsroom as served by Handler.
type snapshot struct {
	files map[string][]byte
	etags map[string]string
	gz    sync.Map        // file → its gzip encoding, made on first request (gzipped)
	media map[string]bool // local images that pages reference
}

// Update renders entries and makes Handler serve them. Requests in flight
// finish on the previous snapshot; on error the previous one stays.
func (s *Site) Update(entries []Entry) error {
	m, err := s.model(entries)
	if err != nil {
		return err
	}
	files, err := s.render(m)
	if err != nil {
		return err
	}
	snap := &snapshot{files: files, etags: make(map[string]string, len(files)), media: map[string]bool{}}
	for p, b := range files {
		sum := sha256.Sum256(b)
		snap.etags[p] = `"` + hex.EncodeToString(sum[:12]) + `"`
	}
	for _, img := range localImages(m) {
		snap.media[img] = true
	}
	s.snap.Store(snap)
	return nil
}

// Gone is a release that was in the newsroom and was withdrawn.
type Gone struct {
	ID   string
	Lang string
	// At is when it was withdrawn (zero: unknown, as for a build from
	// files): its feeds changed then, so their updated time is no older.
	At time.Time
	// Tags are its tags: the tag pages that listed it, which changed too.
	Tags []string
	// Key is its translation_key: the pages of its other language
	// versions linked it, and changed too.
	Key string
}

// goneSet is what SetGone was last given.
type goneSet struct {
	pages map[string]bool // page folders, "releases/2020/x/"
	langs []string        // their languages, sorted, without repeats
	// at is the latest withdrawal in each language, and in all ("").
	at map[string]time.Time
	// tagAt is the latest withdrawal of a release with each public tag,
	// by slug, and of one with any ("").
	tagAt map[string]time.Time
	// keyAt is the latest withdrawal of a release with each
	// translation_key.
	keyAt map[string]time.Time
	// dirAt is the latest withdrawal of a release in each folder of the
	// archive ("releases/2019/") or under it: its page listed the
	// release, or counted it.
	dirAt map[string]time.Time
}

// SetGone names the releases that were in the newsroom and were withdrawn:
// Handler answers their addresses with 410 Gone rather than 404, so search
// engines and feed readers drop them at once. Their languages keep their
// index and (empty) feeds, so a reader subscribed to a language whose only
// release was withdrawn gets an empty feed, not 404; such an index says
// that nothing is published now and stays in the sitemap. The withdrawal times
// date the feeds and, in the sitemap, the indexes and tag pages that
// listed them, so that crawlers fetch them again. The next Update or Write
// uses them. It replaces the previous set.
func (s *Site) SetGone(gone []Gone) {
	set := &goneSet{pages: make(map[string]bool, len(gone)), at: map[string]time.Time{}, tagAt: map[string]time.Time{}, keyAt: map[string]time.Time{}, dirAt: map[string]time.Time{}}
	later := func(m map[string]time.Time, k string, t time.Time) {
		if t.After(m[k]) {
			m[k] = t
		}
	}
	for _, g := range gone {
		page := strings.TrimPrefix(release.Release{ID: g.ID}.PagePath(), "/")
		set.pages[page] = true
		for dir := parentDir(page); strings.HasPrefix(dir, archiveDir); dir = parentDir(dir) {
			later(set.dirAt, dir, g.At)
			if dir == archiveDir {
				break
			}
		}
		later(set.at, "", g.At)
		later(set.at, g.Lang, g.At)
		if g.Key != "" {
			later(set.keyAt, g.Key, g.At)
		}
		for _, t := range s.cfg.PrivateTags.Public(g.Tags) {
			if sl := slug(t); sl != "" {
				later(set.tagAt, "", g.At)
				later(set.tagAt, sl, g.At)
			}
		}
		if g.Lang != "" && validLang(g.Lang) {
			set.langs = append(set.langs, g.Lang)
		}
	}
	slices.Sort(set.langs)
	set.langs = slices.Compact(set.langs)
	s.gone.Store(set)
}

// goneAt returns the latest withdrawal SetGone named in language lang,
// or in any language for "".
func (s *Site) goneAt(lang string) time.Time {
	if set := s.gone.Load(); set != nil {
		return set.at[lang]
	}
	return time.Time{}
}

// goneTagAt returns the latest withdrawal SetGone named of a release with
// the tag of slug sl, or with any public tag for "".
func (s *Site) goneTagAt(sl string) time.Time {
	if set := s.gone.Load(); set != nil {
		return set.tagAt[sl]
	}
	return time.Time{}
}

// goneKeyAt returns the latest withdrawal SetGone named of a release
// with translation_key key.
func (s *Site) goneKeyAt(key string) time.Time {
	if set := s.gone.Load(); set != nil && key != "" {
		return set.keyAt[key]
	}
	return time.Time{}
}

// goneDirAt returns the latest withdrawal SetGone named of a release in
// the archive folder dir or under it.
func (s *Site) goneDirAt(dir string) time.Time {
	if set := s.gone.Load(); set != nil {
		return set.dirAt[dir]
	}
	return time.Time{}
}

// goneLangs returns the languages of the releases SetGone named.
func (s *Site) goneLangs() []string {
	if set := s.gone.Load(); set != nil {
		return set.langs
	}
	return nil
}

// hadWithdrawn reports whether SetGone named a release in language lang,
// or in any language for "".
func (s *Site) hadWithdrawn(lang string) bool {
	set := s.gone.Load()
	if set == nil {
		return false
	}
	if lang == "" {
		return len(set.pages) > 0
	}
	return slices.Contains(set.langs, lang)
}

// isGone reports whether the newsroom path p (no leading slash) is the page
// folder of a withdrawn release, or a file in it.
func (s *Site) isGone(p string) bool {
	set := s.gone.Load()
	if set == nil {
		return false
	}
	p = strings.TrimSuffix(p, "/")
	return set.pages[p+"/"] || set.pages[path.Dir(p)+"/"]
}

// Handler serves the snapshot of the last Update: pages, feeds and, when
// MediaDir is set, the local images that releases reference. It answers
// 503 until the first Update.
func (s *Site) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

// serve answers one request.
func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	snap := s.snap.Load()
	if snap == nil {
		http.Error(w, "newsroom not built yet", http.StatusServiceUnavailable)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && p != "" {
		p += "/"
	}
	if img, ok := strings.CutPrefix(p, "media/"); ok && (snap.media[img] || s.mediaInUse(img)) {
		s.serveMedia(w, r, img)
		return
	}
	key := p
	if key == "" || strings.HasSuffix(key, "/") {
		key += "index.html"
	}
	b, ok := snap.files[key]
	if !ok {
		if _, dir := snap.files[p+"/index.html"]; dir {
			// Relative, so that it keeps a path a proxy (or serve, for a
			// base URL with a path) took off; and spelt as every link to
			// the page is, where http.Redirect would escape a raw path
			// in lower-case hex.
			w.Header().Set("Location", release.EscapePath(path.Base(p))+"/")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		if to, moved := s.movedTo(p); moved {
			if _, there := snap.files[to+"index.html"]; there {
				w.Header().Set("Location", relativeTo(p, to))
				w.WriteHeader(http.StatusMovedPermanently)
				return
			}
		}
		status := http.StatusNotFound
		if s.isGone(p) {
			status = http.StatusGone
		}
		notFound(w, r, snap, status)
		return
	}
	etag := snap.etags[key]
	if len(b) >= minGzip {
		w.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			b, etag = snap.gzipped(key, b), strings.TrimSuffix(etag, `"`)+`-gzip"`
			w.Header().Set("Content-Encoding", "gzip")
			if r.Header.Get("Range") == "" {
				// ServeContent leaves it out for an encoded body.
				w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			}
		}
	}
	w.Header().Set("Content-Type", contentType(key))
	w.Header().Set("ETag", etag)
	// Revalidated on each use (304 by the ETag): a withdrawal or an
	// update shows at once, also through a cache.
	w.Header().Set("Cache-Control", "no-cache")
	pageHeaders(w)
	http.ServeContent(w, r, key, time.Time{}, bytes.NewReader(b))
}

// pageHeaders sets the security headers of a newsroom file.
func pageHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src *; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

// notFound answers status with the newsroom's page for it: GonePage for
// 410 (a withdrawn release), else NotFoundPage.
func notFound(w http.ResponseWriter, r *http.Request, snap *snapshot, status int) {
	file := NotFoundPage
	if status == http.StatusGone {
		file = GonePage
	}
	b, ok := snap.files[file]
	if !ok {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", contentType(file))
	w.Header().Set("Cache-Control", "no-cache")
	pageHeaders(w)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// mediaInUse reports whether img, which no page shows, is an image file in
// MediaDir that Config.MediaInUse says a release still needs served.
func (s *Site) mediaInUse(img string) bool {
	if s.cfg.MediaInUse == nil || s.cfg.MediaDir == "" || ImageType(img) == "" {
		return false
	}
	if _, err := StatImage(s.cfg.MediaDir, img); err != nil {
		return false
	}
	return s.cfg.MediaInUse(img)
}

// openMedia opens img, a regular file inside mediaDir, without leaving
// mediaDir or blocking on a named pipe.
func openMedia(mediaDir, img string) (*os.File, fs.FileInfo, error) {
	root, err := os.OpenRoot(mediaDir)
	if err != nil {
		return nil, nil, fmt.Errorf("site: media: %w", err)
	}
	defer root.Close()
	st, err := statRegular(root, img)
	if err != nil {
		return nil, nil, err
	}
	f, err := openRegular(root, img, st)
	return f, st, err
}

// serveMedia serves a referenced image from MediaDir without leaving it.
func (s *Site) serveMedia(w http.ResponseWriter, r *http.Request, img string) {
	if s.cfg.MediaDir == "" {
		http.NotFound(w, r)
		return
	}
	f, st, err := openMedia(s.cfg.MediaDir, img)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	if t := ImageType(img); t != "" {
		w.Header().Set("Content-Type", t)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// An SVG opened on its own runs no script and loads nothing.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	http.ServeContent(w, r, img, st.ModTime(), f)
}

// contentType returns the media type of a generated file.
func contentType(p string) string {
	switch base := path.Base(p); {
	case base == "feed.xml":
		return "application/rss+xml; charset=utf-8"
	case base == "atom.xml":
		return "application/atom+xml; charset=utf-8"
	case base == "feed.json":
		return "application/feed+json; charset=utf-8"
	case strings.HasSuffix(base, ".xml"):
		return "application/xml; charset=utf-8"
	case strings.HasSuffix(base, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(base, ".txt"):
		return "text/plain; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

// IsLocalImage reports whether a release's image reference is a path
// under the content directory rather than a URL.
func IsLocalImage(img string) bool { return img != "" && !release.IsImageURL(img) }

// StatImage returns the size of a local image under mediaDir; the error
// wraps fs.ErrNotExist when it is missing. To stat many images, open the
// directory once and use StatImageIn.
func StatImage(mediaDir, img string) (int64, error) {
	root, err := os.OpenRoot(mediaDir)
	if err != nil {
		return 0, fmt.Errorf("site: media: %w", err)
	}
	defer root.Close()
	return StatImageIn(root, img)
}

// StatImageIn returns the size of a local image inside root (the content
// directory, opened with os.OpenRoot so that no path can leave it); the
// error wraps fs.ErrNotExist when it is missing.
func StatImageIn(root *os.Root, img string) (int64, error) {
	st, err := root.Stat(filepath.FromSlash(strings.TrimLeft(img, "/")))
	if err != nil {
		return 0, fmt.Errorf("site: media: %w", err)
	}
	if !st.Mode().IsRegular() {
		return 0, fmt.Errorf("site: media %s: not a regular file", img)
	}
	return st.Size(), nil
}

package site

import (
	"fmt"
	"html"
	"path"
	"strings"

	"github.com/pressbot/pressbot/internal/release"
)

// Moved is a release whose file was renamed after it was published: its
// page was at the address of ID From and is at that of To now.
type Moved struct {
	From, To string
}

// movedSet is what SetMoved was last given: old page folder → new page
// folder ("releases/2025/a/" → "releases/2025/b/").
type movedSet map[string]string

// SetMoved names the releases whose page moved with a rename of their
// file. Handler answers the old page address with 301 Moved Permanently
// to the new one, and Write puts a page at the old address that sends
// the browser on (a static host cannot answer 301 by itself), as long as
// the new page is in the newsroom. It replaces the previous set.
func (s *Site) SetMoved(moved []Moved) {
	set := make(movedSet, len(moved))
	for _, m := range moved {
		set[pageFolder(m.From)] = pageFolder(m.To)
	}
	s.moved.Store(&set)
}

// pageFolder returns the page folder of release id, without a leading
// slash: "releases/2025/a/".
func pageFolder(id string) string {
	return strings.TrimPrefix(release.Release{ID: id}.PagePath(), "/")
}

// movedTo returns the page folder that the newsroom path p (no leading
// slash) moved to, when p is an old page folder or its index.html.
func (s *Site) movedTo(p string) (string, bool) {
	set := s.moved.Load()
	if set == nil || len(*set) == 0 {
		return "", false
	}
	dir := strings.TrimSuffix(strings.TrimSuffix(p, "index.html"), "/") + "/"
	to, ok := (*set)[dir]
	return to, ok
}

// relativeTo returns the link from the newsroom path p (no leading slash)
// to the page folder to: relative, so that it keeps a path a proxy took
// off, and spelt as every link to the page is.
func relativeTo(p, to string) string {
	return strings.Repeat("../", strings.Count(p, "/")) + release.EscapePath(to)
}

// movedPages returns the pages Write puts at the old addresses of moved
// releases whose new page is among written, by path.
func (s *Site) movedPages(written map[string]bool) map[string][]byte {
	set := s.moved.Load()
	if set == nil {
		return nil
	}
	out := map[string][]byte{}
	for from, to := range *set {
		old := from + "index.html"
		if written[old] || !written[to+"index.html"] {
			continue
		}
		rel := html.EscapeString(relativeTo(old, to) + s.index)
		abs := html.EscapeString(s.cfg.BaseURL + "/" + release.EscapePath(to))
		out[path.Clean(old)] = fmt.Appendf(nil, `<!doctype html>
<html><head><meta charset="utf-8">
<title>Moved</title>
<link rel="canonical" href="%s">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=%s">
</head><body><p>This release moved to <a href="%s">%s</a>.</p></body></html>
`, abs, rel, rel, abs)
	}
	return out
}

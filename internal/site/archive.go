package site

import (
	"bytes"
	"cmp"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// archiveDir is the folder that holds every release page, and the
// archive's top page.
const archiveDir = "releases/"

// folder is a folder of release pages, releases/ or one under it
// (releases/2019/), whose page lists the releases directly in it and
// its subfolders.
type folder struct {
	Dir   string    // "releases/", "releases/2019/"
	Name  string    // its last segment, "2019" ("" for releases/)
	Items []*item   // the releases directly in it, newest first
	Subs  []*folder // its subfolders, in folderOrder
	Count int       // the releases in it and in its subfolders
	// changed is the latest publication or update of a release it lists,
	// and the latest publication in its subfolders, whose counts it shows.
	changed time.Time
	// shadowed: a release's page is at Dir (content/2019.md beside
	// content/2019/). The release keeps its address; the folder has no
	// page, and its parent names it without a link.
	shadowed bool
}

// folderLink is a subfolder on a folder's page; Href is "" for a
// shadowed one.
type folderLink struct {
	Href, Name string
	Count      int
}

// folders groups items (newest first) by the folder of their page and
// returns every folder, releases/ first, each followed by its subfolders
// in folderOrder, depth first. releases/ is there also without releases.
func folders(items []*item) []*folder {
	root := &folder{Dir: archiveDir}
	byDir := map[string]*folder{archiveDir: root}
	for _, it := range items {
		f := folderAt(byDir, parentDir(it.Path))
		f.Items = append(f.Items, it)
		f.changed = latest(f.changed, it.Upd)
		for dir := f.Dir; ; dir = parentDir(dir) {
			g := byDir[dir]
			g.Count++
			g.changed = latest(g.changed, it.Pub)
			if dir == archiveDir {
				break
			}
		}
	}
	for _, it := range items {
		if f := byDir[it.Path]; f != nil {
			f.shadowed = true
		}
	}
	var out []*folder
	var add func(f *folder)
	add = func(f *folder) {
		out = append(out, f)
		slices.SortFunc(f.Subs, func(a, b *folder) int { return folderOrder(a.Name, b.Name) })
		for _, sub := range f.Subs {
			add(sub)
		}
	}
	add(root)
	return out
}

// folderAt returns the folder dir of byDir, adding it and its parents up
// to releases/ when missing. dir is releases/ or a folder under it.
func folderAt(byDir map[string]*folder, dir string) *folder {
	if f := byDir[dir]; f != nil {
		return f
	}
	f := &folder{Dir: dir, Name: path.Base(dir)}
	byDir[dir] = f
	parent := folderAt(byDir, parentDir(dir))
	parent.Subs = append(parent.Subs, f)
	return f
}

// parentDir returns the folder that holds the page folder or folder p
// ("releases/2019/x/" → "releases/2019/").
func parentDir(p string) string {
	return path.Dir(strings.TrimSuffix(p, "/")) + "/"
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// folderOrder orders the subfolders on a folder's page: names of digits
// only (years, months) first, the largest number first (2024, 2023, …),
// then the other names by their bytes (Unicode code points), A before Z
// before a.
func folderOrder(a, b string) int {
	da, db := allDigits(a), allDigits(b)
	switch {
	case da && db:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(tb), len(ta)), strings.Compare(tb, ta), strings.Compare(a, b))
	case da:
		return -1
	case db:
		return 1
	}
	return strings.Compare(a, b)
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// folderJob renders a folder's page: every release directly in it, newest
// first, on one page, after its subfolders with their counts. Its
// interface is in the newsroom's default language, as the tag pages'.
func (s *Site) folderJob(m *model, f *folder) job {
	return func(buf *bytes.Buffer) (string, error) {
		lang := uiLang(s.defaultLang())
		heading := wordsFor(lang).Archive
		if name := strings.TrimSuffix(strings.TrimPrefix(f.Dir, archiveDir), "/"); name != "" {
			heading += ": " + name
		}
		l := listing{dir: f.Dir, lang: lang, heading: heading, title: heading + " — " + s.cfg.Title}
		p, err := s.listPage(m, l, len(f.Items) == 0, 1, 1)
		if err != nil {
			return "", err
		}
		for _, sub := range f.Subs {
			fl := folderLink{Name: sub.Name, Count: sub.Count}
			if !sub.shadowed {
				fl.Href = s.dirLink(release.EscapePath(sub.Name) + "/")
			}
			p.Folders = append(p.Folders, fl)
		}
		return f.Dir + "index.html", s.executeList(buf, p, f.Items)
	}
}

// folderJobs renders the page of every folder that no release's page
// takes.
func (s *Site) folderJobs(m *model) []job {
	var jobs []job
	for _, f := range m.folders {
		if !f.shadowed {
			jobs = append(jobs, s.folderJob(m, f))
		}
	}
	return jobs
}

// folderChanged is the sitemap's lastmod of a folder's page: the latest
// change among what it shows (folder.changed) or withdrawal of a release
// in it or its subfolders; zero when neither is known.
func (s *Site) folderChanged(f *folder) time.Time {
	t := latest(f.changed, s.goneDirAt(f.Dir))
	if t.IsZero() {
		return t
	}
	return t.In(s.cfg.Zone)
}

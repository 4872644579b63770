package site

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pressbot/pressbot/internal/release"
)

// job renders one file into buf, which is empty, and returns its slash
// path; an empty path means it had nothing to write.
type job func(buf *bytes.Buffer) (string, error)

// task is a job and, when then is set, a second one that the same worker
// runs right after it: a release's posts.json after its page. The posts
// are then written as soon as the release is rendered, so they never
// wait in memory, and the job never waits for a rendering on another
// worker (a large release takes tens of milliseconds).
type task struct{ job, then job }

// releaseOrder returns the items in the order their pages are written,
// and a function that lists every other file. The release pages need
// only what model makes; the other files also need the tag and folder
// groups, which that function makes first, so that it can run while the
// release pages are written. The feeds' jobs are made here, as they mark
// the items a feed carries, which a release job must know.
func (s *Site) releaseOrder(m *model) (order []*item, rest func() []task) {
	feeds := s.feedJobs(m)
	return interleaved(m.items), func() []task {
		m.tags = groupTags(m.items)
		m.folders = folders(m.items)
		var out []task
		for _, j := range s.pageJobs(m, feeds) {
			out = append(out, task{job: j})
		}
		return out
	}
}

// releaseTask is the task of an item's page and posts.
func (s *Site) releaseTask(m *model, it *item) task {
	t := task{job: s.releaseJob(m, it)}
	if it.posts {
		t.then = postsJob(it)
	}
	return t
}

// pageJobs lists every file but the release pages, the feeds last but
// the sitemap, robots.txt and the style sheet.
func (s *Site) pageJobs(m *model, feeds []job) []job {
	lang := uiLang(s.defaultLang())
	w := wordsFor(lang)
	var jobs []job
	jobs = append(jobs, s.listJobs(m, "", lang, "", w.Latest, s.cfg.Title, m.items)...)
	for _, l := range m.langs {
		lw := wordsFor(l)
		jobs = append(jobs, s.listJobs(m, l+"/", uiLang(l), l, lw.Latest, lw.Latest+" — "+s.cfg.Title, m.byLang[l])...)
	}
	for _, t := range m.tags {
		h := w.TaggedWith + ": " + t.Name
		jobs = append(jobs, s.listJobs(m, "tags/"+t.Slug+"/", lang, "", h, h+" — "+s.cfg.Title, t.Items)...)
	}
	jobs = append(jobs, s.folderJobs(m)...)
	jobs = append(jobs, s.tagIndexJob(m), s.noticeJob(m, NotFoundPage, notFoundNotice), s.noticeJob(m, GonePage, withdrawnNotice))
	jobs = append(jobs, feeds...)
	return append(jobs,
		func(buf *bytes.Buffer) (string, error) { return "sitemap.xml", s.sitemap(buf, m) },
		func(buf *bytes.Buffer) (string, error) { buf.WriteString(s.robots()); return "robots.txt", nil },
		func(buf *bytes.Buffer) (string, error) { buf.Write(s.tmpl.css); return "style.css", nil },
	)
}

// postsJob writes the release's posts as posts.json next to its page.
// A job made for an entry with a Render function writes nothing when the
// entry turns out to have no posts, and lets the posts go once written.
func postsJob(it *item) job {
	return func(buf *bytes.Buffer) (string, error) {
		posts := it.load().e.Posts
		if it.e.Render != nil {
			it.e.Posts = nil
		}
		if posts == nil {
			return "", nil
		}
		buf.Write(release.NewRendering(it.e.Release, posts).AppendJSON(buf.AvailableBuffer()))
		return it.Path + "posts.json", nil
	}
}

// interleaved returns the items in an order that takes turns between
// their page folders' parents (releases/2024/, releases/2023/, …). The
// writers then make folders in different parents at the same time: a
// file system locks a folder while it adds an entry, so writers that all
// add to one folder wait for each other. The order changes nothing in the
// output.
func interleaved(items []*item) []*item {
	var (
		groups [][]*item
		index  = map[string]int{}
	)
	for _, it := range items {
		parent := parentOf(it.Path)
		i, ok := index[parent]
		if !ok {
			i = len(groups)
			index[parent] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	out := make([]*item, 0, len(items))
	for n := 0; len(out) < len(items); n++ {
		for _, g := range groups {
			if n < len(g) {
				out = append(out, g[n])
			}
		}
	}
	return out
}

// parentOf returns the parent of page folder p, which ends in "/" and is
// clean ("releases/2024/x/" → "releases/2024/"), without path.Dir's
// copy: it took half of interleaved's time.
func parentOf(p string) string {
	return p[:strings.LastIndexByte(p[:len(p)-1], '/')+1]
}

// generate runs every job on workers goroutines and hands each file to
// emit, which must be safe for concurrent use. b belongs to the worker and
// is reused for its next file: emit must not keep it. generate stops at
// the first error. The jobs of the files other than release pages are
// made meanwhile (see releaseOrder), and run after the release pages.
func (s *Site) generate(m *model, workers int, emit func(path string, b []byte) error) error {
	first, makeRest := s.releaseOrder(m)
	var (
		rest     []task
		ready    = make(chan struct{})
		next     atomic.Int64
		errOnce  sync.Once
		errFirst error
		failed   atomic.Bool
		wg       sync.WaitGroup
	)
	go func() {
		rest = makeRest()
		close(ready)
	}()
	fail := func(err error) {
		errOnce.Do(func() { errFirst = err })
		failed.Store(true)
	}
	for range workers {
		wg.Go(func() {
			var buf bytes.Buffer
			run := func(j job) error {
				buf.Reset()
				p, err := j(&buf)
				if err == nil && p != "" {
					err = emit(p, buf.Bytes())
				}
				return err
			}
			for !failed.Load() {
				t, ok := s.taskAt(m, first, &rest, ready, int(next.Add(1))-1)
				if !ok {
					return
				}
				err := run(t.job)
				if err == nil && t.then != nil {
					err = run(t.then)
				}
				if err != nil {
					fail(err)
				}
			}
		})
	}
	wg.Wait()
	<-ready // rest's maker writes to m: it must be done when generate returns
	return errFirst
}

// taskAt returns task i: the page of first[i], or after them task i of
// *rest, which is set when ready is closed; false when there is no task
// i. A release's task is made here, on the worker that runs it.
func (s *Site) taskAt(m *model, first []*item, rest *[]task, ready <-chan struct{}, i int) (task, bool) {
	if i < len(first) {
		return s.releaseTask(m, first[i]), true
	}
	<-ready
	if i -= len(first); i < len(*rest) {
		return (*rest)[i], true
	}
	return task{}, false
}

// render collects every file in a map.
func (s *Site) render(m *model) (map[string][]byte, error) {
	var mu sync.Mutex
	files := make(map[string][]byte, len(m.items)*2)
	err := s.generate(m, runtime.GOMAXPROCS(0), func(p string, b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := files[p]; dup {
			return fmt.Errorf("site: two pages want %s", p)
		}
		files[p] = bytes.Clone(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

package site

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// job renders one file: its slash path and content.
type job func() (string, []byte, error)

// jobs lists every file of the newsroom.
func (s *Site) jobs(m *model) []job {
	lang := s.defaultLang()
	w := wordsFor(lang)
	jobs := make([]job, 0, len(m.items)+len(m.items)/s.cfg.PerPage*4+64)
	for _, it := range m.items {
		jobs = append(jobs, s.releaseJob(m, it))
	}
	jobs = append(jobs, s.listJobs(m, "", lang, "", w.Latest, s.cfg.Title, m.items)...)
	for _, l := range m.langs {
		lw := wordsFor(l)
		jobs = append(jobs, s.listJobs(m, l+"/", l, l, lw.Latest, lw.Latest+" — "+s.cfg.Title, m.byLang[l])...)
	}
	for _, t := range m.tags {
		h := w.TaggedWith + ": " + t.Name
		jobs = append(jobs, s.listJobs(m, "tags/"+t.Slug+"/", lang, "", h, h+" — "+s.cfg.Title, t.Items)...)
	}
	jobs = append(jobs, s.tagIndexJob(m))
	jobs = append(jobs, s.feedJobs(m)...)
	jobs = append(jobs,
		func() (string, []byte, error) { b, err := s.sitemap(m); return "sitemap.xml", b, err },
		func() (string, []byte, error) { return "robots.txt", s.robots(), nil },
		func() (string, []byte, error) { return "style.css", s.tmpl.css, nil },
	)
	return jobs
}

// generate runs every job on workers goroutines and hands each file to
// emit, which must be safe for concurrent use. It stops at the first error.
func (s *Site) generate(m *model, workers int, emit func(path string, b []byte) error) error {
	jobs := s.jobs(m)
	var (
		next    atomic.Int64
		errOnce sync.Once
		first   error
		failed  atomic.Bool
		wg      sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { first = err })
		failed.Store(true)
	}
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				p, b, err := jobs[i]()
				if err == nil {
					err = emit(p, b)
				}
				if err != nil {
					fail(err)
				}
			}
		})
	}
	wg.Wait()
	return first
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
		files[p] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

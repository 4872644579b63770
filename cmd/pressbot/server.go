package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/content/gitsync"
	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/health"
	"github.com/pressbot/pressbot/internal/httpd"
	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/metrics"
	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/internal/store"
)

// server is every part of a running pressbot, wired together.
type server struct {
	cfg       *config.Config
	log       *slog.Logger
	store     *store.Store
	render    *render.Renderer
	webRender *render.Renderer // web only, for the newsroom
	outlets   map[string]outlet
	queue     *queue.Queue
	site      *site.Site
	metrics   *metrics.Metrics
	health    *health.Monitor
	ingest    *ingest.Ingest
	watcher   *watch.Watcher
	git       *gitsync.Syncer // nil unless content.git.url is set
	// contentDir is where the releases are read: content.dir, or the
	// git checkout's folder of releases.
	contentDir string
	outboxDir  string       // where the dry-run channels write
	ln         net.Listener // bound before the server was built (port 0), else nil
	offer      ingest.Offerer
	bot        approvalBot  // nil without an approvers' chat
	webhook    http.Handler // the bot's webhook handler (webhook mode)
	refresh    chan struct{}
	keys       httpd.PreviewKeys // keys of the preview links
	queueRun   bool
	mu         sync.Mutex

	newsroomMu     sync.Mutex
	newsroomKey    [sha256.Size]byte // what the live newsroom was built from (newsroomKey)
	newsroomImages newsroomImages    // the local images of what it was built from
	newsroomBuilt  bool
	beforeSend     freshness // the sends' newsroom updates (pageBeforeSend)
}

// approvalBot is what serve runs of the approval package.
type approvalBot interface {
	ingest.Offerer
	queue.Notifier
	Run(ctx context.Context) error
}

// newServer builds every part from cfg; nothing runs yet.
func newServer(ctx context.Context, cfg *config.Config, outboxDir string, log *slog.Logger) (*server, error) {
	s := &server{cfg: cfg, log: log, outboxDir: outboxDir, refresh: make(chan struct{}, 1)}
	var err error
	if s.store, err = store.Open(ctx, cfg.DB); err != nil {
		return nil, err
	}
	// The command line renders what it approves with this base URL too.
	if err := s.store.SetSetting(ctx, store.SettingBaseURL, cfg.Site.BaseURL); err != nil {
		return nil, err
	}
	if s.keys, err = previewKeys(ctx, s.store); err != nil {
		return nil, err
	}
	if s.render, err = render.New(render.Config{BaseURL: cfg.Site.BaseURL, Channels: renderChannels(cfg), Zone: cfg.Zone,
		PrivateTags: cfg.Approval.PrivateTags()}); err != nil {
		return nil, err
	}
	// The newsroom shows the web rendering only: its renderer has no
	// channels, so entries are not rendered for each outlet as well.
	if s.webRender, err = render.New(render.Config{BaseURL: cfg.Site.BaseURL, Channels: []render.Channel{}, Zone: cfg.Zone,
		PrivateTags: cfg.Approval.PrivateTags()}); err != nil {
		return nil, err
	}
	if s.outlets, err = newOutlets(cfg, outboxDir, log); err != nil {
		return nil, err
	}
	// Releases (and their images) are in content.dir, or in pressbot's
	// checkout of the followed git repository.
	s.contentDir = cfg.Content.Dir
	commit := func() string { return "" }
	if g := cfg.Content.Git; g.Enabled() {
		if s.git, err = gitsync.New(gitsync.Config{URL: g.URL.Reveal(), Branch: g.Branch, Dir: g.Dir, Subdir: g.Subdir,
			Interval: g.Interval.D(), Logger: log}); err != nil {
			return nil, err
		}
		s.contentDir, commit = s.git.ContentDir(), s.git.Head
	}
	if s.site, err = site.New(site.Config{BaseURL: cfg.Site.BaseURL, Title: cfg.Site.Title, Zone: cfg.Zone,
		PerPage: cfg.Site.PerPage, Langs: cfg.Site.Languages, MediaDir: s.contentDir, MediaInUse: s.imageInUse,
		PrivateTags: cfg.Approval.PrivateTags()}); err != nil {
		return nil, err
	}
	s.metrics = metrics.New(metrics.Sources{States: s.countStates, Approvals: s.approvalTimes}, log)
	if err := s.setupApproval(ctx); err != nil {
		return nil, err
	}
	s.health = health.New(health.Config{Channels: s.checkers(), Upcoming: s.nextDue, Alert: s.offer, Log: log})
	pubs := make(map[string]queue.Publisher, len(s.outlets))
	for name, o := range s.outlets {
		pubs[name] = o
	}
	if s.queue, err = queue.New(s.store, pubs, queue.Options{Notifier: s, Logger: log, BeforeSend: s.pageBeforeSend,
		Current:  func(_ context.Context, id, hash string) error { return s.fileCurrent(id, hash) },
		Policies: policies(cfg)}); err != nil {
		return nil, err
	}
	s.watcher = watch.New(s.contentDir, cfg.Content.Rescan.D(), log)
	s.ingest = ingest.New(ingest.Config{Dir: s.contentDir, Store: s.store, Offer: s.offer, Log: log, Commit: commit,
		Options: content.Options{Zone: cfg.Zone, DefaultLang: cfg.Office.DefaultLang, Channels: cfg.ChannelNames(), ImageDir: s.contentDir}})
	return s, nil
}

// policies returns the posting rules of cfg's channels (config has
// checked them: a channel whose rules do not parse is left out).
func policies(cfg *config.Config) map[string]schedule.Policy {
	out := make(map[string]schedule.Policy, len(cfg.Channels))
	for _, ch := range cfg.Channels {
		if p, err := ch.Policy(cfg.Zone); err == nil {
			out[ch.Name] = p
		}
	}
	return out
}

// checkers returns the channels that talk to a platform (the outbox needs
// no credentials, but is checked too: its folder must be writable).
func (s *server) checkers() map[string]health.Checker {
	out := make(map[string]health.Checker, len(s.outlets))
	for n, o := range s.outlets {
		out[n] = o
	}
	return out
}

// nextDue returns when the next post on channel is due.
func (s *server) nextDue(ctx context.Context, channel string) (time.Time, error) {
	times, err := s.store.ChannelTimes(ctx, channel, time.Now())
	if err != nil || len(times) == 0 {
		return time.Time{}, err
	}
	return times[0], nil
}

// countStates counts releases by state for the metrics.
func (s *server) countStates(ctx context.Context) (map[string]int, error) {
	rows, err := s.store.DB().QueryContext(ctx, `SELECT state, COUNT(*) FROM releases GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count states: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count states: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// approvalTimes returns the time from first sight to approval for the
// last 1,000 approvals.
func (s *server) approvalTimes(ctx context.Context) ([]time.Duration, error) {
	rows, err := s.store.DB().QueryContext(ctx, `SELECT r.first_seen, a.at FROM approvals a
		JOIN releases r ON r.id = a.release_id ORDER BY a.at DESC LIMIT 1000`)
	if err != nil {
		return nil, fmt.Errorf("approval times: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var seen, at any
		if err := rows.Scan(&seen, &at); err != nil {
			return nil, fmt.Errorf("approval times: %w", err)
		}
		t0, ok0 := sqlTime(seen)
		t1, ok1 := sqlTime(at)
		if ok0 && ok1 && !t1.Before(t0) {
			out = append(out, t1.Sub(t0))
		}
	}
	return out, rows.Err()
}

// sqlTime reads a time column: time.Time from PostgreSQL, RFC 3339 text
// from SQLite.
func sqlTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		return p, err == nil
	case []byte:
		p, err := time.Parse(time.RFC3339Nano, string(t))
		return p, err == nil
	}
	return time.Time{}, false
}

// Notify fans a queue event out to the metrics, the officers and the
// newsroom.
func (s *server) Notify(ctx context.Context, ev queue.Event) {
	s.metrics.Notify(ctx, ev)
	if s.bot != nil {
		s.bot.Notify(ctx, ev)
	} else {
		logNeedsWord(s.log, ev, s.commandArgs())
	}
	if ev.Kind == queue.EventPublished {
		s.refreshNewsroom()
	}
}

// logNeedsWord tells the log, when no approvers' chat is configured, what
// a failed or uncertain send asks of the officers and the command that
// settles it (ending in args, see commandArgs): the chat's alert and
// buttons, for the command line.
func logNeedsWord(log *slog.Logger, ev queue.Event, args string) {
	var what string
	switch ev.Kind {
	case queue.EventUncertain:
		what = "the post may or may not have gone out: look on the channel, then record what you saw (published) or send it again (retry)"
	case queue.EventFailed, queue.EventAuth:
		what = "the platform refused the post: mend the cause, then send it again (retry) or give it up (skip)"
	default:
		return
	}
	log.Warn("post needs an officer's word: "+what, "release", ev.Release, "channel", ev.Channel,
		"resolve", strings.TrimSpace("pressbot resolve "+ingest.ShellWord(ev.Release)+" retry|published|skip -channels "+ev.Channel+" "+args))
}

// imageInUse reports whether a release awaiting approval or publication
// names local image img: the newsroom serves it before publication, as
// the approval preview and the platforms fetch it from there.
func (s *server) imageInUse(img string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ok, err := s.store.ImageInUse(ctx, img)
	if err != nil {
		s.log.Warn("newsroom: cannot tell whether an image is in use; not serving it", "image", img, "err", err)
	}
	return ok
}

// pageBeforeSend puts release id's page into the newsroom before one of its
// posts goes out (queue.Options.BeforeSend): the post links to the page,
// and Facebook, X and Telegram fetch it for their previews as they receive
// the post. Without this, the page appeared only after the first send, and
// that platform's preview was of a 404. The store lists a release whose
// post is being sent, so one update suffices; for the release's other
// channels it finds nothing new, and sends claimed together share one. A
// failed update is logged and the post goes out regardless.
func (s *server) pageBeforeSend(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.beforeSend.Wait(func() error { return s.updateNewsroom(ctx) }); err != nil {
		s.log.Warn("newsroom update before a send failed: the post's link may not answer yet", "release", id, "err", err)
	}
}

// refreshNewsroom asks the newsroom loop to rebuild (coalesced).
func (s *server) refreshNewsroom() {
	select {
	case s.refresh <- struct{}{}:
	default:
	}
}

// preview returns a stored release and its renderings for /preview.
func (s *server) preview(ctx context.Context, id string) (release.Release, []release.Post, error) {
	rec, err := s.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return release.Release{}, nil, fmt.Errorf("preview %s: %w", id, httpd.ErrNotFound)
	}
	if err != nil {
		return release.Release{}, nil, err
	}
	posts, err := s.render.Render(rec.Release)
	return rec.Release, posts, err
}

// handler assembles the HTTP surface.
func (s *server) handler() httpd.Config {
	return httpd.Config{
		Site: s.site.Handler(), Preview: s.preview, PreviewKey: s.previewKeyCheck(), Metrics: s.metrics.Handler(), Log: s.log,
		Prefix: basePath(s.cfg.Site.BaseURL),
		Ready: []httpd.Check{
			{Name: "database", Run: s.store.Ping},
			{Name: "queue", Run: s.queueReady},
			{Name: "channels", Run: s.health.Ready},
		},
	}
}

// basePath returns the path of the base URL base ("/news"), "" at the
// host's root.
func basePath(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// queueReady reports whether the queue was started.
func (s *server) queueReady(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.queueRun {
		return errors.New("queue not running")
	}
	return nil
}

// run starts every part and blocks until ctx ends, then stops them in
// order: no new jobs, in-flight sends finish (or are marked), store closed.
func (s *server) run(ctx context.Context) error {
	defer s.store.Close()
	s.welcome()
	if err := s.updateNewsroom(ctx); err != nil {
		s.log.Warn("newsroom: first build failed; it is retried on the next change", "err", err)
	}
	// Nothing is sent before the address and the content are known good.
	ln, err := s.listener()
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := s.contentReady(); err != nil {
		return err
	}
	// River stops hard when its start context ends: give it one that
	// outlives the signal, and stop it softly below.
	if err := s.queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	s.mu.Lock()
	s.queueRun = true
	s.mu.Unlock()
	// A part that cannot run (the address taken, the content folder
	// missing) stops the others, so that serve exits with the reason
	// instead of running half.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Go(func() {
		if err := s.watch(ctx); err != nil {
			errc <- err
			cancel()
		}
	})
	wg.Go(func() { s.health.Run(ctx) })
	wg.Go(func() { s.newsroomLoop(ctx) })
	if s.bot != nil {
		wg.Go(func() {
			if err := s.bot.Run(ctx); err != nil {
				s.log.Error("the approvers' chat stopped; approve with the command line until serve is restarted", "err", err)
			}
		})
	}
	s.log.Info("newsroom and API listening", "addr", ln.Addr().String(), "newsroom", s.cfg.Site.BaseURL+"/",
		"preview", s.cfg.Site.BaseURL+"/preview/{id}", "health", "http://"+ln.Addr().String()+"/healthz")
	err = httpd.Serve(ctx, ln, s.httpHandler())
	cancel()
	s.shutdown(ctx)
	wg.Wait()
	close(errc)
	for e := range errc {
		err = errors.Join(err, e)
	}
	return err
}

// listener returns the listener serve bound before the server was built
// (for port 0), or binds the configured address.
func (s *server) listener() (net.Listener, error) {
	if s.ln != nil {
		return s.ln, nil
	}
	return httpd.Listen(s.cfg.HTTP.Addr)
}

// contentReady checks that the content folder is there, unless serve
// follows a git repository (which makes its own).
func (s *server) contentReady() error {
	if s.git != nil {
		return nil
	}
	if fi, err := os.Stat(s.contentDir); err != nil || !fi.IsDir() {
		return fmt.Errorf("content: %s is not a folder: give the releases' folder with -content or content.dir (create it for a new office)", s.contentDir)
	}
	return nil
}

// shutdown stops the queue softly within a minute.
func (s *server) shutdown(ctx context.Context) {
	s.log.Info("stopping: no new jobs; waiting for sends in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.queue.Stop(sctx); err != nil {
		s.log.Error("queue stop", "err", err)
	}
	s.mu.Lock()
	s.queueRun = false
	s.mu.Unlock()
}

// watch feeds content changes to ingest until ctx ends: from the content
// folder, or from the followed git repository.
func (s *server) watch(ctx context.Context) error {
	if s.git != nil {
		return s.followGit(ctx)
	}
	changes := make(chan watch.Changes, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.watcher.Run(ctx, changes) }()
	first := true
	for {
		select {
		case <-ctx.Done():
			return <-errc
		case err := <-errc:
			return err
		case ch := <-changes:
			_ = s.apply(ctx, ch) // logged by apply
			if first {
				// The first scan finds every file: a release whose file
				// is gone was removed while serve was stopped.
				first = false
				if err := s.ingest.Reconcile(ctx, ch.Added); err != nil {
					s.log.Error("content sync: releases whose file was removed while serve was stopped", "err", err)
				}
			}
		}
	}
}

// followGit applies the changes of each fetched commit and stores the last
// commit processed, so a restart resumes from it.
func (s *server) followGit(ctx context.Context) error {
	last, err := s.store.Setting(ctx, store.SettingGitCommit)
	if err != nil {
		return err
	}
	changes := make(chan gitsync.Changes, 1)
	errc := make(chan error, 1)
	go func() { errc <- s.git.Run(ctx, last, changes) }()
	for {
		select {
		case <-ctx.Done():
			return <-errc
		case err := <-errc:
			return err
		case ch := <-changes:
			if s.apply(ctx, watch.Changes{Added: ch.Added, Changed: ch.Changed, Removed: ch.Removed, Files: ch.Files}) == nil {
				if err := s.store.SetSetting(ctx, store.SettingGitCommit, ch.To); err != nil {
					s.log.Error("cannot record the content commit; it is processed again after a restart", "commit", ch.To, "err", err)
				}
			}
		}
	}
}

// apply hands one batch of changes to ingest and logs the outcome.
func (s *server) apply(ctx context.Context, ch watch.Changes) error {
	start := time.Now()
	n, err := s.ingest.Apply(ctx, ch)
	if err != nil {
		s.log.Error("content sync", "err", err)
	}
	var failed *ingest.Failed
	if errors.As(err, &failed) && s.git == nil {
		s.watcher.Forget(failed.Paths...) // tried again at the next scan
		s.watcher.Remember(failed.Removed...)
	}
	s.refreshNewsroom() // a withdrawn release leaves it now, not within the minute
	if n > 0 {
		s.metrics.ObserveOffer(time.Since(start))
	}
	s.log.Info("content synced", "added", len(ch.Added), "changed", len(ch.Changed), "removed", len(ch.Removed), "files", len(ch.Files), "offered", n)
	if len(ch.Added)+len(ch.Changed) >= 1000 {
		// A big first load reads every file once; give that memory back
		// instead of holding it at the peak for the life of the process.
		debug.FreeOSMemory()
	}
	return err
}

// newsroomLoop rebuilds the newsroom after publications and, between
// them, checks it every newsroomWait (embargoes pass; the command line
// marks, updates and approves from another process).
func (s *server) newsroomLoop(ctx context.Context) {
	t := time.NewTimer(newsroomWait(0))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.refresh:
		}
		start := time.Now()
		if err := s.updateNewsroom(ctx); err != nil {
			s.log.Warn("newsroom update failed", "err", err)
		}
		t.Reset(newsroomWait(time.Since(start)))
	}
}

// newsroomWait is how long the newsroom loop waits for its next check
// after one that took took: 50 times that, between 5 s and a minute. A
// change made by another process then shows within seconds, and the
// checks of a large archive (0.2 s with 10,000 releases) take at most 2%
// of a CPU.
func newsroomWait(took time.Duration) time.Duration {
	return min(max(50*took, 5*time.Second), time.Minute)
}

// newsroomCurrent reports whether the live newsroom shows what the store
// says is published, and answers 410 for what it says is gone, from the
// releases' stamps alone.
func (s *server) newsroomCurrent(ctx context.Context, root *os.Root) (bool, error) {
	if !s.newsroomBuilt {
		return false, nil
	}
	stamps, err := s.store.PublishedStamps(ctx)
	if err != nil {
		return false, err
	}
	gone, err := s.store.Gone(ctx)
	if err != nil {
		return false, err
	}
	return newsroomKey(stamps, s.newsroomImages, gone, root) == s.newsroomKey, nil
}

// updateNewsroom rebuilds the live newsroom from the published releases,
// unless they are what it was last built from: the minute's check then
// costs one light read of the store (the releases' stamps, not their
// content) instead of rendering every release again.
func (s *server) updateNewsroom(ctx context.Context) error {
	s.newsroomMu.Lock()
	defer s.newsroomMu.Unlock()
	root := openContent(s.contentDir)
	if root != nil {
		defer root.Close()
	}
	renames, err := s.store.Renames(ctx)
	if err != nil {
		return err
	}
	s.site.SetMoved(siteMoved(renames)) // the old page addresses redirect
	if current, err := s.newsroomCurrent(ctx, root); current || err != nil {
		return err
	}
	pubs, err := s.store.Published(ctx)
	if err != nil {
		return err
	}
	// The key of what is built, which a publication since the check may
	// have made newer than the stamps: the next check then sees it.
	stamps, images := make([]store.PublishedStamp, len(pubs)), newsroomImages{}
	for i, p := range pubs {
		stamps[i] = p.Stamp()
		images.add(p.Release)
	}
	gone, err := s.store.Gone(ctx)
	if err != nil {
		return err
	}
	key := newsroomKey(stamps, images, gone, root)
	entries, log := entriesOf(pubs, s.webRender, root)
	s.site.SetGone(siteGone(gone)) // before Update, which keeps their languages
	if err := s.site.Update(entries); err != nil {
		return err
	}
	log.each(entries, func(e *site.Entry, problem string) {
		s.log.Warn("newsroom: a published release was rendered only in part", "release", e.Release.ID, "problem", problem)
	})
	s.newsroomKey, s.newsroomImages, s.newsroomBuilt = key, images, true
	return nil
}

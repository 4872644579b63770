// Package ingest turns what the content watcher saw into state: it parses
// each new or changed release file, records valid releases in the store,
// offers new and changed ones for approval, and reports files that fail
// `check` to the officers and the log, once per distinct problem. One bad
// file never stops the others.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// Store is what ingest needs of the store.
type Store interface {
	UpsertRelease(ctx context.Context, rel release.Release, actor string) (store.Change, error)
	Get(ctx context.Context, id string) (store.Record, error)
	Withdraw(ctx context.Context, id, actor, reason string) error
	Cancel(ctx context.Context, id, actor, reason string) error
	List(ctx context.Context, f store.ListFilter) ([]store.Record, error)
	TranslationHolder(ctx context.Context, id, key, lang string) (string, error)
}

// Failed is the error of Apply when some files could not be processed for
// a reason outside them (the store failed, the folder could not be read):
// the caller should hand them over again (watch.Watcher.Forget for Paths,
// Remember for Removed), so that they are retried rather than taken as
// done.
type Failed struct {
	Paths   []string // release files added or changed, relative to the content folder
	Removed []string // release files whose removal could not be recorded
	Err     error
}

// Error implements error.
func (f *Failed) Error() string { return f.Err.Error() }

// Unwrap returns the underlying errors.
func (f *Failed) Unwrap() error { return f.Err }

// Offerer shows releases to the officers: the approval bot, or a log line
// when approval is by CLI only.
type Offerer interface {
	Offer(ctx context.Context, rel release.Release, ch store.Change) error
	ReportProblems(ctx context.Context, path string, problems []string)
	Alert(ctx context.Context, text string)
}

// Ingest applies content changes. It is safe for one goroutine at a time.
type Ingest struct {
	dir     string
	opts    content.Options
	store   Store
	offer   Offerer
	log     *slog.Logger
	commit  func() string
	mu      sync.Mutex
	problem map[string]string // path → last reported problems
	held    map[string]bool   // releases whose posts hold cancelled, until offered again
	offered func(id string, at time.Time)
}

// Config assembles an Ingest.
type Config struct {
	Dir     string
	Options content.Options
	Store   Store
	Offer   Offerer
	Log     *slog.Logger
	// Commit returns the source commit of the content folder ("" unknown).
	Commit func() string
	// Offered, if set, is called when a release is offered for approval
	// (metrics: time from a file change to the approval request).
	Offered func(id string, at time.Time)
}

// New returns an Ingest for cfg.
func New(cfg Config) *Ingest {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Commit == nil {
		cfg.Commit = func() string { return "" }
	}
	return &Ingest{dir: cfg.Dir, opts: cfg.Options, store: cfg.Store, offer: cfg.Offer, log: cfg.Log,
		commit: cfg.Commit, problem: map[string]string{}, held: map[string]bool{}, offered: cfg.Offered}
}

// Apply processes one batch of changes and returns how many releases were
// offered for approval. Errors of single files are reported, not returned;
// the error is for the store failing.
func (in *Ingest) Apply(ctx context.Context, ch watch.Changes) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	paths := append(append([]string{}, ch.Added...), ch.Changed...)
	releases, invalid, err := in.parse(ctx, paths, ch.Files)
	if err != nil {
		return 0, &Failed{Paths: paths, Err: err}
	}
	offered := 0
	var errs []error
	var failed []string
	for _, rel := range releases {
		ok, err := in.record(ctx, rel)
		if err != nil {
			errs, failed = append(errs, err), append(failed, rel.ID+".md")
		}
		if ok {
			offered++
		}
	}
	for id, problem := range invalid {
		if err := in.hold(ctx, id, problem); err != nil {
			errs, failed = append(errs, err), append(failed, id+".md")
		}
	}
	var notRemoved []string
	for _, p := range ch.Removed {
		if err := in.removed(ctx, p); err != nil {
			errs, notRemoved = append(errs, err), append(notRemoved, p)
		}
	}
	if len(failed)+len(notRemoved) > 0 {
		slices.Sort(failed)
		return offered, &Failed{Paths: failed, Removed: notRemoved, Err: errors.Join(errs...)}
	}
	return offered, errors.Join(errs...)
}

// hold stops release id, whose file is now invalid or unreadable, from
// going out in the version approved before: its unsent posts are
// cancelled and it awaits approval again, once its file is fixed.
func (in *Ingest) hold(ctx context.Context, id, problem string) error {
	rec, err := in.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ingest: hold %s: %w", id, err)
	}
	if rec.State != release.StatusApproved && rec.State != release.StatusScheduled {
		return nil
	}
	if err := in.store.Cancel(ctx, id, store.ActorSystem, "the file is invalid now: "+problem); err != nil {
		return fmt.Errorf("ingest: hold %s: %w", id, err)
	}
	in.held[id] = true
	in.log.Warn("the file of an approved release is invalid now: its posts are held", "release", id, "problem", problem)
	in.offer.Alert(ctx, fmt.Sprintf("The file of the approved release %s is invalid now (%s): its scheduled posts were cancelled. Fix the file; it is then offered for approval again.", id, problem))
	return nil
}

// parse reads the release files rels (relative to dir), and those naming
// one of files as their picture, reports problems, and returns the valid
// releases. A batch of several goes through content.Load so that
// cross-file rules (duplicate translation_key) apply.
//
// It also returns the releases whose file (among rels) has an error, by
// ID, with the first error; and an error when the folder itself could
// not be read.
func (in *Ingest) parse(ctx context.Context, rels, files []string) ([]release.Release, map[string]string, error) {
	if len(rels) == 0 && len(files) == 0 {
		return nil, nil, nil
	}
	full := make([]string, len(rels))
	for i, p := range rels {
		full[i] = filepath.Join(in.dir, filepath.FromSlash(p))
	}
	opts := in.opts
	opts.TranslationHeld = in.translationHeld(ctx, rels)
	var res content.Result
	if len(rels) > 1 || len(files) > 0 {
		var err error
		if res, err = content.Load(in.dir, opts); err != nil { // whole folder: cross-file rules
			return nil, nil, fmt.Errorf("ingest: %w", err)
		}
		res = only(res, full, files)
	} else {
		res = in.parseOne(full[0], rels[0], opts)
	}
	in.report(ctx, full, res.Problems)
	commit := in.commit()
	for i := range res.Releases {
		res.Releases[i].Commit = commit
	}
	return res.Releases, invalidOf(rels, full, res.Problems), nil
}

// invalidOf returns the IDs of the release files rels (full: their paths)
// that have an error in probs, with their first error.
func invalidOf(rels, full []string, probs []content.Problem) map[string]string {
	first := map[string]string{}
	for _, p := range probs {
		if _, seen := first[p.Path]; !seen && p.Severity == content.SeverityError {
			first[p.Path] = p.String()
		}
	}
	out := map[string]string{}
	for i, f := range full {
		if problem, ok := first[f]; ok {
			out[strings.TrimSuffix(rels[i], ".md")] = problem
		}
	}
	return out
}

// showsPicture reports whether the text of r shows one of pictures: one of
// its BodyImages, or a path the body names (a picture just added or
// removed is not among them). A release matched by chance is read again
// and, its hash unchanged, not offered.
func showsPicture(r release.Release, pictures []string) bool {
	for _, p := range pictures {
		if strings.Contains(r.Body, p) || slices.ContainsFunc(r.BodyImages, func(im release.BodyImage) bool { return im.Path == p }) {
			return true
		}
	}
	return false
}

// translationHeld asks the store which release already holds a
// translation_key in a language (content.Options.TranslationHeld), for
// the release files rels of the batch only: a batch reads the whole
// folder, whose other releases are already recorded. A store error is
// logged and lets the file through: recording it will meet the same
// error.
func (in *Ingest) translationHeld(ctx context.Context, rels []string) func(id, key, lang string) string {
	ids := make(map[string]bool, len(rels))
	for _, r := range rels {
		ids[strings.TrimSuffix(r, ".md")] = true
	}
	return func(id, key, lang string) string {
		if !ids[id] {
			return ""
		}
		other, err := in.store.TranslationHolder(ctx, id, key, lang)
		if err != nil {
			in.log.Warn("cannot check the translation_key against the database", "release", id, "err", err)
		}
		return other
	}
}

// Current reports whether the file of release id gives content hash now:
// nil if so, else an error saying what is different (the file changed
// and its new version is not recorded yet, it is invalid, or it is gone).
// Approval asks it, so that an approval is of the file as it stands, not
// of an older version the chat still shows.
func (in *Ingest) Current(id, hash string) error {
	rel := id + ".md"
	full := filepath.Join(in.dir, filepath.FromSlash(rel))
	if _, err := os.Stat(full); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ingest: the file %s is gone", rel)
	}
	res := in.parseOne(full, rel, in.opts)
	for _, p := range res.Problems {
		if p.Severity == content.SeverityError {
			return fmt.Errorf("ingest: the file is invalid now: %s", p)
		}
	}
	if len(res.Releases) != 1 || res.Releases[0].Hash != hash {
		return fmt.Errorf("ingest: the file %s changed since this version; the new one is offered in a moment", rel)
	}
	return nil
}

// parseOne reads a single file.
func (in *Ingest) parseOne(path, rel string, opts content.Options) content.Result {
	data, err := os.ReadFile(path)
	if err != nil {
		return content.Result{Problems: []content.Problem{{Path: path, Line: 1, Col: 1,
			Severity: content.SeverityError, Message: "cannot read: " + err.Error()}}}
	}
	r, probs := content.Parse(path, strings.TrimSuffix(rel, ".md"), data, opts)
	res := content.Result{Problems: probs, Files: 1}
	if !content.HasErrors(probs) {
		res.Releases = []release.Release{r}
	}
	return res
}

// only keeps the releases and problems of the given release files, and
// the releases whose local picture, or a picture of whose text, is one of
// pictures (slash paths relative to the content folder; content cleans a
// release's image path): a picture replaced, added or removed under the
// name a release gives changes that release's hash.
func only(res content.Result, files, pictures []string) content.Result {
	want := map[string]bool{}
	for _, f := range files {
		want[filepath.Clean(f)] = true
	}
	pic := map[string]bool{}
	for _, p := range pictures {
		pic[p] = true
	}
	var out content.Result
	for _, r := range res.Releases {
		if want[filepath.Clean(r.Path)] || (r.Image != "" && !release.IsImageURL(r.Image) && pic[strings.TrimLeft(r.Image, "/")]) ||
			showsPicture(r, pictures) {
			out.Releases = append(out.Releases, r)
		}
	}
	for _, p := range res.Problems {
		if want[filepath.Clean(p.Path)] {
			out.Problems = append(out.Problems, p)
		}
	}
	return out
}

// report logs and sends each file's problems once; a file that became
// valid again is forgotten so a later problem is reported anew.
func (in *Ingest) report(ctx context.Context, files []string, probs []content.Problem) {
	byFile := map[string][]string{}
	for _, p := range probs {
		byFile[p.Path] = append(byFile[p.Path], p.String())
		in.log.Warn("release has a problem", "path", p.Path, "line", p.Line, "col", p.Col,
			"severity", p.Severity.String(), "problem", p.Message)
	}
	for _, f := range files {
		lines, bad := byFile[f]
		if !bad {
			delete(in.problem, f)
			continue
		}
		key := strings.Join(lines, "\n")
		if in.problem[f] == key || !anyError(probs, f) {
			continue
		}
		in.problem[f] = key
		in.offer.ReportProblems(ctx, f, lines)
	}
}

// anyError reports whether probs holds an error for file f.
func anyError(probs []content.Problem, f string) bool {
	for _, p := range probs {
		if p.Path == f && p.Severity == content.SeverityError {
			return true
		}
	}
	return false
}

// record stores rel and offers it when new or changed; it reports whether
// it was offered.
func (in *Ingest) record(ctx context.Context, rel release.Release) (bool, error) {
	ch, err := in.store.UpsertRelease(ctx, rel, store.ActorSystem)
	if err != nil {
		return false, fmt.Errorf("ingest: %s: %w", rel.ID, err)
	}
	in.log.Info("release synced", "release", rel.ID, "change", ch.Kind.String(), "state", string(ch.State), "hash", rel.ShortHash())
	if in.held[rel.ID] {
		// Its file is valid again: offered anew, even back to the version
		// approved before, whose approval hold cancelled.
		delete(in.held, rel.ID)
		if ch.Kind == store.ChangeUnchanged && ch.State == release.StatusPendingApproval {
			ch.Kind = store.ChangeAfterApproval
		}
	}
	if ch.Kind == store.ChangeUnchanged || rel.Draft {
		return false, nil
	}
	if err := in.offer.Offer(ctx, rel, ch); err != nil {
		in.log.Error("cannot offer release for approval; it stays pending", "release", rel.ID, "err", err)
		return false, nil
	}
	if in.offered != nil {
		in.offered(rel.ID, time.Now())
	}
	return true, nil
}

// Reconcile withdraws, as removed, the releases still to be published
// whose file is gone although no scan saw it go: removed while serve was
// stopped. present lists the release files the first scan found (slash
// paths relative to the content folder); call it only when that scan
// found some, so that a folder not mounted withdraws nothing. A file that
// cannot be looked at for another reason than its absence (an unreadable
// folder) keeps its release. Published releases are left alone: their
// posts stay online.
func (in *Ingest) Reconcile(ctx context.Context, present []string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	recs, err := in.store.List(ctx, store.ListFilter{States: []release.Status{
		release.StatusNew, release.StatusPendingApproval, release.StatusApproved, release.StatusScheduled}})
	if err != nil {
		return fmt.Errorf("ingest: reconcile: %w", err)
	}
	seen := make(map[string]bool, len(present))
	for _, p := range present {
		seen[p] = true
	}
	var errs []error
	for _, rec := range recs {
		rel := rec.ID + ".md"
		if seen[rel] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(in.dir, filepath.FromSlash(rel))); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		in.log.Info("the file of a release was removed while serve was stopped", "release", rec.ID)
		errs = append(errs, in.removed(ctx, rel))
	}
	return errors.Join(errs...)
}

// removed handles a deleted release file: pending posts are withdrawn; a
// published release is left alone and the officers are told how to remove
// its posts.
func (in *Ingest) removed(ctx context.Context, rel string) error {
	id := strings.TrimSuffix(rel, ".md")
	delete(in.problem, filepath.Join(in.dir, filepath.FromSlash(rel)))
	rec, err := in.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ingest: removed %s: %w", id, err)
	}
	switch rec.State {
	case release.StatusWithdrawn, release.StatusRejected:
		return nil
	case release.StatusPublished:
		in.offer.Alert(ctx, fmt.Sprintf("The file of the published release %s was removed. Its posts stay online; to delete them, restore the file with withdrawn: true.", id))
		return nil
	}
	if err := in.store.Withdraw(ctx, id, store.ActorSystem, "file removed from content"); err != nil {
		return fmt.Errorf("ingest: removed %s: %w", id, err)
	}
	in.offer.Alert(ctx, fmt.Sprintf("The file of %s was removed: its pending posts were withdrawn.", id))
	return nil
}

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
	Translations(ctx context.Context) (*store.Translations, error)
	Kin(ctx context.Context, id string, rel release.Release) ([]store.Record, error)
	Peek(ctx context.Context, id string) (store.Peeked, error)
	PeekAll(ctx context.Context, ids []string) (map[string]store.Peeked, error)
	HaveKin(ctx context.Context, rels []release.Release) (map[string]bool, error)
	IDs(ctx context.Context, states ...release.Status) ([]string, error)
	RenameRelease(ctx context.Context, from string, rel release.Release, actor string) (store.Change, error)
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
	// Renamed follows a rename: release from is to now, its file
	// renamed (store.RenameRelease), with the change ch; any change of
	// content is offered after it. It reports whether it told the
	// officers that a request to approve a copy at to, shown before, is
	// void (the approval chat rewrites that card).
	Renamed(ctx context.Context, from, to string, ch store.Change) bool
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
	// refused holds, by release ID, the release files refused because that
	// release holds their translation_key: read again once its file goes
	// (a rename the watcher saw in two steps).
	refused map[string][]string
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
		commit: cfg.Commit, problem: map[string]string{}, held: map[string]bool{}, refused: map[string][]string{}, offered: cfg.Offered}
}

// Apply processes one batch of changes and returns how many releases were
// offered for approval. Errors of single files are reported, not returned;
// the error is for the store failing.
func (in *Ingest) Apply(ctx context.Context, ch watch.Changes) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	paths := append(append([]string{}, ch.Added...), ch.Changed...)
	offered, errs, failed, err := in.files(ctx, paths, ch.Files)
	if err != nil {
		return 0, &Failed{Paths: paths, Err: err}
	}
	var notRemoved, again []string
	for _, p := range ch.Removed {
		retry, err := in.removed(ctx, p)
		if err != nil {
			errs, notRemoved = append(errs, err), append(notRemoved, p)
		}
		again = append(again, retry...)
	}
	if again = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(again))), func(p string) bool {
		return slices.Contains(paths, p) || !exists(filepath.Join(in.dir, filepath.FromSlash(p)))
	}); len(again) > 0 {
		// Files refused because a release whose file is now gone held
		// their translation_key: that release was renamed.
		n, e, f, err := in.files(ctx, again, nil)
		if err != nil {
			e, f = append(e, err), again
		}
		offered, errs, failed = offered+n, append(errs, e...), append(failed, f...)
	}
	if len(failed)+len(notRemoved) > 0 {
		slices.Sort(failed)
		return offered, &Failed{Paths: failed, Removed: notRemoved, Err: errors.Join(errs...)}
	}
	return offered, errors.Join(errs...)
}

// files reads and records the release files paths (and the releases
// naming one of the pictures files): it returns how many were offered,
// the errors of single releases and their files, and an error when the
// folder could not be read.
func (in *Ingest) files(ctx context.Context, paths, files []string) (int, []error, []string, error) {
	releases, invalid, err := in.parse(ctx, paths, files)
	if err != nil {
		return 0, nil, nil, err
	}
	offered := 0
	var errs []error
	var failed []string
	sv := newSieve()
	for chunk := range slices.Chunk(releases, sieveChunk) {
		if err := sv.load(ctx, in.store, chunk); err != nil {
			// Each file asks the store itself, and meets the error.
			in.log.Warn("cannot read ahead what the store holds of the releases; asking it file by file", "err", err)
		}
		for _, rel := range chunk {
			ok, err := in.record(ctx, rel, sv)
			if err != nil {
				errs, failed = append(errs, err), append(failed, rel.ID+".md")
			}
			if ok {
				offered++
			}
		}
	}
	for id, problem := range invalid {
		if err := in.hold(ctx, id, problem); err != nil {
			errs, failed = append(errs, err), append(failed, id+".md")
		}
	}
	return offered, errs, failed, nil
}

// exists reports whether path is there (a path that cannot be looked at
// for another reason counts as there).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// fileGone reports whether the file of release id is not in the content
// folder.
func (in *Ingest) fileGone(id string) bool { return fileGone(in.dir, id) }

// fileGone reports whether the file of release id is not in the content
// folder dir.
func fileGone(dir, id string) bool {
	return !exists(filepath.Join(dir, filepath.FromSlash(id)+".md"))
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
// error. Files are parsed in parallel, so it may be called concurrently.
func (in *Ingest) translationHeld(ctx context.Context, rels []string) func(id, key, lang string) string {
	ids := make(map[string]bool, len(rels))
	for _, r := range rels {
		ids[strings.TrimSuffix(r, ".md")] = true
	}
	holder := in.translationHolder(ctx, len(rels))
	var mu sync.Mutex
	return func(id, key, lang string) string {
		if !ids[id] {
			return ""
		}
		other := holder(id, key, lang)
		if other != "" && in.fileGone(other) && RenameTarget(ctx, in.store, id) {
			return "" // its file is gone: this one is it, renamed (Upsert)
		}
		mu.Lock()
		defer mu.Unlock()
		if other != "" && !slices.Contains(in.refused[other], id+".md") {
			in.refused[other] = append(in.refused[other], id+".md")
		}
		return other
	}
}

// holdersAhead is the number of release files from which a batch reads
// every release's translation_key in one query (Store.Translations)
// rather than asking the store about each file: a first scan of an
// archive in three languages asks about nearly every file.
const holdersAhead = 32

// translationHolder returns how to ask which release holds a
// translation_key in a language (Store.TranslationHolder) for a batch of
// n files: a large batch reads all at its first question, a small one, or
// one whose read fails, asks file by file.
func (in *Ingest) translationHolder(ctx context.Context, n int) func(id, key, lang string) string {
	ask := func(id, key, lang string) string {
		other, err := in.store.TranslationHolder(ctx, id, key, lang)
		if err != nil {
			in.log.Warn("cannot check the translation_key against the database", "release", id, "err", err)
		}
		return other
	}
	if n < holdersAhead {
		return ask
	}
	all := sync.OnceValue(func() *store.Translations {
		t, err := in.store.Translations(ctx)
		if err != nil {
			in.log.Warn("cannot read ahead the translation keys in the database; asking file by file", "err", err)
		}
		return t
	})
	return func(id, key, lang string) string {
		if t := all(); t != nil {
			return t.Holder(id, key, lang)
		}
		return ask(id, key, lang)
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
// it was offered. A release file that is another release's renamed file
// moves that release (rename); one that repeats a release whose file is
// still there is offered with a warning.
func (in *Ingest) record(ctx context.Context, rel release.Release, sv *sieve) (bool, error) {
	ch, err := in.upsert(ctx, rel, sv)
	if err != nil {
		return false, fmt.Errorf("ingest: %s: %w", rel.ID, err)
	}
	in.log.Info("release synced", "release", rel.ID, "change", ch.Kind.String(), "state", string(ch.State), "hash", rel.ShortHash())
	if ch.RenamedFrom != "" {
		in.renamed(ctx, ch.RenamedFrom, rel.ID, ch)
	}
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
	if ch.Repeats != "" {
		in.log.Warn("release repeats another release, whose file is still there: approving it publishes the same press release twice; if the file is a copy, delete it",
			"release", rel.ID, "repeats", ch.Repeats, "repeats_state", string(ch.RepeatsState))
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

// upsert records rel (Upsert, helped by sv), and moves what Ingest holds
// of a renamed release to its new ID.
func (in *Ingest) upsert(ctx context.Context, rel release.Release, sv *sieve) (store.Change, error) {
	ch, err := upsertSifted(ctx, in.store, in.dir, rel, store.ActorSystem, sv)
	if from := ch.RenamedFrom; from != "" && in.held[from] {
		delete(in.held, from)
		in.held[rel.ID] = true
	}
	return ch, err
}

// Upsert records rel, read from the content folder dir, for actor. A
// release not stored yet (or stored only as a store.Placeholder of
// another content) that has the content hash, or the translation_key and
// lang, of a stored release whose file is gone is that release's file
// renamed: the release moves to rel.ID (store.RenameRelease;
// Change.RenamedFrom says so) and nothing is offered or published again
// for the rename. One whose content is that of a live release whose file
// is still there is a copy: it is recorded as a release of its own and
// marked (Change.Repeats), so that the officers are warned before they
// publish the same press release twice. A file whose release is stored
// with its hash costs one light query more than UpsertRelease (serve
// asks it of a batch of files at once). The command line's approve and
// update use it as serve does.
func Upsert(ctx context.Context, st Store, dir string, rel release.Release, actor string) (store.Change, error) {
	return upsertSifted(ctx, st, dir, rel, actor, nil)
}

// upsertSifted is Upsert, with what sv read ahead of the store for a
// batch (nil: nothing) in place of Peek and Kin where it can.
func upsertSifted(ctx context.Context, st Store, dir string, rel release.Release, actor string, sv *sieve) (ch store.Change, err error) {
	defer func() { sv.recorded(rel, ch) }()
	cur, err := sv.peek(ctx, st, rel.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return store.Change{}, err
	case !cur.Placeholder || cur.Hash == rel.Hash:
		// Known as it is: a copy seen before its original went is
		// found when the original's removal is (removed, Reconcile).
		return st.UpsertRelease(ctx, rel, actor)
	}
	if !sv.mayHaveKin(rel) {
		return st.UpsertRelease(ctx, rel, actor) // no kin: neither a rename nor a copy
	}
	kin, err := st.Kin(ctx, rel.ID, rel)
	if err != nil {
		return store.Change{}, err
	}
	if from := renameOf(dir, kin, rel); from != "" {
		return st.RenameRelease(ctx, from, rel, actor)
	}
	ch, err = st.UpsertRelease(ctx, rel, actor)
	if err != nil {
		return ch, err
	}
	if k := repeated(dir, kin, rel); k != nil {
		ch.Repeats, ch.RepeatsState = k.ID, k.State
	}
	return ch, nil
}

// Repeats returns the release, other than rel, that rel repeats: one
// with its content that is on its way out or published and whose file is
// still in the content folder dir (rel's file is a copy of it); nil if
// none.
func Repeats(ctx context.Context, st Store, dir string, rel release.Release) (*store.Record, error) {
	kin, err := st.Kin(ctx, rel.ID, rel)
	if err != nil {
		return nil, err
	}
	return repeated(dir, kin, rel), nil
}

// repeated returns the release among kin that rel repeats (Repeats).
func repeated(dir string, kin []store.Record, rel release.Release) *store.Record {
	for i, k := range kin {
		if k.Hash == rel.Hash && live(k.State) && !fileGone(dir, k.ID) {
			return &kin[i]
		}
	}
	return nil
}

// RenameTarget reports whether release id may be the new ID of a renamed
// release (Upsert): it is not stored, or only as a store.Placeholder. A
// store error says no.
func RenameTarget(ctx context.Context, st Store, id string) bool {
	cur, err := st.Peek(ctx, id)
	return errors.Is(err, store.ErrNotFound) || (err == nil && cur.Placeholder)
}

// renameOf returns the release among kin (Store.Kin of rel) whose file is
// gone from dir and that rel is therefore the renamed file of, or "": the
// first with rel's content hash, else the first with its translation_key
// and lang; one that went further (not a store.Placeholder) before one
// that did not.
func renameOf(dir string, kin []store.Record, rel release.Release) string {
	best, rank := "", 0
	for _, k := range kin {
		if !fileGone(dir, k.ID) {
			continue
		}
		r := 1
		if k.Hash == rel.Hash {
			r += 2
		}
		if !store.Placeholder(k) {
			r++
		}
		if r > rank {
			best, rank = k.ID, r
		}
	}
	return best
}

// live reports whether a release in state is on its way out or out: a
// second release with its content would publish it twice.
func live(state release.Status) bool {
	switch state {
	case release.StatusNew, release.StatusWithdrawn, release.StatusRejected:
		return false
	}
	return true
}

// renamed tells the log and the officers that the file of release from
// was renamed, and the release moved to id; it reports whether the
// Offerer said that a request to approve a copy at id is void
// (Offerer.Renamed).
func (in *Ingest) renamed(ctx context.Context, from, id string, ch store.Change) bool {
	in.log.Info("release file renamed: the release moved to its new ID with its state, posts and history; nothing is offered or published again for the rename",
		"release", id, "from", from, "state", string(ch.State))
	void := in.offer.Renamed(ctx, from, id, ch)
	msg := fmt.Sprintf("The file of release %s was renamed to %s.md: the release is %s now, with its state (%s), posts and history; nothing is offered or published again.",
		from, id, id, ch.State)
	if ch.Kind != store.ChangeUnchanged {
		msg += " Its content changed too: see the next message."
	}
	in.offer.Alert(ctx, msg)
	return void
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
		_, err := in.removed(ctx, rel)
		errs = append(errs, err)
	}
	return errors.Join(append(errs, in.reconcileGone(ctx, seen))...)
}

// reconcileGone looks, for each release gone further than Reconcile's
// whose file is gone, for a copy of it recorded while its file was there:
// that copy is its file renamed (renamedCopy), the watcher having seen
// the new file before serve stopped and not the old one go.
func (in *Ingest) reconcileGone(ctx context.Context, seen map[string]bool) error {
	ids, err := in.store.IDs(ctx, release.StatusPublished, release.StatusPublishing, release.StatusFailed, release.StatusUncertain)
	if err != nil {
		return fmt.Errorf("ingest: reconcile: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if seen[id+".md"] || !in.fileGone(id) {
			continue
		}
		rec, err := in.store.Get(ctx, id)
		if err == nil {
			_, err = in.renamedCopy(ctx, rec)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// removed handles a deleted release file: pending posts are withdrawn; a
// published release is left alone and the officers are told how to remove
// its posts. When a release file recorded earlier as a release of its
// own repeats it (the watcher saw a rename in two steps: the new file
// first), that is its file renamed: the release moves there. It returns
// the release files to read again: those refused because this release
// held their translation_key.
func (in *Ingest) removed(ctx context.Context, rel string) ([]string, error) {
	id := strings.TrimSuffix(rel, ".md")
	delete(in.problem, filepath.Join(in.dir, filepath.FromSlash(rel)))
	again := in.refused[id]
	delete(in.refused, id)
	rec, err := in.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return again, nil
	}
	if err != nil {
		return again, fmt.Errorf("ingest: removed %s: %w", id, err)
	}
	if !in.fileGone(id) {
		return again, nil // back already
	}
	if to, err := in.renamedCopy(ctx, rec); to != "" || err != nil {
		return again, err
	}
	switch rec.State {
	case release.StatusWithdrawn, release.StatusRejected:
		return again, nil
	case release.StatusPublished:
		in.offer.Alert(ctx, fmt.Sprintf("The file of the published release %s was removed. Its posts stay online; to delete them, restore the file with withdrawn: true.", id))
		return again, nil
	}
	if err := in.store.Withdraw(ctx, id, store.ActorSystem, "file removed from content"); err != nil {
		return again, fmt.Errorf("ingest: removed %s: %w", id, err)
	}
	in.offer.Alert(ctx, fmt.Sprintf("The file of %s was removed: its pending posts were withdrawn.", id))
	return again, nil
}

// renamedCopy moves rec, whose file is gone, onto a release recorded
// earlier with its content (or its translation_key and lang) that went no
// further than awaiting approval and whose file is there: the watcher saw
// the renamed file before it saw the old one go. It returns the new ID,
// or "" when there is no such release.
func (in *Ingest) renamedCopy(ctx context.Context, rec store.Record) (string, error) {
	kin, err := in.store.Kin(ctx, rec.ID, rec.Release)
	if err != nil {
		return "", fmt.Errorf("ingest: removed %s: %w", rec.ID, err)
	}
	i := slices.IndexFunc(kin, func(k store.Record) bool { return store.Placeholder(k) && !in.fileGone(k.ID) })
	if i < 0 {
		return "", nil
	}
	to := kin[i]
	ch, err := in.store.RenameRelease(ctx, rec.ID, to.Release, store.ActorSystem)
	if err != nil {
		return "", fmt.Errorf("ingest: removed %s: %w", rec.ID, err)
	}
	if in.held[rec.ID] {
		delete(in.held, rec.ID)
		in.held[to.ID] = true
	}
	in.log.Info("release synced", "release", to.ID, "change", ch.Kind.String(), "state", string(ch.State), "hash", to.Release.ShortHash())
	void := in.renamed(ctx, rec.ID, to.ID, ch)
	switch {
	case ch.Kind == store.ChangeUnchanged && void:
		// The Offerer said so: the copy's card is rewritten.
	case ch.Kind == store.ChangeUnchanged:
		in.offer.Alert(ctx, fmt.Sprintf("The approval request shown for %s is void: %s is the file of %s renamed, which is %s; there is nothing to approve.",
			to.ID, to.ID, rec.ID, ch.State))
	default:
		if err := in.offer.Offer(ctx, to.Release, ch); err != nil {
			in.log.Error("cannot offer release for approval; it stays pending", "release", to.ID, "err", err)
		}
	}
	return to.ID, nil
}

// sieveChunk is how many releases of a batch a sieve reads ahead at once:
// few enough that what it read is fresh when they are recorded.
const sieveChunk = 500

// sieve holds what Upsert would ask the store of each release file of a
// batch, read ahead in a few queries (Store.PeekAll and Store.HaveKin):
// whether it is stored, and whether it may be a rename or a copy. A first
// load of many files then asks Peek of none of them, and Kin only of the
// few with the content, or the translation_key and lang, of another
// release. What it does not know (nothing was read, or a rename in the
// batch moved a release since) Upsert asks the store, as without it; a
// nil sieve knows nothing.
type sieve struct {
	peeked map[string]store.Peeked // by ID, those read and stored
	known  map[string]bool         // IDs read: in peeked, or not stored
	kin    map[string]bool         // by ID, those read: whether Kin finds some release
	// Hashes, and translation_keys in a language, recorded in the batch
	// since: a later file with one of them may be kin of that release.
	hashes map[string]bool
	keys   map[[2]string]bool
}

// newSieve returns an empty sieve.
func newSieve() *sieve {
	return &sieve{peeked: map[string]store.Peeked{}, known: map[string]bool{}, kin: map[string]bool{},
		hashes: map[string]bool{}, keys: map[[2]string]bool{}}
}

// load reads ahead what the store holds of rels: PeekAll of them all, and
// HaveKin of those that Upsert would ask Kin of (not stored, or stored as
// a store.Placeholder of another content). On an error it knows nothing
// more.
func (sv *sieve) load(ctx context.Context, st Store, rels []release.Release) error {
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.ID
	}
	peeked, err := st.PeekAll(ctx, ids)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	var ask []release.Release
	for _, r := range rels {
		if p, ok := peeked[r.ID]; !ok || (p.Placeholder && p.Hash != r.Hash) {
			ask = append(ask, r)
		}
	}
	kin, err := st.HaveKin(ctx, ask)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	for _, id := range ids {
		sv.known[id] = true
		if p, ok := peeked[id]; ok {
			sv.peeked[id] = p
		}
	}
	for id, k := range kin {
		sv.kin[id] = k
	}
	return nil
}

// peek is st.Peek of id, unless sv knows it.
func (sv *sieve) peek(ctx context.Context, st Store, id string) (store.Peeked, error) {
	if sv == nil || !sv.known[id] {
		return st.Peek(ctx, id)
	}
	if p, ok := sv.peeked[id]; ok {
		return p, nil
	}
	return store.Peeked{}, fmt.Errorf("ingest: release %q: %w", id, store.ErrNotFound)
}

// mayHaveKin reports whether st.Kin of rel may find a release: true
// unless sv read that it does not and nothing recorded since shares rel's
// hash, or its translation_key in its language.
func (sv *sieve) mayHaveKin(rel release.Release) bool {
	if sv == nil {
		return true
	}
	kin, read := sv.kin[rel.ID]
	return !read || kin || sv.hashes[rel.Hash] || (rel.TranslationKey != "" && sv.keys[[2]string{rel.TranslationKey, rel.Lang}])
}

// recorded notes that rel was recorded (or tried to be) with change ch:
// its hash and translation_key may be kin of a later file, and what sv
// read of rel.ID, and of the release a rename moved, is stale.
func (sv *sieve) recorded(rel release.Release, ch store.Change) {
	if sv == nil {
		return
	}
	sv.hashes[rel.Hash] = true
	if rel.TranslationKey != "" {
		sv.keys[[2]string{rel.TranslationKey, rel.Lang}] = true
	}
	for _, id := range []string{rel.ID, ch.RenamedFrom} {
		delete(sv.known, id)
		delete(sv.peeked, id)
		delete(sv.kin, id)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

func init() {
	register(command{name: "resolve", summary: "settle a failed or uncertain post, or record a post deleted by hand", run: runResolve})
	register(command{name: "cancel", summary: "take an approved or scheduled release back to review",
		run: stopCommand("cancel", cancelDescription, "why, for the audit log",
			"cancelled %s (by %s): its unsent posts will not go out; it awaits approval again", (*store.Store).Cancel)})
}

const resolveDescription = `Resolve settles a post that needs an officer's word, as the buttons of the
Telegram approvers' chat do, for an office that approves on the command line
or while Telegram is unreachable. ACTION is one of:

  retry      send the failed or uncertain post again (-at: now, or a time).
             For an uncertain post, first check the channel: retry only if
             the post did NOT go out, or it will be there twice.
  published  record that the failed or uncertain post did go out (you saw
             it on the channel); it is not sent again.
  skip       give up the failed or uncertain post: it is not sent on that
             channel; the release's other posts go on.
  delete     delete the published post of a withdrawn release on its
             platform (with the channels of -config, as 'pressbot serve'
             does; where that fails, delete it by hand and use deleted).
  deleted    record that you deleted the published post of a withdrawn
             release on the platform yourself.
             After delete or deleted, once the withdrawal is taken back and
             the release approved again, it goes out there anew; a post
             still recorded as published is never sent twice.

-channels names the posts; without it, delete acts on every post of the
release still published, and the other actions on the one post they apply
to ('pressbot status ID' lists them). Every action is kept in the audit log.`

// resolveFlags are the flags of resolve.
type resolveFlags struct {
	stateFlags
	channels string
	at       string
	outbox   string
}

// resolveStep is what an action works on: the store, the release's record,
// the time of a retry, and the channels' platforms (built when first
// needed).
type resolveStep struct {
	st      *store.Store
	rec     store.Record
	at      time.Time
	outlets func() (map[string]outlet, error)
}

// resolveAction is one ACTION of resolve.
type resolveAction struct {
	// fits reports whether the action applies to post p of a release in
	// state.
	fits func(state release.Status, p store.PostRecord) bool
	want string // what fits wants of a post, for messages: "failed or uncertain"
	// withdrawn says the action is for the posts of a withdrawn release.
	withdrawn bool
	// all makes the action apply to every post it fits when none is
	// named; else it wants the one that fits, or names.
	all bool
	// do applies the action to one channel's post.
	do func(ctx context.Context, s resolveStep, channel, actor string) error
	// done says what became of the post.
	done string
}

// resolveActions are the actions of resolve by name.
var resolveActions = map[string]resolveAction{
	"retry": {fits: unsettled, want: "failed or uncertain", done: "queued again",
		do: func(ctx context.Context, s resolveStep, ch, actor string) error {
			return s.st.Retry(ctx, s.rec.ID, ch, actor, s.at)
		}},
	"published": {fits: unsettled, want: "failed or uncertain", done: "recorded as published; it is not sent again",
		do: func(ctx context.Context, s resolveStep, ch, actor string) error {
			return s.st.MarkPublished(ctx, s.rec.ID, ch, actor, nil)
		}},
	"skip": {fits: unsettled, want: "failed or uncertain", done: "skipped; it is not sent on this channel",
		do: func(ctx context.Context, s resolveStep, ch, actor string) error {
			return s.st.Skip(ctx, s.rec.ID, ch, actor)
		}},
	"delete": {fits: deletable, want: "published", withdrawn: true, all: true, done: "deleted on the platform", do: deleteOnPlatform},
	"deleted": {fits: deletable, want: "published", withdrawn: true, done: "recorded as deleted on the platform",
		do: func(ctx context.Context, s resolveStep, ch, actor string) error {
			return s.st.PostDeleted(ctx, s.rec.ID, ch, actor)
		}},
}

// deleteOnPlatform deletes the published post of a withdrawn release on
// its platform, as the approvers' chat does on withdrawal, and records it.
func deleteOnPlatform(ctx context.Context, s resolveStep, ch, actor string) error {
	i := slices.IndexFunc(s.rec.Posts, func(p store.PostRecord) bool { return p.Channel == ch })
	if s.rec.Posts[i].Receipt == nil {
		return fmt.Errorf("it was marked as published by hand, without a receipt: delete it on the platform, then: pressbot resolve %s deleted -channels %s", s.rec.ID, ch)
	}
	outlets, err := s.outlets()
	if err != nil {
		return err
	}
	if err := (outletDeleter(outlets)).Delete(ctx, ch, *s.rec.Posts[i].Receipt); err != nil {
		return fmt.Errorf("%w (delete it by hand, then: pressbot resolve %s deleted -channels %s)", err, s.rec.ID, ch)
	}
	return s.st.PostDeleted(ctx, s.rec.ID, ch, actor)
}

// unsettled reports whether p awaits an officer's word after a send.
func unsettled(_ release.Status, p store.PostRecord) bool {
	return p.State == release.StatusFailed || p.State == release.StatusUncertain
}

// deletable reports whether p is a published post of a withdrawn release.
func deletable(state release.Status, p store.PostRecord) bool {
	return state == release.StatusWithdrawn && p.State == release.StatusPublished
}

// runResolve implements "pressbot resolve".
func runResolve(args []string, stdout, stderr io.Writer) int {
	var f resolveFlags
	fs := newFlagSet("resolve", "ID retry|published|skip|delete|deleted [-channels a,b] [-at now|TIME] [-config FILE] [-db URL] [-outbox DIR]", resolveDescription, stderr)
	f.define(fs, false)
	fs.StringVar(&f.channels, "channels", "", "comma-separated channel `names` (default: the one post the action applies to; for delete, all)")
	fs.StringVar(&f.at, "at", "", "`when` to retry: now (default), \"2025-03-31 09:30\" (office zone) or RFC 3339")
	fs.StringVar(&f.outbox, "outbox", "outbox", "`directory` of the dry-run channels (delete)")
	if code, ok := parseFlags(fs, reorderArgs(args)); !ok {
		return code
	}
	if fs.NArg() != 2 || strings.TrimSpace(fs.Arg(0)) == "" {
		fs.Usage()
		return exitUsage
	}
	id, name := strings.TrimSuffix(strings.Trim(fs.Arg(0), "/"), ".md"), fs.Arg(1)
	act, ok := resolveActions[name]
	if !ok {
		fmt.Fprintf(stderr, "pressbot resolve: unknown action %q: want retry, published, skip, delete or deleted\n", name)
		return exitUsage
	}
	ctx := context.Background()
	env := f.open(ctx, "resolve", stderr)
	if env == nil {
		return exitProblems
	}
	defer env.store.Close()
	if err := f.resolve(ctx, env, id, name, act, stdout); err != nil {
		fmt.Fprintf(stderr, "pressbot resolve: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// resolve applies act to the chosen posts of release id and prints what
// became of each and of the release.
func (f *resolveFlags) resolve(ctx context.Context, env *stateEnv, id, name string, act resolveAction, stdout io.Writer) error {
	now := time.Now()
	at, err := parseAt(f.at, now, env.zone)
	if err != nil {
		return err
	}
	if f.at != "" && name != "retry" {
		return fmt.Errorf("-at is for retry only")
	}
	rec, err := env.store.Get(ctx, id)
	if err != nil {
		return noRelease(id, err)
	}
	chans, err := pickPosts(rec, name, act, splitList(f.channels))
	if err != nil {
		return err
	}
	actor := cliActor().Actor()
	step := resolveStep{st: env.store, rec: rec, at: at, outlets: sync.OnceValues(func() (map[string]outlet, error) {
		return newOutlets(env.cfg, f.outbox, slog.New(slog.DiscardHandler))
	})}
	var failed []string
	for _, ch := range chans {
		if err := act.do(ctx, step, ch, actor); err != nil {
			fmt.Fprintf(stdout, "%s on %s: not done: %v\n", id, ch, err)
			failed = append(failed, ch)
			continue
		}
		fmt.Fprintf(stdout, "%s on %s: %s\n", id, ch, act.done)
	}
	if rec, err = env.store.Get(ctx, id); err != nil {
		return err
	}
	skipped, err := skippedOf(ctx, env.store, []store.Record{rec})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "release %s is %s (%s)\n", id, rec.State, queueChannels(rec, skipped[rec.ID]))
	if len(failed) > 0 {
		return fmt.Errorf("%s not done (%s): see above", plural(len(failed), "post"), strings.Join(failed, ", "))
	}
	return nil
}

// pickPosts returns the channels to act on with act (called name): those
// named, each of which must fit act, or else the one post of rec that fits
// (every one, for an act that takes all).
func pickPosts(rec store.Record, name string, act resolveAction, named []string) ([]string, error) {
	if act.withdrawn && rec.State != release.StatusWithdrawn {
		return nil, fmt.Errorf("%s is %s, not withdrawn: %s is for the posts of a withdrawn release (withdrawn: true in its front matter)", rec.ID, rec.State, name)
	}
	var fit, all []string
	for _, p := range rec.Posts {
		all = append(all, p.Channel+" "+string(p.State))
		if act.fits(rec.State, p) {
			fit = append(fit, p.Channel)
		}
	}
	for _, ch := range named {
		i := slices.IndexFunc(rec.Posts, func(p store.PostRecord) bool { return p.Channel == ch })
		switch {
		case i < 0:
			return nil, fmt.Errorf("%s has no post on %q (its posts: %s)", rec.ID, ch, orNone(all))
		case !slices.Contains(fit, ch):
			return nil, fmt.Errorf("%s on %s is %s (release %s), not %s: nothing to do", rec.ID, ch, rec.Posts[i].State, rec.State, act.want)
		}
	}
	switch {
	case len(named) > 0:
		return named, nil
	case len(fit) == 1 || (act.all && len(fit) > 0):
		return fit, nil
	case len(fit) == 0:
		return nil, fmt.Errorf("no post of %s is %s (release %s; its posts: %s)", rec.ID, act.want, rec.State, orNone(all))
	}
	return nil, fmt.Errorf("%d posts of %s are %s (%s): name the ones you mean with -channels", len(fit), rec.ID, act.want, strings.Join(fit, ", "))
}

// orNone joins list, or says "none".
func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

const cancelDescription = `Cancel takes an approved or scheduled release back to review, as the
Cancel button and /cancel of the Telegram approvers' chat do: its posts
that have not gone out are cancelled in the same transaction, and its
approvals no longer count. Posts already published stay. Approve it again
('pressbot approve ID') to schedule it anew.`

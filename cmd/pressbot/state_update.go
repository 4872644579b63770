package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

func init() {
	register(command{name: "update", summary: "edit the published posts of a release changed since, or keep them", run: runUpdate})
}

const updateDescription = `Update reads release ID as it is on disk now. When it changed after its
posts were published, update edits those posts to the new rendering, as the
"Update published posts" button of the Telegram approvers' chat does:
Telegram and Facebook posts are edited in place; X cannot edit, so it gets
a correction reply. The newsroom then shows the new version. With -keep,
the posts stay as they are ("Keep as published") and the newsroom keeps
the published version.

It calls the platforms with the channels of -config, as 'pressbot serve'
does; channels without credentials are the dry-run outbox (-outbox), which
does what the platform would: it rewrites the file of a Telegram or
Facebook post (photos kept), and for X writes the correction reply as a
new file (NAME-HASH.correction.json) beside the original. Run 'pressbot
render' on the file first to see the new posts.

A release published on some channels and changed before it went out on
the others needs both: update for the published posts, and 'pressbot
approve ID' to send the new version where it had not gone out.`

// updateFlags are the flags of update.
type updateFlags struct {
	stateFlags
	keep     bool
	channels string
	outbox   string
}

// runUpdate implements "pressbot update".
func runUpdate(args []string, stdout, stderr io.Writer) int {
	var f updateFlags
	fs := newFlagSet("update", "ID [-keep] [-channels a,b] [-config FILE] [-content DIR] [-db URL] [-outbox DIR]", updateDescription, stderr)
	f.define(fs, true)
	fs.BoolVar(&f.keep, "keep", false, "keep the published posts as they are")
	fs.StringVar(&f.channels, "channels", "", "comma-separated channel `names` (default: every post published from an older version)")
	fs.StringVar(&f.outbox, "outbox", "outbox", "`directory` of the dry-run channels")
	env, id, code, ok := f.openID(fs, args, stderr)
	if !ok {
		return code
	}
	defer env.store.Close()
	ctx := context.Background()
	failed, err := f.update(ctx, env, id, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot update: %v\n", err)
		return exitProblems
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "pressbot update: %s could not be updated; run update again once the cause is mended\n", plural(failed, "post"))
		return exitProblems
	}
	return exitOK
}

// update edits (or keeps) the outdated posts of release id and returns how
// many edits failed.
func (f *updateFlags) update(ctx context.Context, env *stateEnv, id string, stdout io.Writer) (int, error) {
	rel, err := loadRelease(ctx, env, id)
	if nf := (*noFileError)(nil); errors.As(err, &nf) {
		return 0, fmt.Errorf("%s: its file was removed from %s, so there is no version to update the posts to; they stay as published. "+
			"Restore the file to update or keep them, or restore it with withdrawn: true to delete them", id, env.cfg.Content.ReleaseDir())
	}
	if err != nil {
		return 0, err
	}
	if _, err := ingest.Upsert(ctx, env.store, env.cfg.Content.ReleaseDir(), rel, cliActor().Actor()); err != nil {
		return 0, err
	}
	rec, err := env.store.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	posts, err := outdated(rec, splitList(f.channels))
	if err != nil {
		return 0, err
	}
	if len(posts) == 0 {
		fmt.Fprintf(stdout, "%s: nothing to update: no post shows an older version (its posts: %s)\n", id, postStates(rec))
		printUnsent(stdout, rec)
		return 0, nil
	}
	defer printUnsent(stdout, rec)
	actor := cliActor().Actor()
	if f.keep {
		for _, p := range posts {
			if err := env.store.SettlePublished(ctx, id, p.Channel, rec.Hash, actor, nil); err != nil {
				return 0, err
			}
			fmt.Fprintf(stdout, "%s on %s: kept as published, with the text of version %s\n", id, p.Channel, short(p.Hash))
		}
		return 0, nil
	}
	fresh, err := renderPosts(env.cfg, rel)
	if err != nil {
		return 0, err
	}
	outlets, err := newOutlets(env.cfg, f.outbox, slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, err
	}
	failed := 0
	for _, p := range posts {
		what, err := editPost(ctx, env.store, outletEditor(outlets), rec, p, fresh, actor)
		if err != nil {
			failed++
			what = "not updated: " + err.Error()
		}
		fmt.Fprintf(stdout, "%s on %s: %s\n", id, p.Channel, what)
	}
	return failed, nil
}

// printUnsent says which channels of rec, changed before its post went
// out there, wait for an approval of the new version, and how to give it.
func printUnsent(w io.Writer, rec store.Record) {
	if unsent := unsentAfterChange(rec); len(unsent) > 0 {
		fmt.Fprintf(w, "%s on %s: not sent yet: its post was cancelled when the file changed; "+
			"'pressbot approve %s' approves the new version and schedules it there\n",
			rec.ID, strings.Join(unsent, ", "), ingest.ShellWord(rec.ID))
	}
}

// outdated returns the posts of rec published from an older version that
// were neither updated nor kept: all of them, or those named.
func outdated(rec store.Record, named []string) ([]store.PostRecord, error) {
	if rec.State == release.StatusWithdrawn {
		return nil, fmt.Errorf("%s is withdrawn: there is nothing to update ('pressbot resolve -h' for its posts)", rec.ID)
	}
	var out []store.PostRecord
	for _, p := range outdatedPosts(rec) {
		if len(named) == 0 || slices.Contains(named, p.Channel) {
			out = append(out, p)
		}
	}
	for _, ch := range named {
		if !slices.ContainsFunc(out, func(p store.PostRecord) bool { return p.Channel == ch }) {
			return nil, fmt.Errorf("%s has no post on %s published from an older version (its posts: %s)", rec.ID, ch, postStates(rec))
		}
	}
	return out, nil
}

// outdatedPosts returns the posts of rec published from an older version
// that were neither updated nor kept.
func outdatedPosts(rec store.Record) []store.PostRecord {
	var out []store.PostRecord
	for _, p := range rec.Posts {
		if p.State == release.StatusPublished && p.Hash != rec.Hash {
			out = append(out, p)
		}
	}
	return out
}

// postStates lists rec's posts as "channel state".
func postStates(rec store.Record) string {
	var all []string
	for _, p := range rec.Posts {
		all = append(all, p.Channel+" "+string(p.State))
	}
	return orNone(all)
}

// editPost edits published post p of rec to its new rendering in fresh and
// records it, saying what was done. It claims the post first (BeginEdit),
// so that the approvers' chat of a running serve cannot edit it at the
// same time.
func editPost(ctx context.Context, st *store.Store, ed outletEditor, rec store.Record, p store.PostRecord, fresh []release.Post, actor string) (string, error) {
	i := slices.IndexFunc(fresh, func(q release.Post) bool { return q.Channel == p.Channel })
	if i < 0 {
		return "no longer a channel of this release; left as it is", st.SettlePublished(ctx, rec.ID, p.Channel, rec.Hash, actor, nil)
	}
	if p.Receipt == nil {
		return "", errors.New("it was marked as published by hand, without a receipt: edit it on the platform, then run update -keep -channels " + p.Channel)
	}
	post := fresh[i]
	post.Release, post.Hash = rec.ID, rec.Hash
	if p.Post.SameParts(post) {
		return unchangedPost, st.SettlePublished(ctx, rec.ID, p.Channel, rec.Hash, actor, &post)
	}
	switch err := st.BeginEdit(ctx, rec.ID, p.Channel, rec.Hash, actor); {
	case errors.Is(err, store.ErrSettled):
		return "already updated or kept meanwhile, by the approvers' chat or another update ('pressbot status " + rec.ID + "')", nil
	case err != nil:
		return "", err
	}
	corrected, err := ed.edit(ctx, p.Channel, *p.Receipt, post)
	if err != nil {
		return "", errors.Join(err, st.EndEdit(ctx, rec.ID, p.Channel))
	}
	what := "edited"
	if corrected {
		what = "correction reply posted (the platform cannot edit)"
	}
	if err := st.SettlePublished(ctx, rec.ID, p.Channel, rec.Hash, actor, &post); err != nil {
		return "", fmt.Errorf("%s, but not recorded: %w", what, err)
	}
	return what, nil
}

// unchangedPost says that a post needed no edit: the new version changes
// nothing in it.
const unchangedPost = "unchanged: the new version changes nothing in this post, so it was not edited"

// short is the first 12 characters of a hash.
func short(hash string) string {
	return hash[:min(12, len(hash))]
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

func init() {
	register(command{name: "queue", summary: "list releases awaiting approval or publication", run: runQueue})
	register(command{name: "reject", summary: "reject a release awaiting approval",
		run: stopCommand("reject", rejectDescription, "why, for the audit log and the editors", "rejected %s (by %s)", (*store.Store).Reject)})
}

const queueDescription = `Queue prints a table of the releases that still need something: awaiting
approval, scheduled, being published, failed or uncertain, published and
changed since (update), or withdrawn with posts still online. TIME is the next
post's time (or the last one's) in the office time zone. With -all, every
release, including published, rejected and withdrawn ones.

It reads the same database as a running 'pressbot serve'.`

// runQueue implements "pressbot queue".
func runQueue(args []string, stdout, stderr io.Writer) int {
	var f stateFlags
	fs := newFlagSet("queue", "[-all] [-config FILE] [-db URL]", queueDescription, stderr)
	f.define(fs, false)
	all := fs.Bool("all", false, "list every release, not only those that need something")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	ctx := context.Background()
	env := f.open(ctx, "queue", stderr)
	if env == nil {
		return exitProblems
	}
	defer env.store.Close()
	filter := store.ListFilter{}
	if !*all {
		filter.States = []release.Status{release.StatusNew, release.StatusPendingApproval, release.StatusApproved,
			release.StatusScheduled, release.StatusPublishing, release.StatusFailed, release.StatusUncertain, release.StatusWithdrawn}
		filter.Outdated = true
	}
	recs, err := env.store.List(ctx, filter)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot queue: %v\n", err)
		return exitProblems
	}
	if !*all {
		// A withdrawn release needs something only while a post of it is
		// still online.
		recs = slices.DeleteFunc(recs, func(r store.Record) bool { return r.State == release.StatusWithdrawn && !stillOnline(r) })
	}
	skipped, err := skippedOf(ctx, env.store, recs)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot queue: %v\n", err)
		return exitProblems
	}
	writeQueue(stdout, recs, queueView{zone: env.zone, now: time.Now(), skipped: skipped,
		required: func(rel release.Release) int { return requiredApprovals(env.cfg, rel) }})
	return exitOK
}

// queueView is what writeQueue needs besides the records: the office
// zone, the time now (for overdue posts) and the skipped posts by release
// (skippedOf), and the approvals a release needs (nil: not shown).
type queueView struct {
	zone     *time.Location
	now      time.Time
	skipped  map[string]map[string]bool
	required func(release.Release) int
}

// writeQueue prints recs as a table, soonest first, and below it what the
// releases that need an officer need, naming each of them.
func writeQueue(w io.Writer, recs []store.Record, v queueView) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLANG\tSTATE\tCHANNELS\tTIME")
	for _, r := range recs {
		at := localTime(queueTime(r), v.zone)
		if len(overdueChannels(r, v.now)) > 0 {
			at += " (overdue)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Lang, queueState(r)+approvalsSoFar(r, v.required), queueChannels(r, v.skipped[r.ID]), at)
	}
	tw.Flush()
	if len(recs) == 0 {
		fmt.Fprintln(w, "(nothing queued)")
	}
	pick := func(keep func(store.Record) bool) []store.Record {
		return slices.DeleteFunc(slices.Clone(recs), func(r store.Record) bool { return !keep(r) })
	}
	if rs := pick(madeDraft); len(rs) > 0 {
		fmt.Fprintf(w, "\n%s awaiting approval %s made a draft (draft: true): not offered, and approving is refused until that line goes.\n",
			oneOrMany(rs, "A release", "Releases"), isAre(rs, "was", "were"))
	}
	if rs := pick(needsWord); len(rs) > 0 {
		fmt.Fprintf(w, "\nA failed or uncertain post needs an officer's word (%s): %s says which and how to settle it.\n",
			idList(rs), statusCmd(rs))
	}
	if rs := pick(func(r store.Record) bool { return len(overdueChannels(r, v.now)) > 0 }); len(rs) > 0 {
		var what []string
		for _, r := range rs {
			what = append(what, r.ID+" on "+strings.Join(overdueChannels(r, v.now), ", "))
		}
		fmt.Fprintf(w, "\nOverdue (%s): their time has passed and serve is not running or is behind; they go out when serve runs, "+
			"at the first time each channel's quiet hours and minimum gap allow.\n", strings.Join(what, "; "))
	}
	if rs := pick(changedSince); len(rs) > 0 {
		if len(rs) == 1 {
			fmt.Fprintf(w, "\nA published release changed since (%s): 'pressbot update %s' edits its posts to the new version ('-keep' leaves them).\n",
				rs[0].ID, ingest.ShellWord(rs[0].ID))
		} else {
			fmt.Fprintf(w, "\nPublished releases changed since (%s): 'pressbot update ID' edits each one's posts to the new version ('-keep' leaves them).\n", idList(rs))
		}
	}
	if rs := pick(func(r store.Record) bool { return len(unsentAfterChange(r)) > 0 }); len(rs) > 0 {
		var what []string
		for _, r := range rs {
			what = append(what, r.ID+" on "+strings.Join(unsentAfterChange(r), ", "))
		}
		cmd := "'pressbot approve " + ingest.ShellWord(rs[0].ID) + "'"
		if len(rs) > 1 {
			cmd = "'pressbot approve ID'"
		}
		fmt.Fprintf(w, "\nChanged after publishing on some channels, not sent yet on others (%s): %s approves the new version "+
			"for those (the published posts are not sent again).\n", strings.Join(what, "; "), cmd)
	}
	if rs := pick(stillOnline); len(rs) > 0 {
		fmt.Fprintf(w, "\nA withdrawn release still has posts online (%s): %s names them and how to delete them.\n", idList(rs), statusCmd(rs))
	}
}

// statusCmd is the status command for recs: with the ID for one release.
func statusCmd(recs []store.Record) string {
	if len(recs) == 1 {
		return "'pressbot status " + ingest.ShellWord(recs[0].ID) + "'"
	}
	return "'pressbot status ID'"
}

// oneOrMany returns one for a single record, else many and the IDs.
func oneOrMany(recs []store.Record, one, many string) string {
	if len(recs) == 1 {
		return one + " (" + recs[0].ID + ")"
	}
	return many + " (" + idList(recs) + ")"
}

// isAre returns is for a single record, else are.
func isAre(recs []store.Record, is, are string) string {
	if len(recs) == 1 {
		return is
	}
	return are
}

// madeDraft reports whether r awaits approval but its file now says
// draft: true, which the store refuses to approve.
func madeDraft(r store.Record) bool {
	return r.Release.Draft && (r.State == release.StatusNew || r.State == release.StatusPendingApproval)
}

// queueState is r's state, or "draft" for a release made a draft while
// it awaited approval.
func queueState(r store.Record) string {
	if madeDraft(r) {
		return "draft"
	}
	return string(r.State)
}

// approvalsSoFar is " (1 of 2 approvals)" for r awaiting approval with
// some approvals but fewer than required needs; else "".
func approvalsSoFar(r store.Record, required func(release.Release) int) string {
	if required == nil || r.State != release.StatusPendingApproval || len(r.Approvals) == 0 {
		return ""
	}
	if n := required(r.Release); len(r.Approvals) < n {
		return fmt.Sprintf(" (%d of %d approvals)", len(r.Approvals), n)
	}
	return ""
}

// draftNote explains, after the state, that r was made a draft.
func draftNote(r store.Record) string {
	if madeDraft(r) {
		return " (its file says draft: true: not offered, and approval is refused until that line goes)"
	}
	return ""
}

// stillOnline reports whether a post of withdrawn release r is still
// published on its platform.
func stillOnline(r store.Record) bool {
	return slices.ContainsFunc(r.Posts, func(p store.PostRecord) bool { return deletable(r.State, p) })
}

// changedSince reports whether r has posts published from an older
// version that wait for update or update -keep.
func changedSince(r store.Record) bool {
	return r.State != release.StatusWithdrawn && len(outdatedPosts(r)) > 0
}

// needsWord reports whether a post of r failed or may have gone out.
func needsWord(r store.Record) bool {
	return slices.ContainsFunc(r.Posts, func(p store.PostRecord) bool { return unsettled(r.State, p) })
}

// queueChannels lists each post as channel or channel:state when the
// post's state differs from the release's; skipped names r's skipped
// posts (skippedChannels).
func queueChannels(r store.Record, skipped map[string]bool) string {
	if len(r.Posts) == 0 {
		if len(r.Release.Channels) > 0 {
			return strings.Join(r.Release.Channels, ",")
		}
		return "-"
	}
	parts := make([]string, len(r.Posts))
	for i, p := range r.Posts {
		parts[i] = p.Channel
		if st := postState(p, skipped); st != string(r.State) {
			parts[i] += ":" + st
		}
	}
	return strings.Join(parts, ",")
}

// postTime is when post p went out, else when it is to go out; zero for
// a post that was cancelled or withdrawn before it went out, whose old
// slot means nothing now.
func postTime(p store.PostRecord) time.Time {
	switch {
	case !p.PublishedAt.IsZero():
		return p.PublishedAt
	case p.State == release.StatusPendingApproval || p.State == release.StatusWithdrawn:
		return time.Time{}
	}
	return p.ScheduledAt
}

// queueTime is the earliest time of a post still to go out, else the
// latest time of the other posts (not a cancelled post's old slot), else
// the embargo.
func queueTime(r store.Record) time.Time {
	var next, last time.Time
	for _, p := range r.Posts {
		t := postTime(p)
		if t.IsZero() {
			continue
		}
		if p.State == release.StatusScheduled && (next.IsZero() || t.Before(next)) {
			next = t
		}
		if t.After(last) {
			last = t
		}
	}
	switch {
	case !next.IsZero():
		return next
	case !last.IsZero():
		return last
	}
	return r.Release.PublishAt
}

const rejectDescription = `Reject refuses a release that awaits approval, with a reason kept in its
audit log. Editing the file offers it for approval again.`

// stopCommand returns the run function of a command that applies stop
// (reject, cancel) to one release with a reason for its audit log, and
// then prints done (with the release ID and the actor).
func stopCommand(name, description, reasonUsage, done string,
	stop func(st *store.Store, ctx context.Context, id, actor, reason string) error) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		var f stateFlags
		fs := newFlagSet(name, "ID [-reason TEXT] [-config FILE] [-db URL]", description, stderr)
		f.define(fs, false)
		reason := fs.String("reason", "", reasonUsage)
		env, id, code, ok := f.openID(fs, args, stderr)
		if !ok {
			return code
		}
		defer env.store.Close()
		actor := cliActor().Actor()
		if err := stop(env.store, context.Background(), id, actor, *reason); err != nil {
			fmt.Fprintf(stderr, "pressbot %s: %v\n", name, cannotStop(id, noRelease(id, err)))
			return exitProblems
		}
		fmt.Fprintf(stdout, done+"\n", id, actor)
		return exitOK
	}
}

// cannotStop words a refusal of reject or cancel by the release's state
// as what the officer can do instead; other errors pass through.
func cannotStop(id string, err error) error {
	var te *release.TransitionError
	if !errors.As(err, &te) {
		return err
	}
	what := map[release.Event]string{
		release.EventReject: "reject takes a release that awaits approval",
		release.EventCancel: "cancel takes back a release that is approved or scheduled",
	}[te.Event]
	return fmt.Errorf("%s is %s, so there is nothing to %s (%s); 'pressbot status %s' shows where it stands", id, te.From, te.Event, what, ingest.ShellWord(id))
}

// reorderArgs moves flags after the positional ID in front of it, so that
// both "approve ID -at now" (as DESIGN.md writes it) and "approve -at now
// ID" parse. Every flag of these commands takes a value except -all,
// -keep and -h/-help.
func reorderArgs(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && !isBoolFlag(a) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// isBoolFlag reports whether a names a flag without a value.
func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "all", "keep", "repeat", "h", "help":
		return true
	}
	return false
}

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
)

func init() {
	register(command{name: "approve", summary: "approve a release as it is on disk now and schedule it", run: runApprove})
}

const approveDescription = `Approve reads release ID (its path under the content directory without .md)
as it is on disk now, renders it for each channel, and approves exactly that
rendering: the approval is bound to its content hash, and the rendered posts
are stored and are what will be sent. Each post is then queued:

  -at now        publish as soon as the queue runs
  -at TIME       publish then: 2025-03-31 09:30 in the office zone, or
                 RFC 3339 (2025-03-31T09:30:00+05:00); not in the past
  (no -at)       each channel's next free slot (its schedule in -config),
                 never before the release's publish_at embargo

-channels limits it to some of the release's channels. Approving an
approved release again changes nothing; with -at it moves the posts not
sent yet (with -channels, only those). A channel left out of an approval
cannot be added by approving the same version again: approve says how. A
release whose content repeats another release that is still in the
content folder and on its way out or published (a copied file) is refused
unless -repeat is given: that would publish the same press release twice.
A renamed file is not a copy: its release moves to the new ID (see
'pressbot status ID'). If the configuration requires more than one
approver, this counts as one ("cli:$USER"). It works while 'pressbot
serve' runs, which publishes at the scheduled time.`

// approveFlags are the flags of approve.
type approveFlags struct {
	stateFlags
	at       string
	channels string
	repeat   bool
}

// runApprove implements "pressbot approve".
func runApprove(args []string, stdout, stderr io.Writer) int {
	var f approveFlags
	fs := newFlagSet("approve", "ID [-at now|TIME] [-channels a,b] [-config FILE] [-content DIR] [-db URL]", approveDescription, stderr)
	f.define(fs, true)
	fs.StringVar(&f.at, "at", "", "`when`: now, \"2025-03-31 09:30\" (office zone) or RFC 3339; default: each channel's next free slot")
	fs.StringVar(&f.channels, "channels", "", "comma-separated channel `names` (default: the release's channels)")
	fs.BoolVar(&f.repeat, "repeat", false, "approve even though the release repeats another one that is published or on its way (a copied file)")
	f.create = true // approve records a release from its file, serve or not
	env, id, code, ok := f.openID(fs, args, stderr)
	if !ok {
		return code
	}
	defer env.store.Close()
	ctx := context.Background()
	now := time.Now()
	at, err := parseAt(f.at, now, env.zone)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot approve: %v\n", err)
		return exitUsage
	}
	if err := approve(ctx, env, id, at, f.at != "", f.repeat, splitList(f.channels), now, stdout); err != nil {
		fmt.Fprintf(stderr, "pressbot approve: %v\n", err)
		return exitProblems
	}
	if env.created != "" {
		fmt.Fprintf(stdout, "note: this made a new database, %s: only a serve that uses it publishes these posts (pressbot serve -db sqlite:%s)\n", env.created, env.created)
	}
	return exitOK
}

// parseAt reads -at: "" (next slot, zero), "now", an RFC 3339 time, or
// "2006-01-02 15:04" in the office zone. A time more than a minute ago is
// refused: a mistyped year or day would otherwise publish at once.
func parseAt(s string, now time.Time, zone *time.Location) (time.Time, error) {
	switch s = strings.TrimSpace(s); {
	case s == "":
		return time.Time{}, nil
	case strings.EqualFold(s, "now"):
		return now, nil
	}
	t, err := parseAtTime(s, zone)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(now.Add(-time.Minute)) {
		return time.Time{}, fmt.Errorf("-at %s is in the past (it is %s now): give a later time, or -at now to publish at once",
			t.In(zone).Format(localLayout), now.In(zone).Format(localLayout))
	}
	return t, nil
}

// parseAtTime reads an RFC 3339 time, or "2006-01-02 15:04" (seconds
// optional) in zone by the wall-clock rules of the schedule
// (schedule.WallTime): a time the clocks skip is the end of the gap, one
// they repeat its first occurrence.
// An impossible date is named as such.
func parseAtTime(s string, zone *time.Location) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t, nil
	}
	why := rangeError(err)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		w, err := time.Parse(layout, s)
		if err == nil {
			return schedule.WallTime(w, zone).Add(time.Duration(w.Second()) * time.Second), nil
		}
		why = cmp.Or(why, rangeError(err))
	}
	if why != "" {
		return time.Time{}, fmt.Errorf("-at %q: %s: there is no such date or time", s, why)
	}
	return time.Time{}, fmt.Errorf("-at %q: want now, a time in the office zone such as 2025-03-31 09:30, or RFC 3339 such as 2025-03-31T09:30:00+05:00", s)
}

// rangeError returns what time.Parse says is out of range ("day out of
// range"), or "" for another error.
func rangeError(err error) string {
	var pe *time.ParseError
	if errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") {
		return strings.TrimPrefix(pe.Message, ": ")
	}
	return ""
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// approve loads, renders, records and approves release id.
//
// A release approved before keeps its schedule, unless -at was given
// (explicitAt): then its unsent posts move to the new time.
//
// A file that is another release's file renamed moves that release
// (ingest.Upsert); one that repeats a live release whose file is still
// there is refused unless repeat.
func approve(ctx context.Context, env *stateEnv, id string, at time.Time, explicitAt, repeat bool, channels []string, now time.Time, stdout io.Writer) error {
	rel, err := loadRelease(ctx, env, id)
	if err != nil {
		return err
	}
	if rel.Draft {
		return fmt.Errorf("%s is a draft (draft: true): remove that line from its front matter first", rel.Path)
	}
	posts, err := renderPosts(env.cfg, rel)
	if err != nil {
		return err
	}
	named := channels // -channels as given; channels becomes every one when it is empty
	if channels, err = pickChannels(rel, posts, channels); err != nil {
		return err
	}
	ch, err := ingest.Upsert(ctx, env.store, env.cfg.Content.ReleaseDir(), rel, cliActor().Actor())
	if err != nil {
		return err
	}
	if ch.RenamedFrom != "" {
		fmt.Fprintf(stdout, "%s is %s renamed: its file moved, and the release moved with its state (%s), posts and history\n",
			rel.ID, ch.RenamedFrom, ch.State)
		if ch.Kind == store.ChangeUnchanged && ch.State == release.StatusPublished {
			fmt.Fprintf(stdout, "nothing to approve: it is published already, and its posts stay as they are ('pressbot status %s' shows them)\n", ingest.ShellWord(rel.ID))
			return nil
		}
	}
	if !repeat && (ch.State == release.StatusNew || ch.State == release.StatusPendingApproval) {
		other, err := ingest.Repeats(ctx, env.store, env.cfg.Content.ReleaseDir(), rel)
		if err != nil {
			return err
		}
		if other != nil {
			return fmt.Errorf("%s repeats %s, which is %s and whose file is still there: approving it would publish the same press release a second time. "+
				"If %s is a copy, delete it; to publish it as a release of its own, change it first; to publish it again as it is, add -repeat",
				rel.ID, other.ID, other.State, rel.Path)
		}
	}
	if rel.Withdrawn {
		return fmt.Errorf("%s is withdrawn (withdrawn: true in its front matter): its unsent posts are cancelled; "+
			"remove that line to offer it again ('pressbot status %s' shows its posts)", rel.Path, rel.ID)
	}
	if err := readyToApprove(ctx, env.store, rel.ID); err != nil {
		return err
	}
	req := store.ApproveRequest{ID: rel.ID, Hash: rel.Hash, Approver: cliActor(), Channels: channels, At: at,
		Posts: posts, Required: requiredApprovals(env.cfg, rel)}
	var notes []string
	if at.IsZero() {
		if req.ChannelAt, err = nextSlots(ctx, env, rel, channels, now); err != nil {
			return err
		}
		if notes, err = embargoNotes(ctx, env, rel, req.ChannelAt); err != nil {
			return err
		}
	} else if notes, err = policyNotes(ctx, env, rel, channels, at); err != nil {
		return err
	}
	res, err := env.store.Approve(ctx, req)
	if errors.Is(err, store.ErrStaleHash) {
		return fmt.Errorf("%w (the file changed while approving; run approve again)", err)
	}
	if err != nil {
		return err
	}
	if res.Already && res.Scheduled {
		rec, err := env.store.Get(ctx, rel.ID)
		if err != nil {
			return err
		}
		if err := notApprovedFor(rec, named); err != nil {
			return err
		}
		if !explicitAt {
			fmt.Fprintf(stdout, "%s (hash %s) was already approved; nothing changed (its posts: %s). "+
				"-at TIME moves the posts not sent yet\n", rel.ID, rel.ShortHash(), postStates(rec))
			if len(named) == 0 {
				if left := notApprovedFor(rec, channels); left != nil {
					fmt.Fprintf(stdout, "note: %v\n", left) // channels the approval left out
				}
			}
			return nil
		}
		if !slices.ContainsFunc(rec.Posts, func(p store.PostRecord) bool {
			return p.State == release.StatusScheduled && (len(named) == 0 || slices.Contains(named, p.Channel))
		}) {
			fmt.Fprintf(stdout, "%s (hash %s) is %s; nothing to move: -at moves only posts not sent yet (its posts: %s; 'pressbot status %s' shows them)\n",
				rel.ID, rel.ShortHash(), rec.State, postStates(rec), ingest.ShellWord(rel.ID))
			return nil
		}
		// Approved before: -at moves the posts that have not gone out, or
		// with -channels those of the channels named.
		moved, err := env.store.Reschedule(ctx, store.RescheduleRequest{ID: rel.ID, Hash: rel.Hash,
			Actor: cliActor().Actor(), At: at, ChannelAt: keepOthers(rec, named)})
		if err != nil {
			return err
		}
		for ch := range moved {
			if len(named) > 0 && !slices.Contains(named, ch) {
				delete(moved, ch)
			}
		}
		fmt.Fprintf(stdout, "rescheduled %s (hash %s)\n", rel.ID, rel.ShortHash())
		printTimes(stdout, moved, env.zone)
		printNotes(stdout, notes)
		return nil
	}
	printApproval(stdout, rel, res, channels, env.zone)
	if res.Scheduled {
		rec, err := env.store.Get(ctx, rel.ID)
		if err != nil {
			return err
		}
		if out := outdatedPosts(rec); len(out) > 0 {
			var chans []string
			for _, p := range out {
				chans = append(chans, p.Channel)
			}
			notes = append(notes, fmt.Sprintf("%s still %s the older version published there: 'pressbot update %s' edits %s to this one "+
				"('-keep' leaves %[4]s)", listAnd(chans), map[bool]string{true: "shows", false: "show"}[len(chans) == 1],
				ingest.ShellWord(rel.ID), map[bool]string{true: "it", false: "them"}[len(chans) == 1]))
		}
	}
	printNotes(stdout, notes)
	return nil
}

// notApprovedFor refuses the channels named with -channels that the
// approval of rec, already approved, left out (an earlier approve -channels) or whose post was
// skipped: approving the same version again cannot add a channel. It says
// what can.
func notApprovedFor(rec store.Record, channels []string) error {
	var missing, have []string
	for _, ch := range channels {
		i := slices.IndexFunc(rec.Posts, func(p store.PostRecord) bool { return p.Channel == ch })
		if i < 0 || rec.Posts[i].State == release.StatusPendingApproval || rec.Posts[i].State == release.StatusWithdrawn {
			missing = append(missing, ch)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, p := range rec.Posts {
		if p.State != release.StatusPendingApproval && p.State != release.StatusWithdrawn {
			have = append(have, p.Channel)
		}
	}
	id := ingest.ShellWord(rec.ID)
	why := fmt.Sprintf("%s (hash %s) is already approved, for %s; %s %s not part of that approval (left out with -channels, or skipped), "+
		"and approving the same version again cannot add a channel", rec.ID, short(rec.Hash), listAnd(have), listAnd(missing),
		map[bool]string{true: "is", false: "are"}[len(missing) == 1])
	switch rec.State {
	case release.StatusApproved, release.StatusScheduled:
		all := slices.Concat(have, missing)
		return fmt.Errorf("%s. To add %s: pressbot cancel %s, then pressbot approve %[3]s -channels %s "+
			"(cancel takes back the posts not sent yet; published ones stay and are not sent again)",
			why, listAnd(missing), id, strings.Join(all, ","))
	}
	return fmt.Errorf("%s. Its posts have gone out or await a word (it is %s; 'pressbot status %s' shows them), so it cannot be approved anew: "+
		"post it on %s by hand", why, rec.State, id, listAnd(missing))
}

// keepOthers returns the times of rec's scheduled posts on channels not
// in named, so that a reschedule with -channels moves only those named;
// nil when named is empty (every post moves).
func keepOthers(rec store.Record, named []string) map[string]time.Time {
	if len(named) == 0 {
		return nil
	}
	out := map[string]time.Time{}
	for _, p := range rec.Posts {
		if p.State == release.StatusScheduled && !slices.Contains(named, p.Channel) {
			out[p.Channel] = p.ScheduledAt
		}
	}
	return out
}

// readyToApprove refuses to approve release id when approving cannot
// help, and says what does: a post of it failed or may have gone out
// (resolve), it was rejected (edit it), or it was published and changed
// since (update).
func readyToApprove(ctx context.Context, st *store.Store, id string) error {
	rec, err := st.Get(ctx, id)
	if err != nil {
		return err
	}
	var open []string
	for _, p := range rec.Posts {
		if unsettled(rec.State, p) {
			open = append(open, p.Channel+" "+string(p.State))
		}
	}
	switch {
	case len(open) > 0:
		return fmt.Errorf("%s has posts that need a word first (%s): 'pressbot status %s' shows them; "+
			"settle each with 'pressbot resolve %s retry|published|skip -channels NAME'", id, strings.Join(open, ", "), id, id)
	case rec.State == release.StatusRejected:
		return fmt.Errorf("%s was rejected: edit its file to offer it again ('pressbot status %s' shows why)", id, id)
	case rec.State == release.StatusPublished && len(outdatedPosts(rec)) > 0:
		return fmt.Errorf("%s was published and has changed since: 'pressbot update %s' edits its posts to the new version "+
			"('pressbot update %s -keep' leaves them)", id, id, id)
	}
	return nil
}

// loadRelease reads release id from the content directory, reporting its
// problems as path:line:col: message.
func loadRelease(ctx context.Context, env *stateEnv, id string) (release.Release, error) {
	cfg := env.cfg
	dir := cfg.Content.ReleaseDir()
	held := func(hid, key, lang string) string {
		if hid != id {
			return "" // only the release at hand: one query, not one per file
		}
		other, _ := env.store.TranslationHolder(ctx, hid, key, lang) // an error comes back from the store's next call
		if other != "" && noFile(dir, other) && ingest.RenameTarget(ctx, env.store, hid) {
			return "" // this file is other's renamed: approve moves it (ingest.Upsert)
		}
		return other
	}
	res, err := content.Load(dir, content.Options{Zone: cfg.Zone, DefaultLang: cfg.Office.DefaultLang, Channels: cfg.ChannelNames(), ImageDir: dir,
		TranslationHeld: held})
	if err != nil {
		return release.Release{}, err
	}
	for _, r := range res.Releases {
		if r.ID == id {
			return r, nil
		}
	}
	var probs []string
	for _, p := range res.Problems {
		if strings.TrimSuffix(p.Path, ".md") == dir+"/"+id || strings.HasSuffix(strings.TrimSuffix(p.Path, ".md"), "/"+id) {
			probs = append(probs, p.String())
		}
	}
	if len(probs) > 0 {
		return release.Release{}, fmt.Errorf("%s is not valid; fix it first ('pressbot check'):\n%s", id, strings.Join(probs, "\n"))
	}
	return release.Release{}, &noFileError{id: id, dir: dir}
}

// noFileError is loadRelease's error when the release has no file.
type noFileError struct{ id, dir string }

// Error implements error.
func (e *noFileError) Error() string {
	return fmt.Sprintf("no release %q under %s (an ID is the path under the content directory without .md)", e.id, e.dir)
}

// renderPosts renders rel for the configured channels.
func renderPosts(cfg *config.Config, rel release.Release) ([]release.Post, error) {
	r, err := render.New(render.Config{BaseURL: cfg.Site.BaseURL, Channels: renderChannels(cfg), Zone: cfg.Zone,
		PrivateTags: cfg.Approval.PrivateTags()})
	if err != nil {
		return nil, err
	}
	return r.Render(rel)
}

// pickChannels checks the -channels choice against the rendered posts.
func pickChannels(rel release.Release, posts []release.Post, want []string) ([]string, error) {
	var have []string
	for _, p := range posts {
		have = append(have, p.Channel)
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("%s renders for no configured channel (check its channels: list)", rel.ID)
	}
	for _, c := range want {
		if !slices.Contains(have, c) {
			return nil, fmt.Errorf("-channels: %q is not one of this release's channels (%s)", c, strings.Join(have, ", "))
		}
	}
	if len(want) == 0 {
		return have, nil
	}
	return want, nil
}

// requiredApprovals is the configured number of distinct approvers for rel:
// the default, raised by any rule whose tag rel carries.
func requiredApprovals(cfg *config.Config, rel release.Release) int {
	n := max(cfg.Approval.RequiredApprovals, 1)
	for _, rule := range cfg.Approval.Rules {
		if slices.ContainsFunc(rel.Tags, func(t string) bool { return release.SameTag(t, rule.Tag) }) {
			n = max(n, rule.Required)
		}
	}
	return n
}

// nextSlots returns each channel's next free slot after now.
func nextSlots(ctx context.Context, env *stateEnv, rel release.Release, channels []string, now time.Time) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for _, name := range channels {
		policy, busy, err := channelBusy(ctx, env, name, now)
		if err != nil {
			return nil, err
		}
		t, err := policy.Next(now, rel.PublishAt, busy)
		if err != nil {
			return nil, fmt.Errorf("channel %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// policyNotes says where an officer's own time at (-at) departs from what
// the scheduler would choose on each channel: inside its quiet hours,
// within its minimum gap of another post, or before the release's embargo
// (publish_at), which wins. The time is still used as given, the embargo
// too (the schedule moves neither), and each note says how to move it.
func policyNotes(ctx context.Context, env *stateEnv, rel release.Release, channels []string, at time.Time) ([]string, error) {
	var notes []string
	embargoed := at.Before(rel.PublishAt)
	if embargoed {
		notes = append(notes, fmt.Sprintf("%s is before the embargo (publish_at %s): the posts wait for it",
			localTime(at, env.zone), localTime(rel.PublishAt, env.zone)))
		at = rel.PublishAt
	}
	rec, err := env.store.Get(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	for _, name := range channels {
		policy, busy, err := channelBusy(ctx, env, name, at)
		if err != nil {
			return nil, err
		}
		busy = withoutOwn(busy, rec, name)
		why := policy.Conflict(at, busy)
		switch {
		case why == "":
		case embargoed:
			note := fmt.Sprintf("%s: at the embargo, %s, which is %s: kept there, because -at was given "+
				"(a time given with -at, or the embargo it waits for, is used as it is)", name, localTime(at, env.zone), why)
			notes = append(notes, note+moveHint(policy, rel, name, at, busy, env.zone))
		default:
			notes = append(notes, fmt.Sprintf("%s: %s is %s; scheduled as given", name, localTime(at, env.zone), why))
		}
	}
	return notes, nil
}

// moveHint suggests the approve command that moves release rel's post on
// channel from at to the next time policy allows, or "" if none is found.
func moveHint(policy schedule.Policy, rel release.Release, channel string, at time.Time, busy []time.Time, zone *time.Location) string {
	next, err := policy.Next(at, rel.PublishAt, busy)
	if err != nil {
		return ""
	}
	return fmt.Sprintf(". To follow %s's schedule instead: pressbot approve %s -at '%s' -channels %s", channel,
		ingest.ShellWord(rel.ID), next.In(zone).Format("2006-01-02 15:04"), channel)
}

// embargoNotes says where the scheduler moved a post of rel off its
// embargo (publish_at) because the embargo falls in the channel's quiet
// hours or within its minimum gap of another post: chosen maps each
// channel to its time (nextSlots).
func embargoNotes(ctx context.Context, env *stateEnv, rel release.Release, chosen map[string]time.Time) ([]string, error) {
	if rel.PublishAt.IsZero() {
		return nil, nil
	}
	rec, err := env.store.Get(ctx, rel.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(chosen))
	for ch := range chosen {
		names = append(names, ch)
	}
	sort.Strings(names)
	var notes []string
	for _, name := range names {
		t := chosen[name]
		if !t.After(rel.PublishAt) {
			continue
		}
		policy, busy, err := channelBusy(ctx, env, name, rel.PublishAt)
		if err != nil {
			return nil, err
		}
		if why := policy.Conflict(rel.PublishAt, withoutOwn(busy, rec, name)); why != "" {
			notes = append(notes, fmt.Sprintf("%s: the embargo, %s, is %s: moved to the channel's next free slot, %s "+
				"(-at TIME -channels %s sets another time)", name, localTime(rel.PublishAt, env.zone), why, localTime(t, env.zone), name))
		}
	}
	return notes, nil
}

// withoutOwn returns busy less the time of rec's own post on channel,
// which a new -at moves.
func withoutOwn(busy []time.Time, rec store.Record, channel string) []time.Time {
	for _, p := range rec.Posts {
		if p.Channel != channel {
			continue
		}
		own := p.ScheduledAt
		if !p.PublishedAt.IsZero() {
			own = p.PublishedAt
		}
		if i := slices.IndexFunc(busy, own.Equal); i >= 0 {
			return slices.Delete(slices.Clone(busy), i, i+1)
		}
	}
	return busy
}

// printNotes prints each note on a line of its own.
func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// channelBusy returns the scheduling policy of channel name and the times
// of its posts from one minimum gap before t on.
func channelBusy(ctx context.Context, env *stateEnv, name string, t time.Time) (schedule.Policy, []time.Time, error) {
	policy, err := channelPolicy(env.cfg, name)
	if err != nil {
		return policy, nil, err
	}
	busy, err := env.store.ChannelTimes(ctx, name, t.Add(-policy.MinGap))
	return policy, busy, err
}

// channelPolicy builds the scheduling policy of channel name.
func channelPolicy(cfg *config.Config, name string) (schedule.Policy, error) {
	for _, c := range cfg.Channels {
		if c.Name == name {
			return schedule.NewPolicy(cfg.Zone, c.Schedule.Slots, c.Schedule.MinGap.D(), c.Schedule.Quiet)
		}
	}
	return schedule.Policy{Zone: cfg.Zone}, nil
}

// printApproval says what happened, naming the channels of channels that
// were not scheduled because they already carry the release.
func printApproval(w io.Writer, rel release.Release, res store.ApproveResult, channels []string, zone *time.Location) {
	switch {
	case res.Already && res.Scheduled:
		fmt.Fprintf(w, "%s (hash %s) was already approved; nothing changed\n", rel.ID, rel.ShortHash())
		return
	case !res.Scheduled && res.Already:
		fmt.Fprintf(w, "%s (hash %s): you (%s) have already approved this version; %d of %d approvals, so another person must approve it\n",
			rel.ID, rel.ShortHash(), cliActor().Actor(), res.Approvals, res.Required)
		return
	case !res.Scheduled:
		fmt.Fprintf(w, "approved %s (hash %s): %d of %d approvals; it needs another approver\n",
			rel.ID, rel.ShortHash(), res.Approvals, res.Required)
		return
	}
	fmt.Fprintf(w, "approved %s (hash %s), %s\n", rel.ID, rel.ShortHash(), res.State)
	printTimes(w, res.At, zone)
	for _, ch := range channels {
		if _, ok := res.At[ch]; !ok {
			fmt.Fprintf(w, "  %-10s already published, not sent again\n", ch)
		}
	}
}

// printTimes lists each channel's time in zone.
func printTimes(w io.Writer, at map[string]time.Time, zone *time.Location) {
	names := make([]string, 0, len(at))
	for ch := range at {
		names = append(names, ch)
	}
	sort.Strings(names)
	for _, ch := range names {
		fmt.Fprintf(w, "  %-10s %s\n", ch, localTime(at[ch], zone))
	}
}

// noFile reports whether release id has no file in the content folder
// dir.
func noFile(dir, id string) bool {
	_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(id)+".md"))
	return errors.Is(err, fs.ErrNotExist)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

func init() {
	register(command{name: "status", summary: "show a release's posts, receipts and audit history", run: runStatus})
}

const statusDescription = `Status prints release ID's state, its file (and whether it is still in
the content folder), its embargo (publish_at) if it has one, each
channel's post (state, time,
attempts, receipt link or last error), and its audit history: every
transition with its time in the office zone and who caused it.`

// runStatus implements "pressbot status".
func runStatus(args []string, stdout, stderr io.Writer) int {
	var f stateFlags
	fs := newFlagSet("status", "ID [-config FILE] [-db URL] [-content DIR]", statusDescription, stderr)
	f.define(fs, true)
	env, id, code, ok := f.openID(fs, args, stderr)
	if !ok {
		return code
	}
	defer env.store.Close()
	ctx := context.Background()
	rec, err := env.store.Get(ctx, id)
	if to, _ := env.store.RenamedTo(ctx, id); errors.Is(err, store.ErrNotFound) && to != "" {
		fmt.Fprintf(stdout, "%s was renamed: it is %s now (its file is %s.md)\n\n", id, to, to)
		id = to
		rec, err = env.store.Get(ctx, id)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pressbot status: %v\n", noRelease(id, err))
		return exitProblems
	}
	audit, err := env.store.Audit(ctx, id)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot status: %v\n", err)
		return exitProblems
	}
	renames, err := env.store.RenamedFrom(ctx, id)
	if err != nil {
		fmt.Fprintf(stderr, "pressbot status: %v\n", err)
		return exitProblems
	}
	writeStatus(stdout, rec, audit, env.zone, renames, time.Now())
	writeFileGone(stdout, rec, env.cfg.Content.ReleaseDir())
	if err := writeRepeats(ctx, stdout, env.store, rec, env.cfg.Content.ReleaseDir()); err != nil {
		fmt.Fprintf(stderr, "pressbot status: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// writeFileGone says so when the file of rec is not in the content
// folder dir (which is there, so the absence is news, not a wrong
// folder), and what that means for its posts.
func writeFileGone(w io.Writer, rec store.Record, dir string) {
	if dir == "" || !isDir(dir) {
		return
	}
	file := filepath.Join(dir, filepath.FromSlash(rec.ID)+".md")
	if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	fmt.Fprintf(w, "\nfile removed: %s is not there (removed or renamed).", file)
	if slices.ContainsFunc(rec.Posts, func(p store.PostRecord) bool { return p.State == release.StatusPublished }) {
		fmt.Fprint(w, " Its published posts stay online; to delete them, restore the file with withdrawn: true.")
	}
	fmt.Fprintln(w)
}

// isDir reports whether path is a folder.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// writeRepeats warns when rec, not approved yet, has the content of
// another release on its way out or published whose file is still in the
// content folder dir (a copied file): approving it would publish the same
// press release twice.
func writeRepeats(ctx context.Context, w io.Writer, st *store.Store, rec store.Record, dir string) error {
	if rec.State != release.StatusNew && rec.State != release.StatusPendingApproval {
		return nil
	}
	other, err := ingest.Repeats(ctx, st, dir, rec.Release)
	if err != nil || other == nil {
		return err
	}
	fmt.Fprintf(w, "\nrepeats: %s, which is %s, has the same content and its file is still there. Approving %s would publish "+
		"the same press release a second time: if %s.md is a copy, delete it, or change it to make it a release of its own.\n", other.ID, other.State, rec.ID, rec.ID)
	return nil
}

// writeStatus prints the record, its posts and its audit log, and the
// IDs it had before its file was renamed; a post scheduled before now is
// marked overdue.
func writeStatus(w io.Writer, rec store.Record, audit []store.AuditEntry, zone *time.Location, renames []store.Rename, now time.Time) {
	skipped := skippedChannels(audit)
	fmt.Fprintf(w, "%s  %q\n", rec.ID, rec.Title)
	fmt.Fprintf(w, "state:    %s%s\nlanguage: %s\nhash:     %s\n", rec.State, draftNote(rec), rec.Lang, rec.Hash)
	for _, r := range renames {
		fmt.Fprintf(w, "renamed:  from %s at %s\n", r.From, localTime(r.At, zone))
	}
	if rec.Commit != "" {
		fmt.Fprintf(w, "commit:   %s\n", rec.Commit)
	}
	if at := rec.Release.PublishAt; !at.IsZero() {
		fmt.Fprintf(w, "embargo:  until %s (publish_at: no post goes out before)\n", localTime(at, zone))
	}
	if rec.ApprovedHash != "" && rec.ApprovedHash != rec.Hash {
		fmt.Fprintf(w, "approved: %s (the file changed since)\n", rec.ApprovedHash)
	}
	for _, a := range rec.Approvals {
		fmt.Fprintf(w, "approval: %s (%s) at %s\n", a.Approver.Actor(), a.Approver.Name, localTime(a.At, zone))
	}
	if len(rec.Posts) > 0 {
		fmt.Fprintln(w, "\nposts:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  CHANNEL\tSTATE\tTIME\tATTEMPTS\tRESULT")
		for _, p := range rec.Posts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", p.Channel, postState(p, skipped), localTime(postTime(p), zone), attempts(p),
				postResult(p, zone, now, skipped[p.Channel]))
		}
		tw.Flush()
		writeNextSteps(w, rec)
	}
	fmt.Fprintln(w, "\nhistory:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range audit {
		what, to, detail := e.Event, string(e.To), e.DetailIn(zone, localLayout)
		if e.Channel != "" && e.Event == string(release.EventWithdraw) && e.Detail == skippedDetail {
			what, to, detail = "skip", "skipped", "" // the store keeps a skipped post as withdrawn
		}
		if e.Channel != "" {
			what += " " + e.Channel
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s → %s\t%s\n", localTime(e.At, zone), e.Actor, what, orDash(string(e.From)), to, detail)
	}
	tw.Flush()
}

// postResult is a post's receipt (link or remote ids) or its last error,
// and says so when it is overdue (scheduled before now) or was skipped.
func postResult(p store.PostRecord, zone *time.Location, now time.Time, skipped bool) string {
	lastErr := store.TimesIn(p.LastError, zone, localLayout)
	switch {
	case p.Receipt == nil && p.State == release.StatusPublished:
		return "no receipt: marked as published by an officer"
	case overdue(p, now) && lastErr != "":
		return "(" + overdueNote + "; the last attempt failed: " + lastErr + ")"
	case overdue(p, now):
		return "(" + overdueNote + ")"
	case p.State == release.StatusScheduled && lastErr != "":
		return "to be tried again; the last attempt failed: " + lastErr
	case skipped && lastErr != "":
		return "skipped by an officer: not sent on this channel (it had failed: " + lastErr + ")"
	case skipped:
		return "skipped by an officer: not sent on this channel"
	case p.Receipt == nil:
		return lastErr
	}
	link := "ids " + strings.Join(p.Receipt.RemoteIDs, ", ")
	if p.Receipt.URL != "" {
		link = p.Receipt.URL
	}
	if p.State == release.StatusWithdrawn {
		return "deleted; was " + link
	}
	return link
}

// writeNextSteps says what rec's posts need from an officer: a word on
// failed or uncertain sends, an update of posts that show an older
// version, and deletion of a withdrawn release's posts still published.
func writeNextSteps(w io.Writer, rec store.Record) {
	var open, online []string
	for _, p := range rec.Posts {
		switch {
		case unsettled(rec.State, p):
			open = append(open, p.Channel)
		case deletable(rec.State, p):
			online = append(online, p.Channel)
		}
	}
	if len(open) > 0 {
		fmt.Fprintf(w, "\nneeds a word: %s. Check the channel, then: pressbot resolve %s retry|published|skip -channels %s\n",
			strings.Join(open, ", "), ingest.ShellWord(rec.ID), strings.Join(open, ","))
	}
	sep := "\n"
	if outdated := outdatedPosts(rec); len(outdated) > 0 && rec.State != release.StatusWithdrawn {
		sep = ""
		var chans []string
		for _, p := range outdated {
			chans = append(chans, p.Channel)
		}
		shows, them := "shows", "it"
		if len(chans) > 1 {
			shows, them = "show", "them"
		}
		id := ingest.ShellWord(rec.ID)
		fmt.Fprintf(w, "\nchanged since publishing: %s still %s an older version. pressbot update %s edits %s "+
			"(pressbot update %[3]s -keep leaves %[4]s)\n", listAnd(chans), shows, id, them)
	}
	if unsent := unsentAfterChange(rec); len(unsent) > 0 {
		fmt.Fprintf(w, "%snot sent yet: %s, whose post was cancelled when the file changed. pressbot approve %s approves the new version "+
			"and schedules it there (the published posts are not sent again)\n", sep, listAnd(unsent), ingest.ShellWord(rec.ID))
	}
	if len(online) > 0 {
		fmt.Fprintf(w, "\nwithdrawn, still published on: %s. Delete the posts: pressbot resolve %s delete "+
			"(or delete them on the platform yourself, then: pressbot resolve %[2]s deleted -channels %[3]s)\n",
			strings.Join(online, ", "), ingest.ShellWord(rec.ID), strings.Join(online, ","))
	}
}

// orDash returns s or "-" when empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

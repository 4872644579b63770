package ingest

import (
	"context"
	"log/slog"
	"strings"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// LogOfferer is the Offerer when no approvers' chat is configured: it tells
// the log how to approve from the command line.
type LogOfferer struct {
	Log *slog.Logger
	// PreviewURL gives a release's preview link; nil logs /preview/{id}.
	PreviewURL func(id string) string
	// Args end every command it logs, so that the command reaches
	// serve's database: "-config pressbot.yaml", or "".
	Args string
}

// command is the command line "pressbot verb ID rest", then o.Args.
func (o LogOfferer) command(verb, id, rest string) string {
	cmd := "pressbot " + verb + " " + ShellWord(id)
	for _, s := range []string{rest, o.Args} {
		if s != "" {
			cmd += " " + s
		}
	}
	return cmd
}

// Offer logs what the change to rel asks of the officers and the command
// that does it: approve a new or changed release, update (or keep) the
// posts of one changed after publishing, record the posts of a withdrawn
// one deleted by hand.
func (o LogOfferer) Offer(_ context.Context, rel release.Release, ch store.Change) error {
	attrs := []any{"release", rel.ID, "change", ch.Kind.String(), "hash", rel.ShortHash()}
	if ch.RenamedFrom != "" {
		attrs = append(attrs, "renamed_from", ch.RenamedFrom)
	}
	switch {
	case ch.Kind != store.ChangeWithdrawn && rel.Withdrawn:
		o.Log.Info("release is withdrawn (withdrawn: true): it is not offered; remove that line to offer it", attrs...)
	case ch.Kind == store.ChangeWithdrawn:
		o.Log.Info("release withdrawn: its unsent posts are cancelled and its page leaves the newsroom; "+
			"posts already published stay on the platforms until deleted there ('"+o.command("status", rel.ID, "")+"' lists them)",
			append(attrs, "delete", o.command("resolve", rel.ID, "delete"),
				"deleted", o.command("resolve", rel.ID, "deleted -channels NAME"))...)
	case ch.Kind == store.ChangeAfterPublishing && len(ch.Unsent) > 0:
		o.Log.Warn("partly published release changed: its published posts and newsroom page keep the published version until you update them "+
			"or keep them as they are; its posts not sent yet ("+strings.Join(ch.Unsent, ", ")+") were cancelled and go out only when you approve the new version (approving does not send the published ones again)",
			append(attrs, "update", o.command("update", rel.ID, ""), "keep", o.command("update", rel.ID, "-keep"),
				"approve", o.command("approve", rel.ID, ""), "preview", o.preview(rel.ID))...)
	case ch.Kind == store.ChangeAfterPublishing:
		o.Log.Warn("published release changed: its posts and newsroom page keep the published version until you update them or keep them as they are",
			append(attrs, "update", o.command("update", rel.ID, ""), "keep", o.command("update", rel.ID, "-keep"),
				"preview", o.preview(rel.ID))...)
	case ch.Repeats != "":
		o.Log.Warn("release awaits approval, but it repeats "+ch.Repeats+", which is "+string(ch.RepeatsState)+" and whose file is still there: "+
			"approving it publishes the same press release a second time. If the file is a copy, delete it; to publish it as a release of its own, change it first",
			append(attrs, "repeats", ch.Repeats, "approve", o.command("approve", rel.ID, ""), "preview", o.preview(rel.ID))...)
	default:
		o.Log.Info("release awaits approval (no Telegram approvers' chat configured): approve schedules it at each channel's next free slot, or with -at now at once", append(attrs,
			"approve", o.command("approve", rel.ID, ""), "now", o.command("approve", rel.ID, "-at now"), "preview", o.preview(rel.ID))...)
	}
	return nil
}

// ShellWord quotes s for a POSIX shell when it holds more than letters,
// digits and "/-._~", so that the logged command can be pasted as it is.
func ShellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// preview returns release id's preview link.
func (o LogOfferer) preview(id string) string {
	if o.PreviewURL == nil {
		return "/preview/" + release.EscapePath(id)
	}
	return o.PreviewURL(id)
}

// ReportProblems logs a file that fails check (each problem is logged by
// Ingest already; this adds the summary line).
func (o LogOfferer) ReportProblems(_ context.Context, path string, problems []string) {
	o.Log.Warn("release not offered: fix it and save again", "path", path, "problems", len(problems))
}

// Alert logs text at warning level.
func (o LogOfferer) Alert(_ context.Context, text string) { o.Log.Warn(text) }

// Renamed does nothing and reports false: Ingest logs a rename and that
// a request to approve a copy at the new ID is void, and the command line
// finds the release under its new ID.
func (o LogOfferer) Renamed(context.Context, string, string, store.Change) bool { return false }

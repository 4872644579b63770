package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// Offer shows a new or changed release to the approvers: its Telegram
// post(s) exactly as they will go out, then its card. A new language
// version joins its translation group's card while no one has approved it
// yet; a change gets a new card marked with what changed (after approval:
// "changed since approval", the cancelled posts listed; after publishing:
// "Update the published posts?"). A withdrawn release has its published
// posts deleted where the platform allows it. Unchanged releases and
// drafts are not shown.
func (b *Bot) Offer(ctx context.Context, rel release.Release, ch store.Change) error {
	switch ch.Kind {
	case store.ChangeUnchanged:
		return nil
	case store.ChangeWithdrawn:
		return b.withdrawn(ctx, rel, ch)
	}
	key := cardKey(rel.ID, rel.TranslationKey)
	defer b.lock(key)()
	v, err := b.loadView(ctx, key)
	if err != nil {
		return fmt.Errorf("approval: offer %s: %w", rel.ID, err)
	}
	if !v.has(pendingStates...) && len(b.stale(v)) == 0 {
		return nil // a draft, or nothing to decide
	}
	b.mu.Lock()
	old := b.cards[key]
	prev, seen := b.shown[rel.ID]
	b.shown[rel.ID] = rel
	b.mu.Unlock()
	note := b.changeNote(ctx, rel, ch, prev, seen)
	if err := b.previews(ctx, v, rel.ID); err != nil {
		return err
	}
	if old != nil && ch.Kind == store.ChangeNew && old.Note == "" && noApprovals(v) {
		// Another language of a card no one has acted on: the card grows.
		return b.replaceCard(ctx, key, v, old)
	}
	replyTo := 0
	if old != nil {
		replyTo = old.MsgID
		if err := b.editMarkup(ctx, old.MsgID, nil); err != nil {
			b.log.Warn("approval: retire old card", "release", rel.ID, "err", err)
		}
	}
	id, err := b.send(ctx, b.text(ctx, v, note), replyTo, b.keyboard(v, v.all()).markup())
	if err != nil {
		return fmt.Errorf("approval: offer %s: %w", rel.ID, err)
	}
	b.mu.Lock()
	b.cards[key] = &card{MsgID: id, Hash: v.hash, Note: note}
	b.mu.Unlock()
	b.log.Info("approval: offered", "release", rel.ID, "change", ch.Kind.String(), "hash", rel.ShortHash(), "message", id)
	return nil
}

// noApprovals reports whether no release of v has an approval.
func noApprovals(v *view) bool {
	for _, r := range v.recs {
		if len(r.Approvals) > 0 || r.State != release.StatusPendingApproval {
			return false
		}
	}
	return true
}

// replaceCard sends the grown card below the new preview and retires the
// old one, so the card stays under its previews.
func (b *Bot) replaceCard(ctx context.Context, key string, v *view, old *card) error {
	id, err := b.send(ctx, b.text(ctx, v, ""), 0, b.keyboard(v, v.all()).markup())
	if err != nil {
		return fmt.Errorf("approval: offer %s: %w", key, err)
	}
	if err := b.edit(ctx, old.MsgID, "⤵️ This card now covers more language versions: see the newer card below.", nil); err != nil {
		b.log.Warn("approval: retire old card", "key", key, "err", err)
	}
	b.mu.Lock()
	b.cards[key] = &card{MsgID: id, Hash: v.hash}
	b.mu.Unlock()
	return nil
}

// previews sends the Telegram posts of release id.
func (b *Bot) previews(ctx context.Context, v *view, id string) error {
	for _, p := range v.posts[id] {
		if p.Kind != release.KindTelegram {
			continue
		}
		if _, err := b.sendPost(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// changeNote says what changed in rel: against the approved version after
// approval or publishing, else against the version last shown.
func (b *Bot) changeNote(ctx context.Context, rel release.Release, ch store.Change, prev release.Release, seen bool) string {
	var was *release.Release
	if seen {
		was = &prev
	}
	var published []string
	if ch.Kind == store.ChangeAfterApproval || ch.Kind == store.ChangeAfterPublishing {
		if rec, err := b.st.Get(ctx, rel.ID); err == nil {
			if rec.Approved != nil {
				was = rec.Approved
			}
			for _, p := range rec.Posts {
				if p.State == release.StatusPublished {
					published = append(published, p.Channel)
				}
			}
		}
	}
	what := "content changed (hash " + short(ch.PrevHash, 12) + " → " + rel.ShortHash() + ")"
	if was != nil {
		what = summarize(*was, rel)
	}
	note := changeKindNote(ch, what, published)
	if ch.RenamedFrom != "" {
		note = strings.TrimSpace("Renamed from " + ch.RenamedFrom + ". " + note)
	}
	if ch.Repeats != "" {
		note = strings.TrimSpace("Same content as " + ch.Repeats + ", which is " + string(ch.RepeatsState) +
			" and whose file is still there: approving publishes this press release a second time. If this file is a copy, delete it. " + note)
	}
	return note
}

// changeKindNote says what the change ch (what: its summary) asks of the
// approvers; published names the channels the release went out on.
func changeKindNote(ch store.Change, what string, published []string) string {
	switch ch.Kind {
	case store.ChangeAfterApproval:
		s := "Changed since approval: " + what + "."
		if len(ch.Cancelled) > 0 {
			s += " The scheduled posts on " + strings.Join(ch.Cancelled, ", ") + " were cancelled."
		}
		return s + " Approve the new version to publish it."
	case store.ChangeAfterPublishing:
		const edits = "Telegram and Facebook posts are edited; X, which cannot edit, gets a correction reply."
		if len(ch.Cancelled) == 0 {
			return "Changed after publishing: " + what + ". Update the published posts? " + edits
		}
		// Partly published: the posts that had not gone out were cancelled
		// and go out only when the new version is approved.
		return "Changed after publishing on " + listAnd(published) + ", before it went out on " + listAnd(ch.Cancelled) + ": " + what + ". " +
			"Two steps bring every channel to the new version: ✏️ Update published posts edits the posts on " + listAnd(published) +
			" (" + edits + " Keep as published leaves them); ✅ Approve sends the new version to " + listAnd(ch.Cancelled) +
			", whose earlier post was cancelled (the published posts are not sent again)."
	case store.ChangeBeforeApproval:
		return "Changed since the last preview: " + what + ". Earlier approvals no longer count."
	}
	return ""
}

// listAnd joins names as "a", "a and b", "a, b and c".
func listAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// summarize lists the fields that differ between two versions, with the
// body's added and removed lines.
func summarize(a, b release.Release) string {
	var out []string
	field := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	field("title", a.Title != b.Title)
	field("date", !a.Date.Equal(b.Date))
	field("location", a.Location != b.Location)
	field("language", a.Lang != b.Lang)
	field("summary", a.Summary != b.Summary)
	field("tags", !slices.Equal(a.Tags, b.Tags))
	field("image", a.Image != b.Image || a.ImageAlt != b.ImageAlt)
	if note := pictureNote(a, b); note != "" {
		out = append(out, note)
	}
	field("channels", !slices.Equal(a.Channels, b.Channels))
	field("embargo", !a.PublishAt.Equal(b.PublishAt))
	if a.Body != b.Body {
		add, del := lineDiff(a.Body, b.Body)
		out = append(out, fmt.Sprintf("body (+%d −%d lines)", add, del))
	}
	if len(out) == 0 {
		return "formatting only"
	}
	return strings.Join(out, ", ")
}

// pictureNote describes a change of the picture file itself, under the
// same name: "" when there is none.
func pictureNote(a, b release.Release) string {
	switch {
	case a.Image != b.Image || a.ImageDigest == b.ImageDigest:
		return ""
	case a.ImageDigest == "":
		return "picture file (now there)"
	case b.ImageDigest == "":
		return "picture file (now missing)"
	}
	return "picture file (replaced)"
}

// lineDiff counts the lines of b not in a and of a not in b (as
// multisets, ignoring blank lines).
func lineDiff(a, b string) (added, removed int) {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		if strings.TrimSpace(l) != "" {
			count[l]++
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if count[l] > 0 {
			count[l]--
		} else {
			added++
		}
	}
	for _, n := range count {
		removed += n
	}
	return added, removed
}

// withdrawn reports a withdrawn release and deletes its published posts
// where the platform allows it; where it does not, it asks the officers to
// delete by hand, and a failed delete can be tried again.
func (b *Bot) withdrawn(ctx context.Context, rel release.Release, ch store.Change) error {
	m, k, err := b.deleteWithdrawn(ctx, rel, ch)
	if err != nil {
		return err
	}
	// After the release's lock is let go: the card may be keyed by it.
	b.refreshCard(ctx, cardKey(rel.ID, rel.TranslationKey))
	_, err = b.send(ctx, m.String(MaxText), b.cardMsg(cardKey(rel.ID, rel.TranslationKey)), k.markup())
	return err
}

// deleteWithdrawn is withdrawn's work under the release's lock: it
// deletes the published posts and returns the report and its buttons.
func (b *Bot) deleteWithdrawn(ctx context.Context, rel release.Release, ch store.Change) (*msg, keyboard, error) {
	defer b.lock(releaseKey(rel.ID))()
	rec, err := b.st.Get(ctx, rel.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("approval: withdrawn %s: %w", rel.ID, err)
	}
	m := &msg{}
	m.tag("🗑 ").bold("Withdrawn: " + rel.Title).text(" (").code(rel.ID).text(")\n")
	if len(ch.Cancelled) > 0 {
		m.text("Cancelled before publishing: " + strings.Join(ch.Cancelled, ", ") + "\n")
	}
	var k keyboard
	for _, p := range rec.Posts {
		if p.State != release.StatusPublished || p.Receipt == nil {
			continue
		}
		if label, d := b.deletePost(ctx, m, rec, p); label != "" {
			k = k.row(button(label, d))
		}
	}
	return m, k, nil
}

// deletePost deletes one published post and writes the outcome. Unless the
// post is gone, it returns a button: to try again when deleting failed,
// or to record that an officer deleted it by hand (so that, approved
// again, the release goes out there anew).
func (b *Bot) deletePost(ctx context.Context, m *msg, rec store.Record, p store.PostRecord) (string, data) {
	d := data{Act: actDelete, ID: b.remember(releaseKey(rec.ID)), Hash: postHash(rec.ID, p.Channel, p.Hash), Args: []string{channelArg(rec, p.Channel)}}
	link := func() {
		if p.Receipt.URL != "" {
			m.text(" ").link(p.Receipt.URL, "open")
		}
		m.tag("\n")
	}
	byHand := func() (string, data) {
		link()
		d.Act = actByHand
		return "✅ I deleted it on " + p.Channel, d
	}
	if b.cfg.Deleter == nil {
		m.text("• " + p.Channel + ": still published; delete it by hand")
		return byHand()
	}
	err := b.cfg.Deleter.Delete(ctx, p.Channel, *p.Receipt)
	switch {
	case err == nil:
		b.recordDeleted(ctx, rec.ID, p.Channel, store.ActorSystem)
		m.text("• " + p.Channel + ": deleted\n")
		return "", d
	case errors.Is(err, release.ErrNotSupported):
		m.text("• " + p.Channel + ": the platform cannot delete through its API; please delete it by hand")
		return byHand()
	}
	b.log.Warn("approval: delete withdrawn post", "release", rec.ID, "channel", p.Channel, "err", err)
	m.text("• " + p.Channel + ": could not delete (" + short(err.Error(), 200) + ")")
	link()
	return "🗑 Try deleting on " + p.Channel + " again", d
}

// recordDeleted records in the store that the post of release id on
// channel was deleted on the platform, so that the release goes out there
// anew if approved again; a failure is logged, the post then counts as
// still published.
func (b *Bot) recordDeleted(ctx context.Context, id, channel, actor string) {
	if err := b.st.PostDeleted(ctx, id, channel, actor); err != nil {
		b.log.Warn("approval: cannot record a deleted post; approved again, the release would skip this channel", "release", id, "channel", channel, "err", err)
	}
}

// channelArg names a channel in button data: its name, or "#i" (its index
// among the release's posts) when the name is too long.
func channelArg(rec store.Record, channel string) string {
	if len(channel) <= 30 {
		return channel
	}
	for i, p := range rec.Posts {
		if p.Channel == channel {
			return fmt.Sprintf("#%d", i)
		}
	}
	return channel
}

// channelOf reads a channelArg back.
func channelOf(rec store.Record, arg string) string {
	var i int
	if _, err := fmt.Sscanf(arg, "#%d", &i); err == nil && strings.HasPrefix(arg, "#") && i >= 0 && i < len(rec.Posts) {
		return rec.Posts[i].Channel
	}
	return arg
}

// cardMsg returns the message id of key's card, or 0.
func (b *Bot) cardMsg(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.cards[key]; c != nil {
		return c.MsgID
	}
	return 0
}

// refreshCard re-renders key's card in place, if it is still current.
func (b *Bot) refreshCard(ctx context.Context, key string) {
	// Under the card's lock, each refresh reads the latest state and edits
	// after the one before: three channels publishing at once must not
	// leave the card showing an older state than the last.
	defer b.lock(key)()
	b.mu.Lock()
	c := b.cards[key]
	b.mu.Unlock()
	if c == nil {
		return
	}
	v, err := b.loadView(ctx, key)
	if err != nil {
		b.log.Warn("approval: refresh card", "key", key, "err", err)
		return
	}
	if v.hash != c.Hash && !v.has(release.StatusWithdrawn) {
		return // outdated: a newer card exists or will
	}
	if err := b.edit(ctx, c.MsgID, b.text(ctx, v, c.Note), b.keyboard(v, v.all()).markup()); err != nil {
		b.log.Warn("approval: refresh card", "key", key, "err", err)
	}
}

// ReportProblems tells the approvers that the release at path fails check
// and was not offered. The same problems are reported once.
func (b *Bot) ReportProblems(ctx context.Context, path string, problems []string) {
	sum := digest(16, problems...)
	b.mu.Lock()
	same := b.problems[path] == sum
	b.problems[path] = sum
	b.mu.Unlock()
	if same {
		return
	}
	m := &msg{}
	m.tag("❌ ").code(path).text(" was not offered: it fails pressbot check.\n")
	m.quote(strings.Join(problems, "\n"))
	m.tag("\n").text("Fix the file; the corrected release will be offered.")
	if _, err := b.send(ctx, m.String(MaxText), 0, nil); err != nil {
		b.log.Error("approval: report problems", "path", path, "err", err)
	}
}

// Alert sends a warning to the approvers' chat (e.g. a channel's dead
// credentials, before a post is due).
func (b *Bot) Alert(ctx context.Context, text string) {
	if _, err := b.send(ctx, "⚠️ "+esc(cutUnits(text, MaxText-3)), 0, nil); err != nil {
		b.log.Error("approval: alert", "err", err)
	}
}

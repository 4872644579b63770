package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// maxAnswer is the longest callback answer Telegram shows (200
// characters, https://core.telegram.org/bots/api#answercallbackquery).
const maxAnswer = 200

// onCallback handles a button tap. Every query is answered once.
func (b *Bot) onCallback(ctx context.Context, q *models.CallbackQuery) {
	text, alert := b.tap(ctx, q)
	b.answer(ctx, q.ID, cutUnits(text, maxAnswer), alert)
}

// tap checks who tapped what and runs the action; it returns the answer.
func (b *Bot) tap(ctx context.Context, q *models.CallbackQuery) (string, bool) {
	d, err := parseData(q.Data)
	if err != nil {
		b.log.Warn("approval: unknown button data", "user_id", q.From.ID, "data", q.Data)
		return "This button is not one of mine.", true
	}
	u, ok := b.user(q.From.ID)
	if !ok {
		b.log.Warn("approval: refused a tap from a user not on the list", "user_id", q.From.ID, "username", q.From.Username, "action", d.Act)
		return fmt.Sprintf("Sorry, only the press office's approvers can use these buttons. Your user id is %d.", q.From.ID), true
	}
	if u.Role != RoleApprover {
		b.log.Warn("approval: refused a tap: role does not permit it", "user_id", u.ID, "name", u.Name, "role", u.Role, "action", d.Act)
		return "Your role is " + u.Role + ": only approvers can do this.", true
	}
	var tapped *models.Message
	if q.Message.Message != nil {
		tapped = q.Message.Message
	}
	if tapped == nil {
		return "This message is too old to act on; use /queue.", true
	}
	switch d.Act {
	case actRetry, actMark, actSkip, actDelete, actByHand:
		return b.postAction(ctx, u, d, tapped)
	}
	return b.cardAction(ctx, u, d, tapped)
}

// cardAction runs a card's button.
func (b *Bot) cardAction(ctx context.Context, u User, d data, tapped *models.Message) (string, bool) {
	msgID := tapped.ID
	b.mu.Lock()
	rn, void := b.void[msgID]
	b.mu.Unlock()
	if void {
		// Its buttons were to go with the rewrite (Renamed); a tap sent
		// before that arrived, or the rewrite failed.
		if err := b.editMarkup(ctx, msgID, nil); err != nil {
			b.log.Warn("approval: remove the buttons of a copy's card", "message", msgID, "err", err)
		}
		return voidAnswer(rn.From, rn.To), true
	}
	key, ok := b.resolve(ctx, d.ID)
	if !ok {
		return "This release is no longer known.", true
	}
	defer b.lock(key)()
	v, err := b.loadView(ctx, key)
	if errors.Is(err, errGone) {
		return "This release is no longer known.", true
	}
	if err != nil {
		b.log.Error("approval: load card", "key", key, "err", err)
		return "Something went wrong; the log has the details.", true
	}
	if v.hash != d.Hash {
		if rns, ok := b.renamedCard(ctx, v, d.Hash); ok {
			return b.renamedTap(ctx, v, msgID, rns)
		}
		return b.outdated(ctx, v, msgID)
	}
	if rn, rec, ok := b.renamedSince(ctx, v, tapped); ok {
		return b.voidTapped(ctx, rn, rec, msgID)
	}
	lang, mask := d.arg(0), decodeMask(d.arg(1), v.all())
	switch d.Act {
	case actTimes:
		return b.showKeyboard(ctx, msgID, b.timesKeyboard(ctx, v, lang, mask), "Choose a time (office time zone).")
	case actChannels, actToggle:
		return b.showKeyboard(ctx, msgID, b.channelsKeyboard(v, lang, mask), "Tap a channel to switch it on or off.")
	case actBack:
		return b.showKeyboard(ctx, msgID, b.keyboard(v, mask), "")
	case actApprove:
		return b.approve(ctx, u, v, msgID, lang, mask, time.Time{})
	case actAt:
		t, ok := decodeTime(d.arg(2))
		if !ok {
			return "This button is not one of mine.", true
		}
		return b.approve(ctx, u, v, msgID, lang, mask, t)
	case actNow:
		if v.has(pendingStates...) {
			return b.approve(ctx, u, v, msgID, lang, mask, b.now())
		}
		return b.publishNow(ctx, u, v, msgID, lang)
	case actCancel:
		return b.cancel(ctx, u, v, msgID, lang)
	case actReject:
		return b.askReason(ctx, u, v, msgID, lang)
	case actUpdate:
		return b.update(ctx, u, v, msgID)
	case actKeep:
		return b.keep(ctx, u, v, msgID)
	}
	return "This button is not one of mine.", true
}

// showKeyboard swaps the card's buttons.
func (b *Bot) showKeyboard(ctx context.Context, msgID int, k keyboard, answer string) (string, bool) {
	if err := b.editMarkup(ctx, msgID, k.markup()); err != nil {
		b.log.Warn("approval: show buttons", "err", err)
	}
	return answer, false
}

// outdated answers a tap on a card whose content has changed: the old
// buttons go, and a reply points to the current card (sent anew when it is
// not known, e.g. after a restart).
func (b *Bot) outdated(ctx context.Context, v *view, msgID int) (string, bool) {
	if err := b.editMarkup(ctx, msgID, nil); err != nil {
		b.log.Warn("approval: retire outdated card", "err", err)
	}
	cur := b.cardMsg(v.key)
	if cur == 0 || cur == msgID {
		id, err := b.send(ctx, b.text(ctx, v, "Current version: an earlier preview was outdated."), msgID, b.keyboard(v, v.all()).markup())
		if err != nil {
			b.log.Error("approval: send current card", "key", v.key, "err", err)
			return "This preview is outdated: the release changed. Use /queue to find the current one.", true
		}
		b.mu.Lock()
		b.cards[v.key] = &card{MsgID: id, Hash: v.hash}
		b.mu.Unlock()
		return "This preview is outdated: the release changed. The current preview is the newest message.", true
	}
	if _, err := b.send(ctx, "👆 This is the current version. The preview you tapped is outdated: the release changed since.", cur, nil); err != nil {
		b.log.Warn("approval: point to current card", "err", err)
	}
	return "This preview is outdated: the release changed. Use the newer preview (see the reply below).", true
}

// approve records u's approval of the pending releases the button names,
// at t (zero: the proposed slots), on the selected channels.
func (b *Bot) approve(ctx context.Context, u User, v *view, msgID int, lang string, mask uint64, t time.Time) (string, bool) {
	if mask == 0 {
		return "Select at least one channel first.", true
	}
	var out []string
	for _, r := range v.targets(lang) {
		if r.State != release.StatusPendingApproval {
			continue
		}
		chans := channelsOf(v.posts[r.ID], v.selected(mask))
		if len(chans) == 0 {
			out = append(out, r.Lang+": none of the selected channels")
			continue
		}
		if b.cfg.Current != nil {
			if err := b.cfg.Current(r.ID, r.Hash); err != nil {
				b.log.Warn("approval: refused: the file is not the version shown", "release", r.ID, "user_id", u.ID, "err", err)
				out = append(out, r.Lang+": not approved: "+strings.TrimPrefix(err.Error(), "ingest: "))
				continue
			}
		}
		req := store.ApproveRequest{ID: r.ID, Hash: r.Hash, Approver: approver(u), Channels: chans,
			Posts: v.posts[r.ID], Required: b.required(r.Release), At: t}
		if t.IsZero() {
			if req.At = requested(r.Approvals); req.At.IsZero() {
				req.ChannelAt = b.nextSlots(ctx, r, chans)
			}
		}
		res, err := b.st.Approve(ctx, req)
		switch {
		case errors.Is(err, store.ErrStaleHash):
			return b.outdated(ctx, v, msgID)
		case err != nil:
			b.log.Error("approval: approve", "release", r.ID, "user_id", u.ID, "err", err)
			out = append(out, r.Lang+": not approved ("+err.Error()+")")
			continue
		}
		b.log.Info("approval: approved", "release", r.ID, "hash", r.Release.ShortHash(), "user_id", u.ID, "name", u.Name,
			"approvals", res.Approvals, "required", res.Required, "scheduled", res.Scheduled, "already", res.Already)
		out = append(out, r.Lang+": "+approveAnswer(res))
	}
	b.rerender(ctx, v.key, msgID, mask)
	if len(out) == 0 {
		return "Nothing awaits approval here.", false
	}
	return strings.Join(out, "; "), false
}

// approveAnswer words an approval's result.
func approveAnswer(res store.ApproveResult) string {
	switch {
	case res.Already:
		return "you had already approved this version"
	case res.Scheduled:
		return "approved and scheduled"
	}
	return fmt.Sprintf("approved (%d of %d): waiting for another approver", res.Approvals, res.Required)
}

// requested returns the publication time an earlier approver asked for.
func requested(as []store.Approval) time.Time {
	for _, a := range as {
		if !a.Requested.IsZero() {
			return a.Requested
		}
	}
	return time.Time{}
}

// channelsOf returns the channels of posts that are in sel, in post order.
func channelsOf(posts []release.Post, sel []string) []string {
	var out []string
	for _, p := range posts {
		if slices.Contains(sel, p.Channel) {
			out = append(out, p.Channel)
		}
	}
	return out
}

// rerender edits the card message msgID to show the current state and
// remembers it as key's card.
func (b *Bot) rerender(ctx context.Context, key string, msgID int, mask uint64) {
	v, err := b.loadView(ctx, key)
	if err != nil {
		b.log.Warn("approval: reload card", "key", key, "err", err)
		return
	}
	b.mu.Lock()
	note := ""
	if c := b.cards[key]; c != nil && c.MsgID == msgID {
		note = c.Note
	}
	b.cards[key] = &card{MsgID: msgID, Hash: v.hash, Note: note}
	b.mu.Unlock()
	if err := b.edit(ctx, msgID, b.text(ctx, v, note), b.keyboard(v, mask&v.all()).markup()); err != nil {
		b.log.Warn("approval: update card", "key", key, "err", err)
	}
}

// publishNow moves scheduled releases to now: their schedule is cancelled
// and u approves them again for now. A release that needs several
// approvers then waits for the others again.
func (b *Bot) publishNow(ctx context.Context, u User, v *view, msgID int, lang string) (string, bool) {
	var out []string
	for _, r := range v.targets(lang) {
		if !slices.Contains(approvedStates, r.State) {
			continue
		}
		var chans []string
		for _, p := range r.Posts {
			if p.Hash == r.Hash && (p.State == release.StatusScheduled || p.State == release.StatusApproved) {
				chans = append(chans, p.Channel)
			}
		}
		if len(chans) == 0 {
			continue
		}
		if err := b.st.Cancel(ctx, r.ID, actor(u), "publish now requested by "+u.Name); err != nil {
			b.log.Error("approval: publish now: cancel", "release", r.ID, "err", err)
			out = append(out, r.Lang+": "+err.Error())
			continue
		}
		res, err := b.st.Approve(ctx, store.ApproveRequest{ID: r.ID, Hash: r.Hash, Approver: approver(u), Channels: chans,
			Posts: v.posts[r.ID], Required: b.required(r.Release), At: b.now()})
		if err != nil {
			b.log.Error("approval: publish now", "release", r.ID, "err", err)
			out = append(out, r.Lang+": "+err.Error())
			continue
		}
		b.log.Info("approval: publish now", "release", r.ID, "user_id", u.ID, "scheduled", res.Scheduled)
		out = append(out, r.Lang+": "+approveAnswer(res))
	}
	b.rerender(ctx, v.key, msgID, v.all())
	if len(out) == 0 {
		return "Nothing is scheduled here.", false
	}
	return strings.Join(out, "; "), false
}

// cancel takes approved or scheduled releases back to approval.
func (b *Bot) cancel(ctx context.Context, u User, v *view, msgID int, lang string) (string, bool) {
	n := 0
	for _, r := range v.targets(lang) {
		if !slices.Contains(approvedStates, r.State) {
			continue
		}
		if err := b.st.Cancel(ctx, r.ID, actor(u), "cancelled in Telegram by "+u.Name); err != nil {
			b.log.Error("approval: cancel", "release", r.ID, "err", err)
			continue
		}
		b.log.Info("approval: cancelled", "release", r.ID, "user_id", u.ID, "name", u.Name)
		n++
	}
	b.rerender(ctx, v.key, msgID, v.all())
	if n == 0 {
		return "Nothing to cancel: it is no longer scheduled.", false
	}
	return "Cancelled: the release awaits approval again.", false
}

// askReason asks u for the reason of a rejection, in a reply that carries
// a reference to the card (so it survives restarts).
func (b *Bot) askReason(ctx context.Context, u User, v *view, msgID int, lang string) (string, bool) {
	ref := data{Act: actReject, ID: v.id, Hash: v.hash, Args: []string{lang, fmt.Sprint(msgID)}}
	text := fmt.Sprintf("✖️ %s, why reject <b>%s</b>? Reply to this message with the reason.\nref <code>%s</code>",
		esc(u.Name), esc(v.recs[0].Title), ref)
	_, err := b.send(ctx, text, msgID, &models.ForceReply{ForceReply: true, Selective: true, InputFieldPlaceholder: "Reason for rejecting"})
	if err != nil {
		b.log.Error("approval: ask for a reason", "err", err)
		return "Could not ask for a reason; try again.", true
	}
	return "Reply with the reason to reject.", false
}

// reject records a rejection with the reason given in reply to askReason's
// message.
func (b *Bot) reject(ctx context.Context, m *models.Message, u User, ref data, reason string) {
	reply := func(s string) { b.sendTo(ctx, m.Chat.ID, m.ID, s) }
	key, ok := b.resolve(ctx, ref.ID)
	if !ok {
		reply("This release is no longer known.")
		return
	}
	defer b.lock(key)()
	v, err := b.loadView(ctx, key)
	if err != nil {
		reply("This release is no longer known.")
		return
	}
	var cardID int
	fmt.Sscan(ref.arg(1), &cardID)
	if v.hash != ref.Hash {
		text, _ := b.outdated(ctx, v, cardID)
		reply(esc(text) + " Nothing was rejected.")
		return
	}
	var done []string
	for _, r := range v.targets(ref.arg(0)) {
		if r.State != release.StatusPendingApproval {
			continue
		}
		if err := b.st.Reject(ctx, r.ID, actor(u), reason); err != nil {
			b.log.Error("approval: reject", "release", r.ID, "err", err)
			continue
		}
		b.log.Info("approval: rejected", "release", r.ID, "user_id", u.ID, "name", u.Name)
		done = append(done, r.Lang)
	}
	if cardID != 0 {
		b.rerender(ctx, key, cardID, v.all())
	}
	if len(done) == 0 {
		reply("Nothing was rejected: it no longer awaits approval.")
		return
	}
	reply(fmt.Sprintf("❌ Rejected (%s) by %s: %s", esc(strings.Join(done, ", ")), esc(u.Name), esc(reason)))
}

// update edits the published posts that show an older version to the
// current rendering (a correction reply where the platform cannot edit).
func (b *Bot) update(ctx context.Context, u User, v *view, msgID int) (string, bool) {
	if b.cfg.Editor == nil {
		return "Editing published posts is not configured here.", true
	}
	if len(b.stale(v)) == 0 {
		return "The published posts were already updated or kept.", false
	}
	m := &msg{}
	m.tag("✏️ ").text("Update of the published posts, by " + u.Name + ":\n")
	failed := 0
	for _, r := range b.stale(v) {
		for _, p := range r.Posts {
			if !b.isStale(r, p) {
				continue
			}
			i := slices.IndexFunc(v.posts[r.ID], func(q release.Post) bool { return q.Channel == p.Channel })
			if i < 0 {
				m.text("• " + r.Lang + " " + p.Channel + ": no longer a channel of this release; left as it is\n")
				b.settleUpdate(ctx, u, r, p.Channel, nil)
				continue
			}
			post := v.posts[r.ID][i]
			if p.Post.SameParts(post) {
				b.settleUpdate(ctx, u, r, p.Channel, &post)
				m.text("• " + r.Lang + " " + p.Channel + ": unchanged, not edited\n")
				continue
			}
			err := b.editPost(ctx, u, r, p, post)
			if errors.Is(err, store.ErrSettled) {
				m.text("• " + r.Lang + " " + p.Channel + ": already updated or kept meanwhile\n")
				continue
			}
			if err != nil {
				failed++
				b.log.Warn("approval: update published post", "release", r.ID, "channel", p.Channel, "err", err)
				m.text("• " + r.Lang + " " + p.Channel + ": failed (" + short(err.Error(), 200) + ")\n")
				continue
			}
			b.settleUpdate(ctx, u, r, p.Channel, &post)
			b.log.Info("approval: published post updated", "release", r.ID, "channel", p.Channel, "user_id", u.ID)
			what := "edited"
			if p.Post.Kind == release.KindX {
				what = "correction reply posted"
			}
			m.text("• " + r.Lang + " " + p.Channel + ": " + what + "\n")
		}
	}
	if _, err := b.send(ctx, m.String(MaxText), msgID, nil); err != nil {
		b.log.Warn("approval: report update", "err", err)
	}
	b.rerender(ctx, v.key, msgID, v.all())
	if failed > 0 {
		return plural(failed, "post could not", "posts could not") + " be updated; see the reply.", true
	}
	return "Published posts updated.", false
}

// editPost edits p, a published post of r, to post on its platform. It claims the post first (store.BeginEdit), so that a
// 'pressbot update' on the command line cannot edit it at the same time,
// and lets go of the claim when the edit fails.
func (b *Bot) editPost(ctx context.Context, u User, r store.Record, p store.PostRecord, post release.Post) error {
	if err := b.st.BeginEdit(ctx, r.ID, p.Channel, r.Hash, actor(u)); err != nil {
		return err
	}
	if err := b.cfg.Editor.Edit(ctx, p.Channel, *p.Receipt, post); err != nil {
		return errors.Join(err, b.st.EndEdit(ctx, r.ID, p.Channel))
	}
	return nil
}

// keep leaves the published posts as they are.
func (b *Bot) keep(ctx context.Context, u User, v *view, msgID int) (string, bool) {
	if len(b.stale(v)) == 0 {
		return "The published posts were already updated or kept.", false
	}
	busy := 0
	for _, r := range b.stale(v) {
		for _, p := range r.Posts {
			if b.isStale(r, p) && errors.Is(b.settleUpdate(ctx, u, r, p.Channel, nil), store.ErrEditing) {
				busy++
			}
		}
	}
	b.log.Info("approval: published posts kept as they are", "key", v.key, "user_id", u.ID, "being_updated", busy)
	b.rerender(ctx, v.key, msgID, v.all())
	if busy > 0 {
		return plural(busy, "post is", "posts are") + " being updated elsewhere right now (pressbot update on the command line, or another pressbot): look at the card again in a minute.", true
	}
	return "The published posts stay as they are.", false
}

// isStale reports whether p is published with an older version of r that
// was neither updated nor kept (the store records both).
func (b *Bot) isStale(r store.Record, p store.PostRecord) bool {
	return p.State == release.StatusPublished && p.Hash != r.Hash && p.Receipt != nil
}

// settleUpdate records that the post of r on channel was updated to edited, or
// kept as it is (edited nil), so that it is not offered again, also after a
// restart. A failure is logged and returned: the card then still offers
// the choice.
func (b *Bot) settleUpdate(ctx context.Context, u User, r store.Record, channel string, edited *release.Post) error {
	err := b.st.SettlePublished(ctx, r.ID, channel, r.Hash, actor(u), edited)
	if err != nil {
		b.log.Error("approval: record the published post's update", "release", r.ID, "channel", channel, "err", err)
	}
	return err
}

// postAction settles one post from an alert: Retry, Mark as published,
// Skip, or try deleting a withdrawn post again.
func (b *Bot) postAction(ctx context.Context, u User, d data, tapped *models.Message) (string, bool) {
	key, ok := b.resolve(ctx, d.ID)
	if !ok || !strings.HasPrefix(key, "r:") {
		return "This release is no longer known.", true
	}
	rec, outcome, settled := b.settlePost(ctx, u, d, tapped, key)
	if !settled {
		return outcome, true
	}
	// After the release's lock is let go: the card may be keyed by it.
	b.refreshCard(ctx, cardKey(rec.ID, rec.TranslationKey))
	if d.Act == actMark || d.Act == actSkip {
		b.links(ctx, rec) // no queue event follows these
	}
	return outcome, false
}

// settlePost is postAction's work under the release's lock: it reports
// the outcome, and whether the post was settled (else the outcome is the
// alert to show).
func (b *Bot) settlePost(ctx context.Context, u User, d data, tapped *models.Message, key string) (store.Record, string, bool) {
	defer b.lock(key)()
	rec, err := b.st.Get(ctx, key[2:])
	if err != nil {
		return rec, "This release is no longer known.", false
	}
	channel := channelOf(rec, d.arg(0))
	i := slices.IndexFunc(rec.Posts, func(p store.PostRecord) bool { return p.Channel == channel })
	if i < 0 {
		return rec, "This post is no longer known.", false
	}
	p := rec.Posts[i]
	if !b.alertOf(ctx, rec.ID, p, d.Hash) {
		b.settled(ctx, tapped, "This alert is outdated: the post was approved again since.", nil)
		return rec, "This alert is outdated: the post changed since.", false
	}
	outcome, err := b.settle(ctx, u, d.Act, rec, p)
	if err != nil {
		b.log.Error("approval: settle post", "release", rec.ID, "channel", channel, "action", d.Act, "err", err)
		return rec, short(err.Error(), maxAnswer), false
	}
	var keep keyboard
	if d.Act == actDelete || d.Act == actByHand {
		keep = otherButtons(tapped, d.String()) // the withdrawal's other posts
	}
	b.settled(ctx, tapped, outcome, keep)
	return rec, outcome, true
}

// alertOf reports whether hash is the post hash of p, a post of release
// id, in an alert: one sent for it under id or, before its file was
// renamed, under an old ID of the release.
func (b *Bot) alertOf(ctx context.Context, id string, p store.PostRecord, hash string) bool {
	if postHash(id, p.Channel, p.Hash) == hash {
		return true
	}
	renames, err := b.st.RenamedFrom(ctx, id)
	if err != nil {
		b.log.Warn("approval: list the old IDs of a release", "release", id, "err", err)
	}
	for _, r := range renames {
		if postHash(r.From, p.Channel, p.Hash) == hash {
			return true
		}
	}
	return false
}

// otherButtons returns the buttons of m but the one sending tapped. On a
// withdrawal message each button is for another channel's post, so
// settling one leaves the others to press.
func otherButtons(m *models.Message, tapped string) keyboard {
	if m.ReplyMarkup == nil {
		return nil
	}
	var k keyboard
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		k = k.row(slices.DeleteFunc(slices.Clone(row), func(btn models.InlineKeyboardButton) bool {
			return btn.CallbackData == tapped
		})...)
	}
	return k
}

// settle runs one alert action on post p.
func (b *Bot) settle(ctx context.Context, u User, act string, rec store.Record, p store.PostRecord) (string, error) {
	by := " by " + u.Name + ", " + b.short(b.now())
	switch act {
	case actDelete:
		if b.cfg.Deleter == nil || p.Receipt == nil {
			return "", errors.New("deleting is not configured here; delete it by hand")
		}
		if err := b.cfg.Deleter.Delete(ctx, p.Channel, *p.Receipt); err != nil {
			return "", fmt.Errorf("could not delete on %s: %w", p.Channel, err)
		}
		b.recordDeleted(ctx, rec.ID, p.Channel, actor(u))
		return "🗑 Deleted on " + p.Channel + by, nil
	case actByHand:
		if err := b.st.PostDeleted(ctx, rec.ID, p.Channel, actor(u)); err != nil {
			return "", err
		}
		return "🗑 Deleted by hand on " + p.Channel + by, nil
	}
	if p.State != release.StatusFailed && p.State != release.StatusUncertain {
		return "Already settled: the post on " + p.Channel + " is " + string(p.State) + ".", nil
	}
	var err error
	var outcome string
	switch act {
	case actRetry:
		err, outcome = b.st.Retry(ctx, rec.ID, p.Channel, actor(u), time.Time{}), "🔁 Sent again"
	case actMark:
		err, outcome = b.st.MarkPublished(ctx, rec.ID, p.Channel, actor(u), nil), "✅ Marked as published"
	case actSkip:
		err, outcome = b.st.Skip(ctx, rec.ID, p.Channel, actor(u)), "⏭ Skipped"
	}
	if err != nil {
		return "", err
	}
	b.log.Info("approval: post settled", "release", rec.ID, "channel", p.Channel, "action", act, "user_id", u.ID)
	return outcome + " on " + p.Channel + by, nil
}

// settled rewrites an alert with its outcome and without buttons, but for
// keep.
func (b *Bot) settled(ctx context.Context, m *models.Message, outcome string, keep keyboard) {
	text := esc(cutUnits(m.Text, MaxText-units(outcome)-4)) + "\n\n<b>" + esc(outcome) + "</b>"
	if err := b.edit(ctx, m.ID, text, keep.markup()); err != nil {
		b.log.Warn("approval: update alert", "err", err)
	}
}

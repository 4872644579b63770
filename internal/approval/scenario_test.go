package approval_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/approval"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render/textlen"
	"github.com/pressbot/pressbot/internal/store"
)

// TestNewReleaseToPublished: previews → a stranger's and a viewer's taps
// refused → an approver's tap → jobs scheduled → published on every
// channel → links reported, card edited in place.
func TestNewReleaseToPublished(t *testing.T) {
	w := newWorld(t)
	rel := w.release("2024/office", source("UN opens office in Tashkent", "en", "", nil, body))
	w.offer(rel)
	want := w.posts(rel)

	card := w.card("UN opens office in Tashkent", 0)
	msgs := w.tg.Messages(group)
	// The exact Telegram post comes first: same HTML, same photo.
	tgParts := want["telegram"].Parts
	for i, part := range tgParts {
		m := msgs[i]
		if m.Text != part.Text || m.ParseMode != "HTML" {
			t.Errorf("preview part %d = %q (%s), want the post's %q", i, m.Text, m.ParseMode, part.Text)
		}
		if len(part.Media) > 0 && m.Photo != part.Media[0].URL {
			t.Errorf("preview part %d photo = %q, want %q", i, m.Photo, part.Media[0].URL)
		}
	}
	if card.ID != len(tgParts)+1 {
		t.Errorf("card is message %d, want it right after the %d preview messages", card.ID, len(tgParts))
	}
	x := want["x"]
	for _, s := range []string{"en", "2024/office", rel.ShortHash(), "Awaiting approval: 0 of 1", "facebook",
		"thread of " + strconv.Itoa(len(x.Parts)), strconv.Itoa(x.Parts[0].Length) + "/280", "Full preview",
		"Proposed: as soon as approved"} {
		if !strings.Contains(card.Plain, s) {
			t.Errorf("card lacks %q:\n%s", s, card.Plain)
		}
	}
	if !strings.Contains(card.Text, `<a href="https://news.example.org/preview/2024/office">`) ||
		!strings.Contains(card.Text, "<blockquote expandable>") || textlen.TelegramLen(card.Text) > 4096 {
		t.Errorf("card HTML: %s", card.Text)
	}

	for _, tc := range []struct {
		who  faketg.User
		want string
	}{{mallory, "only the press office's approvers"}, {vera, "Your role is viewer"}} {
		a := w.tap(tc.who, card.ID, "✅ Approve")
		if !a.ShowAlert || !strings.Contains(a.Text, tc.want) {
			t.Errorf("%s's tap answered %+v, want an alert with %q", tc.who.FirstName, a, tc.want)
		}
	}
	if rec := w.record(rel.ID); rec.State != release.StatusPendingApproval || len(rec.Approvals) != 0 {
		t.Fatalf("after refused taps: %s with %d approvals", rec.State, len(rec.Approvals))
	}

	a := w.tap(alice, card.ID, "✅ Approve")
	if a.ShowAlert || !strings.Contains(a.Text, "approved and scheduled") {
		t.Errorf("approver's tap answered %+v", a)
	}
	rec := w.record(rel.ID)
	if len(rec.Posts) != 3 || rec.ApprovedHash != rel.Hash {
		t.Fatalf("after approval: %d posts, approved hash %q", len(rec.Posts), rec.ApprovedHash)
	}
	for _, p := range rec.Posts {
		if p.JobID == 0 {
			t.Errorf("post %s has no job", p.Channel)
		}
	}

	links := w.findText("📣 Published: UN opens office in Tashkent", "https://t.me/unpress/", "https://facebook.example/post/1", "https://x.example/unpress/status/1")
	if links.ReplyTo != card.ID {
		t.Errorf("links reply to %d, want the card %d", links.ReplyTo, card.ID)
	}
	pub := w.tg.Messages(channel)
	if len(pub) != len(tgParts) || pub[0].Text != tgParts[0].Text || pub[0].Photo != tgParts[0].Media[0].URL {
		t.Errorf("public channel got %s", dump(pub))
	}
	if got := w.fb.sends(); len(got) != 1 || got[0].Parts[0].Text != want["facebook"].Parts[0].Text {
		t.Errorf("facebook got %+v", got)
	}
	w.findText("Approved by Alice", "telegram: published", "x: published")
	if m := w.message(card.ID); m.ReplyMarkup != "" {
		t.Errorf("published card still has buttons: %s", m.ReplyMarkup)
	}
}

// TestOutdatedButton: a button of a preview whose release changed refuses
// and points to the current card, before and after a restart.
func TestOutdatedButton(t *testing.T) {
	w := newWorld(t)
	w.slots.set(2*time.Hour, 4*time.Hour)
	v1 := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(v1)
	old := w.card("UN opens office", 0)
	oldData := w.buttonData(old.ID, "✅ Approve")

	v2 := w.release("2024/office", source("UN opens office", "en", "", nil, body+"\nIt opens at 10:00.\n"))
	if ch := w.offer(v2); ch.Kind.String() != "changed_before_approval" {
		t.Fatalf("change = %s", ch.Kind)
	}
	cur := w.card("UN opens office", old.ID)
	if !strings.Contains(cur.Plain, "Changed since the last preview: body (+1 −0 lines)") || cur.ReplyTo != old.ID {
		t.Errorf("new card (reply to %d):\n%s", cur.ReplyTo, cur.Plain)
	}
	if m := w.message(old.ID); m.ReplyMarkup != "" {
		t.Errorf("old card kept its buttons")
	}
	a := w.inject(alice, old.ID, oldData)
	if !a.ShowAlert || !strings.Contains(a.Text, "outdated") {
		t.Errorf("outdated tap answered %+v", a)
	}
	ptr := w.findText("This is the current version")
	if ptr.ReplyTo != cur.ID {
		t.Errorf("pointer replies to %d, want the current card %d", ptr.ReplyTo, cur.ID)
	}
	if rec := w.record(v2.ID); len(rec.Approvals) != 0 || rec.State != release.StatusPendingApproval {
		t.Fatalf("outdated tap approved: %+v", rec.Approvals)
	}

	// After a restart the bot knows no card: buttons still resolve through
	// the store, an outdated one gets a fresh card.
	w.stop()
	w.bot = w.newBot()
	w.run(w.bot)
	a = w.inject(alice, old.ID, oldData)
	if !strings.Contains(a.Text, "outdated") {
		t.Errorf("outdated tap after restart answered %+v", a)
	}
	fresh := w.card("UN opens office", ptr.ID)
	if !strings.Contains(fresh.Plain, "Current version") {
		t.Errorf("fresh card:\n%s", fresh.Plain)
	}
	a = w.tap(alice, cur.ID, "✅ Approve")
	if !strings.Contains(a.Text, "approved and scheduled") {
		t.Errorf("current button after restart answered %+v", a)
	}
	p := w.waitPost(v2.ID, "x", release.StatusScheduled)
	if d := time.Until(p.ScheduledAt); d < time.Hour || d > 3*time.Hour {
		t.Errorf("scheduled at %s, want the proposed slot in about 2h", p.ScheduledAt)
	}
}

// TestTwoApprovers: a release tagged sensitive needs two distinct
// approvers; a double tap counts once; two approvers tapping at once
// schedule it exactly once.
func TestTwoApprovers(t *testing.T) {
	w := newWorld(t, required(1, approval.Rule{Tag: "sensitive", Required: 2}))
	rel := w.release("2024/talks", source("Talks on water", "en", "", []string{"sensitive"}, body))
	w.offer(rel)
	card := w.card("Talks on water", 0)
	if !strings.Contains(card.Plain, "0 of 2") {
		t.Errorf("card:\n%s", card.Plain)
	}
	if a := w.tap(alice, card.ID, "✅ Approve"); !strings.Contains(a.Text, "approved (1 of 2)") {
		t.Errorf("first approval answered %+v", a)
	}
	if a := w.tap(alice, card.ID, "✅ Approve"); !strings.Contains(a.Text, "already approved") {
		t.Errorf("double tap answered %+v", a)
	}
	if rec := w.record(rel.ID); rec.State != release.StatusPendingApproval || len(rec.Approvals) != 1 {
		t.Fatalf("after one approver: %s, %d approvals", rec.State, len(rec.Approvals))
	}
	w.findText("Awaiting approval: 1 of 2 (Alice")
	if a := w.tap(bob, card.ID, "✅ Approve"); !strings.Contains(a.Text, "approved and scheduled") {
		t.Errorf("second approval answered %+v", a)
	}
	w.findText("📣 Published: Talks on water")

	// Two approvers at once.
	rel2 := w.release("2024/talks-2", source("Talks again", "en", "", []string{"sensitive"}, body))
	w.offer(rel2)
	card2 := w.card("Talks again", 0)
	cbA, err := w.tg.TapText(alice, group, card2.ID, "⚡ Publish now")
	if err != nil {
		t.Fatal(err)
	}
	cbB, err := w.tg.TapText(bob, group, card2.ID, "⚡ Publish now")
	if err != nil {
		t.Fatal(err)
	}
	ans := w.answer(cbA).Text + " | " + w.answer(cbB).Text
	if !strings.Contains(ans, "approved (1 of 2)") || !strings.Contains(ans, "approved and scheduled") {
		t.Errorf("concurrent taps answered %q", ans)
	}
	w.findText("📣 Published: Talks again")
	n := 0
	for _, p := range w.x.sends() {
		if p.Release == rel2.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("x got %d posts of %s, want exactly 1", n, rel2.ID)
	}
}

// TestEditAfterApproval: a change after approval cancels the jobs and
// offers a new card marked "changed since approval" with what changed.
func TestEditAfterApproval(t *testing.T) {
	w := newWorld(t)
	w.slots.set(3 * time.Hour)
	v1 := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(v1)
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "✅ Approve")
	w.findText("Approved by Alice", "scheduled for")
	if m := w.message(card.ID); !strings.Contains(m.ReplyMarkup, "↩️ Cancel") {
		t.Errorf("approved card buttons: %s", m.ReplyMarkup)
	}

	v2 := w.release("2024/office", source("UN opens a new office", "en", "", nil, strings.Replace(body, "40 staff", "45 staff", 1)))
	ch := w.offer(v2)
	if ch.Kind.String() != "changed_after_approval" || len(ch.Cancelled) != 3 {
		t.Fatalf("change = %s, cancelled %v", ch.Kind, ch.Cancelled)
	}
	cur := w.card("UN opens a new office", card.ID)
	for _, s := range []string{"Changed since approval: title, body (+1 −1 lines)", "were cancelled", "Awaiting approval: 0 of 1"} {
		if !strings.Contains(cur.Plain, s) {
			t.Errorf("new card lacks %q:\n%s", s, cur.Plain)
		}
	}
	if rec := w.record(v2.ID); rec.State != release.StatusPendingApproval {
		t.Errorf("state after change = %s", rec.State)
	}
	// The new version goes out once approved; the old one never does.
	w.tap(alice, cur.ID, "⚡ Publish now")
	w.findText("📣 Published: UN opens a new office")
	for _, p := range w.fb.sends() {
		if !strings.Contains(p.Parts[0].Text, "45 staff") {
			t.Errorf("facebook got the old version: %q", p.Parts[0].Text)
		}
	}
}

// publishedThenChanged publishes 2024/office at once, then changes it: it
// returns the new version and the card that asks whether to update the
// published posts.
func publishedThenChanged(t *testing.T, w *world) (release.Release, faketg.Message) {
	t.Helper()
	w.offer(w.release("2024/office", source("UN opens office", "en", "", nil, body)))
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "⚡ Publish now")
	w.findText("📣 Published: UN opens office")
	v2 := w.release("2024/office", source("UN opens office", "en", "", nil, strings.Replace(body, "Tuesday", "Wednesday", 1)))
	if ch := w.offer(v2); ch.Kind.String() != "changed_after_publishing" {
		t.Fatalf("change = %s", ch.Kind)
	}
	return v2, w.card("UN opens office", card.ID)
}

// TestEditAfterPublishing: a change after publishing asks "Update the
// published posts?"; Update edits Telegram (the real channel) and Facebook
// and posts X's correction through the Editor.
func TestEditAfterPublishing(t *testing.T) {
	w := newWorld(t)
	v2, cur := publishedThenChanged(t, w)
	if !strings.Contains(cur.Plain, "Update the published posts?") {
		t.Errorf("card:\n%s", cur.Plain)
	}
	if a := w.tap(vera, cur.ID, "✏️ Update published posts"); !a.ShowAlert {
		t.Errorf("viewer could update: %+v", a)
	}
	updateData := w.buttonData(cur.ID, "✏️ Update published posts")
	if a := w.tap(alice, cur.ID, "✏️ Update published posts"); !strings.Contains(a.Text, "updated") {
		t.Errorf("update answered %+v", a)
	}
	w.findText("telegram: edited", "facebook: edited", "x: correction reply posted")
	want := w.posts(v2)["telegram"].Parts
	pub := w.tg.Messages(channel)
	for i, m := range pub {
		if m.Text != want[i].Text {
			t.Errorf("channel message %d = %q, want the new %q", m.ID, m.Text, want[i].Text)
		}
	}
	if pub[0].Edits == 0 {
		t.Errorf("channel message was not edited")
	}
	if len(w.x.edits) != 1 || !strings.Contains(w.fb.edits[0].Parts[0].Text, "Wednesday") {
		t.Errorf("edits: x %d, facebook %+v", len(w.x.edits), w.fb.edits)
	}
	if m := w.message(cur.ID); strings.Contains(m.ReplyMarkup, "Update published posts") {
		t.Errorf("update buttons remain: %s", m.ReplyMarkup)
	}
	// The store keeps the decision: the newsroom shows the new version, and
	// after a restart the same button (say, tapped twice) edits nothing and
	// posts no second correction on X.
	if pub, err := w.st.Published(w.ctx); err != nil || len(pub) != 1 || !strings.Contains(pub[0].Release.Body, "Wednesday") {
		t.Errorf("newsroom after the update: %+v %v", pub, err)
	}
	w.stop()
	w.bot = w.newBot()
	w.run(w.bot)
	if a := w.inject(alice, cur.ID, updateData); !strings.Contains(a.Text, "already updated") {
		t.Errorf("second update after a restart answered %+v", a)
	}
	if len(w.x.edits) != 1 || len(w.fb.edits) != 1 {
		t.Errorf("second update edited again: x %d, facebook %d", len(w.x.edits), len(w.fb.edits))
	}
}

// TestEditAfterPartlyPublished: a release published on Telegram and X
// whose Facebook post failed, then changed, needs both an update of the
// published posts and an approval of the new version for Facebook: the
// card says so and offers both, and the two together leave every channel
// on the new version, nothing sent twice.
func TestEditAfterPartlyPublished(t *testing.T) {
	w := newWorld(t)
	w.fb.failNext(permanent)
	w.offer(w.release("2024/office", source("UN opens office", "en", "", nil, body)))
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "⚡ Publish now")
	w.findText("Not published: UN opens office", "on facebook")
	// Both sent before the change: the card is drawn from the state the
	// change finds, and a post still publishing then is not yet "sent".
	w.waitPost("2024/office", "telegram", release.StatusPublished)
	w.waitPost("2024/office", "x", release.StatusPublished)
	v2 := w.release("2024/office", source("UN opens office", "en", "", nil, strings.Replace(body, "Tuesday", "Wednesday", 1)))
	if ch := w.offer(v2); ch.Kind.String() != "changed_after_publishing" || !slices.Equal(ch.Cancelled, []string{"facebook"}) {
		t.Fatalf("change = %s, cancelled %v", ch.Kind, ch.Cancelled)
	}
	cur := w.card("UN opens office", card.ID)
	for _, want := range []string{
		"Changed after publishing on telegram and x, before it went out on facebook",
		"✏️ Update published posts edits the posts on telegram and x",
		"✅ Approve sends the new version to facebook",
		"telegram and x already published, not sent again",
	} {
		if !strings.Contains(cur.Plain, want) {
			t.Errorf("card lacks %q:\n%s", want, cur.Plain)
		}
	}
	if strings.Contains(cur.Plain, "Update the published posts?") {
		t.Errorf("card offers only the update:\n%s", cur.Plain)
	}
	for _, label := range []string{"⚡ Publish now", "✏️ Update published posts"} {
		if w.buttonData(cur.ID, label) == "" {
			t.Errorf("card lacks %q", label)
		}
	}
	w.tap(alice, cur.ID, "⚡ Publish now")
	if p := w.waitPost("2024/office", "facebook", release.StatusPublished); p.Hash != v2.Hash {
		t.Errorf("facebook published %s, want the new version %s", p.Hash, v2.Hash)
	}
	w.tap(alice, w.card("UN opens office", 0).ID, "✏️ Update published posts")
	w.findText("telegram: edited", "x: correction reply posted")
	if n := len(w.x.sends()); n != 1 {
		t.Errorf("x got %d sends, want 1 (the correction is an edit)", n)
	}
	if rec := w.record("2024/office"); slices.ContainsFunc(rec.Posts, func(p store.PostRecord) bool { return p.Hash != v2.Hash }) {
		t.Errorf("a post is not on the new version: %+v", rec.Posts)
	}
}

// TestUpdateLeavesUnchangedPosts: a change that shows in no post (here a
// translation_key added) edits nothing on Update: no Telegram or Facebook
// edit, and above all no X correction that would repeat the post.
func TestUpdateLeavesUnchangedPosts(t *testing.T) {
	w := newWorld(t)
	w.offer(w.release("2024/office", source("UN opens office", "en", "", nil, body)))
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "⚡ Publish now")
	w.findText("📣 Published: UN opens office")
	w.offer(w.release("2024/office", source("UN opens office", "en", "office-2024", nil, body)))
	cur := w.card("UN opens office", card.ID)
	if a := w.tap(alice, cur.ID, "✏️ Update published posts"); a.ShowAlert {
		t.Errorf("update answered %+v", a)
	}
	w.findText("telegram: unchanged, not edited", "facebook: unchanged, not edited", "x: unchanged, not edited")
	if len(w.x.edits) != 0 || len(w.fb.edits) != 0 || w.tg.Messages(channel)[0].Edits != 0 {
		t.Errorf("edits: x %d, facebook %d, telegram %d; want none", len(w.x.edits), len(w.fb.edits), w.tg.Messages(channel)[0].Edits)
	}
	if rec := w.record("2024/office"); slices.ContainsFunc(rec.Posts, func(p store.PostRecord) bool { return p.Hash != rec.Hash }) {
		t.Errorf("posts still outdated after the update: %+v", rec.Posts)
	}
}

// TestUpdateWhileCommandLineEdits: while 'pressbot update' on the command
// line holds the X post (store.BeginEdit), Keep waits and Update edits the
// other posts and leaves X alone, so X never gets two correction replies;
// once the command line lets go, Update corrects X.
func TestUpdateWhileCommandLineEdits(t *testing.T) {
	w := newWorld(t)
	v2, cur := publishedThenChanged(t, w)
	if err := w.st.BeginEdit(w.ctx, "2024/office", "x", v2.Hash, "cli:ann"); err != nil {
		t.Fatal(err)
	}

	if a := w.tap(alice, cur.ID, "✏️ Update published posts"); !a.ShowAlert || !strings.Contains(a.Text, "1 post could not be updated") {
		t.Errorf("update while the command line edits answered %+v", a)
	}
	w.findText("telegram: edited", "facebook: edited", "x: failed (store: 2024/office on x is being updated by cli:ann since")
	if len(w.x.edits) != 0 || len(w.fb.edits) != 1 {
		t.Fatalf("edits: x %d, facebook %d; want 0 and 1", len(w.x.edits), len(w.fb.edits))
	}
	if a := w.tap(alice, cur.ID, "Keep as published"); !a.ShowAlert || !strings.Contains(a.Text, "1 post is being updated elsewhere") {
		t.Errorf("keep while the command line edits answered %+v", a)
	}
	if p := w.record("2024/office").Posts; slices.ContainsFunc(p, func(p store.PostRecord) bool { return p.Channel == "x" && p.Hash == v2.Hash }) {
		t.Errorf("keep settled the X post the command line holds: %+v", p)
	}

	if err := w.st.EndEdit(w.ctx, "2024/office", "x"); err != nil {
		t.Fatal(err)
	}
	if a := w.tap(alice, cur.ID, "✏️ Update published posts"); a.ShowAlert {
		t.Errorf("update after the command line let go answered %+v", a)
	}
	w.findText("x: correction reply posted")
	if len(w.x.edits) != 1 || len(w.fb.edits) != 1 {
		t.Errorf("edits: x %d, facebook %d; want 1 each", len(w.x.edits), len(w.fb.edits))
	}
}

// TestUncertainAndFailed: an uncertain send on X and a refused one on
// Facebook each get an alert; Retry sends X again, Skip gives up
// Facebook, and a second tap on a settled alert changes nothing.
func TestUncertainAndFailed(t *testing.T) {
	w := newWorld(t)
	w.x.failNext(uncertain)
	w.fb.failNext(permanent)
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "⚡ Publish now")

	xAlert := w.findText("Not published: UN opens office", "on x", "may or may not have reached x", "connection reset")
	fbAlert := w.findText("Not published: UN opens office", "on facebook", "refused the post", "Invalid parameter")
	if xAlert.ReplyTo != card.ID {
		t.Errorf("alert replies to %d, want the card", xAlert.ReplyTo)
	}
	retry := w.buttonData(xAlert.ID, "🔁 Retry")
	if a := w.tap(mallory, xAlert.ID, "🔁 Retry"); !a.ShowAlert {
		t.Errorf("stranger's retry answered %+v", a)
	}
	if a := w.tap(alice, xAlert.ID, "🔁 Retry"); !strings.Contains(a.Text, "Sent again on x") {
		t.Errorf("retry answered %+v", a)
	}
	w.waitPost(rel.ID, "x", release.StatusPublished)
	if a := w.inject(alice, xAlert.ID, retry); !strings.Contains(a.Text, "Already settled") {
		t.Errorf("second retry answered %+v", a)
	}
	if n := len(w.x.sends()); n != 2 {
		t.Errorf("x got %d sends, want 2 (uncertain + retry)", n)
	}
	if a := w.tap(bob, fbAlert.ID, "⏭ Skip"); !strings.Contains(a.Text, "Skipped on facebook") {
		t.Errorf("skip answered %+v", a)
	}
	if p := w.waitPost(rel.ID, "facebook", release.StatusWithdrawn); p.Attempts != 1 {
		t.Errorf("facebook attempts = %d", p.Attempts)
	}
	if m := w.message(fbAlert.ID); m.ReplyMarkup != "" || !strings.Contains(m.Plain, "Skipped on facebook by Bob") {
		t.Errorf("settled alert: %q %s", m.Plain, m.ReplyMarkup)
	}

	// Mark as published: the officer checked that it went out.
	w.x.failNext(uncertain)
	rel2 := w.release("2024/office-2", source("Second office", "en", "", nil, body))
	w.offer(rel2)
	w.tap(alice, w.card("Second office", 0).ID, "⚡ Publish now")
	alert := w.findText("Not published: Second office", "on x")
	w.tap(alice, alert.ID, "✅ Mark as published")
	if p := w.waitPost(rel2.ID, "x", release.StatusPublished); p.Receipt != nil {
		t.Errorf("marked post has a receipt: %+v", p.Receipt)
	}
	w.findText("📣 Published: Second office", "x: marked as published")
}

// TestCardShowsLatestState: the approval and then each channel's
// publication refresh the card, close together; an edit showing an older
// state that reaches Telegram late must not be the card's last word.
func TestCardShowsLatestState(t *testing.T) {
	w := newWorld(t)
	var slowEdit atomic.Bool
	staleLanded, staleSent := make(chan struct{}), make(chan struct{})
	group, ch := strconv.FormatInt(group, 10), fmt.Sprint(channel)
	w.tg.SetHook(func(c faketg.Call) (faketg.Fault, bool) {
		if c.Method == "editMessageText" && c.ChatID == group && strings.Contains(c.Text, "telegram: ") &&
			!strings.Contains(c.Text, "telegram: published") && slowEdit.CompareAndSwap(false, true) {
			close(staleSent)
			time.Sleep(1500 * time.Millisecond) // reaches Telegram after the publications' edits
			defer close(staleLanded)
		}
		if c.ChatID == ch && strings.HasPrefix(c.Method, "send") {
			// The post waits for the card's edit showing it scheduled, so
			// that a loaded machine cannot publish before that edit.
			select {
			case <-staleSent:
			case <-time.After(5 * time.Second):
			}
		}
		return faketg.Fault{}, false
	})
	rel := w.release("2024/office", source("UN opens office in Tashkent", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office in Tashkent", 0)
	w.tap(alice, card.ID, "✅ Approve")
	w.findText("📣 Published: UN opens office in Tashkent")
	if !slowEdit.Load() {
		t.Fatal("no card edit showed telegram before its publication: the test did not set up the race")
	}
	<-staleLanded
	time.Sleep(300 * time.Millisecond) // edits queued behind the slow one
	if m := w.message(card.ID); !strings.Contains(m.Plain, "telegram: published") || !strings.Contains(m.Plain, "x: published") {
		t.Errorf("card shows an older state last:\n%s", m.Plain)
	}
}

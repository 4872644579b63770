package approval_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/content/watch"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
)

// folder is a content folder that ingest reads into the world's store and
// offers through the world's bot, as serve does.
type folder struct {
	w   *world
	dir string
	in  *ingest.Ingest
	wt  *watch.Watcher
}

// newFolder makes an empty content folder for w.
func newFolder(w *world) *folder {
	f := &folder{w: w, dir: w.t.TempDir()}
	f.wt = watch.New(f.dir, 0, nil)
	f.restart()
	return f
}

// restart gives the folder a new Ingest offering through the world's
// bot, as serve's start does.
func (f *folder) restart() {
	f.in = ingest.New(ingest.Config{Dir: f.dir, Store: f.w.st, Offer: f.w.bot, Log: quiet, Options: content.Options{Zone: tashkent()}})
}

// restartBot stops the world's bot and starts a new one, which knows no
// card, then the folder's Ingest.
func (f *folder) restartBot() {
	f.w.stop()
	f.w.bot = f.w.newBot()
	f.w.stop = f.w.run(f.w.bot)
	f.restart()
}

// wantUntouched checks that release id's posts are still scheduled at at.
func (w *world) wantUntouched(id string, at time.Time) {
	w.t.Helper()
	for _, p := range w.record(id).Posts {
		if p.State != release.StatusScheduled || !p.ScheduledAt.Equal(at) {
			w.t.Errorf("%s on %s is %s at %v; want it left scheduled at %v", id, p.Channel, p.State, p.ScheduledAt, at)
		}
	}
}

// wantNoText checks that no message of the approvers' chat contains s.
func (w *world) wantNoText(s string) {
	w.t.Helper()
	for _, m := range w.tg.Messages(group) {
		if strings.Contains(m.Plain, s) {
			w.t.Errorf("message %d says %q:\n%s", m.ID, s, m.Plain)
		}
	}
}

// write writes the release file id.md.
func (f *folder) write(id, src string) {
	f.w.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(id)+".md")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		f.w.t.Fatal(err)
	}
}

// remove deletes the release file id.md.
func (f *folder) remove(id string) {
	f.w.t.Helper()
	if err := os.Remove(filepath.Join(f.dir, filepath.FromSlash(id)+".md")); err != nil {
		f.w.t.Fatal(err)
	}
}

// scan applies what changed in the folder.
func (f *folder) scan() {
	f.w.t.Helper()
	ch, err := f.wt.Scan()
	if err != nil {
		f.w.t.Fatal(err)
	}
	if _, err := f.in.Apply(f.w.ctx, ch); err != nil {
		f.w.t.Fatal(err)
	}
}

// TestCopyTurnedRename: a file offered as a copy of a scheduled release
// (the watcher saw a git mv's new file before the old one went) turns out
// to be that release renamed. The copy's card says so and loses its
// buttons, and an old button of it acts on nothing; the release's own card
// follows it to its new ID and its buttons still work.
func TestCopyTurnedRename(t *testing.T) {
	const title = "UN opens office in Tashkent"
	w := newWorld(t)
	w.slots.set(2 * time.Hour)
	f := newFolder(w)
	src := source(title, "en", "", nil, body)
	f.write("2024/a", src)
	f.scan()
	orig := w.card(title, 0)
	if a := w.tap(alice, orig.ID, "✅ Approve"); !strings.Contains(a.Text, "approved and scheduled") {
		t.Fatalf("approve answered %+v", a)
	}
	sched := w.waitPost("2024/a", "telegram", release.StatusScheduled).ScheduledAt

	// git mv 2024/a.md 2024/b.md, seen in two steps: the new file first.
	f.write("2024/b", src)
	f.scan()
	cp := w.card(title, orig.ID)
	if !strings.Contains(cp.Plain, "⚠️ Same content as 2024/a") || strings.Contains(cp.Plain, "⚠️ ⚠️") {
		t.Fatalf("the copy's card has no warning, or two signs for one:\n%s", cp.Plain)
	}
	stale := w.buttonData(cp.ID, "⚡ Publish now")
	f.remove("2024/a")
	f.scan()

	if rec := w.record("2024/b"); rec.State != release.StatusScheduled {
		t.Fatalf("2024/b is %s, want the renamed release, scheduled", rec.State)
	}
	got := w.message(cp.ID)
	if got.ReplyMarkup != "" {
		t.Errorf("the copy's card kept its buttons after the rename: %s", got.ReplyMarkup)
	}
	for _, s := range []string{"turned out to be a rename of 2024/a", "release 2024/a is 2024/b now", "state (scheduled)", "Nothing to approve here"} {
		if !strings.Contains(got.Plain, s) {
			t.Errorf("the copy's card lacks %q:\n%s", s, got.Plain)
		}
	}

	// An old button of the copy's card (a tap sent before the edit
	// arrived) changes nothing and says why.
	a := w.inject(alice, cp.ID, stale)
	if !a.ShowAlert || !strings.Contains(a.Text, "rename of 2024/a") {
		t.Errorf("stale tap answered %+v, want an alert saying the card was a rename", a)
	}
	w.wantUntouched("2024/b", sched)
	// The rewritten card says it: no separate alert.
	w.wantNoText("is void")

	// The release's own card now names 2024/b, and its buttons act on it.
	cur := w.message(orig.ID)
	if !strings.Contains(cur.Plain, "2024/b") || !strings.Contains(cur.Plain, "Renamed from 2024/a") {
		t.Errorf("the release's card was not refreshed for the rename:\n%s", cur.Plain)
	}
	if a := w.tap(alice, orig.ID, "↩️ Cancel"); a.ShowAlert || !strings.Contains(a.Text, "Cancelled") {
		t.Errorf("Cancel on the release's card answered %+v", a)
	}
	if rec := w.record("2024/b"); rec.State != release.StatusPendingApproval {
		t.Errorf("after Cancel 2024/b is %s, want pending_approval", rec.State)
	}
}

// TestCopyTurnedRenameAfterRestart: the same, but the bot restarted
// between the copy's card and the rename, so it does not know the card:
// the officers are told that request is void, and a tap on the card's
// buttons rewrites it and acts on nothing; the release's own card, under
// its old ID, says it was renamed and points to the current one.
func TestCopyTurnedRenameAfterRestart(t *testing.T) {
	const title = "UN opens office in Tashkent"
	w := newWorld(t)
	w.slots.set(2 * time.Hour)
	f := newFolder(w)
	src := source(title, "en", "", nil, body)
	f.write("2024/a", src)
	f.scan()
	orig := w.card(title, 0)
	w.tap(alice, orig.ID, "✅ Approve")
	sched := w.waitPost("2024/a", "telegram", release.StatusScheduled).ScheduledAt
	f.write("2024/b", src)
	f.scan()
	cp := w.card(title, orig.ID)

	f.restartBot()
	time.Sleep(1100 * time.Millisecond) // Telegram's message times are in seconds
	f.remove("2024/a")
	f.scan()
	w.findText("The approval request shown for 2024/b is void")

	a := w.tap(alice, cp.ID, "⚡ Publish now")
	if !a.ShowAlert || !strings.Contains(a.Text, "rename of 2024/a") {
		t.Errorf("tap on the copy's card answered %+v, want an alert saying it was a rename", a)
	}
	w.wantUntouched("2024/b", sched)
	if got := w.message(cp.ID); got.ReplyMarkup != "" || !strings.Contains(got.Plain, "turned out to be a rename of 2024/a") {
		t.Errorf("the copy's card after the tap (buttons %q):\n%s", got.ReplyMarkup, got.Plain)
	}

	a = w.tap(alice, orig.ID, "↩️ Cancel")
	if !containsAll(a.Text, "Renamed, same content", "2024/b.md (was 2024/a.md)", "newest message") {
		t.Errorf("Cancel on the card shown under the old ID answered %+v, want it to say the rename and point to the current card", a)
	}
	w.wantUntouched("2024/b", sched)
	cur := w.card(title, cp.ID)
	if !strings.Contains(cur.Plain, "2024/b") {
		t.Errorf("current card:\n%s", cur.Plain)
	}
}

// TestRenamedCardFollows: the card of a scheduled release whose file is
// renamed (seen in one scan) is shown again under the new ID, with or
// without a translation_key, and its buttons act on the release.
func TestRenamedCardFollows(t *testing.T) {
	for _, tc := range []struct{ name, key string }{{"alone", ""}, {"translation_key", "office"}} {
		t.Run(tc.name, func(t *testing.T) {
			const title = "UN opens office in Tashkent"
			w := newWorld(t)
			w.slots.set(2 * time.Hour)
			f := newFolder(w)
			f.write("2024/a", source(title, "en", tc.key, nil, body))
			f.scan()
			card := w.card(title, 0)
			w.tap(alice, card.ID, "✅ Approve")
			w.waitPost("2024/a", "telegram", release.StatusScheduled)
			if err := os.Rename(filepath.Join(f.dir, "2024/a.md"), filepath.Join(f.dir, "2024/b.md")); err != nil {
				t.Fatal(err)
			}
			f.scan()
			w.findText("The file of release 2024/a was renamed to 2024/b.md")
			got := w.message(card.ID)
			if !strings.Contains(got.Plain, "Renamed from 2024/a: its file is now 2024/b.md") || !strings.Contains(got.Plain, "en · 2024/b") {
				t.Errorf("the card was not shown again under the new ID:\n%s", got.Plain)
			}
			if a := w.tap(alice, card.ID, "↩️ Cancel"); a.ShowAlert || !strings.Contains(a.Text, "Cancelled") {
				t.Errorf("Cancel answered %+v", a)
			}
			if rec := w.record("2024/b"); rec.State != release.StatusPendingApproval {
				t.Errorf("after Cancel 2024/b is %s, want pending_approval", rec.State)
			}
		})
	}
}

// TestAlertFollowsRename: the buttons of an alert about a failed send
// still settle the post after the release's file is renamed, also after a
// restart.
func TestAlertFollowsRename(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprint("restart=", restart), func(t *testing.T) {
			const title = "UN opens office in Tashkent"
			w := newWorld(t)
			w.fb.failNext(permanent)
			f := newFolder(w)
			f.write("2024/a", source(title, "en", "", nil, body))
			f.scan()
			w.tap(alice, w.card(title, 0).ID, "⚡ Publish now")
			alert := w.findText("Not published: "+title, "on facebook")
			w.waitPost("2024/a", "x", release.StatusPublished)
			w.waitPost("2024/a", "telegram", release.StatusPublished)
			if restart {
				f.restartBot()
			}
			if err := os.Rename(filepath.Join(f.dir, "2024/a.md"), filepath.Join(f.dir, "2024/b.md")); err != nil {
				t.Fatal(err)
			}
			f.scan()
			w.findText("The file of release 2024/a was renamed to 2024/b.md")
			if a := w.tap(bob, alert.ID, "⏭ Skip"); !strings.Contains(a.Text, "Skipped on facebook") {
				t.Errorf("Skip after the rename answered %+v", a)
			}
			w.waitPost("2024/b", "facebook", release.StatusWithdrawn)
		})
	}
}

// TestOldCardAfterRename: a release's card shown under its old ID, tapped
// after its file was renamed while the bot knew no card (a restart), says
// the release was renamed, naming the new path, not that it changed; it
// does nothing, loses its buttons, and points to the current card: sent
// anew under the new ID, whose buttons act on the release, and replied to
// by a later tap on the old card.
func TestOldCardAfterRename(t *testing.T) {
	for _, tc := range []struct{ name, key string }{{"alone", ""}, {"translation_key", "office"}} {
		t.Run(tc.name, func(t *testing.T) {
			const title = "UN opens office in Tashkent"
			w := newWorld(t)
			w.slots.set(2 * time.Hour)
			f := newFolder(w)
			f.write("2024/a", source(title, "en", tc.key, nil, body))
			f.scan()
			old := w.card(title, 0)
			w.tap(alice, old.ID, "✅ Approve")
			sched := w.waitPost("2024/a", "telegram", release.StatusScheduled).ScheduledAt
			stale := w.buttonData(old.ID, "↩️ Cancel")
			f.restartBot()
			if err := os.MkdirAll(filepath.Join(f.dir, "news"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(f.dir, "2024/a.md"), filepath.Join(f.dir, "news/b.md")); err != nil {
				t.Fatal(err)
			}
			f.scan()
			w.findText("The file of release 2024/a was renamed to news/b.md")

			a := w.tap(alice, old.ID, "↩️ Cancel")
			if !a.ShowAlert || !containsAll(a.Text, "Renamed, same content", "news/b.md (was 2024/a.md)", "Nothing was done", "newest message") ||
				strings.Contains(a.Text, "changed") {
				t.Errorf("a tap on the old card answered %+v, want it to say the release was renamed to news/b", a)
			}
			w.wantUntouched("news/b", sched)
			if got := w.message(old.ID); got.ReplyMarkup != "" {
				t.Errorf("the old card kept its buttons: %s", got.ReplyMarkup)
			}
			cur := w.card(title, old.ID)
			if cur.ReplyTo != old.ID || !containsAll(cur.Plain, "Renamed from 2024/a: its file is now news/b.md", "en · news/b") {
				t.Errorf("current card (reply to %d, want %d):\n%s", cur.ReplyTo, old.ID, cur.Plain)
			}

			// A tap on the old card sent before its buttons went: a reply
			// to the current card points to it.
			a = w.inject(bob, old.ID, stale)
			if !containsAll(a.Text, "news/b.md (was 2024/a.md)", "see the reply below") {
				t.Errorf("a second tap on the old card answered %+v", a)
			}
			w.find(group, "a pointer to the current card", func(m faketg.Message) bool {
				return m.ReplyTo == cur.ID && containsAll(m.Plain, "👆 This is the current card", "news/b.md (was 2024/a.md)")
			})
			w.wantUntouched("news/b", sched)

			if a := w.tap(alice, cur.ID, "↩️ Cancel"); a.ShowAlert || !strings.Contains(a.Text, "Cancelled") {
				t.Errorf("Cancel on the current card answered %+v", a)
			}
			if rec := w.record("news/b"); rec.State != release.StatusPendingApproval {
				t.Errorf("after Cancel news/b is %s, want pending_approval", rec.State)
			}
		})
	}
}

// TestNotesFollowRename: after a release's file is renamed, the next move
// of its late post edits the "⏰ Late" note it had, under the new ID, as
// it would have without the rename, rather than sending a second note.
func TestNotesFollowRename(t *testing.T) {
	const title = "UN opens office in Tashkent"
	nine := time.Date(2024, 5, 2, 4, 0, 0, 0, time.UTC) // 09:00 in Tashkent
	w := newWorld(t)
	w.slots.set(2 * time.Hour)
	f := newFolder(w)
	f.write("2024/a", source(title, "en", "", nil, body))
	f.scan()
	card := w.card(title, 0)
	w.tap(alice, card.ID, "✅ Approve")
	hash := w.waitPost("2024/a", "telegram", release.StatusScheduled).Hash
	moved := func(id string, due, at int) {
		w.bot.Notify(w.ctx, queue.Event{Kind: queue.EventMoved, Release: id, Channel: "telegram", Hash: hash,
			Due: nine.Add(time.Duration(due) * time.Minute), RetryAt: nine.Add(time.Duration(at) * time.Minute)})
	}
	moved("2024/a", 0, 180)
	if err := os.Rename(filepath.Join(f.dir, "2024/a.md"), filepath.Join(f.dir, "2024/b.md")); err != nil {
		t.Fatal(err)
	}
	f.scan()
	w.findText("The file of release 2024/a was renamed to 2024/b.md")
	moved("2024/b", 180, 240)
	notes := w.notes("⏰ Late")
	if len(notes) != 1 {
		t.Fatalf("%d late notes, want 1:\n%s", len(notes), dump(notes))
	}
	if want := []string{"(2024/b) on telegram", "It was due Thu 2 May 2024 09:00", "now goes Thu 2 May 2024 13:00", "moved 2 times"}; !inOrder(notes[0].Plain, want...) {
		t.Errorf("the late note lacks, in order, %q:\n%s", want, notes[0].Plain)
	}
}

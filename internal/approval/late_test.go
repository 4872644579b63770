package approval_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/approval"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	sched "github.com/pressbot/pressbot/internal/schedule"
)

// TestLatePostIsTold: a post the queue moved because it missed its time
// gets a reply to its card saying when it was due and when it now goes,
// in the office zone.
func TestLatePostIsTold(t *testing.T) {
	w := newWorld(t)
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	due := time.Date(2024, 5, 2, 4, 0, 0, 0, time.UTC)
	w.bot.Notify(context.Background(), queue.Event{Kind: queue.EventMoved, Release: rel.ID, Channel: "telegram", Hash: rel.Hash,
		Due: due, RetryAt: due.Add(3 * time.Hour)})
	m := w.findText("⏰ Late: UN opens office", "on telegram", "It was due Thu 2 May 2024 09:00",
		"quiet hours and minimum gap it now goes Thu 2 May 2024 12:00", "Publish now")
	if m.ReplyTo != card.ID {
		t.Errorf("the note replies to %d, want the card %d", m.ReplyTo, card.ID)
	}
	w.bot.Notify(context.Background(), queue.Event{Kind: queue.EventMoved, Release: rel.ID, Channel: "x", Hash: rel.Hash,
		Due: due, RetryAt: due.Add(30 * time.Minute), AfterLate: true})
	w.findText("⏰ Late: UN opens office", "on x", "It was due Thu 2 May 2024 09:00 (Asia/Tashkent), but the post before it on x went out late.",
		"it now goes Thu 2 May 2024 09:30")
}

// TestMovedRetryIsTold: a facebook send that fails inside facebook's quiet
// hours (an officer's ⚡ Publish now) is tried again when they end, not
// after its backoff: the officers get a reply to the card saying why and
// when, the card shows the post scheduled at that time, and ⚡ Publish now
// on the card sends it at once. A retry the rules do not move goes after
// its backoff with nothing said in the chat.
func TestMovedRetryIsTold(t *testing.T) {
	now := time.Now().In(tashkent())
	m := now.Hour()*60 + now.Minute()
	// Quiet from the minute before now for three hours: the officer's
	// send goes out (their choice), its retry waits for the end.
	quiet := sched.Policy{Zone: tashkent(), Quiet: []sched.Window{{FromMin: (m + 1439) % 1440, ToMin: (m + 180) % 1440}}}
	quietEnd := now.Truncate(time.Minute).Add(180 * time.Minute)
	long := func(t time.Time) string { return t.In(tashkent()).Format("Mon 2 Jan 2006 15:04") + " (Asia/Tashkent)" }
	transient := func(token string) error {
		return &release.SendError{Class: release.ClassTransient,
			Err: errors.New("graph: 503 Service Unavailable from https://127.0.0.1/bot" + token + "/x")}
	}
	rateLimited := func(string) error {
		return &release.SendError{Class: release.ClassRateLimited, RetryAfter: time.Second, Err: errors.New("graph: (#32) Page request limit reached")}
	}
	tests := []struct {
		name string
		pol  *sched.Policy
		err  func(token string) error
		// want is in the note; nil: no note.
		want []string
	}{
		{name: "transient in quiet hours", pol: &quiet, err: transient,
			want: []string{"The send failed for a passing reason. To keep facebook's",
				"Reason: transient: graph: 503 Service Unavailable from https://127.0.0.1/bot<token>/x\n"}},
		{name: "rate limited in quiet hours", pol: &quiet, err: rateLimited,
			want: []string{"facebook asked pressbot to slow down. To keep facebook's",
				"Reason: rate_limited (retry after 1s): graph: (#32) Page request limit reached\n"}},
		{name: "transient, no rules", err: transient},
		{name: "rate limited, no rules", err: rateLimited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var qopts queue.Options
			if tc.pol != nil {
				qopts.Policies = map[string]sched.Policy{"facebook": *tc.pol}
			}
			w := newWorldQueue(t, qopts)
			w.fb.failNext(tc.err(w.tg.Token()))
			rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
			w.offer(rel)
			card := w.card("UN opens office", 0)
			// facebook only, so that no other post's event refreshes the
			// card.
			w.tap(alice, card.ID, "📡 Channels 3/3")
			w.tap(alice, card.ID, "✅ telegram")
			w.tap(alice, card.ID, "✅ x")
			w.tap(alice, card.ID, "« Done")
			w.tap(alice, card.ID, "⚡ Publish now")

			if tc.want == nil {
				w.waitPost(rel.ID, "facebook", release.StatusPublished)
				w.findText("📣 Published: UN opens office", "facebook: ")
				if n := len(w.fb.sends()); n != 2 {
					t.Errorf("facebook got %d sends, want 2 (the failure and its retry)", n)
				}
				for _, m := range w.tg.Messages(group) {
					if strings.Contains(m.Plain, "Retry later") {
						t.Errorf("a retry after its backoff was told:\n%s", m.Plain)
					}
				}
				return
			}
			note := w.findText(append([]string{"⏳ Retry later: UN opens office (2024/office) on facebook\n",
				"To keep facebook's quiet hours and minimum gap, pressbot tries again " + long(quietEnd) + ".\n",
				"⚡ Publish now on the card sends it at once."}, tc.want...)...)
			if note.ReplyTo != card.ID {
				t.Errorf("the note replies to %d, want the card %d", note.ReplyTo, card.ID)
			}
			if strings.Contains(note.Plain, w.tg.Token()) {
				t.Errorf("the note shows the bot's token:\n%s", note.Plain)
			}
			if p := w.record(rel.ID).Posts[0]; p.State != release.StatusScheduled || !p.ScheduledAt.Equal(quietEnd) {
				t.Errorf("facebook's post is %s at %s, want scheduled at %s", p.State, p.ScheduledAt, quietEnd)
			}
			if c := w.message(card.ID); !strings.Contains(c.Plain, "• facebook: scheduled for "+long(quietEnd)+"\n") ||
				!strings.Contains(c.ReplyMarkup, "⚡ Publish now") {
				t.Errorf("the card does not show the retry's time %s with ⚡ Publish now:\n%s\n%s", long(quietEnd), c.Plain, c.ReplyMarkup)
			}
			if n := len(w.fb.sends()); n != 1 {
				t.Fatalf("facebook got %d sends before the quiet hours' end, want 1", n)
			}

			// ⚡ Publish now sends it at once.
			if a := w.tap(alice, card.ID, "⚡ Publish now"); a.ShowAlert {
				t.Fatalf("Publish now answered %+v", a)
			}
			w.waitPost(rel.ID, "facebook", release.StatusPublished)
			w.findText("📣 Published: UN opens office", "facebook: https://facebook.example/post/2")
			if n := len(w.fb.sends()); n != 2 {
				t.Errorf("facebook got %d sends, want 2 (the failure and Publish now)", n)
			}
			if c := w.message(card.ID); !strings.Contains(c.Plain, "• facebook: published") {
				t.Errorf("card after Publish now:\n%s", c.Plain)
			}
		})
	}
}

// TestMovedRetryToldOnce: a post that keeps being rate limited, each retry
// moved by the channel's rules, gets one "Retry later" note, edited to
// the latest time, not a reply per attempt. An officer's ⚡ Publish now
// starts anew: its own moved retry gets a new note.
func TestMovedRetryToldOnce(t *testing.T) {
	now := time.Now().In(tashkent())
	m := now.Hour()*60 + now.Minute()
	quiet := sched.Policy{Zone: tashkent(), Quiet: []sched.Window{{FromMin: (m + 1439) % 1440, ToMin: (m + 180) % 1440}}}
	quietEnd := now.Truncate(time.Minute).Add(180 * time.Minute)
	long := func(t time.Time) string { return t.In(tashkent()).Format("Mon 2 Jan 2006 15:04") + " (Asia/Tashkent)" }
	limited := &release.SendError{Class: release.ClassRateLimited, RetryAfter: time.Second, Err: errors.New("graph: (#32) Page request limit reached")}
	w := newWorldQueue(t, queue.Options{Policies: map[string]sched.Policy{"facebook": quiet}})
	w.fb.failNext(limited, limited)
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "📡 Channels 3/3")
	w.tap(alice, card.ID, "✅ telegram")
	w.tap(alice, card.ID, "✅ x")
	w.tap(alice, card.ID, "« Done")
	w.tap(alice, card.ID, "⚡ Publish now")
	first := w.findText("⏳ Retry later: UN opens office", "tries again "+long(quietEnd))
	hash := w.waitPost(rel.ID, "facebook", release.StatusScheduled).Hash

	// The job's next attempts (at the quiet hours' end) are rate limited
	// again, and moved again by the channel's minimum gap.
	for i, at := range []time.Time{quietEnd.Add(2 * time.Minute), quietEnd.Add(4 * time.Minute)} {
		w.bot.Notify(w.ctx, queue.Event{Kind: queue.EventRateLimited, Release: rel.ID, Channel: "facebook", Hash: hash,
			Attempt: i + 2, Err: limited.Error(), RetryAt: at, Due: at.Add(-time.Minute), Moved: true})
	}
	notes := w.notes("Retry later")
	if len(notes) != 1 {
		t.Fatalf("%d retry notes for one job, want 1:\n%s", len(notes), dump(notes))
	}
	if got := notes[0]; got.ID != first.ID || !containsAll(got.Plain, "tries again "+long(quietEnd.Add(4*time.Minute)),
		"Its retries were moved 3 times since ", "this note shows the latest") {
		t.Errorf("the note was not brought up to date (want message %d):\n%s", first.ID, dump(notes))
	}

	// ⚡ Publish now is rate limited too, inside the quiet hours: a new
	// job, a new note.
	w.tap(alice, card.ID, "⚡ Publish now")
	second := w.find(group, "a second retry note", func(m faketg.Message) bool {
		return m.ID > first.ID && strings.Contains(m.Plain, "⏳ Retry later")
	})
	if second.ReplyTo != card.ID || strings.Contains(second.Plain, "moved") || !strings.Contains(second.Plain, "tries again "+long(quietEnd)) {
		t.Errorf("the new job's note (reply to %d, want %d):\n%s", second.ReplyTo, card.ID, second.Plain)
	}
	if n := len(w.notes("Retry later")); n != 2 {
		t.Errorf("%d retry notes, want 2", n)
	}
}

// notes returns the approvers' chat's messages containing s.
func (w *world) notes(s string) []faketg.Message {
	var out []faketg.Message
	for _, m := range w.tg.Messages(group) {
		if strings.Contains(m.Plain, s) {
			out = append(out, m)
		}
	}
	return out
}

// move is a late post's move, as the queue tells it: the post on channel,
// due at Due (minutes after 09:00 in the office zone), now goes at At.
type move struct {
	channel   string
	due, at   int
	afterLate bool
}

// TestLateToldOnce: the moves of one release's late posts make one
// "⏰ Late" note, edited (an edit does not notify the chat) as a post is
// moved again or another channel's post joins; a post moved from a time
// the note did not give (a new job: a new approval or an officer's new
// time) gets a new note, and so does a move whose edit fails.
func TestLateToldOnce(t *testing.T) {
	nine := time.Date(2024, 5, 2, 4, 0, 0, 0, time.UTC) // 09:00 in Tashkent
	tests := []struct {
		name      string
		moves     []move
		failEdit  int // the edit of this move (1-based) fails; 0: none
		sentAfter int // an officer's ⚡ Publish now sends the posts after this many moves; 0: none
		// want is, per note in order, the lines it must have, in order.
		want [][]string
	}{
		{name: "the same post moved three times", moves: []move{{"telegram", 0, 180, false}, {"telegram", 180, 190, true}, {"telegram", 190, 240, false}},
			want: [][]string{{"⏰ Late: UN opens office (2024/office) on telegram\n",
				"• telegram: It was due Thu 2 May 2024 09:00 (Asia/Tashkent), when pressbot was not running or was behind. " +
					"To keep telegram's quiet hours and minimum gap it now goes Thu 2 May 2024 13:00 (Asia/Tashkent). It was moved 3 times since ",
				"; this note shows the latest.\n⚡ Publish now on the card sends it at once."}}},
		{name: "channels late together", moves: []move{{"x", 0, 210, false}, {"telegram", 0, 180, false}, {"facebook", 0, 195, false}, {"x", 210, 225, true}},
			want: [][]string{{"⏰ Late: UN opens office (2024/office) on facebook, telegram, x\n",
				"• facebook: It was due Thu 2 May 2024 09:00 (Asia/Tashkent), when pressbot was not running or was behind. To keep facebook's quiet hours and minimum gap it now goes Thu 2 May 2024 12:15 (Asia/Tashkent).\n",
				"• telegram: It was due Thu 2 May 2024 09:00 (Asia/Tashkent), when pressbot was not running or was behind. To keep telegram's quiet hours and minimum gap it now goes Thu 2 May 2024 12:00 (Asia/Tashkent).\n",
				"• x: It was due Thu 2 May 2024 09:00 (Asia/Tashkent), when pressbot was not running or was behind. To keep x's quiet hours and minimum gap it now goes Thu 2 May 2024 12:45 (Asia/Tashkent). It was moved 2 times since ",
				"⚡ Publish now on the card sends them at once."}}},
		{name: "a new job", moves: []move{{"telegram", 0, 180, false}, {"telegram", 180, 190, true}, {"telegram", 300, 360, false}},
			want: [][]string{{"on telegram\n", "It was due Thu 2 May 2024 09:00 (Asia/Tashkent), when", "now goes Thu 2 May 2024 12:10 (Asia/Tashkent). It was moved 2 times"},
				{"on telegram\n", "It was due Thu 2 May 2024 14:00 (Asia/Tashkent), when", "now goes Thu 2 May 2024 15:00 (Asia/Tashkent).\n"}}},
		{name: "a new job while another channel waits", moves: []move{{"telegram", 0, 180, false}, {"x", 0, 190, false}, {"telegram", 300, 360, false}},
			want: [][]string{{"on telegram, x\n", "• telegram: It was due Thu 2 May 2024 09:00", "now goes Thu 2 May 2024 12:00", "• x: It was due Thu 2 May 2024 09:00"},
				{"on telegram\n", "• telegram: It was due Thu 2 May 2024 14:00", "now goes Thu 2 May 2024 15:00 (Asia/Tashkent).\n⚡"}}},
		{name: "the edit fails", moves: []move{{"telegram", 0, 180, false}, {"x", 0, 190, false}, {"telegram", 180, 240, false}}, failEdit: 3,
			want: [][]string{{"on telegram, x\n", "telegram's quiet hours and minimum gap it now goes Thu 2 May 2024 12:00"},
				{"on telegram, x\n", "telegram's quiet hours and minimum gap it now goes Thu 2 May 2024 13:00 (Asia/Tashkent). It was moved 2 times since ",
					"x's quiet hours and minimum gap it now goes Thu 2 May 2024 12:10"}}},
		// x's move stands for a later late post of the release, once the
		// posts the note told of went out.
		{name: "after the posts went out", moves: []move{{"telegram", 0, 180, false}, {"telegram", 180, 190, true}, {"x", 0, 200, false}}, sentAfter: 2,
			want: [][]string{{"on telegram\n", "now goes Thu 2 May 2024 12:10 (Asia/Tashkent). It was moved 2 times"},
				{"on x\n", "• x: It was due Thu 2 May 2024 09:00", "now goes Thu 2 May 2024 12:20 (Asia/Tashkent).\n⚡"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs := &syncBuffer{}
			w := newWorld(t, func(c *approval.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
			w.slots.set(2 * time.Hour) // scheduled, so that the moves have posts that wait
			rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
			w.offer(rel)
			card := w.card("UN opens office", 0)
			w.tap(alice, card.ID, "✅ Approve")
			hash := w.waitPost(rel.ID, "telegram", release.StatusScheduled).Hash
			var failing atomic.Bool
			w.tg.SetHook(func(c faketg.Call) (faketg.Fault, bool) {
				if c.Method == "editMessageText" && strings.Contains(c.Text, "Late: UN opens office") && failing.CompareAndSwap(true, false) {
					return faketg.Fault{Status: 400, Description: "Bad Request: message to edit not found"}, true
				}
				return faketg.Fault{}, false
			})
			for i, m := range tc.moves {
				if i == tc.sentAfter && i > 0 {
					w.tap(alice, card.ID, "⚡ Publish now")
					w.findText("📣 Published: UN opens office", "telegram: ", "facebook: ", "x: ")
				}
				failing.Store(i+1 == tc.failEdit)
				w.bot.Notify(w.ctx, queue.Event{Kind: queue.EventMoved, Release: rel.ID, Channel: m.channel, Hash: hash,
					Due: nine.Add(time.Duration(m.due) * time.Minute), RetryAt: nine.Add(time.Duration(m.at) * time.Minute), AfterLate: m.afterLate})
			}
			notes := w.notes("⏰ Late")
			if len(notes) != len(tc.want) {
				t.Fatalf("%d late notes, want %d:\n%s", len(notes), len(tc.want), dump(notes))
			}
			for i, n := range notes {
				if !inOrder(n.Plain, tc.want[i]...) || n.ReplyTo != card.ID {
					t.Errorf("late note %d (reply to %d, want the card %d) lacks, in order, %q:\n%s", i+1, n.ReplyTo, card.ID, tc.want[i], n.Plain)
				}
			}
			warned := strings.Contains(logs.String(), "approval: update the note of a late post; sending a new one")
			if warned != (tc.failEdit != 0) {
				t.Errorf("warned of a failed edit: %v, want %v; log:\n%s", warned, tc.failEdit != 0, logs.String())
			}
		})
	}
}

// inOrder reports whether s contains parts, one after the other.
func inOrder(s string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// syncBuffer collects a bot's log; safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write implements io.Writer.
func (l *syncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns the log so far.
func (l *syncBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
)

// TestReslot: posts that missed their time go, in the order they were
// due, at the first instants the channel's quiet hours and minimum gap
// allow (now, 10:40, for the first when nothing stands in its way);
// posts on time, other channels and posts within the grace keep their
// times.
func TestReslot(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 40, 0, 0, time.UTC)
	at := func(hhmm string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", "2026-11-28 "+hhmm)
		if err != nil {
			panic(err)
		}
		return t
	}
	gap30 := schedule.Policy{Zone: time.UTC, MinGap: 30 * time.Minute}
	quiet := schedule.Policy{Zone: time.UTC, MinGap: 30 * time.Minute, Quiet: []schedule.Window{{FromMin: 10 * 60, ToMin: 12 * 60}}}
	tests := []struct {
		name      string
		pol       schedule.Policy
		due       map[string]string // release → its telegram time
		other     map[string]string // release → its facebook time
		sent      [2]string         // a telegram post planned for, and sent at
		self      string
		wantGo    bool
		wantTimes map[string]string // release → telegram time after
	}{
		{name: "burst in due order, the first goes now", pol: gap30, self: "a", wantGo: true,
			due:       map[string]string{"a": "10:00", "b": "10:05", "c": "10:10"},
			wantTimes: map[string]string{"a": "10:40", "b": "11:10", "c": "11:40"}},
		{name: "a later one waits", pol: gap30, self: "c", wantGo: false,
			due:       map[string]string{"a": "10:00", "b": "10:05", "c": "10:10"},
			wantTimes: map[string]string{"a": "10:40", "b": "11:10", "c": "11:40"}},
		{name: "quiet hours", pol: quiet, self: "a", wantGo: false,
			due:       map[string]string{"a": "09:50", "b": "09:55"},
			wantTimes: map[string]string{"a": "12:00", "b": "12:30"}},
		{name: "a post on time keeps its slot", pol: gap30, self: "a", wantGo: false,
			due:       map[string]string{"a": "10:00", "on-time": "10:50"},
			wantTimes: map[string]string{"a": "11:20", "on-time": "10:50"}},
		{name: "a post just sent counts", pol: gap30, self: "a", wantGo: false, sent: [2]string{"10:30", "10:30"},
			due:       map[string]string{"a": "10:00"},
			wantTimes: map[string]string{"a": "11:00"}},
		{name: "a late send holds the next one back", pol: gap30, self: "a", wantGo: false, sent: [2]string{"10:00", "10:30"},
			due:       map[string]string{"a": "10:39"},
			wantTimes: map[string]string{"a": "11:00"}},
		{name: "an officer's bunching stands", pol: gap30, self: "a", wantGo: true, sent: [2]string{"10:25", "10:30"},
			due:       map[string]string{"a": "10:39"},
			wantTimes: map[string]string{"a": "10:39"}},
		{name: "a post due now counts at now", pol: gap30, self: "b", wantGo: true,
			due:       map[string]string{"a": "10:00", "b": "10:39"},
			wantTimes: map[string]string{"a": "11:10", "b": "10:39"}},
		{name: "within the grace nothing moves", pol: gap30, self: "b", wantGo: true,
			due:       map[string]string{"a": "10:39", "b": "10:39"},
			wantTimes: map[string]string{"a": "10:39", "b": "10:39"}},
		{name: "other channels are left alone", pol: gap30, self: "a", wantGo: true,
			due: map[string]string{"a": "10:00"}, other: map[string]string{"f1": "10:00", "f2": "10:01"},
			wantTimes: map[string]string{"a": "10:40"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEach(t, func(t *testing.T, s *store.Store) {
				s.SetClock(func() time.Time { return now.Add(-2 * time.Hour) })
				schedule := func(id, ch, hhmm string) {
					r := rel(id, "h-"+id)
					mustUpsert(t, s, r)
					if _, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: alice, Posts: posts(ch), At: at(hhmm)}); err != nil {
						t.Fatal(err)
					}
				}
				for id, hhmm := range tc.due {
					schedule(id, "telegram", hhmm)
				}
				for id, hhmm := range tc.other {
					schedule(id, "facebook", hhmm)
				}
				if tc.sent[0] != "" {
					schedule("sent", "telegram", tc.sent[0])
					sendAt(t, s, "sent", "telegram", at(tc.sent[1]))
				}
				s.SetClock(func() time.Time { return now })
				self := store.PublishArgs{Release: tc.self, Channel: "telegram", Hash: "h-" + tc.self, Gen: 1}
				goNow, moved, err := s.Reslot(ctx, self, tc.pol, 2*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				if goNow != tc.wantGo {
					t.Errorf("self %s may go now: %v, want %v", tc.self, goNow, tc.wantGo)
				}
				checkTimes(t, s, tc.wantTimes, "telegram", at)
				checkTimes(t, s, tc.other, "facebook", at)
				checkMoved(t, moved, tc.due, tc.wantTimes, at)
				if len(moved) > 0 {
					checkMovedJobs(t, s, moved)
				}
				// A reslot before the first one's claim keeps every place.
				s.SetClock(func() time.Time { return now.Add(30 * time.Second) })
				if again, more, err := s.Reslot(ctx, self, tc.pol, 2*time.Minute); err != nil || !again || len(more) > 0 {
					t.Errorf("30 s later: may go %v, moved %+v, %v; want true, nothing", again, more, err)
				}
			})
		})
	}
}

// sendAt claims and records a successful send of id on ch at t.
func sendAt(t *testing.T, s *store.Store, id, ch string, at time.Time) {
	t.Helper()
	a := store.PublishArgs{Release: id, Channel: ch, Hash: "h-" + id, Gen: 1}
	if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend {
		t.Fatalf("claim %s: %+v %v", id, c, err)
	}
	rc := &release.Receipt{Channel: ch, RemoteIDs: []string{"1"}, PublishedAt: at}
	if _, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil {
		t.Fatal(err)
	}
}

// checkTimes checks the scheduled time of each release's post on ch.
func checkTimes(t *testing.T, s *store.Store, want map[string]string, ch string, at func(string) time.Time) {
	t.Helper()
	for id, hhmm := range want {
		for _, p := range get(t, s, id).Posts {
			if p.Channel == ch && !p.ScheduledAt.Equal(at(hhmm)) {
				t.Errorf("%s on %s at %s, want %s", id, ch, p.ScheduledAt.Format("15:04"), hhmm)
			}
		}
	}
}

// checkMoved checks that exactly the posts whose time changed are reported.
func checkMoved(t *testing.T, moved []store.Moved, due, want map[string]string, at func(string) time.Time) {
	t.Helper()
	var got, exp []string
	for _, m := range moved {
		got = append(got, fmt.Sprintf("%s %s→%s", m.Release, m.Due.Format("15:04"), m.At.Format("15:04")))
	}
	for _, id := range sortedKeys(due) {
		if due[id] != want[id] && want[id] != "10:40" { // one that goes now is not moved
			exp = append(exp, fmt.Sprintf("%s %s→%s", id, at(due[id]).Format("15:04"), want[id]))
		}
	}
	if strings.Join(got, ", ") != strings.Join(exp, ", ") {
		t.Errorf("moved %v, want %v", got, exp)
	}
}

// checkMovedJobs checks that each moved post has a new generation whose
// job waits for its new time, and that its old job is cancelled.
func checkMovedJobs(t *testing.T, s *store.Store, moved []store.Moved) {
	t.Helper()
	js := jobStates(t, s)
	for _, m := range moved {
		old, next := js[m.Release+"/telegram/1"], js[m.Release+"/telegram/2"]
		if fmt.Sprint(old) != "[cancelled]" || fmt.Sprint(next) != "[available]" {
			t.Errorf("%s jobs: gen 1 %v, gen 2 %v; want cancelled, then available", m.Release, old, next)
		}
		for _, p := range get(t, s, m.Release).Posts {
			var due time.Time
			if err := s.DB().QueryRowContext(ctx, `SELECT scheduled_at FROM river_job WHERE id = $1`, p.JobID).Scan(&due); err != nil {
				t.Fatal(err)
			}
			if p.Gen != 2 || !due.Equal(m.At) {
				t.Errorf("%s: gen %d, job due %s; want gen 2, due %s", m.Release, p.Gen, due, m.At)
			}
		}
	}
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestFinishRetry: a retry goes at the first instant from its backoff on
// that the channel's quiet hours and minimum gap allow, counting the
// channel's other posts (sent or scheduled) but not the post itself nor
// other channels; at its backoff when that is allowed or nothing is.
func TestFinishRetry(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 40, 0, 0, time.UTC)
	at := func(hhmmss string) time.Time {
		t, err := time.Parse("2006-01-02 15:04:05", "2026-11-28 "+hhmmss)
		if err != nil {
			panic(err)
		}
		return t
	}
	gap30 := schedule.Policy{Zone: time.UTC, MinGap: 30 * time.Minute}
	quiet := schedule.Policy{Zone: time.UTC, Quiet: []schedule.Window{{FromMin: 10 * 60, ToMin: 12 * 60}}}
	never := schedule.Policy{Zone: time.UTC, Quiet: []schedule.Window{{FromMin: 0, ToMin: 23*60 + 59}, {FromMin: 23*60 + 59, ToMin: 0}}}
	tests := []struct {
		name  string
		pol   schedule.Policy
		due   map[string]string // release → its telegram time
		other map[string]string // release → its facebook time
		sent  string            // a telegram post sent at
		want  string
	}{
		{name: "quiet hours: the window's end", pol: quiet, want: "12:00:00"},
		{name: "allowed: the backoff", pol: gap30, want: "10:40:05"},
		{name: "a post scheduled within the gap", pol: gap30, due: map[string]string{"b": "11:00:00"}, want: "11:30:00"},
		{name: "a post sent within the gap", pol: gap30, sent: "10:30:00", want: "11:00:00"},
		{name: "a free time is rounded up to the minute", pol: gap30, sent: "10:30:20", want: "11:01:00"},
		{name: "other channels are left alone", pol: gap30, other: map[string]string{"f": "10:41:00"}, want: "10:40:05"},
		{name: "rules that cannot be kept: the backoff", pol: never, want: "10:40:05"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEach(t, func(t *testing.T, s *store.Store) {
				s.SetClock(func() time.Time { return now.Add(-2 * time.Hour) })
				schedule := func(id, ch, hhmmss string) {
					r := rel(id, "h-"+id)
					mustUpsert(t, s, r)
					if _, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: alice, Posts: posts(ch), At: at(hhmmss)}); err != nil {
						t.Fatal(err)
					}
				}
				schedule("a", "telegram", "10:40:00")
				for id, hhmmss := range tc.due {
					schedule(id, "telegram", hhmmss)
				}
				for id, hhmmss := range tc.other {
					schedule(id, "facebook", hhmmss)
				}
				if tc.sent != "" {
					schedule("sent", "telegram", tc.sent)
					sendAt(t, s, "sent", "telegram", at(tc.sent))
				}
				s.SetClock(func() time.Time { return now })
				self := store.PublishArgs{Release: "a", Channel: "telegram", Hash: "h-a", Gen: 1}
				if c, err := s.StartPublish(ctx, self); err != nil || c.Outcome != store.ClaimSend {
					t.Fatalf("claim a: %+v %v", c, err)
				}
				got, err := s.FinishRetry(ctx, self, store.Result{Event: release.EventRetry, Err: "boom", RetryAt: at("10:40:05")}, tc.pol)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(at(tc.want)) {
					t.Errorf("retry at %s, want %s", got.Format("15:04:05"), tc.want)
				}
				checkTimes(t, s, map[string]string{"a": tc.want}, "telegram", at)
			})
		})
	}
}

package queue_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

var ctx = context.Background()

// quiet discards River's and the queue's logs.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakePublisher answers each send with the next of its replies (the last
// one repeats) and records when each send happened.
type fakePublisher struct {
	mu      sync.Mutex
	replies []func(ctx context.Context) error
	calls   []time.Time
}

// Publish implements queue.Publisher.
func (f *fakePublisher) Publish(ctx context.Context, p release.Post) (release.Receipt, error) {
	f.mu.Lock()
	n := len(f.calls)
	f.calls = append(f.calls, time.Now())
	reply := f.replies[min(n, len(f.replies)-1)]
	f.mu.Unlock()
	if err := reply(ctx); err != nil {
		return release.Receipt{}, err
	}
	return release.Receipt{RemoteIDs: []string{fmt.Sprint(n + 1)}, URL: "https://example.test/" + p.Channel}, nil
}

// sends returns the times of the sends so far.
func (f *fakePublisher) sends() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.calls...)
}

// ok is a successful send; fail returns a classified error.
func ok(context.Context) error { return nil }

func fail(class release.ErrorClass, retryAfter time.Duration) func(context.Context) error {
	return func(context.Context) error {
		return &release.SendError{Class: class, RetryAfter: retryAfter, Err: errors.New(class.String() + " from fake")}
	}
}

// recorder is a Notifier that keeps the events.
type recorder struct {
	mu     sync.Mutex
	events []queue.Event
}

// Notify implements queue.Notifier.
func (r *recorder) Notify(_ context.Context, ev queue.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// kinds returns the event kinds of channel in order.
func (r *recorder) kinds(channel string) []queue.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []queue.EventKind
	for _, ev := range r.events {
		if ev.Channel == channel {
			out = append(out, ev.Kind)
		}
	}
	return out
}

// waitKinds polls until the event kinds of channel are want or within has
// passed, and returns the last kinds seen. The queue notifies after it
// records a result, so a post's new state can be read before its event.
func (r *recorder) waitKinds(channel string, want []queue.EventKind, within time.Duration) []queue.EventKind {
	deadline := time.Now().Add(within)
	for {
		got := r.kinds(channel)
		if fmt.Sprint(got) == fmt.Sprint(want) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// schedule stores release id and approves it for channels at at.
func schedule(t testing.TB, s *store.Store, id string, at time.Time, channels ...string) {
	t.Helper()
	r := release.Release{ID: id, Title: id, Lang: "en", Hash: "h-" + id}
	if _, err := s.UpsertRelease(ctx, r, "test"); err != nil {
		t.Fatal(err)
	}
	var posts []release.Post
	for _, ch := range channels {
		posts = append(posts, release.Post{Channel: ch, Kind: release.KindTelegram, Parts: []release.Part{{Format: "text", Text: id}}})
	}
	res, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: store.Approver{Kind: "cli", ID: "test"}, Posts: posts, At: at})
	if err != nil || !res.Scheduled {
		t.Fatalf("approve %s: %+v %v", id, res, err)
	}
}

// start runs a queue over s until the test ends.
func start(t testing.TB, s *store.Store, pubs map[string]queue.Publisher, opts queue.Options) *queue.Queue {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	q, err := queue.New(s, pubs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := q.Stop(c); err != nil {
			t.Error(err)
		}
	})
	return q
}

// waitPost polls until the post of id on channel is in state want.
func waitPost(t testing.TB, s *store.Store, id, channel string, want release.Status, within time.Duration) store.PostRecord {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range rec.Posts {
			if p.Channel == channel && p.State == want {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s not %s within %s: %+v", id, channel, want, within, rec.Posts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestResultClasses(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			s := storetest.Open(t, d)
			const retryAfter = 1500 * time.Millisecond
			blocked := make(chan struct{})
			pubs := map[string]*fakePublisher{
				"ok":         {replies: []func(context.Context) error{ok}},
				"ratelimit":  {replies: []func(context.Context) error{fail(release.ClassRateLimited, retryAfter), ok}},
				"transient":  {replies: []func(context.Context) error{fail(release.ClassTransient, 0), ok}},
				"flaky":      {replies: []func(context.Context) error{fail(release.ClassTransient, 0)}},
				"permanent":  {replies: []func(context.Context) error{fail(release.ClassPermanent, 0)}},
				"auth":       {replies: []func(context.Context) error{fail(release.ClassAuth, 0)}},
				"uncertain":  {replies: []func(context.Context) error{fail(release.ClassUncertain, 0)}},
				"unanswered": {replies: []func(context.Context) error{func(c context.Context) error { <-c.Done(); close(blocked); return c.Err() }}},
			}
			want := map[string]struct {
				state release.Status
				sends int
				kinds []queue.EventKind
			}{
				"ok":         {release.StatusPublished, 1, []queue.EventKind{queue.EventPublished}},
				"ratelimit":  {release.StatusPublished, 2, []queue.EventKind{queue.EventRateLimited, queue.EventPublished}},
				"transient":  {release.StatusPublished, 2, []queue.EventKind{queue.EventRetrying, queue.EventPublished}},
				"flaky":      {release.StatusFailed, store.PublishMaxAttempts, nil},
				"permanent":  {release.StatusFailed, 1, []queue.EventKind{queue.EventFailed}},
				"auth":       {release.StatusFailed, 1, []queue.EventKind{queue.EventAuth}},
				"uncertain":  {release.StatusUncertain, 1, []queue.EventKind{queue.EventUncertain}},
				"unanswered": {release.StatusUncertain, 1, []queue.EventKind{queue.EventUncertain}},
			}
			qp := map[string]queue.Publisher{}
			var channels []string
			for ch, p := range pubs {
				qp[ch] = p
				channels = append(channels, ch)
			}
			schedule(t, s, "2024/classes", time.Now(), channels...)
			rec := &recorder{}
			start(t, s, qp, queue.Options{Notifier: rec, MaxBackoff: time.Millisecond, PublishTimeout: time.Second,
				RescueAfter: time.Minute, Workers: len(channels)})
			for ch, w := range want {
				p := waitPost(t, s, "2024/classes", ch, w.state, 60*time.Second)
				if got := len(pubs[ch].sends()); got != w.sends {
					t.Errorf("%s: %d sends, want %d", ch, got, w.sends)
				}
				if w.kinds != nil {
					if got := rec.waitKinds(ch, w.kinds, 5*time.Second); fmt.Sprint(got) != fmt.Sprint(w.kinds) {
						t.Errorf("%s: events %v, want %v", ch, got, w.kinds)
					}
				}
				if w.state == release.StatusPublished && (p.Receipt == nil || p.Receipt.Channel != ch || p.PublishedAt.IsZero()) {
					t.Errorf("%s: receipt %+v", ch, p.Receipt)
				}
				if w.state != release.StatusPublished && p.LastError == "" {
					t.Errorf("%s: no reason kept", ch)
				}
			}
			if c := pubs["ratelimit"].sends(); c[1].Sub(c[0]) < retryAfter {
				t.Errorf("rate-limited send retried after %s, before retry-after %s", c[1].Sub(c[0]), retryAfter)
			}
			<-blocked
		})
	}
}

func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	s1 := storetest.Open(t, store.DialectPostgres)
	const n = 500
	for i := range n {
		schedule(t, s1, fmt.Sprintf("2024/r%03d", i), time.Now(), "telegram")
	}
	// A second instance: its own pool and River client on the same schema.
	s2, err := store.Open(ctx, storeURL(t, s1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	c := &counter{seen: map[string]int{}}
	rec1, rec2 := &recorder{}, &recorder{}
	start(t, s1, map[string]queue.Publisher{"telegram": c}, queue.Options{Notifier: rec1, ID: "one", Workers: 8})
	start(t, s2, map[string]queue.Publisher{"telegram": c}, queue.Options{Notifier: rec2, ID: "two", Workers: 8})
	deadline := time.Now().Add(45 * time.Second)
	for c.total() < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for i := range n {
		waitPost(t, s1, fmt.Sprintf("2024/r%03d", i), "telegram", release.StatusPublished, 10*time.Second)
	}
	for id, k := range c.snapshot() {
		if k != 1 {
			t.Errorf("%s sent %d times", id, k)
		}
	}
	if got := len(c.snapshot()); got != n {
		t.Errorf("%d releases sent, want %d", got, n)
	}
	a, b := len(rec1.kinds("telegram")), len(rec2.kinds("telegram"))
	t.Logf("instance one published %d, instance two %d", a, b)
	if a+b != n || a == 0 || b == 0 {
		t.Errorf("work split %d + %d, want both instances working, %d in all", a, b, n)
	}
}

// storeURL recovers the URL of s's test database.
func storeURL(t *testing.T, s *store.Store) string {
	t.Helper()
	var schema string
	if err := s.DB().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return storetest.SchemaURL(t, schema)
}

// counter is a Publisher that counts sends per release.
type counter struct {
	mu   sync.Mutex
	seen map[string]int
}

// Publish implements queue.Publisher.
func (c *counter) Publish(_ context.Context, p release.Post) (release.Receipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[p.Release]++
	return release.Receipt{RemoteIDs: []string{p.Release}}, nil
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.seen {
		n += k
	}
	return n
}

func (c *counter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.seen {
		out[k] = v
	}
	return out
}

func TestChangedContentIsNotSent(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			s := storetest.Open(t, d)
			p := &fakePublisher{replies: []func(context.Context) error{ok}}
			schedule(t, s, "2024/old", time.Now().Add(300*time.Millisecond), "telegram")
			schedule(t, s, "2024/marker", time.Now().Add(600*time.Millisecond), "telegram")
			if _, err := s.UpsertRelease(ctx, release.Release{ID: "2024/old", Title: "edited", Hash: "h-new"}, "test"); err != nil {
				t.Fatal(err)
			}
			start(t, s, map[string]queue.Publisher{"telegram": p}, queue.Options{})
			// The later release goes out; the edited one must not have.
			waitPost(t, s, "2024/marker", "telegram", release.StatusPublished, 20*time.Second)
			if n := len(p.sends()); n != 1 {
				t.Errorf("%d sends, want 1 (the edited release's job was cancelled)", n)
			}
			rec, _ := s.Get(ctx, "2024/old")
			if rec.State != release.StatusPendingApproval || rec.Posts[0].State != release.StatusPendingApproval {
				t.Errorf("edited release %s / post %s", rec.State, rec.Posts[0].State)
			}
		})
	}
}

// TestBeforeSend checks that BeforeSend runs once per send, after the
// post is claimed (the store has it publishing, so the newsroom can list
// the release) and before the publisher is called.
func TestBeforeSend(t *testing.T) {
	s := storetest.Open(t, storetest.Dialects[0])
	p := &fakePublisher{replies: []func(context.Context) error{ok}}
	schedule(t, s, "2024/a", time.Now(), "telegram")
	var (
		mu   sync.Mutex
		seen []string
	)
	start(t, s, map[string]queue.Publisher{"telegram": p}, queue.Options{BeforeSend: func(ctx context.Context, id string) {
		rec, err := s.Get(ctx, id)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			seen = append(seen, err.Error())
			return
		}
		seen = append(seen, fmt.Sprintf("%s %s, %d sends", id, rec.Posts[0].State, len(p.sends())))
	}})
	waitPost(t, s, "2024/a", "telegram", release.StatusPublished, 20*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"2024/a publishing, 0 sends"}; fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("BeforeSend saw %q, want %q", seen, want)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	if _, err := queue.New(s, nil, queue.Options{PublishTimeout: time.Hour, RescueAfter: time.Minute}); err == nil {
		t.Error("RescueAfter shorter than PublishTimeout accepted")
	}
}

func TestStopCancelsSendsInFlight(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	started := make(chan struct{})
	p := &fakePublisher{replies: []func(context.Context) error{func(c context.Context) error {
		close(started)
		<-c.Done()
		return c.Err()
	}}}
	schedule(t, s, "2024/slow", time.Now(), "telegram")
	q, err := queue.New(s, map[string]queue.Publisher{"telegram": p}, queue.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-started
	stopCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := q.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	if got := post(t, s, "2024/slow"); got.State != release.StatusUncertain {
		t.Errorf("send cut short by shutdown is %s, want uncertain", got.State)
	}
}

// TestHeldWhileFileNotCurrent checks that a post whose release's file is
// not the approved version is neither claimed nor sent while Current says
// so, goes out once the file is back, and that a post cancelled meanwhile
// (the change recorded) is not asked about again and again.
func TestHeldWhileFileNotCurrent(t *testing.T) {
	s := storetest.Open(t, storetest.Dialects[0])
	p := &fakePublisher{replies: []func(context.Context) error{ok}}
	schedule(t, s, "2024/held", time.Now(), "telegram")
	schedule(t, s, "2024/edited", time.Now(), "telegram")
	var (
		mu     sync.Mutex
		differ = map[string]bool{"2024/held": true, "2024/edited": true}
		asked  = map[string]int{}
	)
	current := func(_ context.Context, id, hash string) error {
		mu.Lock()
		defer mu.Unlock()
		asked[id]++
		if differ[id] {
			return errors.New("the file changed")
		}
		return nil
	}
	// The edit of 2024/edited is recorded: its post is cancelled.
	if _, err := s.UpsertRelease(ctx, release.Release{ID: "2024/edited", Title: "edited", Hash: "h-new"}, "test"); err != nil {
		t.Fatal(err)
	}
	start(t, s, map[string]queue.Publisher{"telegram": p}, queue.Options{Current: current, HeldRetry: 200 * time.Millisecond})
	time.Sleep(time.Second)
	if n := len(p.sends()); n != 0 {
		t.Fatalf("%d sends while the file was not the approved version", n)
	}
	if rec, _ := s.Get(ctx, "2024/held"); rec.Posts[0].State != release.StatusScheduled {
		t.Errorf("held post %s, want still scheduled", rec.Posts[0].State)
	}
	mu.Lock()
	heldAsks, editedAsks := asked["2024/held"], asked["2024/edited"]
	differ["2024/held"] = false
	mu.Unlock()
	if heldAsks < 2 || editedAsks > 1 {
		t.Errorf("Current asked %d times for the held post (want it asked again), %d for the cancelled one (want at most once)", heldAsks, editedAsks)
	}
	waitPost(t, s, "2024/held", "telegram", release.StatusPublished, 20*time.Second)
	if n := len(p.sends()); n != 1 {
		t.Errorf("%d sends, want 1", n)
	}
}

func TestNewAcceptsLongPublishTimeout(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	if _, err := queue.New(s, nil, queue.Options{PublishTimeout: 15 * time.Minute}); err != nil {
		t.Errorf("PublishTimeout of 15 min with the default RescueAfter: %v", err)
	}
}

package queue_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// pacedPublisher is a fakePublisher with a Wait: wait decides what it
// does; it records the post's state in the store at each Wait.
type pacedPublisher struct {
	fakePublisher
	s     *store.Store
	wait  func(ctx context.Context) error
	once  sync.Once
	ready chan struct{} // closed at the first Wait

	mu     sync.Mutex
	states []release.Status
	ended  int // Waits returned
}

// Wait implements queue.Pacer.
func (p *pacedPublisher) Wait(ctx context.Context, post release.Post) error {
	rec, err := p.s.Get(ctx, post.Release)
	p.mu.Lock()
	for _, r := range rec.Posts {
		if err == nil && r.Channel == post.Channel {
			p.states = append(p.states, r.State)
		}
	}
	p.mu.Unlock()
	p.once.Do(func() { close(p.ready) })
	err = p.wait(ctx)
	p.mu.Lock()
	p.ended++
	p.mu.Unlock()
	return err
}

func (p *pacedPublisher) seen() ([]release.Status, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]release.Status(nil), p.states...), p.ended
}

// untilDone blocks until ctx ends, like a pacing wait cut short.
func untilDone(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestPacingWaitBeforeClaim checks that the pacing wait happens while the
// post is still scheduled, and that a wait cut short (shutdown, the job's
// timeout) leaves it scheduled, unsent and not uncertain.
func TestPacingWaitBeforeClaim(t *testing.T) {
	tests := []struct {
		name    string
		wait    func(ctx context.Context) error
		opts    queue.Options
		stop    bool // stop the queue while Wait blocks
		want    release.Status
		publish int
	}{
		{name: "wait then send", wait: func(context.Context) error { return nil }, want: release.StatusPublished, publish: 1},
		{name: "shutdown during the wait", wait: untilDone, stop: true, want: release.StatusScheduled},
		{name: "job timeout during the wait", wait: untilDone, opts: queue.Options{PublishTimeout: 300 * time.Millisecond},
			want: release.StatusScheduled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t, store.DialectSQLite)
			p := &pacedPublisher{s: s, wait: tc.wait, ready: make(chan struct{}),
				fakePublisher: fakePublisher{replies: []func(context.Context) error{ok}}}
			schedule(t, s, "2024/paced", time.Now(), "telegram")
			rec := &recorder{}
			opts := tc.opts
			opts.Logger, opts.Notifier = quiet, rec
			q, err := queue.New(s, map[string]queue.Publisher{"telegram": p}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			stopped := false
			stop := func() {
				if stopped {
					return
				}
				stopped = true
				sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
				if err := q.Stop(sctx); err != nil {
					t.Error(err)
				}
			}
			defer stop()
			select {
			case <-p.ready:
			case <-time.After(30 * time.Second):
				t.Fatal("Wait never called")
			}
			switch {
			case tc.stop:
				stop()
			case tc.want == release.StatusScheduled:
				// Until the cut-short Wait has returned and the job ended.
				deadline := time.Now().Add(30 * time.Second)
				for _, ended := p.seen(); ended == 0; _, ended = p.seen() {
					if time.Now().After(deadline) {
						t.Fatal("Wait never returned")
					}
					time.Sleep(20 * time.Millisecond)
				}
				time.Sleep(200 * time.Millisecond) // let a wrong claim or send land
				stop()
			default:
				waitPost(t, s, "2024/paced", "telegram", tc.want, 30*time.Second)
				stop()
			}
			if got := post(t, s, "2024/paced"); got.State != tc.want {
				t.Errorf("post is %s, want %s (last error %q)", got.State, tc.want, got.LastError)
			} else if tc.want == release.StatusScheduled && got.Attempts != 0 {
				t.Errorf("post counts %d sends started, want 0", got.Attempts)
			}
			if n := len(p.sends()); n != tc.publish {
				t.Errorf("Publish called %d times, want %d", n, tc.publish)
			}
			states, _ := p.seen()
			for i, st := range states {
				if st != release.StatusScheduled {
					t.Errorf("Wait %d saw the post %s, want scheduled (Wait must come before the claim)", i+1, st)
				}
			}
			for _, k := range rec.kinds("telegram") {
				if k == queue.EventUncertain {
					t.Errorf("events %v include uncertain", rec.kinds("telegram"))
				}
			}
		})
	}
}

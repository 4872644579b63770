package telegram

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/release"
)

// The queue's Pacer, without importing the queue.
var _ interface {
	Wait(context.Context, release.Post) error
} = (*Channel)(nil)

// TestWaitReservesTheFirstSlot: Wait takes the pacing wait before the
// claim; the Publish that follows sends in that slot without waiting again,
// and a Wait cut short sends nothing.
func TestWaitReservesTheFirstSlot(t *testing.T) {
	tests := []struct {
		name      string
		cancel    bool            // ctx already ended at Wait
		between   func(e *env)    // between Wait and Publish
		waitErr   bool            // Wait fails
		sleeps    []time.Duration // clock sleeps of Wait then Publish
		sentAt    []time.Duration // times of the sends after the first post, from start
		published bool
	}{
		{name: "wait then send in the slot", sleeps: []time.Duration{time.Second}, sentAt: []time.Duration{time.Second}, published: true},
		{name: "cancelled during the wait", cancel: true, waitErr: true},
		{name: "429 between wait and send waits again",
			between: func(e *env) { e.ch.limiter.block(e.clock.Now().Add(7 * time.Second)) },
			sleeps:  []time.Duration{time.Second, 7 * time.Second}, sentAt: []time.Duration{8 * time.Second}, published: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, faketg.WithFloodLimits(20, time.Second))
			if _, err := e.ch.Publish(context.Background(), post(textPart("first"))); err != nil {
				t.Fatal(err)
			}
			before := len(e.clock.Sleeps())
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			p := post(textPart("second"))
			p.Release = "2025/second"
			err := e.ch.Wait(ctx, p)
			if (err != nil) != tc.waitErr {
				t.Fatalf("Wait: %v, want error %v", err, tc.waitErr)
			}
			if tc.waitErr {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Wait error %v does not wrap context.Canceled", err)
				}
				if n := len(e.srv.Messages(chanID)); n != 1 {
					t.Errorf("%d messages after a cut-short Wait, want 1", n)
				}
				return
			}
			if tc.between != nil {
				tc.between(e)
			}
			if _, err := e.ch.Publish(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			if got := e.clock.Sleeps()[before:]; fmt.Sprint(got) != fmt.Sprint(tc.sleeps) {
				t.Errorf("sleeps %v, want %v", got, tc.sleeps)
			}
			calls := e.srv.Calls("sendMessage")
			var at []time.Duration
			for _, c := range calls[1:] {
				if c.Status != 200 {
					t.Errorf("send answered %d", c.Status)
				}
				at = append(at, c.Time.Sub(start))
			}
			if fmt.Sprint(at) != fmt.Sprint(tc.sentAt) {
				t.Errorf("sent at %v, want %v", at, tc.sentAt)
			}
		})
	}
}

// TestWaitThenPublishBurstStaysUnderLimits: 50 posts each paced with Wait
// before Publish, as the queue does, keep to the chat's limits (the fake
// answers 429 past them) and take as long as Publish alone.
func TestWaitThenPublishBurstStaysUnderLimits(t *testing.T) {
	e := newEnv(t, nil, faketg.WithFloodLimits(20, time.Second))
	for i := range 50 {
		p := post(textPart(fmt.Sprint("post ", i)))
		p.Release = fmt.Sprint("2025/", i)
		if err := e.ch.Wait(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ch.Publish(context.Background(), p); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	for _, c := range e.srv.Calls("sendMessage") {
		if c.Status != 200 {
			t.Fatalf("a send answered %d", c.Status)
		}
	}
	if n := len(e.srv.Messages(chanID)); n != 50 {
		t.Fatalf("fake holds %d messages, want 50", n)
	}
	if got := e.clock.Now().Sub(start); got != 129*time.Second {
		t.Errorf("burst took %v of simulated time, want 2m9s", got)
	}
}

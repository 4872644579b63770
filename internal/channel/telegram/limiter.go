package telegram

import (
	"context"
	"sync"
	"time"
)

// Clock is the time source of the pacing. Sleep waits d or until ctx is
// done. Tests pass a manual clock whose Sleep only moves time.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// limiter paces sends to one chat with a sliding window: at most perMinute
// messages in any 60 seconds and sends at least minInterval apart, the
// limits Telegram asks bots to keep to
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
// A send of n messages (a media group) takes n places in the window.
// Callers reserve a slot and sleep until it, so concurrent senders queue
// in order.
type limiter struct {
	clock       Clock
	perMinute   int
	minInterval time.Duration

	mu      sync.Mutex
	slots   []time.Time // one per message reserved, in order
	blocked time.Time   // no send before this (after a 429)
}

func newLimiter(c Clock, perMinute int, minInterval time.Duration) *limiter {
	return &limiter{clock: c, perMinute: perMinute, minInterval: minInterval}
}

// wait blocks until a send of n messages fits the limits, and reserves it.
func (l *limiter) wait(ctx context.Context, n int) error {
	return l.clock.Sleep(ctx, l.reserve(n).Sub(l.clock.Now()))
}

// reserve returns the earliest time a send of n messages fits, and books it.
func (l *limiter) reserve(n int) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = min(max(n, 1), l.perMinute)
	now := l.clock.Now()
	at := now
	if l.blocked.After(at) {
		at = l.blocked
	}
	// Forget slots that can no longer count against a send at or after now.
	first := 0
	for first < len(l.slots) && !l.slots[first].After(now.Add(-time.Minute)) {
		first++
	}
	l.slots = l.slots[first:]
	if k := len(l.slots); k > 0 {
		if next := l.slots[k-1].Add(l.minInterval); next.After(at) {
			at = next
		}
		// The send fits once the over-th oldest slot leaves the window.
		if over := k + n - l.perMinute; over > 0 {
			if free := l.slots[over-1].Add(time.Minute); free.After(at) {
				at = free
			}
		}
	}
	for range n {
		l.slots = append(l.slots, at)
	}
	return at
}

// block holds every send until t (a 429's retry_after).
func (l *limiter) block(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.blocked) {
		l.blocked = t
	}
}

// blockedAt reports whether a 429 holds sends at t.
func (l *limiter) blockedAt(t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.blocked.After(t)
}

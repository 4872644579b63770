package health

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// fakeCheck returns the error it holds and counts calls.
type fakeCheck struct {
	mu    sync.Mutex
	err   error
	calls int
}

func (f *fakeCheck) Check(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.err
}

type alerts struct{ texts []string }

func (a *alerts) Alert(_ context.Context, text string) { a.texts = append(a.texts, text) }

func TestAlertOncePerOutageAndRecovery(t *testing.T) {
	fb := &fakeCheck{err: &release.SendError{Class: release.ClassAuth, Err: errors.New("Facebook token expired (code 190): create a new Page token")}}
	tg := &fakeCheck{}
	al := &alerts{}
	m := New(Config{Channels: map[string]Checker{"facebook": fb, "telegram": tg}, Alert: al})
	ctx := context.Background()
	if err := m.Ready(ctx); err == nil || !strings.Contains(err.Error(), "not checked yet") {
		t.Errorf("ready before any check = %v", err)
	}
	failed := m.CheckAll(ctx)
	if len(failed) != 1 || failed["facebook"] == nil {
		t.Fatalf("failed = %v", failed)
	}
	m.CheckAll(ctx)
	if len(al.texts) != 1 || !strings.Contains(al.texts[0], "credentials were refused") || !strings.Contains(al.texts[0], "code 190") {
		t.Fatalf("alerts = %q, want one auth alert", al.texts)
	}
	if err := m.Ready(ctx); err == nil || !strings.Contains(err.Error(), "facebook") {
		t.Errorf("ready = %v", err)
	}
	fb.err = nil
	m.CheckAll(ctx)
	if len(al.texts) != 2 || !strings.Contains(al.texts[1], "works again") {
		t.Errorf("alerts = %q, want a recovery note", al.texts)
	}
	if err := m.Ready(ctx); err != nil {
		t.Errorf("ready after recovery = %v", err)
	}
}

func TestCheckDueBeforeSlot(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := now
	tg, fb := &fakeCheck{}, &fakeCheck{}
	due := map[string]time.Time{"telegram": now.Add(10 * time.Minute), "facebook": now.Add(3 * time.Hour)}
	m := New(Config{
		Channels: map[string]Checker{"telegram": tg, "facebook": fb},
		Upcoming: func(_ context.Context, ch string) (time.Time, error) { return due[ch], nil },
		Now:      func() time.Time { return clock },
	})
	ctx := context.Background()
	m.CheckAll(ctx) // both checked at 09:00
	clock = now.Add(9 * time.Minute)
	m.CheckDue(ctx) // telegram due at 09:10, last check 9 min ago ≥ 7.5 min → again
	m.CheckDue(ctx) // just checked: not again
	if tg.calls != 2 || fb.calls != 1 {
		t.Errorf("calls telegram %d facebook %d; want 2 and 1", tg.calls, fb.calls)
	}
}

// Package health checks every channel's credentials periodically and ahead
// of each scheduled post, so that a dead token alerts the officers before
// a post is due rather than after it fails.
package health

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// Checker verifies a channel's credentials and permissions without posting.
type Checker interface {
	Check(ctx context.Context) error
}

// Upcoming returns when the channel's next post is due (zero: none).
type Upcoming func(ctx context.Context, channel string) (time.Time, error)

// Alerter tells the officers.
type Alerter interface {
	Alert(ctx context.Context, text string)
}

// Config assembles a Monitor.
type Config struct {
	Channels map[string]Checker
	Upcoming Upcoming // nil: periodic checks only
	Alert    Alerter
	Log      *slog.Logger
	// Every is the period of routine checks (default 30 min); Ahead is how
	// long before a due post its channel is checked again (default 15 min).
	Every, Ahead time.Duration
	Now          func() time.Time
}

// Status is the last result for one channel.
type Status struct {
	Checked time.Time
	Err     error
}

// Monitor runs the checks and remembers their results.
type Monitor struct {
	cfg  Config
	mu   sync.Mutex
	last map[string]Status
}

// New returns a Monitor for cfg.
func New(cfg Config) *Monitor {
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Minute
	}
	if cfg.Ahead <= 0 {
		cfg.Ahead = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Monitor{cfg: cfg, last: map[string]Status{}}
}

// CheckAll checks every channel now and returns the failures by name.
func (m *Monitor) CheckAll(ctx context.Context) map[string]error {
	failed := map[string]error{}
	for _, name := range m.names() {
		if err := m.check(ctx, name); err != nil {
			failed[name] = err
		}
	}
	return failed
}

// names returns the channel names, sorted.
func (m *Monitor) names() []string {
	names := make([]string, 0, len(m.cfg.Channels))
	for n := range m.cfg.Channels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// check runs one channel's check, records it, and alerts when a channel
// turns bad (not again while it stays bad).
func (m *Monitor) check(ctx context.Context, name string) error {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := m.cfg.Channels[name].Check(cctx)
	cancel()
	m.mu.Lock()
	prev, seen := m.last[name]
	m.last[name] = Status{Checked: m.cfg.Now(), Err: err}
	m.mu.Unlock()
	switch {
	case err != nil && (!seen || prev.Err == nil):
		m.cfg.Log.Error("channel check failed", "channel", name, "class", release.Classify(err).String(), "err", err)
		if m.cfg.Alert != nil {
			m.cfg.Alert.Alert(ctx, alertText(name, err))
		}
	case err == nil && seen && prev.Err != nil:
		m.cfg.Log.Info("channel check recovered", "channel", name)
		if m.cfg.Alert != nil {
			m.cfg.Alert.Alert(ctx, fmt.Sprintf("Channel %s works again.", name))
		}
	}
	return err
}

// alertText words an alert for the officers.
func alertText(name string, err error) string {
	if release.Classify(err) == release.ClassAuth {
		return fmt.Sprintf("Channel %s cannot post: its credentials were refused. Posts due on it will fail until this is fixed.\n%v", name, err)
	}
	return fmt.Sprintf("Channel %s failed its check: %v", name, err)
}

// Ready reports an error naming the channels whose last check failed, or
// that were never checked.
func (m *Monitor) Ready(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var bad []string
	for _, n := range m.names() {
		st, ok := m.last[n]
		switch {
		case !ok:
			bad = append(bad, n+": not checked yet")
		case st.Err != nil:
			bad = append(bad, n+": "+st.Err.Error())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("health: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Run checks every channel at start and every Every, and a channel again
// when a post on it is due within Ahead and its last check is older than
// half of Ahead. It returns when ctx ends.
func (m *Monitor) Run(ctx context.Context) {
	m.CheckAll(ctx)
	routine := time.NewTicker(m.cfg.Every)
	defer routine.Stop()
	ahead := time.NewTicker(time.Minute)
	defer ahead.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-routine.C:
			m.CheckAll(ctx)
		case <-ahead.C:
			m.CheckDue(ctx)
		}
	}
}

// CheckDue checks the channels with a post due within Ahead whose last
// check is older than Ahead/2.
func (m *Monitor) CheckDue(ctx context.Context) {
	if m.cfg.Upcoming == nil {
		return
	}
	now := m.cfg.Now()
	for _, name := range m.names() {
		due, err := m.cfg.Upcoming(ctx, name)
		if err != nil || due.IsZero() || due.Sub(now) > m.cfg.Ahead {
			continue
		}
		m.mu.Lock()
		st := m.last[name]
		m.mu.Unlock()
		if now.Sub(st.Checked) >= m.cfg.Ahead/2 {
			_ = m.check(ctx, name) // recorded and alerted by check
		}
	}
}

// Package schedule computes when a post may go out on a channel: the next
// posting slot in the office time zone that respects the release's embargo,
// the channel's quiet hours and a minimum gap to the posts already
// scheduled there. Slots and quiet hours are wall-clock times in the zone,
// so they stay put across daylight saving time changes.
package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Horizon is how far ahead Next looks for a free slot.
const Horizon = 366 * 24 * time.Hour

// ErrNoSlot is returned (wrapped) when no free slot exists within Horizon.
var ErrNoSlot = errors.New("schedule: no free slot")

// Policy is one channel's posting policy.
type Policy struct {
	Zone   *time.Location // office zone; nil means UTC
	Slots  []Slot         // posting slots in the office zone; none: any instant
	MinGap time.Duration  // minimum gap between posts on one channel
	Quiet  []Window       // daily quiet hours (may cross midnight, e.g. 22:00-07:00)
}

// Slot is a posting time on some days of the week.
type Slot struct {
	Days         [7]bool // indexed by time.Weekday
	Hour, Minute int
}

// Window is a daily span of wall-clock time, [FromMin, ToMin) in minutes
// after local midnight; when FromMin > ToMin it crosses midnight, and when
// they are equal it is empty.
type Window struct{ FromMin, ToMin int }

// contains reports whether minute-of-day m (fractional) lies in w.
func (w Window) contains(m float64) bool {
	from, to := float64(w.FromMin), float64(w.ToMin)
	if w.FromMin == w.ToMin {
		return false
	}
	if w.FromMin < w.ToMin {
		return m >= from && m < to
	}
	return m >= from || m < to
}

// Next returns the earliest slot at or after max(after, embargo) that is
// not in quiet hours and at least MinGap away from every busy time (the
// posts already scheduled on the channel). Without slots any instant is a
// slot, so the start itself, moved past quiet hours and busy posts. It
// returns an error wrapping ErrNoSlot if nothing is free within Horizon.
func (p Policy) Next(after, embargo time.Time, busy []time.Time) (time.Time, error) {
	start := later(after, embargo)
	t, ok := p.next(start, start.Add(Horizon), busy)
	if !ok {
		return time.Time{}, fmt.Errorf("%w within %d days after %s", ErrNoSlot, int(Horizon.Hours()/24), start.In(p.zone()).Format(time.RFC3339))
	}
	return t, nil
}

// Upcoming returns up to n free slots from max(after, embargo) on, none
// later than within after that start: the choices offered to an officer.
// Without slots the choices are max(MinGap, 1h) apart.
func (p Policy) Upcoming(after, embargo time.Time, busy []time.Time, n int, within time.Duration) []time.Time {
	start := later(after, embargo)
	limit := start.Add(within)
	step := time.Nanosecond
	if len(p.Slots) == 0 {
		step = max(p.MinGap, time.Hour)
	}
	var out []time.Time
	for from := start; len(out) < n; {
		t, ok := p.next(from, limit, busy)
		if !ok {
			break
		}
		out = append(out, t)
		from = t.Add(step)
	}
	return out
}

// next finds the earliest free slot in [from, limit].
func (p Policy) next(from, limit time.Time, busy []time.Time) (time.Time, bool) {
	if len(p.Slots) == 0 {
		return p.nextInstant(from, limit, busy)
	}
	zone := p.zone()
	day := civil(from.In(zone)).addDays(-1) // a slot late yesterday may resolve after from
	for ; !day.after(civil(limit.In(zone))); day = day.addDays(1) {
		for _, t := range p.slotsOn(day) {
			if t.Before(from) || t.After(limit) {
				continue
			}
			if p.free(t, busy) {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// nextInstant handles a policy without slots: it moves t forward past
// quiet hours and busy posts until it rests.
func (p Policy) nextInstant(t, limit time.Time, busy []time.Time) (time.Time, bool) {
	for !t.After(limit) {
		moved := false
		if end, in := p.quietEnd(t); in {
			t, moved = end, true
		}
		for _, b := range busy {
			if tooClose(t, b, p.MinGap) {
				t, moved = b.Add(p.MinGap), true
			}
		}
		if !moved {
			return t, true
		}
	}
	return time.Time{}, false
}

// free reports whether a slot at t is outside quiet hours and far enough
// from every busy time.
func (p Policy) free(t time.Time, busy []time.Time) bool {
	if _, in := p.quietEnd(t); in {
		return false
	}
	for _, b := range busy {
		if tooClose(t, b, p.MinGap) {
			return false
		}
	}
	return true
}

// tooClose reports whether t lies strictly within gap of b.
func tooClose(t, b time.Time, gap time.Duration) bool {
	d := t.Sub(b)
	return d > -gap && d < gap
}

// quietEnd reports whether t is in quiet hours and, if so, the instant the
// quiet window that holds t ends (the latest end when windows overlap).
func (p Policy) quietEnd(t time.Time) (time.Time, bool) {
	local := t.In(p.zone())
	m := float64(local.Hour()*60+local.Minute()) + float64(local.Second())/60 + float64(local.Nanosecond())/6e10
	var end time.Time
	in := false
	for _, w := range p.Quiet {
		if !w.contains(m) {
			continue
		}
		day := civil(local)
		if float64(w.ToMin) <= m { // ends tomorrow
			day = day.addDays(1)
		}
		e := day.at(w.ToMin/60, w.ToMin%60, p.zone())
		if !e.After(t) { // a window end inside a DST gap can resolve before t
			e = t.Add(time.Minute)
		}
		if !in || e.After(end) {
			end, in = e, true
		}
	}
	return end, in
}

// slotsOn returns the instants of the slots on one local day, ascending,
// each wall time resolved once.
func (p Policy) slotsOn(day date) []time.Time {
	var out []time.Time
	wd := day.weekday()
	for _, s := range p.Slots {
		if s.Days[wd] {
			out = append(out, day.at(s.Hour, s.Minute, p.zone()))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return dedupe(out)
}

// dedupe drops repeated instants from a sorted slice.
func dedupe(ts []time.Time) []time.Time {
	out := ts[:0]
	for i, t := range ts {
		if i == 0 || !t.Equal(ts[i-1]) {
			out = append(out, t)
		}
	}
	return out
}

func (p Policy) zone() *time.Location {
	if p.Zone == nil {
		return time.UTC
	}
	return p.Zone
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Conflict says why the policy would not have chosen t for a post, given
// the times of the channel's other posts: t is in quiet hours, or within
// MinGap of another post. It returns "" when t is free. An officer may
// still choose such a time; callers say so.
func (p Policy) Conflict(t time.Time, busy []time.Time) string {
	local := t.In(p.zone())
	m := float64(local.Hour()*60 + local.Minute())
	for _, w := range p.Quiet {
		if w.contains(m) {
			return fmt.Sprintf("inside the quiet hours %s", w)
		}
	}
	for _, b := range busy {
		if tooClose(t, b, p.MinGap) {
			return fmt.Sprintf("within the minimum gap of %s from another post at %s", shortDuration(p.MinGap), b.In(p.zone()).Format("2006-01-02 15:04"))
		}
	}
	return ""
}

// String writes the window as "22:00-07:00".
func (w Window) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", w.FromMin/60, w.FromMin%60, w.ToMin/60, w.ToMin%60)
}

// shortDuration writes d as the configuration would: "2h", "1h30m", "90s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

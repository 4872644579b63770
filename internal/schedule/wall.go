package schedule

import "time"

// date is a calendar day in the office zone.
type date struct {
	year  int
	month time.Month
	day   int
}

// civil returns the calendar day of t in t's location.
func civil(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

// addDays returns the day n days later (earlier for negative n).
func (d date) addDays(n int) date {
	return civil(time.Date(d.year, d.month, d.day+n, 12, 0, 0, 0, time.UTC))
}

// after reports whether d is a later day than e.
func (d date) after(e date) bool {
	return d.utcNoon().After(e.utcNoon())
}

func (d date) utcNoon() time.Time {
	return time.Date(d.year, d.month, d.day, 12, 0, 0, 0, time.UTC)
}

func (d date) weekday() time.Weekday { return d.utcNoon().Weekday() }

// at resolves the wall-clock time hour:minute of day d in loc to an
// instant. A wall time that occurs twice (clocks turned back) resolves to
// its first occurrence; one that does not occur (clocks turned forward)
// resolves to the first instant after the gap.
func (d date) at(hour, minute int, loc *time.Location) time.Time {
	wall := time.Date(d.year, d.month, d.day, hour, minute, 0, 0, time.UTC)
	guess := time.Date(d.year, d.month, d.day, hour, minute, 0, 0, loc)
	var first time.Time
	found := false
	for _, off := range offsetsNear(guess) {
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), wall) && (!found || t.Before(first)) {
			first, found = t, true
		}
	}
	if found {
		return first.In(loc)
	}
	// In a gap: the transition instant is the first one after it.
	start, end := guess.ZoneBounds()
	if wallAfter(guess, wall) {
		return start
	}
	return end
}

// offsetsNear returns the UTC offsets in effect at t and in the zones just
// before and after the one that holds t.
func offsetsNear(t time.Time) []int {
	_, off := t.Zone()
	offs := []int{off}
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		_, o := start.Add(-time.Nanosecond).Zone()
		offs = append(offs, o)
	}
	if !end.IsZero() {
		_, o := end.Zone()
		offs = append(offs, o)
	}
	return offs
}

// sameWall reports whether local shows the wall-clock date and time of wall.
func sameWall(local, wall time.Time) bool {
	y, m, d := local.Date()
	return y == wall.Year() && m == wall.Month() && d == wall.Day() &&
		local.Hour() == wall.Hour() && local.Minute() == wall.Minute()
}

// wallAfter reports whether local's wall clock reads later than wall.
func wallAfter(local, wall time.Time) bool {
	y, m, d := local.Date()
	asUTC := time.Date(y, m, d, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
	return asUTC.After(wall)
}

// WallTime returns the instant at which the office clock in loc shows the
// date and time of wall's fields (wall's own location is ignored), by the
// rules of slots: a time that occurs twice (clocks turned back) is its
// first occurrence, and one that does not occur (clocks turned forward)
// is the first instant after the jump. Seconds are dropped.
func WallTime(wall time.Time, loc *time.Location) time.Time {
	return civil(wall).at(wall.Hour(), wall.Minute(), loc)
}

package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// dayNames maps accepted day names (lower case) to weekdays.
var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

const dayHint = "use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range like Mon-Fri, or Daily"

// ParseSlots parses posting slots: groups separated by ';', each a list of
// days (names, ranges like Mon-Fri that may wrap like Fri-Mon, or Daily)
// followed by times HH:MM, separated by commas or spaces:
//
//	Mon-Fri 09:30, 13:00, 17:00; Sat 11:00
//
// A group without days applies to every day. An empty spec means no slots
// (any time is a slot). The result has one Slot per time and group.
func ParseSlots(spec string) ([]Slot, error) {
	var slots []Slot
	for _, group := range strings.Split(spec, ";") {
		group = strings.TrimSpace(group)
		if group == "" {
			continue
		}
		s, err := parseGroup(group)
		if err != nil {
			return nil, fmt.Errorf("schedule: slot %q: %w", group, err)
		}
		slots = append(slots, s...)
	}
	return slots, nil
}

// parseGroup parses one "days times" group.
func parseGroup(group string) ([]Slot, error) {
	fields := strings.FieldsFunc(group, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	var days [7]bool
	haveDays := false
	var slots []Slot
	for _, f := range fields {
		if f[0] >= '0' && f[0] <= '9' {
			h, m, err := parseClock(f)
			if err != nil {
				return nil, err
			}
			slots = append(slots, Slot{Hour: h, Minute: m})
			continue
		}
		if len(slots) > 0 {
			return nil, fmt.Errorf("day %q after a time; write the days first, e.g. \"Mon-Fri 09:30\"", f)
		}
		if err := addDays(&days, f); err != nil {
			return nil, err
		}
		haveDays = true
	}
	if len(slots) == 0 {
		return nil, errors.New("no time; write e.g. \"Mon-Fri 09:30, 13:00\"")
	}
	if !haveDays {
		days = [7]bool{true, true, true, true, true, true, true}
	}
	for i := range slots {
		slots[i].Days = days
	}
	return slots, nil
}

// addDays marks the days of one day item: a name, a range or Daily.
func addDays(days *[7]bool, item string) error {
	switch strings.ToLower(item) {
	case "daily", "everyday", "mon-sun":
		*days = [7]bool{true, true, true, true, true, true, true}
		return nil
	}
	from, to, isRange := strings.Cut(item, "-")
	first, err := parseDay(from)
	if err != nil {
		return err
	}
	last := first
	if isRange {
		if last, err = parseDay(to); err != nil {
			return err
		}
	}
	for d := first; ; d = (d + 1) % 7 {
		days[d] = true
		if d == last {
			return nil
		}
	}
}

// parseDay parses one day name.
func parseDay(s string) (time.Weekday, error) {
	d, ok := dayNames[strings.ToLower(s)]
	if !ok {
		return 0, fmt.Errorf("unknown day %q; %s", s, dayHint)
	}
	return d, nil
}

// parseClock parses H:MM or HH:MM (00:00–23:59).
func parseClock(s string) (hour, minute int, err error) {
	bad := fmt.Errorf("bad time %q; use HH:MM from 00:00 to 23:59", s)
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, bad
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || hs[0] == '+' || ms[0] == '+' {
		return 0, 0, bad
	}
	return h, m, nil
}

// ParseWindow parses a daily window "HH:MM-HH:MM" in local wall-clock time;
// it may cross midnight ("22:00-07:00"). The end is exclusive.
func ParseWindow(spec string) (Window, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return Window{}, fmt.Errorf("schedule: quiet hours %q: want FROM-TO, e.g. \"22:00-07:00\"", spec)
	}
	fh, fm, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return Window{}, fmt.Errorf("schedule: quiet hours %q: %w", spec, err)
	}
	th, tm, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return Window{}, fmt.Errorf("schedule: quiet hours %q: %w", spec, err)
	}
	w := Window{FromMin: fh*60 + fm, ToMin: th*60 + tm}
	if w.FromMin == w.ToMin {
		return Window{}, fmt.Errorf("schedule: quiet hours %q: start and end are the same; leave quiet hours out instead", spec)
	}
	return w, nil
}

// NewPolicy builds a Policy from its configuration text: slots as
// ParseSlots reads them, a minimum gap, and quiet-hour windows as
// ParseWindow reads them. A negative gap is an error.
func NewPolicy(zone *time.Location, slots string, minGap time.Duration, quiet []string) (Policy, error) {
	p := Policy{Zone: zone, MinGap: minGap}
	if minGap < 0 {
		return Policy{}, fmt.Errorf("schedule: min_gap %s is negative; use 0 or a duration like 2h", minGap)
	}
	var err error
	if p.Slots, err = ParseSlots(slots); err != nil {
		return Policy{}, err
	}
	for _, q := range quiet {
		w, err := ParseWindow(q)
		if err != nil {
			return Policy{}, err
		}
		p.Quiet = append(p.Quiet, w)
	}
	return p, nil
}

package schedule

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func loc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return l
}

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func slots(t testing.TB, spec string) []Slot {
	t.Helper()
	s, err := ParseSlots(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func windows(t testing.TB, specs ...string) []Window {
	t.Helper()
	var out []Window
	for _, s := range specs {
		w, err := ParseWindow(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

func TestNext(t *testing.T) {
	berlin, tashkent := loc(t, "Europe/Berlin"), loc(t, "Asia/Tashkent")
	office := "Mon-Fri 09:30, 13:00, 17:00; Sat 11:00"
	tests := []struct {
		name           string
		p              Policy
		after, embargo string
		busy           []string
		want           string
	}{
		{
			name:  "spring forward: 02:30 does not exist, first instant after the gap",
			p:     Policy{Zone: berlin, Slots: slots(t, "Daily 02:30")},
			after: "2026-03-28T12:00:00+01:00",
			want:  "2026-03-29T03:00:00+02:00",
		},
		{
			name:  "spring forward: day after is back at 02:30 summer time",
			p:     Policy{Zone: berlin, Slots: slots(t, "Daily 02:30")},
			after: "2026-03-29T03:00:01+02:00",
			want:  "2026-03-30T02:30:00+02:00",
		},
		{
			name:  "fall back: 02:30 occurs twice, the first is the slot",
			p:     Policy{Zone: berlin, Slots: slots(t, "Daily 02:30")},
			after: "2026-10-25T00:00:00Z",
			want:  "2026-10-25T02:30:00+02:00",
		},
		{
			name:  "fall back: the second 02:30 is not a slot",
			p:     Policy{Zone: berlin, Slots: slots(t, "Daily 02:30")},
			after: "2026-10-25T00:30:01Z",
			want:  "2026-10-26T02:30:00+01:00",
		},
		{
			name:  "weekdays across the spring change keep wall time",
			p:     Policy{Zone: berlin, Slots: slots(t, "Mon-Fri 09:30")},
			after: "2026-03-27T10:00:00+01:00", // Friday after the slot
			want:  "2026-03-30T09:30:00+02:00", // Monday, summer time
		},
		{
			name:  "weekdays across the autumn change keep wall time",
			p:     Policy{Zone: berlin, Slots: slots(t, "Mon-Fri 09:30")},
			after: "2026-10-23T10:00:00+02:00",
			want:  "2026-10-26T09:30:00+01:00",
		},
		{
			name:  "Tashkent: a slot exactly at the start is taken",
			p:     Policy{Zone: tashkent, Slots: slots(t, office)},
			after: "2026-05-16T11:00:00+05:00", // Saturday
			want:  "2026-05-16T11:00:00+05:00",
		},
		{
			name:  "Tashkent: Sunday has no slot",
			p:     Policy{Zone: tashkent, Slots: slots(t, office)},
			after: "2026-05-16T11:00:01+05:00",
			want:  "2026-05-18T09:30:00+05:00",
		},
		{
			name:    "embargo later than after",
			p:       Policy{Zone: tashkent, Slots: slots(t, office)},
			after:   "2026-05-12T08:00:00+05:00",
			embargo: "2026-05-12T13:30:00+05:00",
			want:    "2026-05-12T17:00:00+05:00",
		},
		{
			name:    "embargo earlier than after is moot",
			p:       Policy{Zone: tashkent, Slots: slots(t, office)},
			after:   "2026-05-12T12:00:00+05:00",
			embargo: "2026-05-01T00:00:00+05:00",
			want:    "2026-05-12T13:00:00+05:00",
		},
		{
			name:  "min gap: 09:30 too close to a busy 10:00, 13:00 exactly 3h away",
			p:     Policy{Zone: tashkent, Slots: slots(t, office), MinGap: 3 * time.Hour},
			after: "2026-05-12T09:00:00+05:00",
			busy:  []string{"2026-05-12T10:00:00+05:00"},
			want:  "2026-05-12T13:00:00+05:00",
		},
		{
			name:  "busy slot itself is taken",
			p:     Policy{Zone: tashkent, Slots: slots(t, office), MinGap: time.Minute},
			after: "2026-05-12T09:00:00+05:00",
			busy:  []string{"2026-05-12T09:30:00+05:00", "2026-05-12T13:00:00+05:00"},
			want:  "2026-05-12T17:00:00+05:00",
		},
		{
			name:  "quiet hours across midnight skip an early slot",
			p:     Policy{Zone: tashkent, Slots: slots(t, "Daily 06:00, 08:00"), Quiet: windows(t, "22:00-07:00")},
			after: "2026-05-12T05:00:00+05:00",
			want:  "2026-05-12T08:00:00+05:00",
		},
		{
			name:  "wrapping day range Fri-Mon",
			p:     Policy{Zone: tashkent, Slots: slots(t, "Fri-Mon 10:00")},
			after: "2026-05-12T00:00:00+05:00", // Tuesday
			want:  "2026-05-15T10:00:00+05:00", // Friday
		},
		{
			name:  "no slots: the start itself",
			p:     Policy{Zone: tashkent},
			after: "2026-05-12T15:04:05+05:00",
			want:  "2026-05-12T15:04:05+05:00",
		},
		{
			name:  "no slots: quiet hours across midnight push to their end",
			p:     Policy{Zone: berlin, Quiet: windows(t, "22:00-07:00")},
			after: "2026-06-01T23:15:00+02:00",
			want:  "2026-06-02T07:00:00+02:00",
		},
		{
			name:  "no slots: after midnight inside quiet hours",
			p:     Policy{Zone: berlin, Quiet: windows(t, "22:00-07:00")},
			after: "2026-06-02T01:00:00+02:00",
			want:  "2026-06-02T07:00:00+02:00",
		},
		{
			name:  "no slots: quiet hours ending in the spring gap",
			p:     Policy{Zone: berlin, Quiet: windows(t, "23:00-02:30")},
			after: "2026-03-28T23:30:00+01:00",
			want:  "2026-03-29T03:00:00+02:00",
		},
		{
			name:  "no slots: quiet end on the autumn day is the first 02:30",
			p:     Policy{Zone: berlin, Quiet: windows(t, "23:00-02:30")},
			after: "2026-10-24T23:30:00+02:00",
			want:  "2026-10-25T02:30:00+02:00",
		},
		{
			name:  "no slots: chain of busy posts",
			p:     Policy{Zone: tashkent, MinGap: time.Hour},
			after: "2026-05-12T09:30:00+05:00",
			busy:  []string{"2026-05-12T11:00:00+05:00", "2026-05-12T10:00:00+05:00"},
			want:  "2026-05-12T12:00:00+05:00",
		},
		{
			name:  "no slots: busy post pushes into quiet hours, then past them",
			p:     Policy{Zone: tashkent, MinGap: 2 * time.Hour, Quiet: windows(t, "22:00-07:00")},
			after: "2026-05-12T20:30:00+05:00",
			busy:  []string{"2026-05-12T21:00:00+05:00"},
			want:  "2026-05-13T07:00:00+05:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var embargo time.Time
			if tt.embargo != "" {
				embargo = ts(t, tt.embargo)
			}
			var busy []time.Time
			for _, b := range tt.busy {
				busy = append(busy, ts(t, b))
			}
			got, err := tt.p.Next(ts(t, tt.after), embargo, busy)
			if err != nil {
				t.Fatal(err)
			}
			if want := ts(t, tt.want); !got.Equal(want) {
				t.Fatalf("Next = %s, want %s", got.Format(time.RFC3339), want.Format(time.RFC3339))
			}
			if _, off := got.Zone(); tt.p.Zone != nil {
				if _, zoff := got.In(tt.p.Zone).Zone(); off != zoff {
					t.Errorf("result not in the office zone: %s", got)
				}
			}
		})
	}
}

func TestNextNoSlot(t *testing.T) {
	tashkent := loc(t, "Asia/Tashkent")
	tests := []struct {
		name string
		p    Policy
	}{
		{"slot always in quiet hours", Policy{Zone: tashkent, Slots: slots(t, "Daily 23:00"), Quiet: windows(t, "22:00-07:00")}},
		{"slot without days", Policy{Zone: tashkent, Slots: []Slot{{Hour: 9}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Next(ts(t, "2026-05-12T00:00:00+05:00"), time.Time{}, nil)
			if !errors.Is(err, ErrNoSlot) {
				t.Fatalf("err = %v, want ErrNoSlot", err)
			}
			if !strings.Contains(err.Error(), "366 days") {
				t.Errorf("error %q does not say how far it looked", err)
			}
		})
	}
}

func TestUpcoming(t *testing.T) {
	berlin, tashkent := loc(t, "Europe/Berlin"), loc(t, "Asia/Tashkent")
	office := slots(t, "Mon-Fri 09:30, 13:00, 17:00; Sat 11:00")
	tests := []struct {
		name   string
		p      Policy
		after  string
		busy   []string
		n      int
		within time.Duration
		want   []string
	}{
		{
			name: "three days of office slots, one busy",
			p:    Policy{Zone: tashkent, Slots: office, MinGap: time.Hour},
			// Monday noon to Thursday noon.
			after: "2026-05-11T12:00:00+05:00", n: 20, within: 72 * time.Hour,
			busy: []string{"2026-05-12T13:00:00+05:00"},
			want: []string{
				"2026-05-11T13:00:00+05:00", "2026-05-11T17:00:00+05:00",
				"2026-05-12T09:30:00+05:00", "2026-05-12T17:00:00+05:00",
				"2026-05-13T09:30:00+05:00", "2026-05-13T13:00:00+05:00", "2026-05-13T17:00:00+05:00",
				"2026-05-14T09:30:00+05:00",
			},
		},
		{
			name:  "n limits the count",
			p:     Policy{Zone: tashkent, Slots: office},
			after: "2026-05-11T12:00:00+05:00", n: 2, within: 72 * time.Hour,
			want: []string{"2026-05-11T13:00:00+05:00", "2026-05-11T17:00:00+05:00"},
		},
		{
			name:  "spring forward: merged slots are offered once",
			p:     Policy{Zone: berlin, Slots: slots(t, "Daily 02:30, 03:00")},
			after: "2026-03-28T12:00:00+01:00", n: 3, within: 72 * time.Hour,
			want: []string{"2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00", "2026-03-30T03:00:00+02:00"},
		},
		{
			name:  "no slots: spaced by the gap, past quiet hours",
			p:     Policy{Zone: tashkent, MinGap: 2 * time.Hour, Quiet: windows(t, "22:00-07:00")},
			after: "2026-05-11T18:00:00+05:00", n: 3, within: 24 * time.Hour,
			want: []string{"2026-05-11T18:00:00+05:00", "2026-05-11T20:00:00+05:00", "2026-05-12T07:00:00+05:00"},
		},
		{
			name:  "nothing within the window",
			p:     Policy{Zone: tashkent, Slots: office},
			after: "2026-05-16T12:00:00+05:00", n: 3, within: 12 * time.Hour,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var busy []time.Time
			for _, b := range tt.busy {
				busy = append(busy, ts(t, b))
			}
			got := tt.p.Upcoming(ts(t, tt.after), time.Time{}, busy, tt.n, tt.within)
			if len(got) != len(tt.want) {
				t.Fatalf("Upcoming = %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(ts(t, tt.want[i])) {
					t.Errorf("Upcoming[%d] = %s, want %s", i, got[i].Format(time.RFC3339), tt.want[i])
				}
			}
		})
	}
}

// TestNextBruteForce compares Next with a minute-by-minute search in a zone
// without DST (where every wall time occurs exactly once).
func TestNextBruteForce(t *testing.T) {
	tashkent := loc(t, "Asia/Tashkent")
	rng := rand.New(rand.NewPCG(1, 2))
	base := ts(t, "2026-05-11T00:00:00+05:00")
	for i := 0; i < 200; i++ {
		p := Policy{Zone: tashkent, MinGap: time.Duration(rng.IntN(4)) * 30 * time.Minute}
		for range rng.IntN(4) + 1 {
			var s Slot
			for d := range s.Days {
				s.Days[d] = rng.IntN(2) == 0
			}
			s.Hour, s.Minute = rng.IntN(24), rng.IntN(4)*15
			p.Slots = append(p.Slots, s)
		}
		if rng.IntN(2) == 0 {
			p.Quiet = []Window{{FromMin: rng.IntN(1440), ToMin: rng.IntN(1440)}}
		}
		after := base.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
		var busy []time.Time
		for range rng.IntN(3) {
			busy = append(busy, after.Add(time.Duration(rng.IntN(3*24*60))*time.Minute))
		}
		got, err := p.Next(after, time.Time{}, busy)
		want, ok := bruteNext(p, after, busy, 15*24*60)
		if !ok {
			if err == nil && got.Sub(after) < 15*24*time.Hour {
				t.Fatalf("case %d: Next = %s, brute force found nothing", i, got)
			}
			continue
		}
		if err != nil || !got.Equal(want) {
			t.Fatalf("case %d %+v after %s busy %v: Next = %s, %v; want %s", i, p, after, busy, got, err, want)
		}
	}
}

// bruteNext tries every minute from after on.
func bruteNext(p Policy, after time.Time, busy []time.Time, minutes int) (time.Time, bool) {
	t := after.Truncate(time.Minute)
	if t.Before(after) {
		t = t.Add(time.Minute)
	}
	for i := 0; i < minutes; i, t = i+1, t.Add(time.Minute) {
		l := t.In(p.Zone)
		slot := false
		for _, s := range p.Slots {
			if s.Days[l.Weekday()] && s.Hour == l.Hour() && s.Minute == l.Minute() {
				slot = true
			}
		}
		m := l.Hour()*60 + l.Minute()
		quiet := false
		for _, w := range p.Quiet {
			if w.contains(float64(m)) {
				quiet = true
			}
		}
		near := false
		for _, b := range busy {
			if d := t.Sub(b).Abs(); d < p.MinGap {
				near = true
			}
		}
		if slot && !quiet && !near {
			return t, true
		}
	}
	return time.Time{}, false
}

// TestWallTime checks the wall-clock rules for a time given by hand: a
// time the clocks skip moves to the end of the gap, and one they repeat
// is its first occurrence.
func TestWallTime(t *testing.T) {
	berlin, tashkent := loc(t, "Europe/Berlin"), loc(t, "Asia/Tashkent")
	tests := []struct {
		name, wall string
		loc        *time.Location
		want       string
	}{
		{"ordinary", "2026-11-28 09:30", tashkent, "2026-11-28T09:30:00+05:00"},
		{"skipped", "2027-03-28 02:30", berlin, "2027-03-28T03:00:00+02:00"},
		{"repeated", "2027-10-31 02:30", berlin, "2027-10-31T02:30:00+02:00"},
		{"after the repeat", "2027-10-31 03:30", berlin, "2027-10-31T03:30:00+01:00"},
	}
	for _, tt := range tests {
		w, err := time.Parse("2006-01-02 15:04", tt.wall)
		if err != nil {
			t.Fatal(err)
		}
		if got := WallTime(w, tt.loc).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s: WallTime(%s) = %s, want %s", tt.name, tt.wall, got, tt.want)
		}
	}
}

// TestConflict checks the reasons an officer's own time breaks the policy.
func TestConflict(t *testing.T) {
	tashkent := loc(t, "Asia/Tashkent")
	p, err := NewPolicy(tashkent, "Daily 09:30", 2*time.Hour, []string{"22:00-07:00"})
	if err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, tashkent) }
	busy := []time.Time{at(12, 0)}
	tests := []struct {
		t    time.Time
		want string
	}{
		{at(23, 0), "inside the quiet hours 22:00-07:00"},
		{at(6, 59), "inside the quiet hours 22:00-07:00"},
		{at(7, 0), ""},
		{at(13, 0), "within the minimum gap of 2h from another post at 2026-11-30 12:00"},
		{at(14, 0), ""},
		{at(10, 0), ""}, // not a slot: an officer's own time need not be one
	}
	for _, tt := range tests {
		if got := p.Conflict(tt.t, busy); got != tt.want {
			t.Errorf("Conflict(%s) = %q, want %q", tt.t.Format("15:04"), got, tt.want)
		}
	}
}

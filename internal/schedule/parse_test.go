package schedule

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// days builds a Days array from weekdays.
func days(ds ...time.Weekday) [7]bool {
	var out [7]bool
	for _, d := range ds {
		out[d] = true
	}
	return out
}

var (
	weekdays = days(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	everyDay = days(0, 1, 2, 3, 4, 5, 6)
)

func TestParseSlots(t *testing.T) {
	tests := []struct {
		spec string
		want []Slot
	}{
		{"", nil},
		{" ; ", nil},
		{"Mon-Fri 09:30, 13:00, 17:00; Sat 11:00", []Slot{
			{weekdays, 9, 30}, {weekdays, 13, 0}, {weekdays, 17, 0},
			{days(time.Saturday), 11, 0},
		}},
		{"mon,wed FRIDAY 9:05", []Slot{{days(time.Monday, time.Wednesday, time.Friday), 9, 5}}},
		{"Fri-Mon 10:00", []Slot{{days(time.Friday, time.Saturday, time.Sunday, time.Monday), 10, 0}}},
		{"Sun-Sun 00:00", []Slot{{days(time.Sunday), 0, 0}}},
		{"Daily 23:59", []Slot{{everyDay, 23, 59}}},
		{"08:00 12:00", []Slot{{everyDay, 8, 0}, {everyDay, 12, 0}}},
		{"Tue\t07:15", []Slot{{days(time.Tuesday), 7, 15}}},
	}
	for _, tt := range tests {
		got, err := ParseSlots(tt.spec)
		if err != nil {
			t.Errorf("ParseSlots(%q): %v", tt.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseSlots(%q) = %+v, want %+v", tt.spec, got, tt.want)
		}
	}
}

func TestParseSlotsErrors(t *testing.T) {
	tests := []struct {
		spec string
		want string // the whole message
	}{
		{"Mon-Fry 9:30", `schedule: slot "Mon-Fry 9:30": unknown day "Fry"; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range like Mon-Fri, or Daily`},
		{"Mon-Fri 09:30; Sat", `schedule: slot "Sat": no time; write e.g. "Mon-Fri 09:30, 13:00"`},
		{"Mon 25:00", `schedule: slot "Mon 25:00": bad time "25:00"; use HH:MM from 00:00 to 23:59`},
		{"Mon 9:60", `schedule: slot "Mon 9:60": bad time "9:60"; use HH:MM from 00:00 to 23:59`},
		{"Mon 930", `schedule: slot "Mon 930": bad time "930"; use HH:MM from 00:00 to 23:59`},
		{"09:30 Mon", `schedule: slot "09:30 Mon": day "Mon" after a time; write the days first, e.g. "Mon-Fri 09:30"`},
		{"Mon - Fri 09:30", `schedule: slot "Mon - Fri 09:30": unknown day ""; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range like Mon-Fri, or Daily`},
	}
	for _, tt := range tests {
		_, err := ParseSlots(tt.spec)
		if err == nil {
			t.Errorf("ParseSlots(%q): no error", tt.spec)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseSlots(%q):\n got %s\nwant %s", tt.spec, err, tt.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		spec string
		want Window
		err  string
	}{
		{spec: "22:00-07:00", want: Window{22 * 60, 7 * 60}},
		{spec: " 12:30 - 13:45 ", want: Window{12*60 + 30, 13*60 + 45}},
		{spec: "0:00-6:00", want: Window{0, 360}},
		{spec: "22:00", err: `schedule: quiet hours "22:00": want FROM-TO, e.g. "22:00-07:00"`},
		{spec: "22:00-24:00", err: `schedule: quiet hours "22:00-24:00": bad time "24:00"; use HH:MM from 00:00 to 23:59`},
		{spec: "ab-07:00", err: `schedule: quiet hours "ab-07:00": bad time "ab"`},
		{spec: "07:00-07:00", err: "start and end are the same"},
	}
	for _, tt := range tests {
		got, err := ParseWindow(tt.spec)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseWindow(%q) error %v, want %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseWindow(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
		}
	}
}

func TestWindowContains(t *testing.T) {
	night, lunch := Window{22 * 60, 7 * 60}, Window{12 * 60, 13 * 60}
	tests := []struct {
		w    Window
		m    float64
		want bool
	}{
		{night, 22 * 60, true},
		{night, 23*60 + 59.99, true},
		{night, 0, true},
		{night, 7*60 - 0.01, true},
		{night, 7 * 60, false},
		{night, 21*60 + 59.99, false},
		{lunch, 12 * 60, true},
		{lunch, 13 * 60, false},
		{lunch, 11 * 60, false},
		{Window{300, 300}, 300, false},
	}
	for _, tt := range tests {
		if got := tt.w.contains(tt.m); got != tt.want {
			t.Errorf("%+v.contains(%v) = %v, want %v", tt.w, tt.m, got, tt.want)
		}
	}
}

func FuzzParseSlots(f *testing.F) {
	for _, s := range []string{
		"Mon-Fri 09:30, 13:00, 17:00; Sat 11:00", "Daily 00:00", "Fri-Mon 23:59",
		"Mon-Fry 9:30", "09:30 Mon", ";;", "Tue,Thu 7:05 8:10", "mon-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		slots, err := ParseSlots(spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "schedule: slot ") {
				t.Fatalf("ParseSlots(%q): error without context: %v", spec, err)
			}
			return
		}
		for _, s := range slots {
			if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 || s.Days == [7]bool{} {
				t.Fatalf("ParseSlots(%q): bad slot %+v", spec, s)
			}
		}
		// Every slot of a parsed spec is reachable by Next.
		if len(slots) > 0 {
			p := Policy{Zone: time.UTC, Slots: slots}
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			got, err := p.Next(start, time.Time{}, nil)
			if err != nil || got.Sub(start) > 8*24*time.Hour {
				t.Fatalf("ParseSlots(%q): Next = %v, %v", spec, got, err)
			}
		}
	})
}

func TestNewPolicy(t *testing.T) {
	tashkent := loc(t, "Asia/Tashkent")
	p, err := NewPolicy(tashkent, "Mon-Fri 09:30", 2*time.Hour, []string{"22:00-07:00", "12:00-13:00"})
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{Zone: tashkent, Slots: []Slot{{weekdays, 9, 30}}, MinGap: 2 * time.Hour,
		Quiet: []Window{{22 * 60, 7 * 60}, {12 * 60, 13 * 60}}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("NewPolicy = %+v, want %+v", p, want)
	}
	for _, bad := range []struct {
		slots string
		gap   time.Duration
		quiet []string
		want  string
	}{
		{"Mon-Fry 9:30", 0, nil, `unknown day "Fry"`},
		{"", -time.Hour, nil, "min_gap -1h0m0s is negative"},
		{"", 0, []string{"22-07"}, `quiet hours "22-07": bad time "22"`},
	} {
		if _, err := NewPolicy(tashkent, bad.slots, bad.gap, bad.quiet); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("NewPolicy(%q, %v, %q) error %v, want %q", bad.slots, bad.gap, bad.quiet, err, bad.want)
		}
	}
}

package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// TestPrintApprovalNamesSkippedChannels checks that approve says which
// channels it did not schedule because they already carry the release.
func TestPrintApprovalNamesSkippedChannels(t *testing.T) {
	rel := release.Release{ID: "2020/imts", Hash: "61be39aaf28eb755"}
	at := time.Date(2026, 11, 27, 16, 27, 0, 0, time.UTC)
	res := store.ApproveResult{Scheduled: true, State: release.StatusScheduled, At: map[string]time.Time{"telegram": at}}
	var buf bytes.Buffer
	printApproval(&buf, rel, res, []string{"facebook", "telegram", "x"}, time.UTC)
	out := buf.String()
	for _, want := range []string{
		"approved 2020/imts (hash 61be39aaf28e), scheduled\n",
		"  telegram   2026-11-27 16:27",
		"  facebook   already published, not sent again",
		"  x          already published, not sent again",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "telegram   already") {
		t.Errorf("a scheduled channel is called already published:\n%s", out)
	}
}

// TestApproveLinksWhereServeDoes checks that approve, with no base URL of
// its own, renders the posts it approves with the base URL serve recorded
// (serve may listen where -http says), and with its own when it has one.
func TestApproveLinksWhereServeDoes(t *testing.T) {
	for _, own := range []string{"", "https://news.example.org"} {
		dir := t.TempDir()
		t.Chdir(dir)
		t.Setenv("PRESSBOT_SITE_BASE_URL", own)
		writeFile(t, filepath.Join(dir, "content", "2025", "hello.md"), "---\ntitle: Hello\ndate: 2025-03-01T10:00:00+05:00\n---\nText.\n")
		db := "sqlite:" + filepath.Join(dir, "p.db")
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetSetting(context.Background(), store.SettingBaseURL, "http://127.0.0.1:18799"); err != nil {
			t.Fatal(err)
		}
		st.Close()
		var out, errs bytes.Buffer
		if code := run([]string{"approve", "2025/hello", "-at", "2031-01-01T10:00:00+05:00", "-db", db}, &out, &errs); code != exitOK {
			t.Fatalf("approve: %d\n%s", code, errs.String())
		}
		st, err = store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := st.Get(context.Background(), "2025/hello")
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := cmp.Or(own, "http://127.0.0.1:18799") + "/releases/2025/hello/"
		for _, p := range rec.Posts {
			if b, _ := json.Marshal(p.Post); !strings.Contains(string(b), want) {
				t.Errorf("base %q: the %s post does not link %s: %s", own, p.Channel, want, b)
			}
		}
	}
}

// TestParseAt checks -at: wall-clock times in the office zone follow the
// schedule's daylight-saving rules, and a date that does not exist is
// named as such.
func TestParseAt(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct{ in, want, err string }{
		{in: "2027-03-28 02:30", want: "2027-03-28T03:00:00+02:00"}, // skipped: end of the gap
		{in: "2027-10-31 02:30", want: "2027-10-31T02:30:00+02:00"}, // repeated: first occurrence
		{in: "2027-10-31T02:30", want: "2027-10-31T02:30:00+02:00"},
		{in: "2027-06-01T09:30:00+05:00", want: "2027-06-01T09:30:00+05:00"},
		{in: "now", want: "2027-01-01T12:00:00Z"},
		{in: " NOW ", want: "2027-01-01T12:00:00Z"},
		{in: "2027-06-01 09:30:15", want: "2027-06-01T09:30:15+02:00"},
		{in: "2027-06-01T09:30:15", want: "2027-06-01T09:30:15+02:00"},
		{in: "2027-02-30 10:00", err: `-at "2027-02-30 10:00": day out of range: there is no such date or time`},
		{in: "2027-02-30T10:00:00+05:00", err: "day out of range"},
		{in: "2027-01-02 25:00", err: "hour out of range"},
		{in: "tomorrow", err: "want now, a time in the office zone"},
		{in: "2026-12-31 10:00", err: "is in the past"},
	}
	for _, tt := range tests {
		got, err := parseAt(tt.in, now, berlin)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseAt(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
		case tt.err == "" && (err != nil || got.Format(time.RFC3339) != tt.want):
			t.Errorf("parseAt(%q) = %v, %v; want %s", tt.in, got.Format(time.RFC3339), err, tt.want)
		}
	}
}

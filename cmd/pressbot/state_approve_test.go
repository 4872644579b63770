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

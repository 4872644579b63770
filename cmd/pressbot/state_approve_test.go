package main

import (
	"bytes"
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

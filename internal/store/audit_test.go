package store_test

import (
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/store"
)

// TestDetailIn checks that the times the store writes into audit details
// read in the office zone, and that other text is left as it is.
func TestDetailIn(t *testing.T) {
	tashkent := time.FixedZone("+05", 5*3600)
	tests := []struct{ detail, want string }{
		{"at 2026-11-27T04:00:00.000000Z", "at 2026-11-27 09:00 +05"},
		{"at 2026-11-27T23:30:00Z, then at 2026-11-28T01:00:00.5+01:00", "at 2026-11-28 04:30 +05, then at 2026-11-28 05:00 +05"},
		{"hash 0123456789ab → ba9876543210", "hash 0123456789ab → ba9876543210"},
		{"2 of 2 approvals for 0123456789ab", "2 of 2 approvals for 0123456789ab"},
		{"", ""},
	}
	for _, tt := range tests {
		e := store.AuditEntry{Detail: tt.detail}
		if got := e.DetailIn(tashkent, "2006-01-02 15:04 MST"); got != tt.want {
			t.Errorf("DetailIn(%q) = %q, want %q", tt.detail, got, tt.want)
		}
	}
}

// TestTimesIn checks that a post's last error shows the store's times in
// the office zone, as an audit detail does.
func TestTimesIn(t *testing.T) {
	tashkent := time.FixedZone("+05", 5*3600)
	got := store.TimesIn("no result recorded since 2026-11-27T23:15:30Z (worker stopped mid-send?); check the channel", tashkent, "2006-01-02 15:04 MST")
	if want := "no result recorded since 2026-11-28 04:15 +05 (worker stopped mid-send?); check the channel"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

package metrics

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
)

func TestExposition(t *testing.T) {
	m := New(Sources{
		States: func(context.Context) (map[string]int, error) {
			return map[string]int{"published": 3, "pending_approval": 1}, nil
		},
		Approvals: func(context.Context) ([]time.Duration, error) {
			return []time.Duration{90 * time.Second, 3 * time.Hour}, nil
		},
	}, slog.New(slog.DiscardHandler))
	m.Notify(context.Background(), queue.Event{Kind: queue.EventPublished, Channel: "telegram", Attempt: 1, Lateness: 200 * time.Millisecond})
	m.Notify(context.Background(), queue.Event{Kind: queue.EventRetrying, Channel: "x", Attempt: 2})
	m.ObserveOffer(300 * time.Millisecond)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`pressbot_releases{state="published"} 3`,
		`pressbot_releases{state="pending_approval"} 1`,
		`pressbot_publish_attempts_total{channel="telegram",result="published"} 1`,
		`pressbot_publish_attempts_total{channel="x",result="retrying"} 1`,
		`pressbot_queue_lateness_seconds_count{channel="telegram"} 1`,
		`pressbot_release_to_approval_seconds_count 2`,
		`pressbot_release_to_approval_seconds_sum 10890`,
		`pressbot_release_to_approval_seconds_bucket{le="120"} 1`,
		`pressbot_change_to_offer_seconds_sum 0.3`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(string(body), `pressbot_queue_lateness_seconds_count{channel="x"}`) {
		t.Error("a retry was counted as lateness")
	}
}

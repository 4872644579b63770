package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/metrics"
	"github.com/pressbot/pressbot/internal/queue"
)

// TestNotifyWithoutChatSaysHowToSettle checks that, with no approvers'
// chat, a failed or uncertain send is logged with the command that settles
// it, and that other events add no such line.
func TestNotifyWithoutChatSaysHowToSettle(t *testing.T) {
	tests := []struct {
		kind queue.EventKind
		want string // in the message; "" for no line
	}{
		{queue.EventUncertain, "look on the channel"},
		{queue.EventFailed, "the platform refused the post"},
		{queue.EventAuth, "the platform refused the post"},
		{queue.EventRetrying, ""},
		{queue.EventRateLimited, ""},
		{queue.EventCancelled, ""},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, nil))
		s := &server{log: log, metrics: metrics.New(metrics.Sources{}, log), cfg: &config.Config{Source: "my office.yaml"}}
		s.Notify(context.Background(), queue.Event{Kind: tt.kind, Release: "2020/it's", Channel: "x"})
		var line map[string]any
		for l := range strings.Lines(buf.String()) {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%s: log line %q: %v", tt.kind, l, err)
			}
			if strings.HasPrefix(m["msg"].(string), "post needs an officer's word") {
				line = m
			}
		}
		if (line != nil) != (tt.want != "") {
			t.Errorf("%s: settle line logged %v, want %v (log: %s)", tt.kind, line != nil, tt.want != "", buf.String())
			continue
		}
		if line == nil {
			continue
		}
		if !strings.Contains(line["msg"].(string), tt.want) || line["level"] != "WARN" {
			t.Errorf("%s: %v %q, want WARN containing %q", tt.kind, line["level"], line["msg"], tt.want)
		}
		if got, want := line["resolve"], `pressbot resolve '2020/it'\''s' retry|published|skip -channels x -config 'my office.yaml'`; got != want {
			t.Errorf("%s: resolve = %q, want %q", tt.kind, got, want)
		}
	}
}

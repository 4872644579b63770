package approval_test

import (
	"context"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
)

// TestLatePostIsTold: a post the queue moved because it missed its time
// gets a reply to its card saying when it was due and when it now goes,
// in the office zone.
func TestLatePostIsTold(t *testing.T) {
	w := newWorld(t)
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	due := time.Date(2024, 5, 2, 4, 0, 0, 0, time.UTC)
	w.bot.Notify(context.Background(), queue.Event{Kind: queue.EventMoved, Release: rel.ID, Channel: "telegram", Hash: rel.Hash,
		Due: due, RetryAt: due.Add(3 * time.Hour)})
	m := w.findText("⏰ Late: UN opens office", "on telegram", "It was due Thu 2 May 2024 09:00",
		"quiet hours and minimum gap it now goes Thu 2 May 2024 12:00", "Publish now")
	if m.ReplyTo != card.ID {
		t.Errorf("the note replies to %d, want the card %d", m.ReplyTo, card.ID)
	}
	w.bot.Notify(context.Background(), queue.Event{Kind: queue.EventMoved, Release: rel.ID, Channel: "x", Hash: rel.Hash,
		Due: due, RetryAt: due.Add(30 * time.Minute), AfterLate: true})
	w.findText("⏰ Late: UN opens office", "on x", "It was due Thu 2 May 2024 09:00 (Asia/Tashkent), but the post before it on x went out late.",
		"it now goes Thu 2 May 2024 09:30")
}

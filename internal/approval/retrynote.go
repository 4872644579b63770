package approval

import (
	"context"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/store"
)

// retryLater tells the approvers that a post whose send failed (or was
// rate limited) is tried again later than its backoff, to keep its
// channel's quiet hours and minimum gap; the card (refreshed) shows the
// new time, and its Publish now sends it at once. The job's later moved
// retries (the same Hash and Gen: a channel that keeps rate limiting
// pressbot) edit the same note rather than reply again; an approval or an
// officer's Publish now or Retry queues a new job (a new Gen), whose moved
// retries get a new note.
func (b *Bot) retryLater(ctx context.Context, rec store.Record, ev queue.Event) {
	key := retryKey(rec.ID, ev.Channel)
	defer b.lock(key)()
	gen := -1
	for _, p := range rec.Posts {
		if p.Channel == ev.Channel {
			gen = p.Gen
		}
	}
	n := b.note(key)
	p := n.post(ev.Channel)
	if p == nil || p.Hash != ev.Hash || p.Gen != gen {
		n = &note{}
		p = n.add(notePost{Channel: ev.Channel, Hash: ev.Hash, Gen: gen, First: b.now()})
	}
	p.Moves++
	p.At = ev.RetryAt
	b.tell(ctx, rec, key, n, b.retryText(rec, ev, *p), "a retry moved later", "channel", ev.Channel)
}

// retryText is the text of a retry note telling of p.
func (b *Bot) retryText(rec store.Record, ev queue.Event, p notePost) string {
	m := &msg{}
	m.tag("⏳ ").bold("Retry later: " + rec.Title).text(" (").code(rec.ID).text(") on ").bold(ev.Channel).tag("\n")
	why := "The send failed for a passing reason."
	if ev.Kind == queue.EventRateLimited {
		why = ev.Channel + " asked pressbot to slow down."
	}
	m.text(why + " To keep " + ev.Channel + "'s quiet hours and minimum gap, pressbot tries again " + b.long(ev.RetryAt) + ".\n")
	m.text("Reason: ").code(b.reason(ev.Err, 300)).tag("\n")
	if s := b.moves("Its retries were", p); s != "" {
		m.text(s + "\n")
	}
	m.text("⚡ Publish now on the card sends it at once.")
	return m.String(MaxText)
}

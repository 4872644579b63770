package approval

import (
	"context"
	"strconv"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/store"
)

// retryNote is the chat's note about the moved retries of one post: one
// note while the same job keeps being retried and moved (a channel that
// keeps rate limiting pressbot), edited to the latest retry.
type retryNote struct {
	MsgID int
	// Hash and Gen are the post's when the note was sent: an approval or
	// an officer's Publish now or Retry queues a new job (a new Gen),
	// whose moved retries get a new note.
	Hash  string
	Gen   int
	Moves int
	First string // when the first move was told, as the chat shows it
}

// noteKey names a post's retry note.
func noteKey(id, channel string) string { return id + "\x00" + channel }

// retryLater tells the approvers that a post whose send failed (or was
// rate limited) is tried again later than its backoff, to keep its
// channel's quiet hours and minimum gap; the card (refreshed) shows the
// new time, and its Publish now sends it at once. The job's later moved
// retries edit the same note (an edit does not notify the chat) rather
// than reply again.
func (b *Bot) retryLater(ctx context.Context, rec store.Record, ev queue.Event) {
	key := noteKey(rec.ID, ev.Channel)
	defer b.lock("retry:" + key)()
	gen := -1
	for _, p := range rec.Posts {
		if p.Channel == ev.Channel {
			gen = p.Gen
		}
	}
	b.mu.Lock()
	n := b.retries[key]
	b.mu.Unlock()
	next := retryNote{Hash: ev.Hash, Gen: gen, First: b.long(b.now())}
	if n != nil && n.Hash == ev.Hash && n.Gen == gen {
		next = *n // the same job moved again
	}
	next.Moves++
	n = &next
	text := b.retryText(rec, ev, n)
	if n.MsgID != 0 {
		err := b.edit(ctx, n.MsgID, text, nil)
		if err == nil {
			b.keepRetryNote(key, n)
			return
		}
		b.log.Warn("approval: update the note of a retry moved later; sending a new one", "release", rec.ID, "channel", ev.Channel, "err", err)
	}
	id, err := b.send(ctx, text, b.cardMsg(cardKey(rec.ID, rec.TranslationKey)), nil)
	if err != nil {
		b.log.Error("approval: report a retry moved later", "release", rec.ID, "channel", ev.Channel, "err", err)
		return
	}
	n.MsgID = id
	b.keepRetryNote(key, n)
}

// keepRetryNote records n as the note of key.
func (b *Bot) keepRetryNote(key string, n *retryNote) {
	b.mu.Lock()
	b.retries[key] = n
	b.mu.Unlock()
}

// endRetries forgets the retry note of release id's post on channel: what
// happened to it since (published, failed, moved as late) is told anew,
// and so is a later moved retry.
func (b *Bot) endRetries(id, channel string) {
	b.mu.Lock()
	delete(b.retries, noteKey(id, channel))
	b.mu.Unlock()
}

// retryText is the text of a retry note after n.Moves moves.
func (b *Bot) retryText(rec store.Record, ev queue.Event, n *retryNote) string {
	m := &msg{}
	m.tag("⏳ ").bold("Retry later: " + rec.Title).text(" (").code(rec.ID).text(") on ").bold(ev.Channel).tag("\n")
	why := "The send failed for a passing reason."
	if ev.Kind == queue.EventRateLimited {
		why = ev.Channel + " asked pressbot to slow down."
	}
	m.text(why + " To keep " + ev.Channel + "'s quiet hours and minimum gap, pressbot tries again " + b.long(ev.RetryAt) + ".\n")
	m.text("Reason: ").code(b.reason(ev.Err, 300)).tag("\n")
	if n.Moves > 1 {
		m.text("Its retries were moved " + strconv.Itoa(n.Moves) + " times since " + n.First + "; this note shows the latest.\n")
	}
	m.text("⚡ Publish now on the card sends it at once.")
	return m.String(MaxText)
}

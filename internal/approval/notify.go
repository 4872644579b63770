package approval

import (
	"context"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// notifyTimeout bounds the Telegram calls of one notification.
const notifyTimeout = 30 * time.Second

// Notify implements queue.Notifier: the card follows each post's state;
// once a release has no post left to send, a reply links each channel's
// post; a failed, refused (auth) or uncertain send gets an alert with
// Retry, Mark as published and Skip; a post moved to keep its channel's
// quiet hours and minimum gap gets a note, kept up to date as it is moved
// again: one per release for late posts, one per job for a retry put
// past its backoff.
func (b *Bot) Notify(ctx context.Context, ev queue.Event) {
	switch ev.Kind {
	case queue.EventPublished, queue.EventFailed, queue.EventAuth, queue.EventUncertain, queue.EventMoved:
	case queue.EventRetrying, queue.EventRateLimited:
		if !ev.Moved {
			// An ordinary retry comes within minutes; the log says
			// enough, and an outage would flood the chat with edits.
			return
		}
	default:
		return // stale jobs: the log says enough
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), notifyTimeout)
	defer cancel()
	rec, err := b.st.Get(ctx, ev.Release)
	if err != nil {
		b.log.Warn("approval: notify", "release", ev.Release, "err", err)
		return
	}
	b.remember(cardKey(rec.ID, rec.TranslationKey))
	b.refreshCard(ctx, cardKey(rec.ID, rec.TranslationKey))
	switch ev.Kind {
	case queue.EventPublished:
		b.links(ctx, rec)
	case queue.EventMoved:
		b.late(ctx, rec, ev)
	case queue.EventRetrying, queue.EventRateLimited:
		b.retryLater(ctx, rec, ev)
		return
	default:
		b.problem(ctx, rec, ev)
	}
	b.endNotes(rec, ev.Channel)
}

// reason is a send error as the chat shows it: at most n bytes, with the
// bot's token taken out should it appear (the channels scrub their own
// credentials from their errors).
func (b *Bot) reason(err string, n int) string {
	if b.cfg.Token != "" {
		err = strings.ReplaceAll(err, b.cfg.Token, "<token>")
	}
	return short(err, n)
}

// links replies to the card with each channel's post once every post of
// the release is settled: published, or skipped.
func (b *Bot) links(ctx context.Context, rec store.Record) {
	defer b.lock("links:" + rec.ID)()
	rec, err := b.st.Get(ctx, rec.ID) // the latest, under the lock
	if err != nil {
		b.log.Warn("approval: links", "release", rec.ID, "err", err)
		return
	}
	var published []store.PostRecord
	for _, p := range rec.Posts {
		switch p.State {
		case release.StatusScheduled, release.StatusApproved, release.StatusPublishing,
			release.StatusFailed, release.StatusUncertain:
			return // more to come, or an officer has to settle it first
		case release.StatusPublished:
			if p.Hash == rec.ApprovedHash {
				published = append(published, p)
			}
		}
	}
	b.mu.Lock()
	done := b.linked[rec.ID] == rec.ApprovedHash
	b.linked[rec.ID] = rec.ApprovedHash
	b.mu.Unlock()
	if done || len(published) == 0 {
		return
	}
	m := &msg{}
	m.tag("📣 ").bold("Published: " + rec.Title).text(" (" + rec.Lang + ")\n")
	for _, p := range published {
		m.text("• " + p.Channel + ": ")
		switch {
		case p.Receipt != nil && p.Receipt.URL != "":
			m.link(p.Receipt.URL, p.Receipt.URL)
		case p.Receipt != nil:
			m.text("posted (ids " + strings.Join(p.Receipt.RemoteIDs, ", ") + ")")
		default:
			m.text("marked as published")
		}
		m.tag("\n")
	}
	if _, err := b.send(ctx, m.String(MaxText), b.cardMsg(cardKey(rec.ID, rec.TranslationKey)), nil); err != nil {
		b.log.Error("approval: report links", "release", rec.ID, "err", err)
	}
}

// problem alerts the approvers to a post that needs a human.
func (b *Bot) problem(ctx context.Context, rec store.Record, ev queue.Event) {
	m := &msg{}
	m.tag("⚠️ ").bold("Not published: " + rec.Title).text(" (").code(rec.ID).text(") on ").bold(ev.Channel).tag("\n")
	switch ev.Kind {
	case queue.EventUncertain:
		m.text("The send may or may not have reached " + ev.Channel + ". Check the channel before you choose.\n")
	case queue.EventAuth:
		m.text(ev.Channel + " refused pressbot's credentials (dead token or missing permission). Fix them, then Retry.\n")
	default:
		m.text(ev.Channel + " refused the post; pressbot will not try again by itself.\n")
	}
	m.text("Reason: ").code(b.reason(ev.Err, 1000)).tag("\n\n")
	m.text("Retry: send it again now (only if it did not go out). Mark as published: it did go out. Skip: do not publish it on " + ev.Channel + ".")
	d := func(act string) data {
		return data{Act: act, ID: b.remember(releaseKey(rec.ID)), Hash: postHash(rec.ID, ev.Channel, ev.Hash), Args: []string{channelArg(rec, ev.Channel)}}
	}
	k := keyboard{}.row(button("🔁 Retry", d(actRetry)), button("✅ Mark as published", d(actMark)), button("⏭ Skip", d(actSkip)))
	if _, err := b.send(ctx, m.String(MaxText), b.cardMsg(cardKey(rec.ID, rec.TranslationKey)), k.markup()); err != nil {
		b.log.Error("approval: alert", "release", rec.ID, "channel", ev.Channel, "err", err)
	}
}

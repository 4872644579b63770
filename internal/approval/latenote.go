package approval

import (
	"context"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/store"
)

// late tells the approvers that an overdue post was moved to keep its
// channel's quiet hours and minimum gap; the card (refreshed) shows the
// new time, and its Publish now sends it at once. A release has one late
// note, edited (an edit does not notify the chat) as its posts are moved:
// after downtime its channels are late together, and a post may be moved
// again (the post before it went out late too). See lateNote.
func (b *Bot) late(ctx context.Context, rec store.Record, ev queue.Event) {
	key := lateKey(rec.ID)
	defer b.lock(key)()
	n := b.lateNote(b.note(key), rec, ev)
	b.tell(ctx, rec, key, n, b.lateText(rec, n), "a late post", "channel", ev.Channel)
}

// lateNote returns rec's late note after ev, given its note so far (a
// copy, or nil):
//
//   - the same post moved again (the same content, moved from the time
//     the note gave it) keeps its line, with the new time;
//   - another channel's post joins the note while a post the note tells
//     of still waits for its time;
//   - otherwise (no note, its posts all gone out or withdrawn, or a post
//     that was moved from a time the note did not give: a new approval or
//     an officer's new time) ev gets a new note.
func (b *Bot) lateNote(n *note, rec store.Record, ev queue.Event) *note {
	p := n.post(ev.Channel)
	switch {
	case p != nil && p.Hash == ev.Hash && p.At.Equal(ev.Due):
	case p == nil && n != nil && n.waiting(rec):
		p = n.add(notePost{Channel: ev.Channel, Hash: ev.Hash, Due: ev.Due, AfterLate: ev.AfterLate, First: b.now()})
	default:
		n = &note{}
		p = n.add(notePost{Channel: ev.Channel, Hash: ev.Hash, Due: ev.Due, AfterLate: ev.AfterLate, First: b.now()})
	}
	p.Moves++
	p.At = ev.RetryAt
	return n
}

// lateText is the text of late note n: a line per post, by channel.
func (b *Bot) lateText(rec store.Record, n *note) string {
	m := &msg{}
	m.tag("⏰ ").bold("Late: " + rec.Title).text(" (").code(rec.ID).text(") on ")
	for i, p := range n.Posts {
		if i > 0 {
			m.text(", ")
		}
		m.bold(p.Channel)
	}
	m.tag("\n")
	for _, p := range n.Posts {
		why := "It was due " + b.long(p.Due) + ", when pressbot was not running or was behind."
		if p.AfterLate {
			why = "It was due " + b.long(p.Due) + ", but the post before it on " + p.Channel + " went out late."
		}
		m.text("• ").bold(p.Channel).text(": " + why + " To keep " + p.Channel + "'s quiet hours and minimum gap it now goes " + b.long(p.At) + ".")
		if s := b.moves("It was", p); s != "" {
			m.text(" " + s)
		}
		m.tag("\n")
	}
	them := "it"
	if len(n.Posts) > 1 {
		them = "them"
	}
	m.text("⚡ Publish now on the card sends " + them + " at once.")
	return m.String(MaxText)
}

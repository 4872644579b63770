package approval

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// note is a reply to a release's card that the bot keeps up to date: later
// news of the posts it tells of edits it (an edit does not notify the
// chat) rather than reply again. Notes live in memory only: after a
// restart the next news gets a new note.
type note struct {
	MsgID int
	Posts []notePost // by channel name, as on the card
}

// notePost is what a note tells of one post.
type notePost struct {
	Channel string
	// Hash and Gen are the post's when it was first told.
	Hash string
	Gen  int
	// Due is when the post was due when first told; At is the latest
	// time told.
	Due, At time.Time
	// AfterLate is set when the post was first moved because the post
	// before it went out late, not because it was late itself.
	AfterLate bool
	Moves     int
	First     time.Time // when the first move was told
}

// retryKey names the note of release id's moved retries on channel.
func retryKey(id, channel string) string { return "retry\x00" + id + "\x00" + channel }

// lateKey names the note of release id's late posts.
func lateKey(id string) string { return "late\x00" + id }

// post returns n's entry for channel, or nil (n may be nil).
func (n *note) post(channel string) *notePost {
	if n == nil {
		return nil
	}
	for i := range n.Posts {
		if n.Posts[i].Channel == channel {
			return &n.Posts[i]
		}
	}
	return nil
}

// add adds p to n in channel order and returns n's entry for it.
func (n *note) add(p notePost) *notePost {
	n.Posts = append(n.Posts, p)
	slices.SortFunc(n.Posts, func(a, b notePost) int { return strings.Compare(a.Channel, b.Channel) })
	return n.post(p.Channel)
}

// waiting reports whether a post n tells of still waits for its time in
// rec: scheduled, with the content it was told with.
func (n *note) waiting(rec store.Record) bool {
	for _, p := range rec.Posts {
		if np := n.post(p.Channel); np != nil && p.State == release.StatusScheduled && p.Hash == np.Hash {
			return true
		}
	}
	return false
}

// note returns a copy of the note of key, nil if there is none.
func (b *Bot) note(key string) *note {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.notes[key]
	if n == nil {
		return nil
	}
	return &note{MsgID: n.MsgID, Posts: slices.Clone(n.Posts)}
}

// tell shows n, the note of key, in the approvers' chat with text: it
// edits the note sent before (n.MsgID), or, when there is none or the
// edit fails, replies to rec's card with a new one. what names the note
// in the log, attrs add to the log's.
func (b *Bot) tell(ctx context.Context, rec store.Record, key string, n *note, text, what string, attrs ...any) {
	attrs = append([]any{"release", rec.ID}, attrs...)
	if n.MsgID != 0 {
		err := b.edit(ctx, n.MsgID, text, nil)
		if err == nil {
			b.keepNote(key, n)
			return
		}
		b.log.Warn("approval: update the note of "+what+"; sending a new one", append(attrs, "err", err)...)
	}
	id, err := b.send(ctx, text, b.cardMsg(cardKey(rec.ID, rec.TranslationKey)), nil)
	if err != nil {
		b.log.Error("approval: report "+what, append(attrs, "err", err)...)
		return
	}
	n.MsgID = id
	b.keepNote(key, n)
}

// keepNote records n as the note of key.
func (b *Bot) keepNote(key string, n *note) {
	b.mu.Lock()
	b.notes[key] = n
	b.mu.Unlock()
}

// endNotes forgets, after news of rec's post on channel other than a
// moved retry, the note of that post's moved retries, and rec's late
// note once none of its posts waits any more: what happens next is told
// anew.
func (b *Bot) endNotes(rec store.Record, channel string) {
	key := lateKey(rec.ID)
	defer b.lock(key)()
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.notes, retryKey(rec.ID, channel))
	if n := b.notes[key]; n != nil && !n.waiting(rec) {
		delete(b.notes, key)
	}
}

// moves says, when p was moved more than once, how often and since when;
// subject is what was moved ("It was", "Its retries were").
func (b *Bot) moves(subject string, p notePost) string {
	if p.Moves < 2 {
		return ""
	}
	return subject + " moved " + strconv.Itoa(p.Moves) + " times since " + b.long(p.First) + "; this note shows the latest."
}

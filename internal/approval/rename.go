package approval

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/store"
)

// Renamed follows a release file's rename on the cards: release from moved
// to the ID to (store.RenameRelease), ch being the change recorded with
// it. The card of a copy offered at to (the watcher saw the renamed file
// before the old one went) is rewritten to say it was a rename, without
// buttons; the release's own card follows it to its new ID and, when the
// content did not change, is shown again under that ID with its buttons.
// A changed content is offered next (Offer), below the release's card.
// It reports whether it rewrote a copy's card.
func (b *Bot) Renamed(ctx context.Context, from, to string, ch store.Change) bool {
	rec, err := b.st.Get(ctx, to)
	if err != nil {
		b.log.Warn("approval: follow a rename on the cards", "release", to, "from", from, "err", err)
		return false
	}
	oldKey, newKey := cardKey(from, rec.TranslationKey), cardKey(to, rec.TranslationKey)
	b.mu.Lock()
	// Old buttons of the release (its card, its alerts) lead to its new
	// ID; a card shown there now has another hash, so they point to it.
	b.keys[shortID(oldKey)] = newKey
	b.keys[shortID(releaseKey(from))] = releaseKey(to)
	if r, ok := b.shown[from]; ok {
		delete(b.shown, from)
		b.shown[to] = r
	}
	if h, ok := b.linked[from]; ok {
		delete(b.linked, from)
		b.linked[to] = h
	}
	b.moveNotes(from, to)
	b.mu.Unlock()
	void := oldKey != newKey && b.voidCopy(ctx, from, rec, ch)
	b.followCard(ctx, from, to, oldKey, newKey, ch)
	return void
}

// voidCopy rewrites the card of the copy that rec's file was taken for
// into a note that it was the file of release from renamed, without
// buttons: there is nothing to approve on it. It reports whether it did.
func (b *Bot) voidCopy(ctx context.Context, from string, rec store.Record, ch store.Change) bool {
	key := cardKey(rec.ID, rec.TranslationKey)
	defer b.lock(key)()
	b.mu.Lock()
	c := b.cards[key]
	delete(b.cards, key)
	if c != nil {
		b.void[c.MsgID] = store.Rename{From: from, To: rec.ID}
	}
	b.mu.Unlock()
	if c == nil {
		return false
	}
	if err := b.edit(ctx, c.MsgID, voidText(from, rec, ch.Kind != store.ChangeUnchanged), nil); err != nil {
		b.log.Warn("approval: rewrite the card of a copy that was a rename", "release", rec.ID, "from", from, "message", c.MsgID, "err", err)
		return false
	}
	b.log.Info("approval: the card of a copy now says it was a rename", "release", rec.ID, "from", from, "message", c.MsgID)
	return true
}

// voidText is the text of a copy's card once its file turned out to be
// release from's renamed; changed says the content changed as well.
func voidText(from string, rec store.Record, changed bool) string {
	m := &msg{}
	m.tag("🔀 ").bold(rec.Title).tag("\n")
	m.text("This file turned out to be a rename of ").code(from + ".md").text(", not a copy: release ").code(from).
		text(" is ").code(rec.ID).text(" now and keeps its record and state (" + string(rec.State) + "). ")
	if changed {
		m.text("Its content changed too: see the newer card below.")
	} else {
		m.text("Nothing to approve here; use the release's own card, or /status " + rec.ID + ".")
	}
	return m.String(MaxText)
}

// voidAnswer is the answer to a tap on the card of a copy that turned out
// to be release from's file renamed to id.
func voidAnswer(from, id string) string {
	return "Nothing to approve here: " + id + ".md turned out to be a rename of " + from +
		", not a copy. The release keeps its record and state; see its own card or /status " + id + "."
}

// followCard moves the card of release from, now to, to the card key
// newKey and, if the card was current and the content did not change,
// shows it again under the new ID with its buttons.
func (b *Bot) followCard(ctx context.Context, from, to, oldKey, newKey string, ch store.Change) {
	defer b.lock(newKey)()
	b.mu.Lock()
	c := b.cards[oldKey]
	if c != nil && oldKey != newKey {
		delete(b.cards, oldKey)
		b.cards[newKey] = c
	}
	b.mu.Unlock()
	if c == nil || ch.Kind != store.ChangeUnchanged {
		return // a change is offered next, in reply to this card
	}
	v, err := b.loadView(ctx, newKey)
	if err != nil {
		b.log.Warn("approval: show a renamed release's card", "key", newKey, "err", err)
		return
	}
	if c.Hash != hashAs(v, from, to) {
		return // outdated already: a newer card exists
	}
	note := "Renamed from " + from + ": its file is now " + to + ".md; its state, approvals and posts stay."
	if c.Note != "" {
		note += " " + c.Note
	}
	if err := b.edit(ctx, c.MsgID, b.text(ctx, v, note), b.keyboard(v, v.all()).markup()); err != nil {
		b.log.Warn("approval: show a renamed release's card", "key", newKey, "err", err)
		return
	}
	b.mu.Lock()
	b.cards[newKey] = &card{MsgID: c.MsgID, Hash: v.hash, Note: note}
	b.mu.Unlock()
}

// hashAs is the short hash v had when the release now at ID to was still
// at from.
func hashAs(v *view, from, to string) string {
	ms := make([]member, len(v.recs))
	for i, r := range v.recs {
		ms[i] = member{r.ID, r.Hash}
		if r.ID == to {
			ms[i].ID = from
		}
	}
	return shortHash(ms)
}

// renamedSince returns the rename into a release of v that happened after
// the tapped card was last written, with that release: the card was then
// a copy's (a store.Placeholder the rename replaced), whose buttons carry
// the same ID and hash as the release's own. Renamed rewrites such cards
// as it goes; this catches those it did not know (sent before a restart)
// or could not edit. Telegram gives times in seconds: a rename within the
// second the card was written does not count.
func (b *Bot) renamedSince(ctx context.Context, v *view, m *models.Message) (store.Rename, store.Record, bool) {
	if m.Date == 0 {
		return store.Rename{}, store.Record{}, false
	}
	written := int64(max(m.Date, m.EditDate))
	for _, r := range v.recs {
		renames, err := b.st.RenamedFrom(ctx, r.ID)
		if err != nil {
			b.log.Warn("approval: list the old IDs of a release", "release", r.ID, "err", err)
			continue
		}
		for i := len(renames) - 1; i >= 0; i-- {
			if renames[i].At.Unix() > written {
				return renames[i], r, true
			}
		}
	}
	return store.Rename{}, store.Record{}, false
}

// voidTapped rewrites the tapped card of a copy that was release rn.From
// renamed, and answers the tap.
func (b *Bot) voidTapped(ctx context.Context, rn store.Rename, rec store.Record, msgID int) (string, bool) {
	b.mu.Lock()
	b.void[msgID] = rn
	b.mu.Unlock()
	if err := b.edit(ctx, msgID, voidText(rn.From, rec, false), nil); err != nil {
		b.log.Warn("approval: rewrite the card of a copy that was a rename", "release", rec.ID, "from", rn.From, "message", msgID, "err", err)
	}
	b.log.Info("approval: refused a tap on the card of a copy that was a rename", "release", rec.ID, "from", rn.From, "message", msgID)
	return voidAnswer(rn.From, rec.ID), true
}

// maxRenameGuesses bounds the ID combinations renamedCard tries.
const maxRenameGuesses = 256

// renamedCard returns the renames after which v's releases, unchanged,
// were shown under older IDs with short hash hash: a card from before
// their files were renamed (the bot restarted since, or could not
// follow it). It reads the renames the store recorded (RenamedFrom),
// each release's ID at the card's time being its current one or an old
// one.
func (b *Bot) renamedCard(ctx context.Context, v *view, hash string) ([]store.Rename, bool) {
	choices := make([][]store.Rename, len(v.recs))
	renamed := false
	for i, r := range v.recs {
		rns, err := b.st.RenamedFrom(ctx, r.ID)
		if err != nil {
			b.log.Warn("approval: list the old IDs of a release", "release", r.ID, "err", err)
		}
		choices[i] = append([]store.Rename{{}}, rns...) // the zero Rename: its ID now
		renamed = renamed || len(rns) > 0
	}
	if !renamed {
		return nil, false
	}
	return matchRenames(v.recs, choices, hash)
}

// matchRenames tries each release of recs under each of its IDs in
// choices (a zero Rename for its current ID) and returns the renames of
// the first combination whose short hash is hash.
func matchRenames(recs []store.Record, choices [][]store.Rename, hash string) ([]store.Rename, bool) {
	pick := make([]int, len(recs))
	for range maxRenameGuesses {
		ms := make([]member, len(recs))
		var used []store.Rename
		for i, r := range recs {
			ms[i] = member{r.ID, r.Hash}
			if rn := choices[i][pick[i]]; rn.From != "" {
				ms[i].ID = rn.From
				used = append(used, rn)
			}
		}
		if len(used) > 0 && shortHash(ms) == hash {
			return used, true
		}
		i := 0
		for ; i < len(pick); i++ { // the next combination
			if pick[i]++; pick[i] < len(choices[i]) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			break
		}
	}
	return nil, false
}

// renamedTap answers a tap on a card of v's releases from before rns, the
// renames of their files, content unchanged: nothing is done, the old
// buttons go, and the answer names the new paths and points to the
// current card (sent anew when it is not known, e.g. after a restart).
func (b *Bot) renamedTap(ctx context.Context, v *view, msgID int, rns []store.Rename) (string, bool) {
	if err := b.editMarkup(ctx, msgID, nil); err != nil {
		b.log.Warn("approval: retire a card from before a rename", "message", msgID, "err", err)
	}
	paths := renamedPaths(rns)
	b.log.Info("approval: a tap on a card from before a rename; nothing done", "key", v.key, "message", msgID, "renamed", paths)
	answer := "Renamed, same content: " + paths + ". Nothing was done; "
	cur := b.cardMsg(v.key)
	if cur == 0 || cur == msgID {
		notes := make([]string, len(rns))
		for i, rn := range rns {
			notes[i] = "Renamed from " + rn.From + ": its file is now " + rn.To + ".md; its state, approvals and posts stay."
		}
		note := strings.Join(notes, " ")
		id, err := b.send(ctx, b.text(ctx, v, note), msgID, b.keyboard(v, v.all()).markup())
		if err != nil {
			b.log.Error("approval: send current card", "key", v.key, "err", err)
			return answer + "use /queue to find its current card.", true
		}
		b.mu.Lock()
		b.cards[v.key] = &card{MsgID: id, Hash: v.hash, Note: note}
		b.mu.Unlock()
		return answer + "use its current card, the newest message.", true
	}
	if _, err := b.send(ctx, "👆 This is the current card: "+esc(paths)+". The card you tapped shows the old path.", cur, nil); err != nil {
		b.log.Warn("approval: point to current card", "err", err)
	}
	return answer + "use its current card (see the reply below).", true
}

// renamedPaths says where the files of rns are now: "news/b.md (was
// 2024/a.md)", comma-separated.
func renamedPaths(rns []store.Rename) string {
	out := make([]string, len(rns))
	for i, rn := range rns {
		out[i] = "the file is now " + rn.To + ".md (was " + rn.From + ".md)"
	}
	return strings.Join(out, ", ")
}

// moveNotes gives the notes of release from (its late note, its moved
// retries') to release to, so that later news edits them rather than
// sending new ones. b.mu must be held.
func (b *Bot) moveNotes(from, to string) {
	if from == to {
		return
	}
	moves := map[string]string{}
	retries := retryKey(from, "")
	for key := range b.notes {
		switch {
		case key == lateKey(from):
			moves[key] = lateKey(to)
		case strings.HasPrefix(key, retries):
			moves[key] = retryKey(to, strings.TrimPrefix(key, retries))
		}
	}
	for old, key := range moves {
		b.notes[key] = b.notes[old]
		delete(b.notes, old)
	}
}

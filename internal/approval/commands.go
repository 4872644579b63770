package approval

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// commands are the bot's commands, for /help and strangers' refusals.
var commands = []string{"start", "help", "queue", "status", "cancel"}

// helpText explains the bot to an allowed user.
const helpText = `<b>pressbot</b> shows each new or changed press release here before it is published: first the Telegram post exactly as it will appear, then a card with every channel's text and buttons.

<b>Buttons</b> (approvers only)
✅ Approve: publish at the proposed time (next free slot, never before the embargo)
⚡ Publish now: publish as soon as possible
🕒 Choose time: pick one of the next free slots
📡 Channels: switch channels on or off for this approval
✖️ Reject: reply with a reason
↩️ Cancel: take an approved release back to approval
🔁 Retry · ✅ Mark as published · ⏭ Skip: settle a send that failed or may have gone out
An approval is bound to the exact version shown: if the release changes, its old buttons stop working.

<b>Commands</b>
/queue: what awaits approval or publishing
/status ID: one release's state, posts and history
/cancel ID: cancel an approval (approvers)
/help: this text`

// refRe finds the card reference in a reject prompt.
var refRe = regexp.MustCompile(`ref (` + actReject + `:[a-z2-7]+:[a-z2-7]+:[^\s]*)`)

// onMessage handles a message: a command, or a reason for a rejection.
func (b *Bot) onMessage(ctx context.Context, m *models.Message) {
	if m.From == nil || m.From.IsBot {
		return
	}
	text := strings.TrimSpace(m.Text)
	if strings.HasPrefix(text, "/") {
		b.command(ctx, m, text)
		return
	}
	rt := m.ReplyToMessage
	if rt == nil || rt.From == nil || rt.From.ID != b.tg.ID() {
		return
	}
	sm := refRe.FindStringSubmatch(rt.Text)
	if sm == nil {
		return
	}
	ref, err := parseData(sm[1])
	if err != nil {
		return
	}
	u, ok := b.user(m.From.ID)
	if !ok || u.Role != RoleApprover {
		b.log.Warn("approval: refused a rejection from a user who may not reject", "user_id", m.From.ID, "username", m.From.Username)
		b.sendTo(ctx, m.Chat.ID, m.ID, "Sorry, only approvers can reject releases.")
		return
	}
	if text == "" {
		b.sendTo(ctx, m.Chat.ID, m.ID, "Please give a reason: reply to the question with a few words.")
		return
	}
	b.reject(ctx, m, u, ref, text)
}

// command runs a /command.
func (b *Bot) command(ctx context.Context, m *models.Message, text string) {
	word, arg, _ := strings.Cut(text, " ")
	name, target, addressed := strings.Cut(strings.TrimPrefix(word, "/"), "@")
	b.mu.Lock()
	me := b.username
	b.mu.Unlock()
	if addressed && me != "" && !strings.EqualFold(target, me) {
		return // another bot's command
	}
	name, arg = strings.ToLower(name), strings.TrimSpace(arg)
	if !slices.Contains(commands, name) {
		if _, ok := b.user(m.From.ID); ok {
			b.sendTo(ctx, m.Chat.ID, m.ID, "I do not know that command; /help lists mine.")
		}
		return
	}
	u, ok := b.user(m.From.ID)
	if !ok {
		b.log.Warn("approval: refused a command from a user not on the list", "user_id", m.From.ID, "username", m.From.Username,
			"chat", m.Chat.ID, "command", name)
		b.sendTo(ctx, m.Chat.ID, m.ID, fmt.Sprintf("Sorry, this bot serves a press office's officers only. Your Telegram user id is <code>%d</code>: if you should have access, ask the office's pressbot administrator to add it.", m.From.ID))
		return
	}
	var reply string
	switch name {
	case "start", "help":
		reply = fmt.Sprintf("Hello %s (%s, user id <code>%d</code>).\n\n%s", esc(u.Name), u.Role, u.ID, helpText)
	case "queue":
		reply = b.queueText(ctx)
	case "status":
		reply = b.statusText(ctx, arg)
	case "cancel":
		reply = b.cancelCommand(ctx, u, arg)
	}
	b.sendTo(ctx, m.Chat.ID, m.ID, reply)
}

// queueStates are the states /queue lists.
var queueStates = []release.Status{release.StatusPendingApproval, release.StatusApproved, release.StatusScheduled,
	release.StatusPublishing, release.StatusFailed, release.StatusUncertain}

// queueText lists what awaits approval or publishing.
func (b *Bot) queueText(ctx context.Context) string {
	recs, err := b.st.List(ctx, store.ListFilter{States: queueStates, Limit: 50})
	if err != nil {
		b.log.Error("approval: /queue", "err", err)
		return "Could not read the queue; the log has the details."
	}
	if len(recs) == 0 {
		return "Nothing is waiting: no release awaits approval or publishing."
	}
	m := &msg{}
	m.bold(fmt.Sprintf("Queue (%d)", len(recs))).tag("\n")
	for _, r := range recs {
		m.tag("\n").code(r.ID).text(" (" + r.Lang + ") " + short(r.Title, 80) + "\n   ")
		switch r.State {
		case release.StatusPendingApproval:
			m.text(fmt.Sprintf("⏳ awaiting approval (%d of %d)", len(r.Approvals), b.required(r.Release)))
		default:
			var ps []string
			for _, p := range r.Posts {
				if p.Hash != r.Hash {
					continue
				}
				s := p.Channel + " " + string(p.State)
				if p.State == release.StatusScheduled {
					s = p.Channel + " " + b.short(p.ScheduledAt)
				}
				ps = append(ps, s)
			}
			m.text(stateIcon(r.State) + " " + string(r.State) + ": " + strings.Join(ps, ", "))
		}
	}
	return m.String(MaxText)
}

// stateIcon marks a state in lists.
func stateIcon(s release.Status) string {
	switch s {
	case release.StatusFailed, release.StatusUncertain:
		return "⚠️"
	case release.StatusPublishing:
		return "📤"
	}
	return "🕒"
}

// statusText describes one release.
func (b *Bot) statusText(ctx context.Context, id string) string {
	if id == "" {
		return "Usage: /status ID (for example /status 2024/new-office); /queue lists the current releases."
	}
	rec, err := b.st.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "No release <code>" + esc(id) + "</code>. /queue lists the current ones."
	}
	if err != nil {
		b.log.Error("approval: /status", "release", id, "err", err)
		return "Could not read the release; the log has the details."
	}
	m := &msg{}
	m.bold(rec.Title).tag("\n").code(rec.ID).text(" · " + rec.Lang + " · " + string(rec.State) + " · hash ").code(rec.Release.ShortHash()).tag("\n")
	b.stateLines(ctx, m, rec)
	if entries, err := b.st.Audit(ctx, rec.ID); err == nil && len(entries) > 0 {
		m.tag("\n").bold("History").tag("\n")
		for _, e := range entries[max(0, len(entries)-8):] {
			s := b.short(e.At) + " " + e.Actor + " " + e.Event
			if e.Channel != "" {
				s += " " + e.Channel
			}
			if e.Detail != "" {
				s += ": " + short(e.DetailIn(b.cfg.Zone, shortLayout), 120)
			}
			m.text(s + "\n")
		}
	}
	if u := b.previewURL(rec.ID); u != "" {
		m.link(u, "Full preview")
	}
	return m.String(MaxText)
}

// cancelCommand cancels an approval by release id.
func (b *Bot) cancelCommand(ctx context.Context, u User, id string) string {
	if u.Role != RoleApprover {
		b.log.Warn("approval: refused /cancel: role does not permit it", "user_id", u.ID, "role", u.Role)
		return "Your role is " + u.Role + ": only approvers can cancel."
	}
	if id == "" {
		return "Usage: /cancel ID"
	}
	rec, err := b.st.Get(ctx, id)
	if err != nil {
		return "No release <code>" + esc(id) + "</code>. /queue lists the current ones."
	}
	key := cardKey(rec.ID, rec.TranslationKey)
	unlock := b.lock(key)
	err = b.st.Cancel(ctx, rec.ID, actor(u), "cancelled with /cancel by "+u.Name)
	unlock()
	if err != nil {
		return "Could not cancel: " + esc(err.Error())
	}
	b.log.Info("approval: cancelled", "release", rec.ID, "user_id", u.ID, "name", u.Name)
	b.refreshCard(ctx, key)
	return "↩️ Cancelled <code>" + esc(rec.ID) + "</code>: it awaits approval again."
}

package approval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// view is a card's releases as they are now: one release, or the language
// versions sharing a translation key.
type view struct {
	key   string
	id    string // shortID(key)
	recs  []store.Record
	posts map[string][]release.Post // by release id, rendered now
	chans []string                  // channel names in render order
	hash  string                    // shortHash of recs
}

// errGone is returned by loadView when the card's releases are gone.
var errGone = errors.New("approval: no such release")

// loadView reads the card key's releases and renders them.
func (b *Bot) loadView(ctx context.Context, key string) (*view, error) {
	var recs []store.Record
	switch {
	case strings.HasPrefix(key, "k:"):
		var err error
		if recs, err = b.st.List(ctx, store.ListFilter{TranslationKey: key[2:]}); err != nil {
			return nil, err
		}
	case strings.HasPrefix(key, "r:"):
		rec, err := b.st.Get(ctx, key[2:])
		if errors.Is(err, store.ErrNotFound) {
			return nil, errGone
		}
		if err != nil {
			return nil, err
		}
		recs = []store.Record{rec}
	}
	if len(recs) == 0 {
		return nil, errGone
	}
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].Lang != recs[j].Lang {
			return recs[i].Lang < recs[j].Lang
		}
		return recs[i].ID < recs[j].ID
	})
	v := &view{key: key, id: b.remember(key), recs: recs, posts: map[string][]release.Post{}}
	var ms []member
	for _, r := range recs {
		ms = append(ms, member{r.ID, r.Hash})
		posts, err := b.r.Render(r.Release)
		if err != nil {
			return nil, fmt.Errorf("approval: render %s: %w", r.ID, err)
		}
		v.posts[r.ID] = posts
		for _, p := range posts {
			if !slices.Contains(v.chans, p.Channel) {
				v.chans = append(v.chans, p.Channel)
			}
		}
	}
	v.hash = shortHash(ms)
	return v, nil
}

// all is the mask of every channel of v.
func (v *view) all() uint64 { return 1<<len(v.chans) - 1 }

// selected returns the channels of mask.
func (v *view) selected(mask uint64) []string {
	var out []string
	for i, c := range v.chans {
		if mask&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// targets returns the releases a button's language argument names: one
// (by index) or all.
func (v *view) targets(lang string) []store.Record {
	if lang == allLanguages || lang == "" {
		return v.recs
	}
	for i, r := range v.recs {
		if fmt.Sprint(i) == lang {
			return []store.Record{r}
		}
	}
	return nil
}

// states reports which states any release of v is in.
func (v *view) has(states ...release.Status) bool {
	for _, r := range v.recs {
		if slices.Contains(states, r.State) {
			return true
		}
	}
	return false
}

// stale returns the releases whose published posts show an older version
// that no one has updated or kept yet.
func (b *Bot) stale(v *view) []store.Record {
	var out []store.Record
	for _, r := range v.recs {
		if r.State == release.StatusWithdrawn {
			continue
		}
		for _, p := range r.Posts {
			if b.isStale(r, p) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// pendingStates are the states in which a release takes approvals.
var pendingStates = []release.Status{release.StatusPendingApproval}

// approvedStates are the states Cancel and Publish now act on.
var approvedStates = []release.Status{release.StatusApproved, release.StatusScheduled}

// keyboard returns the card's buttons for its state: approval buttons
// while a release awaits approval, Cancel and Publish now once scheduled,
// and Update/Keep when published posts show an older version.
func (b *Bot) keyboard(v *view, mask uint64) keyboard {
	d := func(act string, args ...string) data { return data{Act: act, ID: v.id, Hash: v.hash, Args: args} }
	m := encodeMask(mask)
	var k keyboard
	switch {
	case v.has(pendingStates...):
		approve := "✅ Approve"
		if len(v.recs) > 1 {
			approve = "✅ Approve all"
		}
		k = k.row(button(approve, d(actApprove, allLanguages, m)), button("⚡ Publish now", d(actNow, allLanguages, m)))
		if len(v.recs) > 1 {
			var langs []modelsButton
			for i, r := range v.recs {
				if r.State == release.StatusPendingApproval {
					langs = append(langs, button("✅ "+r.Lang+" only", d(actApprove, fmt.Sprint(i), m)))
				}
			}
			k = k.row(langs...)
		}
		k = k.row(button("🕒 Choose time", d(actTimes, allLanguages, m)),
			button(fmt.Sprintf("📡 Channels %d/%d", len(v.selected(mask)), len(v.chans)), d(actChannels, allLanguages, m)))
		k = k.row(button("✖️ Reject", d(actReject, allLanguages)))
	case v.has(approvedStates...):
		k = k.row(button("↩️ Cancel", d(actCancel, allLanguages)), button("⚡ Publish now", d(actNow, allLanguages, m)))
	}
	if len(b.stale(v)) > 0 {
		k = k.row(button("✏️ Update published posts", d(actUpdate)), button("Keep as published", d(actKeep)))
	}
	return k
}

// timesKeyboard offers the next free slots of the selected channels.
func (b *Bot) timesKeyboard(ctx context.Context, v *view, lang string, mask uint64) keyboard {
	d := func(act string, args ...string) data { return data{Act: act, ID: v.id, Hash: v.hash, Args: args} }
	var k keyboard
	var row []modelsButton
	for _, t := range b.choices(ctx, v, lang, mask) {
		row = append(row, button(b.short(t), d(actAt, lang, encodeMask(mask), encodeTime(t))))
		if len(row) == 2 {
			k, row = k.row(row...), nil
		}
	}
	k = k.row(row...)
	return k.row(button("« Back", d(actBack, lang, encodeMask(mask))))
}

// choices returns up to 8 slots over the next three days common to the
// selected channels' proposals, earliest first.
func (b *Bot) choices(ctx context.Context, v *view, lang string, mask uint64) []time.Time {
	embargo := time.Time{}
	for _, r := range v.targets(lang) {
		if r.Release.PublishAt.After(embargo) {
			embargo = r.Release.PublishAt
		}
	}
	seen := map[int64]bool{}
	var out []time.Time
	if b.slots != nil {
		for _, ch := range v.selected(mask) {
			for _, t := range b.slots.Slots(ctx, ch, b.now(), embargo, 8) {
				t = t.Truncate(time.Minute)
				if !seen[t.Unix()] {
					seen[t.Unix()] = true
					out = append(out, t)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out[:min(len(out), 8)]
}

// channelsKeyboard toggles each channel on or off.
func (b *Bot) channelsKeyboard(v *view, lang string, mask uint64) keyboard {
	d := func(act string, args ...string) data { return data{Act: act, ID: v.id, Hash: v.hash, Args: args} }
	var k keyboard
	for i, c := range v.chans {
		label := "⬜ " + c
		if mask&(1<<i) != 0 {
			label = "✅ " + c
		}
		k = k.row(button(label, d(actToggle, lang, encodeMask(mask^(1<<i)))))
	}
	return k.row(button("« Done", d(actBack, lang, encodeMask(mask))))
}

// text returns the card's message: a section per release with its state,
// proposed time and every channel's text, within MaxText.
func (b *Bot) text(ctx context.Context, v *view, note string) string {
	m := &msg{}
	m.tag("📰 ").bold(v.recs[0].Title).tag("\n")
	if note != "" {
		m.tag("⚠️ <i>").text(note).tag("</i>\n")
	}
	for _, r := range v.recs {
		m.tag("\n")
		b.section(ctx, m, v, r)
	}
	return m.String(MaxText)
}

// section writes one release's part of the card.
func (b *Bot) section(ctx context.Context, m *msg, v *view, r store.Record) {
	if len(v.recs) > 1 {
		m.bold(r.Lang + ": " + r.Title).tag("\n")
	}
	m.tag("🌐 ").text(r.Lang + " · ").code(r.ID).text(" · hash ").code(r.Release.ShortHash())
	if r.Commit != "" {
		m.text(" · commit ").code(short(r.Commit, 10))
	}
	m.tag("\n")
	b.stateLines(ctx, m, r)
	for _, p := range v.posts[r.ID] {
		postBlock(m, p)
	}
	if u := b.previewURL(r.ID); u != "" {
		m.tag("🔗 ").link(u, "Full preview").tag("\n")
	}
}

// previewURL is the link to release id's full preview; "" without one.
func (b *Bot) previewURL(id string) string {
	switch {
	case b.cfg.PreviewURL != nil:
		return b.cfg.PreviewURL(id)
	case b.cfg.BaseURL != "":
		return b.cfg.BaseURL + "/preview/" + release.EscapePath(id)
	}
	return ""
}

// short returns s cut to at most n bytes, on a letter boundary.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // never half a letter: Telegram refuses text that is not UTF-8
	}
	return s[:n]
}

// stateLines writes a release's state: approvals, proposed or scheduled
// times, links and problems.
func (b *Bot) stateLines(ctx context.Context, m *msg, r store.Record) {
	switch r.State {
	case release.StatusPendingApproval:
		need := b.required(r.Release)
		m.text(fmt.Sprintf("⏳ Awaiting approval: %d of %d", len(r.Approvals), need))
		if len(r.Approvals) > 0 {
			m.text(" (" + b.approvers(r.Approvals) + ")")
		}
		m.tag("\n🕒 ").text("Proposed: " + b.proposal(ctx, r)).tag("\n")
	case release.StatusNew:
		m.text("📝 Draft: not offered for approval").tag("\n")
	case release.StatusRejected:
		m.text("❌ Rejected").tag("\n")
	case release.StatusWithdrawn:
		m.text("🗑 Withdrawn").tag("\n")
	default:
		if len(r.Approvals) > 0 {
			m.text("✅ Approved by " + b.approvers(r.Approvals)).tag("\n")
		}
	}
	for _, p := range r.Posts {
		if p.Hash != r.Hash && p.State != release.StatusPublished {
			continue
		}
		b.postLine(m, p)
	}
}

// approvers lists who approved and when.
func (b *Bot) approvers(as []store.Approval) string {
	var names []string
	for _, a := range as {
		names = append(names, fmt.Sprintf("%s, %s", a.Approver.Name, b.short(a.At)))
	}
	return strings.Join(names, "; ")
}

// postLine writes one post's state.
func (b *Bot) postLine(m *msg, p store.PostRecord) {
	m.text("• " + p.Channel + ": ")
	switch p.State {
	case release.StatusScheduled, release.StatusApproved:
		m.text("scheduled for " + b.long(p.ScheduledAt))
	case release.StatusPublishing:
		m.text("publishing now")
	case release.StatusPublished:
		m.text("published")
		if p.Receipt != nil && p.Receipt.URL != "" {
			m.text(" ").link(p.Receipt.URL, "open")
		}
	case release.StatusFailed, release.StatusUncertain:
		m.text(string(p.State) + ": " + short(store.TimesIn(p.LastError, b.cfg.Zone, shortLayout), 300))
	default:
		m.text(string(p.State))
	}
	m.tag("\n")
}

// proposal says when an approval would publish: each selected channel's
// next slot, or as soon as approved; a channel already published is named
// as such.
func (b *Bot) proposal(ctx context.Context, r store.Record) (s string) {
	times := b.nextSlots(ctx, r, nil)
	var sent []string // published before a change: approval does not send them again
	for _, p := range r.Posts {
		if p.State == release.StatusPublished {
			delete(times, p.Channel)
			sent = append(sent, p.Channel)
		}
	}
	defer func() {
		if len(sent) > 0 {
			s += "; " + listAnd(sent) + " already published, not sent again"
		}
	}()
	seen := map[string]bool{}
	var parts []string
	for ch, t := range times {
		seen[b.long(t)] = true
		parts = append(parts, ch+" "+b.long(t))
	}
	sort.Strings(parts)
	switch {
	case len(times) == 0 && r.Release.PublishAt.After(b.now()):
		s = "at the embargo, " + b.long(r.Release.PublishAt)
	case len(times) == 0:
		s = "as soon as approved"
	case len(seen) == 1:
		for t := range seen {
			s = t
		}
	default:
		s = strings.Join(parts, "; ")
	}
	if !r.Release.PublishAt.IsZero() && len(times) > 0 {
		s += " (embargo " + b.long(r.Release.PublishAt) + ")"
	}
	return s
}

// nextSlots returns the first free slot of each of the release's channels
// (or only of channels, when not nil).
func (b *Bot) nextSlots(ctx context.Context, r store.Record, channels []string) map[string]time.Time {
	out := map[string]time.Time{}
	if b.slots == nil {
		return out
	}
	posts, err := b.r.Render(r.Release)
	if err != nil {
		return out
	}
	for _, p := range posts {
		if channels != nil && !slices.Contains(channels, p.Channel) {
			continue
		}
		if ts := b.slots.Slots(ctx, p.Channel, b.now(), r.Release.PublishAt, 1); len(ts) > 0 {
			out[p.Channel] = ts[0]
		}
	}
	return out
}

// long formats t in the office zone with the zone's name.
func (b *Bot) long(t time.Time) string {
	return t.In(b.cfg.Zone).Format("Mon 2 Jan 2006 15:04") + " (" + b.cfg.Zone.String() + ")"
}

// short formats t in the office zone for buttons.
func (b *Bot) short(t time.Time) string { return t.In(b.cfg.Zone).Format(shortLayout) }

// shortLayout is how the chat writes a time in the office zone.
const shortLayout = "Mon 2 Jan 15:04"

// postBlock writes a channel's post: its counts, and its text in an
// expandable quote (Telegram posts are shown as messages above the card).
func postBlock(m *msg, p release.Post) {
	m.tag("\n").bold(p.Channel).text(" · " + counts(p))
	if p.Kind == release.KindTelegram {
		m.text(" · shown above ↑").tag("\n")
		return
	}
	m.tag("\n")
	var parts []string
	for i, part := range p.Parts {
		s := part.Text
		if len(p.Parts) > 1 {
			s = fmt.Sprintf("[%d/%d] %s", i+1, len(p.Parts), s)
		}
		if part.Link != "" && !strings.Contains(s, part.Link) {
			s += "\n🔗 " + part.Link
		}
		if len(part.Media) > 0 {
			s = "🖼 " + part.Media[0].URL + "\n" + s
		}
		parts = append(parts, s)
	}
	m.quote(strings.Join(parts, "\n\n")).tag("\n")
}

// counts describes a post's parts and their lengths against the limits.
func counts(p release.Post) string {
	var ls []string
	for _, part := range p.Parts {
		s := fmt.Sprintf("%d/%d", part.Length, part.Limit)
		if part.Limit > 0 && part.Length > part.Limit {
			s += " ⚠️ over the limit"
		}
		ls = append(ls, s)
	}
	what := "1 post"
	switch {
	case p.Kind == release.KindX && len(p.Parts) > 1:
		what = fmt.Sprintf("thread of %d", len(p.Parts))
	case len(p.Parts) > 1:
		what = fmt.Sprintf("%d messages", len(p.Parts))
	}
	if len(p.Parts) > 0 && len(p.Parts[0].Media) > 0 {
		what += " with photo"
	}
	return what + " · " + strings.Join(ls, ", ")
}

// required is how many distinct approvers rel needs: the configured
// number, raised by any rule whose tag rel has.
func (b *Bot) required(rel release.Release) int {
	n := b.cfg.Required
	for _, rule := range b.cfg.Rules {
		if slices.ContainsFunc(rel.Tags, func(t string) bool { return release.SameTag(t, rule.Tag) }) {
			n = max(n, rule.Required)
		}
	}
	return max(n, 1)
}

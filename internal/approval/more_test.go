package approval_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/approval"
	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/httpd"
	"github.com/pressbot/pressbot/internal/release"
)

// TestWebhook: webhook mode registers the URL and secret, handles updates
// delivered with the right secret, and answers 401 to a wrong or missing
// one, through httpd's route and through the bot's own handler.
func TestWebhook(t *testing.T) {
	const secret = "s3cr3t-Token_1"
	var hook http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hook.ServeHTTP(w, r) }))
	defer srv.Close()
	w := newWorld(t, func(c *approval.Config) {
		c.Mode, c.WebhookURL, c.WebhookSecret = approval.ModeWebhook, srv.URL+"/telegram/webhook", secret
	})
	hook = httpd.Handler(httpd.Config{Webhook: w.bot.WebhookHandler(), WebhookPath: "/telegram/webhook", WebhookSecret: secret, Log: quiet})
	w.run(w.bot)
	ctx, cancel := context.WithTimeout(w.ctx, wait)
	defer cancel()
	if _, err := w.tg.WaitCalls(ctx, "setWebhook", 1); err != nil {
		t.Fatal(err)
	}
	if u, s := w.tg.Webhook(w.tg.Token()); u != srv.URL+"/telegram/webhook" || s != secret {
		t.Fatalf("webhook = %q, %q", u, s)
	}

	w.tg.InjectMessage(faketg.UserMessage{From: alice, ChatID: group, Text: "/queue"})
	if n, err := w.tg.DeliverWebhook(ctx, w.tg.Token()); err != nil || n != 1 {
		t.Fatalf("delivered %d: %v", n, err)
	}
	w.findText("Nothing is waiting")

	update := `{"update_id":99,"message":{"message_id":1,"date":1,"chat":{"id":-1001234567890,"type":"supergroup"},"from":{"id":101,"is_bot":false,"first_name":"Alice"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`
	direct := httptest.NewServer(w.bot.WebhookHandler())
	defer direct.Close()
	for _, tc := range []struct {
		name, url, secret string
		want              int
	}{
		{"httpd right", srv.URL + "/telegram/webhook", secret, 200},
		{"httpd wrong", srv.URL + "/telegram/webhook", "guess", 401},
		{"httpd missing", srv.URL + "/telegram/webhook", "", 401},
		{"bot right", direct.URL, secret, 200},
		{"bot wrong", direct.URL, secret + "x", 401},
		{"bot missing", direct.URL, "", 401},
	} {
		req, _ := http.NewRequest(http.MethodPost, tc.url, strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		if tc.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tc.secret)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	// Exactly the two accepted updates were handled: two help texts.
	w.findText("/queue: what awaits approval")
	ctx2, cancel2 := context.WithTimeout(w.ctx, wait)
	defer cancel2()
	for {
		n := 0
		for _, m := range w.tg.Messages(group) {
			if strings.Contains(m.Plain, "/queue: what awaits approval") {
				n++
			}
		}
		if n == 2 {
			break
		}
		if n > 2 {
			t.Fatalf("%d help answers: a refused update was handled", n)
		}
		if _, err := w.tg.WaitCalls(ctx2, "sendMessage", len(w.tg.Calls("sendMessage"))+1); err != nil {
			t.Fatalf("help answers: %d: %v", n, err)
		}
	}
}

// TestCommands: strangers get a polite refusal with their user id;
// /status and /queue describe releases; a viewer cannot /cancel.
func TestCommands(t *testing.T) {
	w := newWorld(t)
	w.slots.set(5 * time.Hour)
	say := func(u faketg.User, text string) faketg.Message {
		return w.tg.InjectMessage(faketg.UserMessage{From: u, ChatID: group, Text: text})
	}
	q := say(mallory, "/start")
	refusal := w.findText("Sorry, this bot serves a press office's officers only", "666")
	if refusal.ReplyTo != q.ID {
		t.Errorf("refusal replies to %d, want %d", refusal.ReplyTo, q.ID)
	}
	say(mallory, "hello everyone") // chat among people: ignored
	say(alice, "/start")
	w.findText("Hello Alice (approver, user id 101)", "Buttons")

	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	say(vera, "/queue")
	w.findText("Queue (1)", "2024/office", "awaiting approval (0 of 1)")
	w.tap(alice, card.ID, "✅ Approve")
	say(vera, "/status 2024/office")
	// The history gives the schedule time in the office zone, as the rest.
	at := w.waitPost(rel.ID, "telegram", release.StatusScheduled).ScheduledAt.In(tashkent()).Format("Mon 2 Jan 15:04")
	w.findText("UN opens office", "scheduled", "telegram: scheduled for", "History", "telegram:101 approve", "schedule telegram: at "+at+"\n")
	say(vera, "/cancel 2024/office")
	w.findText("Your role is viewer: only approvers can cancel")
	say(bob, "/cancel@pressbot_test_bot 2024/office")
	w.findText("Cancelled 2024/office: it awaits approval again")
	if rec := w.record(rel.ID); rec.State != release.StatusPendingApproval {
		t.Errorf("after /cancel: %s", rec.State)
	}
	w.findText("Awaiting approval: 0 of 1")
	say(alice, "/status nope/none")
	w.findText("No release nope/none")
}

// TestReject: Reject asks for a reason with a forced reply; the reply
// rejects the release and records the reason.
func TestReject(t *testing.T) {
	w := newWorld(t)
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	w.tap(alice, card.ID, "✖️ Reject")
	prompt := w.findText("Alice, why reject UN opens office?")
	if !strings.Contains(prompt.ReplyMarkup, `"force_reply":true`) || prompt.ReplyTo != card.ID {
		t.Errorf("prompt markup %s, reply to %d", prompt.ReplyMarkup, prompt.ReplyTo)
	}
	w.tg.InjectMessage(faketg.UserMessage{From: vera, ChatID: group, Text: "no", ReplyTo: prompt.ID})
	w.findText("only approvers can reject")
	w.tg.InjectMessage(faketg.UserMessage{From: alice, ChatID: group, Text: "The date is wrong <check>", ReplyTo: prompt.ID})
	w.findText("❌ Rejected (en) by Alice: The date is wrong <check>")
	if rec := w.record(rel.ID); rec.State != release.StatusRejected {
		t.Errorf("state = %s", rec.State)
	}
	if m := w.message(card.ID); m.ReplyMarkup != "" || !strings.Contains(m.Plain, "❌ Rejected") {
		t.Errorf("card after reject: %q %s", m.Plain, m.ReplyMarkup)
	}
	entries, _ := w.st.Audit(w.ctx, rel.ID)
	if last := entries[len(entries)-1]; last.Event != "reject" || last.Detail != "The date is wrong <check>" || last.Actor != "telegram:101" {
		t.Errorf("audit: %+v", last)
	}
}

// TestTranslationGroupAndChoices: language versions share one card; one
// language is approved alone at a chosen time on chosen channels.
func TestTranslationGroupAndChoices(t *testing.T) {
	w := newWorld(t)
	w.slots.set(2*time.Hour, 26*time.Hour, 50*time.Hour)
	en := w.release("2024/office", source("UN opens office", "en", "office-2024", nil, body))
	ru := w.release("2024/office.ru", source("ООН открывает офис", "ru", "office-2024", nil, "ООН открыла региональный офис в Ташкенте во вторник.\n"))
	w.offer(en)
	first := w.card("UN opens office", 0)
	w.offer(ru)
	card := w.card("UN opens office", first.ID)
	if !strings.Contains(card.Plain, "ru: ООН открывает офис") || !strings.Contains(card.Plain, "en: UN opens office") {
		t.Errorf("group card:\n%s", card.Plain)
	}
	if m := w.message(first.ID); m.ReplyMarkup != "" {
		t.Errorf("first card kept its buttons")
	}
	w.tap(alice, card.ID, "📡 Channels 3/3")
	w.tap(alice, card.ID, "✅ facebook")
	w.tap(alice, card.ID, "✅ x")
	w.tap(alice, card.ID, "« Done")
	if m := w.message(card.ID); !strings.Contains(m.ReplyMarkup, "📡 Channels 1/3") {
		t.Fatalf("buttons after toggles: %s", m.ReplyMarkup)
	}
	w.tap(alice, card.ID, "🕒 Choose time")
	slotLabel(t, w.message(card.ID).ReplyMarkup, 26*time.Hour)
	w.tap(alice, card.ID, "« Back")
	w.tap(alice, card.ID, "✅ ru only")
	rec := w.record(ru.ID)
	if rec.State != release.StatusScheduled || len(rec.Posts) != 1 || rec.Posts[0].Channel != "telegram" {
		t.Fatalf("ru: %s, posts %+v", rec.State, rec.Posts)
	}
	if w.record(en.ID).State != release.StatusPendingApproval {
		t.Errorf("en was approved too")
	}
	w.tap(bob, card.ID, "🕒 Choose time")
	want := slotLabel(t, w.message(card.ID).ReplyMarkup, 26*time.Hour)
	w.tap(bob, card.ID, want)
	p := w.waitPost(en.ID, "telegram", release.StatusScheduled)
	if got := p.ScheduledAt.In(tashkent()).Format("Mon 2 Jan 15:04"); got != want {
		t.Errorf("en scheduled at %s, want %s", got, want)
	}
	if len(w.record(en.ID).Posts) != 1 {
		t.Errorf("en channels: %+v", w.record(en.ID).Posts)
	}
}

// slotLabel returns the label of the time button offset from now among
// markup's buttons: from this minute or, when a minute turned since the
// bot made them, the one before. It fails the test if neither is there.
func slotLabel(t *testing.T, markup string, offset time.Duration) string {
	t.Helper()
	now := time.Now()
	for _, at := range []time.Time{now, now.Add(-time.Minute)} {
		if l := at.Add(offset).Truncate(time.Minute).In(tashkent()).Format("Mon 2 Jan 15:04"); strings.Contains(markup, l) {
			return l
		}
	}
	t.Fatalf("slot buttons lack the one %v from now: %s", offset, markup)
	return ""
}

// TestWithdrawn: withdrawn: true deletes the published posts where the
// platform allows it and asks for the rest, with a button to say it is
// done; the withdrawal taken back and the release approved again, it goes
// out anew where its posts were deleted.
func TestWithdrawn(t *testing.T) {
	w := newWorld(t)
	v1 := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(v1)
	w.tap(alice, w.card("UN opens office", 0).ID, "⚡ Publish now")
	w.findText("📣 Published: UN opens office")
	src := strings.Replace(source("UN opens office", "en", "", nil, body), "---\n\n", "withdrawn: true\n---\n\n", 1)
	v2 := w.release("2024/office", src)
	if ch := w.offer(v2); ch.Kind.String() != "withdrawn" {
		t.Fatalf("change = %s", ch.Kind)
	}
	withdrawn := w.findText("Withdrawn: UN opens office", "telegram: deleted", "facebook: deleted", "x: the platform cannot delete", "delete it by hand")
	for _, m := range w.tg.Messages(channel) {
		if !m.Deleted {
			t.Errorf("channel message %d not deleted", m.ID)
		}
	}
	states := map[string]release.Status{}
	for _, p := range w.record("2024/office").Posts {
		states[p.Channel] = p.State
	}
	want := map[string]release.Status{"telegram": release.StatusWithdrawn, "facebook": release.StatusWithdrawn, "x": release.StatusPublished}
	if !maps.Equal(states, want) {
		t.Errorf("posts after the withdrawal %v, want %v: deleted ones withdrawn, the one still online published", states, want)
	}

	// The officer deletes the X post by hand and says so.
	if a := w.tap(alice, withdrawn.ID, "✅ I deleted it on x"); a.ShowAlert {
		t.Fatalf("deleted by hand: %+v", a)
	}
	w.waitPost("2024/office", "x", release.StatusWithdrawn)

	// The withdrawal taken back and the release approved again, it goes
	// out anew on every channel, as its posts were all deleted.
	fbBefore, xBefore := len(w.fb.sends()), len(w.x.sends())
	v3 := w.release("2024/office", source("UN opens office", "en", "", nil, body+"\nCorrected.\n"))
	w.offer(v3)
	w.tap(alice, w.card("UN opens office", 0).ID, "⚡ Publish now")
	w.waitPost("2024/office", "telegram", release.StatusPublished)
	w.waitPost("2024/office", "facebook", release.StatusPublished)
	if n := len(w.fb.sends()); n != fbBefore+1 {
		t.Errorf("facebook sends after approving again: %d, want %d", n, fbBefore+1)
	}
	w.waitPost("2024/office", "x", release.StatusPublished)
	if n := len(w.x.sends()); n != xBefore+1 {
		t.Errorf("x sends after approving again: %d, want %d", n, xBefore+1)
	}
}

// TestWithdrawnButtonsStay: on a withdrawal message with a button for each
// of two posts, settling one leaves the other to press.
func TestWithdrawnButtonsStay(t *testing.T) {
	w := newWorld(t)
	w.offer(w.release("2024/office", source("UN opens office", "en", "", nil, body)))
	w.tap(alice, w.card("UN opens office", 0).ID, "⚡ Publish now")
	w.findText("📣 Published: UN opens office")
	w.fb.mu.Lock()
	w.fb.deleteErr = errors.New("graph: (#2) Service temporarily unavailable")
	w.fb.mu.Unlock()
	src := strings.Replace(source("UN opens office", "en", "", nil, body), "---\n\n", "withdrawn: true\n---\n\n", 1)
	w.offer(w.release("2024/office", src))
	m := w.findText("Withdrawn: UN opens office", "facebook: could not delete", "x: the platform cannot delete")

	w.tap(alice, m.ID, "✅ I deleted it on x")
	w.waitPost("2024/office", "x", release.StatusWithdrawn)
	w.buttonData(m.ID, "🗑 Try deleting on facebook again") // still there
	if strings.Contains(w.message(m.ID).ReplyMarkup, "I deleted it on x") {
		t.Error("the settled button is still on the message")
	}
	w.fb.mu.Lock()
	w.fb.deleteErr = nil
	w.fb.mu.Unlock()
	w.tap(alice, m.ID, "🗑 Try deleting on facebook again")
	w.waitPost("2024/office", "facebook", release.StatusWithdrawn)
	if got := w.message(m.ID).ReplyMarkup; got != "" {
		t.Errorf("buttons left after both posts were settled: %s", got)
	}
}

// TestReportProblemsAndAlert: check failures are reported once; alerts
// are escaped.
func TestReportProblemsAndAlert(t *testing.T) {
	w := newWorld(t)
	w.bot.ReportProblems(w.ctx, "content/2024/bad.md", []string{"content/2024/bad.md:2:1: title is missing: add title: …"})
	w.bot.ReportProblems(w.ctx, "content/2024/bad.md", []string{"content/2024/bad.md:2:1: title is missing: add title: …"})
	w.bot.Alert(w.ctx, "facebook: the page token is dead (code 190) <renew it>")
	w.findText("facebook: the page token is dead (code 190) <renew it>")
	n := 0
	for _, m := range w.tg.Messages(group) {
		if strings.Contains(m.Plain, "bad.md was not offered") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("problems reported %d times, want once", n)
	}
}

// TestLongReleaseCardFits: a release far longer than a message still gets
// a card Telegram accepts (the fake refuses over 4096 units), its quotes
// cut, with the full preview linked.
func TestLongReleaseCardFits(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("The office will work on water, climate & trade with five countries of Central Asia. ", 300)
	en := w.release("2024/long", source("A very long release", "en", "long", nil, long+"\n"))
	ru := w.release("2024/long.ru", source("Очень длинный пресс-релиз", "ru", "long", nil, strings.Repeat("Офис будет работать над вопросами воды и климата. ", 300)+"\n"))
	w.offer(en)
	w.offer(ru)
	card := w.card("A very long release", 0)
	if n := faketg.UTF16Len(card.Plain); n > 4096 || !strings.Contains(card.Plain, "…") {
		t.Errorf("card is %d units", n)
	}
	if !strings.Contains(card.Text, `href="https://news.example.org/preview/2024/long.ru"`) {
		t.Errorf("card lacks the ru preview link")
	}
}

// TestPreviewLinksCarryKeys: with Config.PreviewURL, the card's and
// /status's preview links are the ones it gives, with their keys.
func TestPreviewLinksCarryKeys(t *testing.T) {
	w := newWorld(t, func(c *approval.Config) {
		c.PreviewURL = func(id string) string {
			return "https://news.example.org/preview/" + id + "?key=k-" + strings.ReplaceAll(id, "/", "-")
		}
	})
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	const link = `href="https://news.example.org/preview/2024/office?key=k-2024-office"`
	if !strings.Contains(card.Text, link) {
		t.Errorf("card lacks %s:\n%s", link, card.Text)
	}
	w.tg.InjectMessage(faketg.UserMessage{From: alice, ChatID: group, Text: "/status 2024/office"})
	if status := w.findText("UN opens office", "History"); !strings.Contains(status.Text, link) {
		t.Errorf("/status lacks %s:\n%s", link, status.Text)
	}
}

// TestApproveRefusedWhenFileNotCurrent checks that an approval is refused
// while the release's file does not give the version the card shows (it
// changed and is not recorded yet, or is invalid now), and goes through
// once it does.
func TestApproveRefusedWhenFileNotCurrent(t *testing.T) {
	current := errors.New("ingest: the file is invalid now: content/2024/office.md:4:7: lang is not a tag")
	w := newWorld(t, func(c *approval.Config) {
		c.Current = func(string, string) error { return current }
	})
	rel := w.release("2024/office", source("UN opens office", "en", "", nil, body))
	w.offer(rel)
	card := w.card("UN opens office", 0)
	a := w.tap(alice, card.ID, "✅ Approve")
	if !strings.Contains(a.Text, "not approved: the file is invalid now") {
		t.Errorf("tap answered %+v, want the refusal with its reason", a)
	}
	if rec := w.record(rel.ID); rec.State != release.StatusPendingApproval || len(rec.Approvals) != 0 {
		t.Fatalf("after a refused approval: %s with %d approvals", rec.State, len(rec.Approvals))
	}
	current = nil
	if a := w.tap(alice, card.ID, "✅ Approve"); !strings.Contains(a.Text, "approved and scheduled") {
		t.Errorf("with the file current, tap answered %+v", a)
	}
}

package telegram

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
	"github.com/pressbot/pressbot/internal/release"
)

const chanID = -1001234567890

var start = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

// env is a channel wired to a fake Bot API with a manual clock shared by
// both, and a log buffer.
type env struct {
	srv   *faketg.Server
	clock *faketg.ManualClock
	ch    *Channel
	logs  *bytes.Buffer
}

func newEnv(t *testing.T, mod func(*Config), opts ...faketg.Option) *env {
	t.Helper()
	clock := faketg.NewManualClock(start)
	srv := faketg.New(t, append([]faketg.Option{faketg.WithClock(clock)}, opts...)...)
	srv.AddChat(faketg.Chat{ID: chanID, Type: faketg.ChatChannel, Title: "UN in Central Asia", Username: "unca_news"})
	srv.AddAdmin(chanID, srv.Token())
	logs := &bytes.Buffer{}
	cfg := Config{
		Name: "telegram", Token: srv.Token(), ChatID: "-1001234567890", BaseURL: srv.URL,
		HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: clock,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	ch, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, clock: clock, ch: ch, logs: logs}
}

func textPart(s string) release.Part {
	return release.Part{Format: release.FormatHTML, Text: s, Limit: 4096}
}

func photoPart(s string, urls ...string) release.Part {
	p := release.Part{Format: release.FormatHTML, Text: s, Limit: 1024}
	for _, u := range urls {
		p.Media = append(p.Media, release.Media{URL: u, Alt: "alt"})
	}
	return p
}

func post(parts ...release.Part) release.Post {
	return release.Post{Release: "2025/imts", Hash: "abc123", Channel: "telegram", Kind: release.KindTelegram, Parts: parts}
}

func TestPublishParts(t *testing.T) {
	tests := []struct {
		name    string
		post    release.Post
		methods []string
		ids     []string
		plain   []string
	}{
		{
			name:    "text only",
			post:    post(textPart("<b>Tashkent</b> &amp; Almaty")),
			methods: []string{"sendMessage"},
			ids:     []string{"1"},
			plain:   []string{"Tashkent & Almaty"},
		},
		{
			name:    "photo then two text parts",
			post:    post(photoPart("<b>Headline</b>", "https://example.org/a.jpg"), textPart("Body one"), textPart("<i>Body</i> two")),
			methods: []string{"sendPhoto", "sendMessage", "sendMessage"},
			ids:     []string{"1", "2", "3"},
			plain:   []string{"Headline", "Body one", "Body two"},
		},
		{
			name:    "album then text",
			post:    post(photoPart("Album caption", "https://example.org/1.jpg", "https://example.org/2.jpg", "https://example.org/3.jpg"), textPart("More")),
			methods: []string{"sendMediaGroup", "sendMessage"},
			ids:     []string{"1", "2", "3", "4"},
			plain:   []string{"Album caption", "", "", "More"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r, err := e.ch.Publish(context.Background(), tt.post)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(r.RemoteIDs, ",") != strings.Join(tt.ids, ",") {
				t.Errorf("RemoteIDs = %v, want %v", r.RemoteIDs, tt.ids)
			}
			if want := "https://t.me/unca_news/1"; r.URL != want {
				t.Errorf("URL = %q, want %q", r.URL, want)
			}
			if r.Channel != "telegram" || r.Chat != "-1001234567890" {
				t.Errorf("receipt channel/chat = %q/%q", r.Channel, r.Chat)
			}
			var got []string
			for _, c := range e.srv.Calls("sendMessage", "sendPhoto", "sendMediaGroup") {
				got = append(got, c.Method)
				if c.Status != 200 {
					t.Errorf("%s answered %d %s", c.Method, c.Status, c.Description)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.methods, ",") {
				t.Errorf("calls = %v, want %v", got, tt.methods)
			}
			msgs := e.srv.Messages(chanID)
			if len(msgs) != len(tt.plain) {
				t.Fatalf("fake has %d messages, want %d", len(msgs), len(tt.plain))
			}
			for i, m := range msgs {
				if m.Plain != tt.plain[i] {
					t.Errorf("message %d shows %q, want %q", m.ID, m.Plain, tt.plain[i])
				}
			}
		})
	}
}

func TestPublishSendsPhotoURLAndHTML(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.DisablePreview = true })
	_, err := e.ch.Publish(context.Background(), post(photoPart("<b>T</b>", "https://example.org/a.jpg"), textPart("see https://un.org")))
	if err != nil {
		t.Fatal(err)
	}
	photo := e.srv.Calls("sendPhoto")[0]
	if photo.Params["photo"] != "https://example.org/a.jpg" || photo.ParseMode != "HTML" || photo.Text != "<b>T</b>" {
		t.Errorf("sendPhoto params = %v", photo.Params)
	}
	msg := e.srv.Calls("sendMessage")[0]
	if !strings.Contains(msg.Params["link_preview_options"], `"is_disabled":true`) {
		t.Errorf("link_preview_options = %q, want previews disabled", msg.Params["link_preview_options"])
	}
}

func TestPlainTextPartHasNoParseMode(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.ch.Publish(context.Background(), post(release.Part{Format: release.FormatText, Text: "1 < 2 & <b>"}))
	if err != nil {
		t.Fatal(err)
	}
	if m := e.srv.Messages(chanID)[0]; m.Plain != "1 < 2 & <b>" || m.ParseMode != "" {
		t.Errorf("message = %+v", m)
	}
}

func TestUsername(t *testing.T) {
	tests := []struct {
		name     string
		chatID   string
		username string // Config.Username
		public   string // the chat's username on the fake
		wantURL  string
	}{
		{"from getChat", "-1001234567890", "", "unca_news", "https://t.me/unca_news/1"},
		{"from config", "-1001234567890", "@office", "unca_news", "https://t.me/office/1"},
		{"from @chat_id", "@unca_news", "", "unca_news", "https://t.me/unca_news/1"},
		{"private channel", "-1001234567890", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.ChatID, c.Username = tt.chatID, tt.username })
			e.srv.AddChat(faketg.Chat{ID: chanID, Type: faketg.ChatChannel, Title: "T", Username: tt.public})
			r, err := e.ch.Publish(context.Background(), post(textPart("x")))
			if err != nil {
				t.Fatal(err)
			}
			if r.URL != tt.wantURL {
				t.Errorf("URL = %q, want %q", r.URL, tt.wantURL)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Name: "t", Token: "1:x", ChatID: "channel name"},
		{Name: "t", Token: "1:x", ChatID: ""},
		{Name: "t", Token: "", ChatID: "@chan"},
		{Name: "t", Token: "1:x", ChatID: "@chan", BaseURL: "api.telegram.org"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

// closedURL returns a loopback URL nobody listens on.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	_ = l.Close()
	return u
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *env) context.Context
		post  release.Post
		class release.ErrorClass
		retry time.Duration
		// posted is how many messages the fake holds afterwards; done is
		// the len of SendError.Done.RemoteIDs (0: Done is nil).
		posted, done int
		calls        int // calls of send methods made
		text         string
	}{
		{
			name:  "429 on first part is returned with retry_after",
			setup: inject(faketg.Fault{Method: "sendMessage", Status: 429, RetryAfter: 7}),
			post:  post(textPart("a"), textPart("b")),
			class: release.ClassRateLimited, retry: 7 * time.Second, calls: 1,
		},
		{
			name:  "can't parse entities is permanent and not retried",
			post:  post(textPart("<div>unsupported</div>")),
			class: release.ClassPermanent, calls: 1, text: "can't parse entities",
		},
		{
			name:  "caption too long is permanent",
			post:  post(photoPart(strings.Repeat("я", 1025), "https://example.org/a.jpg")),
			class: release.ClassPermanent, calls: 1, text: "caption is too long",
		},
		{
			name:  "token rejected is auth",
			setup: func(t *testing.T, e *env) context.Context { e.ch.cfg.Token = "1:revoked"; return rebuild(t, e) },
			post:  post(textPart("a")),
			class: release.ClassAuth, calls: 1, text: "create a new token with @BotFather",
		},
		{
			name: "bot removed from channel is auth",
			setup: func(t *testing.T, e *env) context.Context {
				u, _ := e.srv.Bot(e.srv.Token())
				e.srv.SetMember(chanID, u.ID, faketg.Member{Status: faketg.StatusLeft})
				return context.Background()
			},
			post:  post(textPart("a")),
			class: release.ClassAuth, calls: 1, text: "(403)",
		},
		{
			name: "bot not admin is auth",
			setup: func(t *testing.T, e *env) context.Context {
				u, _ := e.srv.Bot(e.srv.Token())
				e.srv.SetMember(chanID, u.ID, faketg.Member{Status: faketg.StatusMember})
				return context.Background()
			},
			post:  post(textPart("a")),
			class: release.ClassAuth, calls: 1, text: "need administrator rights",
		},
		{
			name:  "500 is transient",
			setup: inject(faketg.Fault{Method: "sendMessage", Status: 500}),
			post:  post(textPart("a")),
			class: release.ClassTransient, calls: 1,
		},
		{
			name:  "proxy 502 page is transient",
			setup: inject(faketg.Fault{Method: "sendMessage", Status: 502, RawBody: "<html><h1>502 Bad Gateway</h1></html>"}),
			post:  post(textPart("a")),
			class: release.ClassTransient, calls: 1,
		},
		{
			name:  "5xx after the first part keeps its receipt",
			setup: inject(faketg.Fault{Method: "sendMessage", Status: 500}),
			post:  post(photoPart("p", "https://example.org/a.jpg"), textPart("a")),
			class: release.ClassTransient, calls: 2, posted: 1, done: 1,
		},
		{
			name: "connection refused is transient",
			setup: func(t *testing.T, e *env) context.Context {
				e.ch.cfg.BaseURL = closedURL(t)
				return rebuild(t, e)
			},
			post:  post(textPart("a")),
			class: release.ClassTransient,
		},
		{
			name: "cancelled before sending is transient",
			setup: func(t *testing.T, e *env) context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			post:  post(textPart("a")),
			class: release.ClassTransient,
		},
		{
			name:  "connection dropped after the request is uncertain",
			setup: inject(faketg.Fault{Method: "sendMessage", Drop: true}),
			post:  post(textPart("a")),
			class: release.ClassUncertain, calls: 1, posted: 1, text: "may have been posted",
		},
		{
			name:  "dropped second part is uncertain with the first part done",
			setup: inject(faketg.Fault{Method: "sendMessage", Drop: true}),
			post:  post(photoPart("p", "https://example.org/a.jpg"), textPart("a")),
			class: release.ClassUncertain, calls: 2, posted: 2, done: 1,
		},
		{
			name:  "deadline while waiting for the answer is uncertain",
			setup: hang,
			post:  post(textPart("a")),
			class: release.ClassUncertain, calls: 1, posted: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := context.Background()
			if tt.setup != nil {
				ctx = tt.setup(t, e)
			}
			_, err := e.ch.Publish(ctx, tt.post)
			var se *release.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Publish error = %v, want a *release.SendError", err)
			}
			if se.Class != tt.class || se.RetryAfter != tt.retry {
				t.Errorf("class = %v retry %v, want %v retry %v (%v)", se.Class, se.RetryAfter, tt.class, tt.retry, err)
			}
			if !strings.Contains(err.Error(), tt.text) || !strings.HasPrefix(se.Err.Error(), `telegram "telegram": `) {
				t.Errorf("error %q: want prefix and %q", err, tt.text)
			}
			switch {
			case tt.done == 0 && se.Done != nil:
				t.Errorf("Done = %+v, want nil", se.Done)
			case tt.done > 0 && (se.Done == nil || len(se.Done.RemoteIDs) != tt.done):
				t.Errorf("Done = %+v, want %d ids", se.Done, tt.done)
			}
			if n := len(e.srv.Calls("sendMessage", "sendPhoto", "sendMediaGroup")); n != tt.calls {
				t.Errorf("%d send calls, want %d", n, tt.calls)
			}
			if n := len(e.srv.Messages(chanID)); n != tt.posted {
				t.Errorf("fake holds %d messages, want %d", n, tt.posted)
			}
			if len(e.clock.Sleeps()) > 0 && tt.class == release.ClassRateLimited {
				t.Errorf("slept %v on a 429 before anything was sent", e.clock.Sleeps())
			}
		})
	}
}

func inject(f faketg.Fault) func(*testing.T, *env) context.Context {
	return func(_ *testing.T, e *env) context.Context {
		e.srv.Inject(f)
		return context.Background()
	}
}

// hang makes the fake hold its answer and returns a context that the test
// cancels once the fake has received the whole request: a deadline during
// the response, without relying on timing.
func hang(t *testing.T, e *env) context.Context {
	e.srv.Inject(faketg.Fault{Method: "sendMessage", Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		defer cancel()
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer wcancel()
		_, _ = e.srv.WaitCalls(wctx, "sendMessage", 1)
	}()
	return ctx
}

// rebuild makes a new Channel from e.ch's (modified) config.
func rebuild(t *testing.T, e *env) context.Context {
	ch, err := New(e.ch.cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.ch = ch
	return context.Background()
}

// TestBurstOf50StaysUnderLimits sends 50 posts back to back to one channel
// through a fake that enforces 20 messages a minute and 1 a second per
// chat. The channel's pacing and the fake read the same manual clock, so
// the test runs in milliseconds while the fake checks every send against
// the simulated time.
func TestBurstOf50StaysUnderLimits(t *testing.T) {
	tests := []struct {
		name      string
		perMinute int
		interval  time.Duration
		want429   bool
	}{
		{"paced", 0, 0, false},
		// Without pacing the same burst is refused: the fake does enforce.
		{"unpaced control", 1000, time.Nanosecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.PerMinute, c.MinInterval = tt.perMinute, tt.interval },
				faketg.WithFloodLimits(20, time.Second))
			published := 0
			for i := range 50 {
				_, err := e.ch.Publish(context.Background(), post(textPart("post "+string(rune('A'+i%26)))))
				if err == nil {
					published++
				} else if release.Classify(err) != release.ClassRateLimited {
					t.Fatalf("post %d: %v", i, err)
				}
			}
			var tooMany int
			for _, c := range e.srv.Calls("sendMessage") {
				if c.Status == 429 {
					tooMany++
				}
			}
			if got := tooMany > 0; got != tt.want429 {
				t.Fatalf("%d answers were 429, want429=%v", tooMany, tt.want429)
			}
			if tt.want429 {
				return
			}
			if published != 50 || len(e.srv.Messages(chanID)) != 50 {
				t.Fatalf("published %d, fake holds %d, want 50", published, len(e.srv.Messages(chanID)))
			}
			// 20 sends at 0..19 s, the 21st when the first leaves the
			// window (60 s), …: the 50th goes at 120 + 9 s. No slower.
			if got := e.clock.Now().Sub(start); got != 129*time.Second {
				t.Errorf("burst took %v of simulated time, want 2m9s", got)
			}
		})
	}
}

// TestRetryAfterWaitedExactly: a 429 on the second part of a post is waited
// out inside Publish for exactly retry_after, and the resend reaches the
// fake exactly that long after the refused call.
func TestRetryAfterWaitedExactly(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Inject(faketg.Fault{Method: "sendMessage", Status: 429, RetryAfter: 13})
	r, err := e.ch.Publish(context.Background(), post(photoPart("p", "https://example.org/a.jpg"), textPart("second")))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RemoteIDs) != 2 {
		t.Fatalf("receipt %v, want 2 messages", r.RemoteIDs)
	}
	calls := e.srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("sendMessage calls = %+v", calls)
	}
	if gap := calls[1].Time.Sub(calls[0].Time); gap != 13*time.Second {
		t.Errorf("resent %v after the 429, want exactly 13s", gap)
	}
	sleeps := e.clock.Sleeps()
	if len(sleeps) == 0 || sleeps[len(sleeps)-1] != 13*time.Second {
		t.Errorf("sleeps = %v, want the last to be 13s", sleeps)
	}
	if !strings.Contains(e.logs.String(), "rate limited, waiting") {
		t.Errorf("no log of the wait: %s", e.logs)
	}
}

func TestRetryAfterTooLongIsReturned(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxWait = time.Minute })
	e.srv.Inject(faketg.Fault{Method: "sendMessage", Status: 429, RetryAfter: 3600})
	_, err := e.ch.Publish(context.Background(), post(photoPart("p", "https://example.org/a.jpg"), textPart("second")))
	var se *release.SendError
	if !errors.As(err, &se) || se.Class != release.ClassRateLimited || se.RetryAfter != time.Hour || se.Done == nil || len(se.Done.RemoteIDs) != 1 {
		t.Fatalf("err = %v (%+v), want rate limited 1h with the first part done", err, se)
	}
}

func TestEdit(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	orig := post(photoPart("<b>Old</b> caption", "https://example.org/1.jpg", "https://example.org/2.jpg"), textPart("old body"))
	r, err := e.ch.Publish(ctx, orig)
	if err != nil {
		t.Fatal(err)
	}
	changed := post(photoPart("<b>New</b> caption", "https://example.org/1.jpg", "https://example.org/2.jpg"), textPart("new <i>body</i>"))
	if err := e.ch.Edit(ctx, r, changed); err != nil {
		t.Fatal(err)
	}
	msgs := e.srv.Messages(chanID)
	if msgs[0].Plain != "New caption" || msgs[0].Edits != 1 || msgs[2].Plain != "new body" || msgs[2].Edits != 1 || msgs[1].Edits != 0 {
		t.Errorf("after edit: %+v", msgs)
	}
	if n := len(e.srv.Calls("editMessageCaption")); n != 1 {
		t.Errorf("%d editMessageCaption calls, want 1", n)
	}
	// The same edit again changes nothing and is not an error.
	if err := e.ch.Edit(ctx, r, changed); err != nil {
		t.Errorf("repeated edit: %v", err)
	}
	// A post of another shape cannot be edited in place.
	err = e.ch.Edit(ctx, r, post(textPart("only one part")))
	if release.Classify(err) != release.ClassPermanent || !strings.Contains(err.Error(), "publish it anew") {
		t.Errorf("edit with other parts: %v", err)
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	r, err := e.ch.Publish(ctx, post(photoPart("p", "https://example.org/1.jpg"), textPart("a"), textPart("b")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ch.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, m := range e.srv.Messages(chanID) {
		if !m.Deleted {
			t.Errorf("message %d not deleted", m.ID)
		}
	}
	if err := e.ch.Delete(ctx, r); err != nil {
		t.Errorf("deleting again: %v, want nil (already gone)", err)
	}
	e.srv.Inject(faketg.Fault{Method: "deleteMessage", Status: 500})
	if err := e.ch.Delete(ctx, r); release.Classify(err) != release.ClassTransient {
		t.Errorf("delete with 500: %v, want transient", err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env)
		class release.ErrorClass // 0: ok
		text  string
	}{
		{name: "ok"},
		{
			name:  "bad token",
			setup: func(e *env) { e.ch.cfg.Token = "42:wrong"; e.ch, _ = New(e.ch.cfg) },
			class: release.ClassAuth, text: "Telegram token rejected (401): create a new token with @BotFather",
		},
		{
			name:  "bot not admin",
			setup: func(e *env) { e.srv.SetMember(chanID, botID(e), faketg.Member{Status: faketg.StatusMember}) },
			class: release.ClassAuth, text: "is not an administrator",
		},
		{
			name: "admin without post right",
			setup: func(e *env) {
				e.srv.SetMember(chanID, botID(e), faketg.Member{Status: faketg.StatusAdministrator, CanEditMessages: true})
			},
			class: release.ClassAuth, text: "without the right to post messages",
		},
		{
			name: "bot not in private channel",
			setup: func(e *env) {
				e.srv.AddChat(faketg.Chat{ID: chanID, Type: faketg.ChatChannel, Title: "T"})
				e.srv.SetMember(chanID, botID(e), faketg.Member{})
			},
			class: release.ClassPermanent, text: "chat not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if tt.setup != nil {
				tt.setup(e)
			}
			err := e.ch.Check(context.Background())
			if tt.class == 0 {
				if err != nil {
					t.Fatal(err)
				}
			} else if release.Classify(err) != tt.class || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("Check = %v, want %v containing %q", err, tt.class, tt.text)
			}
			if n := len(e.srv.Calls("sendMessage", "sendPhoto", "sendMediaGroup")); n != 0 {
				t.Errorf("Check posted %d messages", n)
			}
		})
	}
}

func botID(e *env) int64 {
	u, _ := e.srv.Bot(e.srv.Token())
	return u.ID
}

// TestTokenNeverInErrorsOrLogs provokes every kind of failure and checks
// that neither the token nor its secret half appears in any error text of
// the chain or in the logs.
func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	faults := []func(t *testing.T, e *env) context.Context{
		inject(faketg.Fault{Method: "sendMessage", Status: 429, RetryAfter: 2}),
		inject(faketg.Fault{Method: "sendMessage", Status: 502, RawBody: "<html>bad gateway</html>"}),
		inject(faketg.Fault{Method: "sendMessage", Drop: true}),
		inject(faketg.Fault{Method: "getChat", Drop: true}),
		hang,
		func(t *testing.T, e *env) context.Context { e.ch.cfg.BaseURL = closedURL(t); return rebuild(t, e) },
		// A URL the client cannot parse: its error quotes the URL.
		func(t *testing.T, e *env) context.Context {
			e.ch.bot.SetToken(e.srv.Token() + "\x7f")
			return context.Background()
		},
	}
	for _, f := range faults {
		e := newEnv(t, func(c *Config) { c.ChatID = "-1001234567890" })
		e.ch.mu.Lock()
		e.ch.resolved = false
		e.ch.mu.Unlock()
		ctx := f(t, e)
		// A dropped getChat only costs the receipt its link: err may be nil.
		_, err := e.ch.Publish(ctx, post(textPart("a")))
		checkNoToken(t, err, e.logs.String(), e.srv.Token())
		checkNoToken(t, e.ch.Check(context.Background()), e.logs.String(), e.srv.Token())
	}
}

func checkNoToken(t *testing.T, err error, logs, token string) {
	t.Helper()
	_, secret, _ := strings.Cut(token, ":")
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), secret) {
			t.Errorf("token in error: %q", e.Error())
		}
	}
	if strings.Contains(logs, secret) {
		t.Errorf("token in logs: %s", logs)
	}
}

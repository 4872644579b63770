package faketg

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const groupID = -1009876543210

var officer = User{ID: 501, FirstName: "Dilnoza", Username: "dilnoza"}

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts a url-encoded or JSON call and decodes the answer.
func call(t *testing.T, s *Server, token, method, contentType, body string) (int, answer) {
	t.Helper()
	resp, err := http.Post(s.URL+"/bot"+token+"/"+method, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatalf("%s: answer %q is not JSON: %v", method, data, err)
	}
	return resp.StatusCode, a
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func newGroup(t *testing.T, opts ...Option) *Server {
	s := New(t, opts...)
	s.AddChat(Chat{ID: groupID, Type: ChatSupergroup, Title: "Press officers"})
	s.AddAdmin(groupID, s.Token())
	s.SetMember(groupID, officer.ID, Member{Status: StatusMember})
	return s
}

func TestWireFormats(t *testing.T) {
	s := newGroup(t)
	const urlenc = "application/x-www-form-urlencoded"
	tests := []struct {
		name, token, method, ct, body string
		status                        int
		desc                          string
	}{
		{"unknown token", "1:nope", "getMe", urlenc, "", 401, "Unauthorized"},
		{"unknown method", s.Token(), "sendTelepathy", urlenc, "", 404, "Not Found"},
		{"form", s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", "<b>hi</b>", "parse_mode", "HTML"), 200, ""},
		{"json", s.Token(), "sendMessage", "application/json", `{"chat_id":-1009876543210,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"OK","callback_data":"ok"}]]}}`, 200, ""},
		{"bad html", s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", "<p>x</p>", "parse_mode", "HTML"), 400, `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 0`},
		{"too long", s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", strings.Repeat("👍", 2049)), 400, "Bad Request: message is too long"},
		{"4096 UTF-16 units fit", s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", strings.Repeat("👍", 2048)), 200, ""},
		{"empty", s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", "<b> </b>", "parse_mode", "HTML"), 400, "Bad Request: message text is empty"},
		{"callback data too long", s.Token(), "sendMessage", "application/json", `{"chat_id":-1009876543210,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"OK","callback_data":"` + strings.Repeat("a", 65) + `"}]]}}`, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"unknown chat", s.Token(), "sendMessage", urlenc, form("chat_id", "@nowhere", "text", "x"), 400, "Bad Request: chat not found"},
		{"private chat not started", s.Token(), "getChat", urlenc, form("chat_id", "501"), 400, "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, a := call(t, s, tt.token, tt.method, tt.ct, tt.body)
			if status != tt.status || a.OK != (tt.status == 200) || (tt.status != 200 && (a.ErrorCode != tt.status || a.Description != tt.desc)) {
				t.Errorf("answer %d %+v, want %d %q", status, a, tt.status, tt.desc)
			}
		})
	}
	calls := s.Calls("sendMessage")
	if len(calls) == 0 || calls[0].Text != "<b>hi</b>" || calls[0].ParseMode != "HTML" || calls[0].ChatID != "-1009876543210" {
		t.Errorf("recorded %+v", calls)
	}
	if m, _ := s.Message(groupID, 2); !strings.Contains(m.ReplyMarkup, `"callback_data":"ok"`) {
		t.Errorf("JSON reply_markup not kept: %+v", m)
	}
}

func TestFaultsAndFloodLimits(t *testing.T) {
	clock := NewManualClock(time.Unix(1_700_000_000, 0))
	s := newGroup(t, WithClock(clock), WithFloodLimits(20, time.Second))
	send := func() (int, answer) {
		return call(t, s, s.Token(), "sendMessage", "application/x-www-form-urlencoded", form("chat_id", "-1009876543210", "text", "x"))
	}
	s.Inject(Fault{Method: "sendMessage", Status: 429, RetryAfter: 9}, Fault{Method: "sendMessage", Status: 502})
	if st, a := send(); st != 429 || a.Parameters.RetryAfter != 9 {
		t.Errorf("injected 429: %d %+v", st, a)
	}
	if st, _ := send(); st != 502 {
		t.Errorf("injected 502: %d", st)
	}
	if st, _ := send(); st != 200 {
		t.Fatalf("send: %d", st)
	}
	if st, a := send(); st != 429 || a.Parameters.RetryAfter != 1 {
		t.Errorf("second send in the same second: %d %+v, want 429 retry 1", st, a)
	}
	for range 19 {
		clock.Advance(time.Second)
		if st, a := send(); st != 200 {
			t.Fatalf("paced send: %d %+v", st, a)
		}
	}
	clock.Advance(time.Second)
	// 20 sends in the last 20 s: the next fits when the first is 60 s old.
	if st, a := send(); st != 429 || a.Parameters.RetryAfter != 40 {
		t.Errorf("21st send in a minute: %d %+v, want 429 retry 40", st, a)
	}
	clock.Advance(40 * time.Second)
	if st, _ := send(); st != 200 {
		t.Errorf("after the wait: %d", st)
	}
}

func TestDroppedConnectionProcessesTheCall(t *testing.T) {
	s := newGroup(t)
	s.Inject(Fault{Method: "sendMessage", Drop: true})
	_, err := http.Post(s.URL+"/bot"+s.Token()+"/sendMessage", "application/x-www-form-urlencoded",
		strings.NewReader(form("chat_id", "-1009876543210", "text", "maybe")))
	if err == nil {
		t.Fatal("no error for a dropped connection")
	}
	if msgs := s.Messages(groupID); len(msgs) != 1 || msgs[0].Plain != "maybe" {
		t.Errorf("messages = %+v, want the dropped call processed", msgs)
	}
	if c := s.Calls("sendMessage"); len(c) != 1 || c[0].Status != 0 {
		t.Errorf("calls = %+v, want status 0", c)
	}
}

func TestEditRules(t *testing.T) {
	s := newGroup(t)
	const urlenc = "application/x-www-form-urlencoded"
	kb := `{"inline_keyboard":[[{"text":"Approve","callback_data":"a:1"}]]}`
	call(t, s, s.Token(), "sendMessage", urlenc, form("chat_id", "-1009876543210", "text", "v1", "reply_markup", kb))
	tests := []struct {
		method string
		kv     []string
		status int
		desc   string
	}{
		{"editMessageText", []string{"message_id", "1", "text", "v1", "reply_markup", kb}, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"},
		{"editMessageText", []string{"message_id", "1", "text", "v2", "reply_markup", kb}, 200, ""},
		{"editMessageReplyMarkup", []string{"message_id", "1"}, 200, ""}, // removes the keyboard
		{"editMessageCaption", []string{"message_id", "1", "caption", "c"}, 400, "Bad Request: there is no caption in the message to edit"},
		{"editMessageText", []string{"message_id", "9", "text", "x"}, 400, "Bad Request: message to edit not found"},
		{"deleteMessage", []string{"message_id", "1"}, 200, ""},
		{"deleteMessage", []string{"message_id", "1"}, 400, "Bad Request: message to delete not found"},
	}
	for _, tt := range tests {
		status, a := call(t, s, s.Token(), tt.method, urlenc, form(append([]string{"chat_id", "-1009876543210"}, tt.kv...)...))
		if status != tt.status || (status != 200 && a.Description != tt.desc) {
			t.Errorf("%s %v: %d %q, want %d %q", tt.method, tt.kv, status, a.Description, tt.status, tt.desc)
		}
	}
	m, _ := s.Message(groupID, 1)
	if m.Plain != "v2" || m.ReplyMarkup != "" || m.Edits != 2 || !m.Deleted {
		t.Errorf("message = %+v", m)
	}
}

// TestRealBotLongPolling drives go-telegram/bot's long polling against the
// fake: an injected command and a button tap reach the handlers, which
// answer; the fake records the answers.
func TestRealBotLongPolling(t *testing.T) {
	s := newGroup(t)
	var mu sync.Mutex
	var got []string
	done := make(chan struct{}, 2)
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL), bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 5 * time.Second}),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
		bot.WithMessageTextHandler("status", bot.MatchTypeCommand, func(ctx context.Context, b *bot.Bot, u *models.Update) {
			mu.Lock()
			got = append(got, "command from "+u.Message.From.Username)
			mu.Unlock()
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "queue empty",
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Refresh", CallbackData: "refresh"}}}}})
			done <- struct{}{}
		}),
		bot.WithCallbackQueryDataHandler("refresh", bot.MatchTypeExact, func(ctx context.Context, b *bot.Bot, u *models.Update) {
			mu.Lock()
			got = append(got, "tap "+u.CallbackQuery.Data+" by "+u.CallbackQuery.From.Username+" on "+u.CallbackQuery.Message.Message.Text)
			mu.Unlock()
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID, Text: "refreshed"})
			done <- struct{}{}
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { b.Start(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	s.InjectMessage(UserMessage{From: officer, ChatID: groupID, Text: "/status"})
	wait(t, done)
	msgs := s.Messages(groupID)
	reply := msgs[len(msgs)-1]
	if reply.Plain != "queue empty" {
		t.Fatalf("bot answered %+v", reply)
	}
	if _, err := s.Tap(officer, groupID, reply.ID, "approve"); err == nil {
		t.Error("Tap on a button that does not exist succeeded")
	}
	id, err := s.TapText(officer, groupID, reply.ID, "Refresh")
	if err != nil {
		t.Fatal(err)
	}
	wait(t, done)
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if _, err := s.WaitCalls(wctx, "answerCallbackQuery", 1); err != nil {
		t.Fatal(err)
	}
	if a, ok := s.CallbackAnswer(id); !ok || a.Text != "refreshed" {
		t.Errorf("callback answer = %+v, %v", a, ok)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"command from dilnoza", "tap refresh by dilnoza on queue empty"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handlers saw %q, want %q", got, want)
	}
}

func wait(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("handler not called within 10s")
	}
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	s := newGroup(t)
	const urlenc = "application/x-www-form-urlencoded"
	for _, txt := range []string{"one", "two", "three"} {
		s.InjectMessage(UserMessage{From: officer, ChatID: groupID, Text: txt})
	}
	ids := func(a answer) []int64 {
		var ups []struct {
			ID int64 `json:"update_id"`
		}
		_ = json.Unmarshal(a.Result, &ups)
		var out []int64
		for _, u := range ups {
			out = append(out, u.ID)
		}
		return out
	}
	if _, a := call(t, s, s.Token(), "getUpdates", urlenc, form("limit", "2")); len(ids(a)) != 2 || ids(a)[0] != 1 {
		t.Errorf("limit 2: %v", ids(a))
	}
	if _, a := call(t, s, s.Token(), "getUpdates", urlenc, form("offset", "3")); len(ids(a)) != 1 || ids(a)[0] != 3 {
		t.Errorf("offset 3: %v", ids(a))
	}
	if _, a := call(t, s, s.Token(), "getUpdates", urlenc, form("offset", "1")); len(ids(a)) != 1 {
		t.Errorf("confirmed updates came back: %v", ids(a))
	}
	// A webhook excludes getUpdates, as on Telegram.
	call(t, s, s.Token(), "setWebhook", urlenc, form("url", "http://127.0.0.1:1/hook", "secret_token", "s3"))
	if st, a := call(t, s, s.Token(), "getUpdates", urlenc, ""); st != 409 || !strings.HasPrefix(a.Description, "Conflict:") {
		t.Errorf("getUpdates with a webhook: %d %+v", st, a)
	}
	if u, sec := s.Webhook(s.Token()); u != "http://127.0.0.1:1/hook" || sec != "s3" {
		t.Errorf("webhook = %q %q", u, sec)
	}
}

func TestDeliverWebhook(t *testing.T) {
	s := newGroup(t)
	var secrets []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	}))
	defer hook.Close()
	call(t, s, s.Token(), "setWebhook", "application/x-www-form-urlencoded", form("url", hook.URL, "secret_token", "sesame"))
	s.InjectMessage(UserMessage{From: officer, ChatID: groupID, Text: "/help"})
	s.InjectMessage(UserMessage{From: officer, ChatID: groupID, Text: "/queue"})
	n, err := s.DeliverWebhook(context.Background(), s.Token())
	if err != nil || n != 2 || strings.Join(secrets, ",") != "sesame,sesame" {
		t.Errorf("delivered %d, %v, secrets %v", n, err, secrets)
	}
	if _, a := call(t, s, s.Token(), "getWebhookInfo", "application/json", ""); !strings.Contains(string(a.Result), `"pending_update_count":0`) {
		t.Errorf("webhook info %s", a.Result)
	}
}

func TestHookDecidesFaults(t *testing.T) {
	s := newGroup(t)
	var seen []string
	var mu sync.Mutex
	s.SetHook(func(c Call) (Fault, bool) {
		mu.Lock()
		seen = append(seen, c.Text)
		mu.Unlock()
		if c.Text == "fail" {
			return Fault{Status: 502}, true
		}
		return Fault{}, false
	})
	s.Inject(Fault{Method: "sendMessage", Status: 429, RetryAfter: 3})
	send := func(text string) int {
		st, _ := call(t, s, s.Token(), "sendMessage", "application/x-www-form-urlencoded", form("chat_id", "-1009876543210", "text", text))
		return st
	}
	if st := send("fail"); st != 429 {
		t.Errorf("injected fault first: %d, want 429", st)
	}
	if st := send("fail"); st != 502 {
		t.Errorf("hook's fault: %d, want 502", st)
	}
	if st := send("ok"); st != 200 {
		t.Errorf("hook without fault: %d, want 200", st)
	}
	if len(seen) != 2 || seen[0] != "fail" || seen[1] != "ok" {
		t.Errorf("hook saw %q, want the calls no injected fault matched", seen)
	}
	if msgs := s.Messages(groupID); len(msgs) != 1 {
		t.Errorf("%d messages, want only the one not failed", len(msgs))
	}
}

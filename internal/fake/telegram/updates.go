package faketg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// maxPoll caps a getUpdates long poll on the fake.
const maxPoll = 50 * time.Second

// getUpdates implements https://core.telegram.org/bots/api#getupdates:
// offset confirms earlier updates, limit caps the answer (1–100, default
// 100), and timeout (seconds, wall clock) waits for an update to arrive.
func (s *Server) getUpdates(hr *http.Request, r *request) (any, *apiError) {
	offset, _ := r.int64("offset")
	limit, ok := r.int64("limit")
	if !ok || limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := r.int64("timeout")
	wait := min(time.Duration(timeout)*time.Second, maxPoll)
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
	for {
		s.mu.Lock()
		b := r.bot
		if b.webhook.URL != "" {
			s.mu.Unlock()
			return nil, &apiError{Code: 409, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > 0 {
			b.confirm(offset)
		}
		n := min(int(limit), len(b.updates))
		out := append([]map[string]any{}, b.updates[:n]...)
		notify := b.notify
		s.mu.Unlock()
		if len(out) > 0 || deadline == nil {
			return out, nil
		}
		select {
		case <-notify:
		case <-deadline:
			return []any{}, nil
		case <-hr.Context().Done():
			return []any{}, nil
		case <-s.closed:
			return []any{}, nil
		}
	}
}

// confirm forgets updates with ids below offset. Caller holds s.mu.
func (b *botState) confirm(offset int64) {
	i := 0
	for i < len(b.updates) && b.updates[i]["update_id"].(int64) < offset {
		i++
	}
	b.updates = b.updates[i:]
}

// push queues an update for the bot. Caller holds s.mu.
func (b *botState) push(kind string, payload any) int64 {
	b.nextUpdate++
	b.updates = append(b.updates, map[string]any{"update_id": b.nextUpdate, kind: payload})
	close(b.notify)
	b.notify = make(chan struct{})
	return b.nextUpdate
}

// UserMessage is a message a user writes, for InjectMessage.
type UserMessage struct {
	From   User
	ChatID int64 // the chat; a private chat's id is the user's id
	Text   string
	// ReplyTo is the id of the message replied to (0: none).
	ReplyTo int
}

// InjectMessage stores a message from a user in a chat and delivers it,
// as an update, to every bot that is a member of that chat (for a private
// chat, the bots the user has started: SetMember(userID, botID, …)). It
// returns the stored message; it panics if the chat does not exist.
func (s *Server) InjectMessage(um UserMessage) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[um.From.ID] = um.From
	cs := s.chats[um.ChatID]
	if cs == nil {
		panic(fmt.Sprintf("faketg: InjectMessage to unknown chat %d", um.ChatID))
	}
	m := &Message{FromID: um.From.ID, Text: um.Text, Plain: um.Text, ReplyTo: um.ReplyTo}
	s.store(cs, m)
	w := m.wire(cs.chat, um.From.wire())
	if rt := cs.messages[um.ReplyTo]; rt != nil {
		w["reply_to_message"] = rt.wire(cs.chat, s.users[rt.FromID].wire())
	}
	for _, b := range s.bots {
		if cs.members[b.user.ID].present() {
			b.push("message", w)
		}
	}
	return *m
}

// Tap makes user from press the inline button with callback data data on a
// message in chatID, as Telegram does: it fails unless the message exists
// and its current reply markup has such a button. The callback query goes
// to the bot that sent the message; Tap returns its id.
func (s *Server) Tap(from User, chatID int64, messageID int, data string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.tapTarget(chatID, messageID)
	if err != nil {
		return "", err
	}
	if !hasButton(m.ReplyMarkup, data) {
		return "", fmt.Errorf("faketg: message %d in chat %d has no button with callback data %q", messageID, chatID, data)
	}
	return s.callback(from, m, data), nil
}

// TapText is Tap for the button whose label is text.
func (s *Server) TapText(from User, chatID int64, messageID int, text string) (string, error) {
	s.mu.Lock()
	m, err := s.tapTarget(chatID, messageID)
	var data string
	if err == nil {
		data = buttonData(m.ReplyMarkup, text)
	}
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	if data == "" {
		return "", fmt.Errorf("faketg: message %d in chat %d has no callback button labelled %q", messageID, chatID, text)
	}
	return s.Tap(from, chatID, messageID, data)
}

// InjectCallback delivers a callback query with any data for a message,
// whether or not it has such a button (a forged or stale tap).
func (s *Server) InjectCallback(from User, chatID int64, messageID int, data string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.tapTarget(chatID, messageID)
	if err != nil {
		return "", err
	}
	return s.callback(from, m, data), nil
}

func (s *Server) tapTarget(chatID int64, messageID int) (*Message, error) {
	cs := s.chats[chatID]
	if cs == nil || cs.messages[messageID] == nil || cs.messages[messageID].Deleted {
		return nil, fmt.Errorf("faketg: no message %d in chat %d", messageID, chatID)
	}
	return cs.messages[messageID], nil
}

// callback queues the callback query update. Caller holds s.mu.
func (s *Server) callback(from User, m *Message, data string) string {
	s.users[from.ID] = from
	s.nextCB++
	id := "cb" + strconv.Itoa(s.nextCB)
	var bot *botState
	for _, b := range s.bots {
		if b.user.ID == m.FromID {
			bot = b
		}
	}
	if bot == nil {
		panic(fmt.Sprintf("faketg: message %d was not sent by a bot", m.ID))
	}
	cs := s.chats[m.ChatID]
	s.callbacks[id] = &callbackState{botToken: bot.token}
	bot.push("callback_query", map[string]any{
		"id":            id,
		"from":          from.wire(),
		"message":       m.wire(cs.chat, bot.user.wire()),
		"chat_instance": strconv.FormatInt(m.ChatID, 10),
		"data":          data,
	})
	return id
}

type markup struct {
	InlineKeyboard [][]struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data"`
	} `json:"inline_keyboard"`
}

func hasButton(raw, data string) bool {
	var mk markup
	_ = json.Unmarshal([]byte(raw), &mk)
	for _, row := range mk.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != "" && b.CallbackData == data {
				return true
			}
		}
	}
	return false
}

func buttonData(raw, text string) string {
	var mk markup
	_ = json.Unmarshal([]byte(raw), &mk)
	for _, row := range mk.InlineKeyboard {
		for _, b := range row {
			if b.Text == text {
				return b.CallbackData
			}
		}
	}
	return ""
}

// answerCallback implements https://core.telegram.org/bots/api#answercallbackquery.
// A query is answered once, by the bot that received it.
func (s *Server) answerCallback(r *request) (any, *apiError) {
	cb := s.callbacks[r.str("callback_query_id")]
	if cb == nil || cb.answered || cb.botToken != r.bot.token {
		return nil, errBadRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	cb.answer = CallbackAnswer{Text: r.str("text"), ShowAlert: r.str("show_alert") == "true", URL: r.str("url")}
	return true, nil
}

// CallbackAnswer returns the answer to callback query id, if answered.
func (s *Server) CallbackAnswer(id string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[id]
	if cb == nil || !cb.answered {
		return CallbackAnswer{}, false
	}
	return cb.answer, true
}

// setWebhook implements https://core.telegram.org/bots/api#setwebhook. The
// fake accepts any URL (tests use http://127.0.0.1).
func (s *Server) setWebhook(r *request) (any, *apiError) {
	if r.str("url") == "" {
		return s.deleteWebhook(r)
	}
	r.bot.webhook = webhook{URL: r.str("url"), Secret: r.str("secret_token")}
	if r.str("drop_pending_updates") == "true" {
		r.bot.updates = nil
	}
	return true, nil
}

// deleteWebhook implements https://core.telegram.org/bots/api#deletewebhook.
func (s *Server) deleteWebhook(r *request) (any, *apiError) {
	r.bot.webhook = webhook{}
	if r.str("drop_pending_updates") == "true" {
		r.bot.updates = nil
	}
	return true, nil
}

// webhookInfo implements https://core.telegram.org/bots/api#getwebhookinfo.
func (s *Server) webhookInfo(r *request) any {
	return map[string]any{
		"url":                    r.bot.webhook.URL,
		"has_custom_certificate": false,
		"pending_update_count":   len(r.bot.updates),
	}
}

// DeliverWebhook posts the pending updates of the bot with token to its
// webhook, in order, with the X-Telegram-Bot-Api-Secret-Token header, as
// Telegram does. An update answered 2xx is removed; delivery stops at the
// first other answer. It returns how many were delivered.
func (s *Server) DeliverWebhook(ctx context.Context, token string) (int, error) {
	delivered := 0
	for {
		s.mu.Lock()
		b := s.bots[token]
		if b == nil || b.webhook.URL == "" {
			s.mu.Unlock()
			return delivered, fmt.Errorf("faketg: bot has no webhook")
		}
		if len(b.updates) == 0 {
			s.mu.Unlock()
			return delivered, nil
		}
		upd, hook := b.updates[0], b.webhook
		s.mu.Unlock()
		if err := postUpdate(ctx, hook, upd); err != nil {
			return delivered, err
		}
		s.mu.Lock()
		b.confirm(upd["update_id"].(int64) + 1)
		s.mu.Unlock()
		delivered++
	}
}

func postUpdate(ctx context.Context, hook webhook, upd map[string]any) error {
	body, _ := json.Marshal(upd)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("faketg: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.Secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook.Secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("faketg: webhook: %w", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("faketg: webhook answered %s", resp.Status)
	}
	return nil
}

// flood applies the per-chat limits to a send of n messages and records it.
// Caller holds s.mu.
func (s *Server) flood(cs *chatState, n int) *apiError {
	now := s.clock.Now()
	if s.perMinute > 0 {
		if !cs.lastSend.IsZero() && now.Sub(cs.lastSend) < s.minInterval {
			return errTooMany(cs.lastSend.Add(s.minInterval).Sub(now))
		}
		first := 0
		for first < len(cs.sends) && !cs.sends[first].After(now.Add(-time.Minute)) {
			first++
		}
		cs.sends = cs.sends[first:]
		// The send fits once the over-th oldest send leaves the window.
		if over := min(len(cs.sends)+n-s.perMinute, len(cs.sends)); over > 0 {
			return errTooMany(cs.sends[over-1].Add(time.Minute).Sub(now))
		}
	}
	for range n {
		cs.sends = append(cs.sends, now)
	}
	cs.lastSend = now
	return nil
}

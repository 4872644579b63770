package faketg

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/fake/fault"
)

// User is a Telegram user or bot.
type User struct {
	ID        int64
	IsBot     bool
	FirstName string
	Username  string
}

func (u User) wire() map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.Username != "" {
		m["username"] = u.Username
	}
	return m
}

// Chat types of the Bot API.
const (
	ChatPrivate    = "private"
	ChatGroup      = "group"
	ChatSupergroup = "supergroup"
	ChatChannel    = "channel"
)

// Chat is a chat on the fake: a channel, a group or a private chat (whose
// ID is the user's ID).
type Chat struct {
	ID       int64
	Type     string
	Title    string
	Username string // public @username without '@'; "" for a private chat
}

func (c Chat) wire() map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	}
	if c.Username != "" {
		m["username"] = c.Username
	}
	return m
}

// Member statuses of the Bot API (https://core.telegram.org/bots/api#chatmember).
const (
	StatusCreator       = "creator"
	StatusAdministrator = "administrator"
	StatusMember        = "member"
	StatusRestricted    = "restricted"
	StatusLeft          = "left"
	StatusKicked        = "kicked"
)

// Member is a user's or bot's membership of a chat.
type Member struct {
	Status            string
	CanPostMessages   bool
	CanEditMessages   bool
	CanDeleteMessages bool
}

func (m Member) present() bool {
	switch m.Status {
	case StatusCreator, StatusAdministrator, StatusMember, StatusRestricted:
		return true
	}
	return false
}

// Message is a message as the fake holds it.
type Message struct {
	ID     int
	ChatID int64
	// FromID is the sender: a bot's or user's id.
	FromID int64
	// Text is the text or caption exactly as sent (HTML source for
	// parse_mode=HTML); Plain is what Telegram would display.
	Text      string
	Plain     string
	ParseMode string
	// Photo is the photo URL or file id sent, or "upload:<field>" for an
	// uploaded file; "" for a text message.
	Photo        string
	MediaGroupID string
	// ReplyMarkup is the reply_markup JSON as last set ("" for none).
	ReplyMarkup string
	// LinkPreview is the link_preview_options JSON as sent.
	LinkPreview string
	ReplyTo     int
	Date        time.Time
	EditDate    time.Time
	Edits       int
	Deleted     bool
}

func (m *Message) wire(chat Chat, from map[string]any) map[string]any {
	w := map[string]any{"message_id": m.ID, "date": m.Date.Unix(), "chat": chat.wire()}
	if chat.Type == ChatChannel {
		w["sender_chat"] = chat.wire()
	} else if from != nil {
		w["from"] = from
	}
	if m.Photo != "" {
		w["photo"] = []map[string]any{{"file_id": "photo-" + m.Photo, "file_unique_id": strconv.Itoa(m.ID), "width": 1280, "height": 720}}
		if m.Plain != "" {
			w["caption"] = m.Plain
		}
	} else {
		w["text"] = m.Plain
		if ents := commandEntities(m.Plain); len(ents) > 0 && m.FromID > 0 {
			w["entities"] = ents
		}
	}
	if m.MediaGroupID != "" {
		w["media_group_id"] = m.MediaGroupID
	}
	if m.ReplyMarkup != "" {
		w["reply_markup"] = json.RawMessage(m.ReplyMarkup)
	}
	if !m.EditDate.IsZero() {
		w["edit_date"] = m.EditDate.Unix()
	}
	return w
}

// commandEntities returns bot_command entities for "/cmd" words, so that
// clients that match commands by entity see them.
func commandEntities(text string) []map[string]any {
	var ents []map[string]any
	off := 0
	for i, word := range strings.Split(text, " ") {
		if i > 0 {
			off++ // the space
		}
		if strings.HasPrefix(word, "/") && len(word) > 1 {
			ents = append(ents, map[string]any{"type": "bot_command", "offset": off, "length": UTF16Len(word)})
		}
		off += UTF16Len(word)
	}
	return ents
}

// Call is one API call the fake received.
type Call struct {
	Method string
	// BotID is the calling bot's id (0 for an unknown token).
	BotID int64
	// ChatID and MessageID are the chat_id and message_id parameters.
	ChatID    string
	MessageID int
	// Text is the text or caption parameter as sent.
	Text        string
	ParseMode   string
	ReplyMarkup string
	// Params holds every parameter; JSON values as their JSON text.
	Params map[string]string
	// Time is the server clock when the call arrived.
	Time time.Time
	// Status is the HTTP status answered; 0 when the connection was
	// dropped. Description is the error description, if any.
	Status      int
	Description string
	// MessageIDs are the ids of messages the call created or changed.
	MessageIDs []int
}

func (c *Call) fill(p map[string]string) {
	c.MessageID, _ = strconv.Atoi(p["message_id"])
	c.Text = p["text"]
	if c.Text == "" {
		c.Text = p["caption"]
	}
	c.ParseMode = p["parse_mode"]
	c.ReplyMarkup = p["reply_markup"]
}

// Fault is a one-time misbehaviour for the next call of Method ("" for any
// method). Status answers an error without processing the call; Drop, Hang
// and Delay process the call first (the message exists) and then close the
// connection, never answer until the client gives up, or answer late.
type Fault struct {
	Method      string
	Status      int
	Description string
	RetryAfter  int
	// RawBody replaces the JSON answer (e.g. a proxy's HTML 502 page).
	RawBody string
	Drop    bool
	Hang    bool
	Delay   time.Duration
}

func (f Fault) description() string {
	if f.Description != "" {
		return f.Description
	}
	switch f.Status {
	case 429:
		return "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
	case 500:
		return "Internal Server Error"
	case 502:
		return "Bad Gateway"
	}
	return "Error " + strconv.Itoa(f.Status)
}

type botState struct {
	token      string
	user       User
	updates    []map[string]any // pending, in order
	nextUpdate int64
	notify     chan struct{} // closed and replaced when an update arrives
	webhook    webhook
}

type webhook struct {
	URL    string
	Secret string
}

type chatState struct {
	chat     Chat
	members  map[int64]Member
	messages map[int]*Message
	nextID   int
	sends    []time.Time // one entry per message sent, for flood limits
	lastSend time.Time
}

type callbackState struct {
	botToken string
	answered bool
	answer   CallbackAnswer
}

// CallbackAnswer is what a bot answered to a callback query.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

// AddBot registers a bot with token ("<id>:<secret>") and username and
// returns its user.
func (s *Server) AddBot(token, username string) User {
	id, _ := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	u := User{ID: id, IsBot: true, FirstName: username, Username: username}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[token] = &botState{token: token, user: u, notify: make(chan struct{})}
	s.users[id] = u
	return u
}

// Bot returns the user of the bot with token.
func (s *Server) Bot(token string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bots[token]
	if !ok {
		return User{}, false
	}
	return b.user, true
}

// AddUser makes a user known (getChatMember answers with its name).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChat creates or replaces a chat (keeping its members and messages).
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[c.ID]
	if cs == nil {
		cs = &chatState{members: map[int64]Member{}, messages: map[int]*Message{}}
		s.chats[c.ID] = cs
	}
	if cs.chat.Username != "" {
		delete(s.usernames, strings.ToLower(cs.chat.Username))
	}
	cs.chat = c
	if c.Username != "" {
		s.usernames[strings.ToLower(c.Username)] = c.ID
	}
}

// SetMember sets the membership of user (or bot) userID in chat chatID.
func (s *Server) SetMember(chatID, userID int64, m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		cs.members[userID] = m
	}
}

// AddAdmin makes the bot with token an administrator of chatID allowed to
// post, edit and delete messages.
func (s *Server) AddAdmin(chatID int64, token string) {
	u, _ := s.Bot(token)
	s.SetMember(chatID, u.ID, Member{Status: StatusAdministrator, CanPostMessages: true, CanEditMessages: true, CanDeleteMessages: true})
}

// Inject queues faults; each applies once, to the next matching call.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// SetHook makes the server ask hook about every call that no injected
// fault matches: hook returns a fault to apply, or false to answer
// normally. A soak test draws random faults this way. The hook is called
// without the server's lock held (it may call the server) and concurrently
// for concurrent calls. Nil removes it.
func (s *Server) SetHook(hook func(Call) (Fault, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// takeFault returns the first injected fault for call's method, removing
// it, else asks the hook.
func (s *Server) takeFault(call Call) Fault {
	s.mu.Lock()
	f, ok := fault.Take(&s.faults, func(f *Fault) bool {
		return f.Method == "" || strings.EqualFold(f.Method, call.Method)
	}, nil)
	hook := s.hook
	s.mu.Unlock()
	if !ok && hook != nil {
		f, _ = hook(call)
	}
	return f
}

// Calls returns the calls received so far, optionally only those of the
// given methods (case-insensitive).
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || containsFold(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method (case-insensitive; ""
// for any) have been received, and returns them. It fails when ctx ends.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	for {
		s.mu.Lock()
		var got []Call
		for _, c := range s.calls {
			if method == "" || strings.EqualFold(method, c.Method) {
				got = append(got, c)
			}
		}
		ch := s.called
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return got, fmt.Errorf("faketg: waiting for %d %s calls, got %d: %w", n, method, len(got), ctx.Err())
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Messages returns the messages of chatID in order, deleted ones included
// (see Message.Deleted).
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil {
		return nil
	}
	out := make([]Message, 0, len(cs.messages))
	for id := 1; id <= cs.nextID; id++ {
		if m := cs.messages[id]; m != nil {
			out = append(out, *m)
		}
	}
	return out
}

// Message returns one message of chatID.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		if m := cs.messages[id]; m != nil {
			return *m, true
		}
	}
	return Message{}, false
}

// Webhook returns the webhook URL and secret set by the bot with token.
func (s *Server) Webhook(token string) (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.bots[token]; b != nil {
		return b.webhook.URL, b.webhook.Secret
	}
	return "", ""
}

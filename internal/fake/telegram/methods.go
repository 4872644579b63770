package faketg

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// dispatch runs one call. getUpdates may wait without holding the lock;
// every other method runs under it.
func (s *Server) dispatch(hr *http.Request, r *request, call *Call) (any, *apiError) {
	if r.method == "getupdates" {
		return s.getUpdates(hr, r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.method {
	case "getme":
		return r.bot.user.wire(), nil
	case "getchat":
		return s.getChat(r)
	case "getchatmember":
		return s.getChatMember(r)
	case "sendmessage", "sendphoto":
		return s.sendOne(r, call)
	case "sendmediagroup":
		return s.sendMediaGroup(r, call)
	case "editmessagetext", "editmessagecaption", "editmessagereplymarkup":
		return s.edit(r, call)
	case "deletemessage":
		return s.deleteMessage(r, call)
	case "answercallbackquery":
		return s.answerCallback(r)
	case "setwebhook":
		return s.setWebhook(r)
	case "deletewebhook":
		return s.deleteWebhook(r)
	case "getwebhookinfo":
		return s.webhookInfo(r), nil
	}
	return nil, &apiError{Code: 404, Description: "Not Found"}
}

// chat resolves chat_id (numeric or @username). Caller holds s.mu.
func (s *Server) chat(r *request) (*chatState, *apiError) {
	raw := strings.TrimSpace(r.str("chat_id"))
	if raw == "" {
		return nil, errBadRequest("chat_id is empty")
	}
	var id int64
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		id = s.usernames[strings.ToLower(name)]
	} else if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
		id = v
	}
	cs := s.chats[id]
	if cs == nil {
		return nil, errBadRequest("chat not found")
	}
	return cs, nil
}

// getChat implements https://core.telegram.org/bots/api#getchat. A chat
// without a public username is found only by its members.
func (s *Server) getChat(r *request) (any, *apiError) {
	cs, ae := s.chat(r)
	if ae != nil {
		return nil, ae
	}
	if cs.chat.Username == "" && !cs.members[r.bot.user.ID].present() {
		return nil, errBadRequest("chat not found")
	}
	w := cs.chat.wire()
	w["max_reaction_count"] = 11
	w["accent_color_id"] = 0
	return w, nil
}

// getChatMember implements https://core.telegram.org/bots/api#getchatmember.
func (s *Server) getChatMember(r *request) (any, *apiError) {
	cs, ae := s.chat(r)
	if ae != nil {
		return nil, ae
	}
	uid, ok := r.int64("user_id")
	if !ok {
		return nil, errBadRequest("invalid user_id specified")
	}
	u, known := s.users[uid]
	if !known {
		u = User{ID: uid, FirstName: "User " + strconv.FormatInt(uid, 10)}
	}
	m := cs.members[uid]
	if m.Status == "" {
		m.Status = StatusLeft
	}
	w := map[string]any{"status": m.Status, "user": u.wire()}
	switch m.Status {
	case StatusCreator:
		w["is_anonymous"] = false
	case StatusAdministrator:
		w["can_be_edited"] = false
		w["is_anonymous"] = false
		w["can_manage_chat"] = true
		w["can_delete_messages"] = m.CanDeleteMessages
		if cs.chat.Type == ChatChannel {
			w["can_post_messages"] = m.CanPostMessages
			w["can_edit_messages"] = m.CanEditMessages
		}
	}
	return w, nil
}

// canSend applies the membership rules of sending to a chat.
func (s *Server) canSend(cs *chatState, bot User) *apiError {
	m := cs.members[bot.ID]
	switch cs.chat.Type {
	case ChatChannel:
		switch {
		case m.Status == StatusCreator, m.Status == StatusAdministrator && m.CanPostMessages:
			return nil
		case m.Status == StatusAdministrator, m.Status == StatusMember:
			return errBadRequest("need administrator rights in the channel chat")
		}
		return errForbidden("bot is not a member of the channel chat")
	case ChatPrivate:
		switch {
		case m.Status == StatusKicked:
			return errForbidden("bot was blocked by the user")
		case !m.present():
			return errForbidden("bot can't initiate conversation with a user")
		}
		return nil
	}
	switch {
	case m.Status == StatusKicked:
		return errForbidden("bot was kicked from the " + cs.chat.Type + " chat")
	case !m.present():
		return errForbidden("bot is not a member of the " + cs.chat.Type + " chat")
	}
	return nil
}

// parseText checks text in parse_mode and a length limit, returning the
// plain text shown.
func parseText(text, parseMode string, limit int, what string) (string, *apiError) {
	if !utf8.ValidString(text) {
		return "", errBadRequest("%s must be encoded in UTF-8", what)
	}
	plain := text
	if strings.EqualFold(parseMode, "HTML") {
		p, err := ParseHTML(text)
		if err != nil {
			return "", errBadRequest("%v", err)
		}
		plain = p
	}
	if UTF16Len(plain) > limit {
		if what == "caption" {
			return "", errBadRequest("message caption is too long")
		}
		return "", errBadRequest("message is too long")
	}
	return plain, nil
}

// checkMarkup validates reply_markup JSON: callback_data at most 64 bytes.
func checkMarkup(raw string) *apiError {
	if raw == "" {
		return nil
	}
	var m struct {
		InlineKeyboard [][]struct {
			Text         string  `json:"text"`
			CallbackData *string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return errBadRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return errBadRequest("BUTTON_TEXT_EMPTY")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > MaxCallbackData) {
				return errBadRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	return nil
}

// replyTo reads reply_parameters.message_id or reply_to_message_id.
func replyTo(r *request) int {
	if raw := r.str("reply_parameters"); raw != "" {
		var rp struct {
			MessageID int `json:"message_id"`
		}
		if json.Unmarshal([]byte(raw), &rp) == nil {
			return rp.MessageID
		}
	}
	id, _ := strconv.Atoi(r.str("reply_to_message_id"))
	return id
}

// sendOne implements https://core.telegram.org/bots/api#sendmessage and
// https://core.telegram.org/bots/api#sendphoto.
func (s *Server) sendOne(r *request, call *Call) (any, *apiError) {
	cs, ae := s.chat(r)
	if ae != nil {
		return nil, ae
	}
	if ae := s.canSend(cs, r.bot.user); ae != nil {
		return nil, ae
	}
	m := &Message{FromID: r.bot.user.ID, ParseMode: r.str("parse_mode"), ReplyMarkup: r.str("reply_markup"),
		LinkPreview: r.str("link_preview_options"), ReplyTo: replyTo(r)}
	if r.method == "sendphoto" {
		m.Photo = r.str("photo")
		if _, ok := r.files["photo"]; ok {
			m.Photo = "upload:photo"
		}
		if m.Photo == "" {
			return nil, errBadRequest("there is no photo in the request")
		}
		m.Text = r.str("caption")
		m.Plain, ae = parseText(m.Text, m.ParseMode, MaxCaptionLength, "caption")
	} else {
		m.Text = r.str("text")
		m.Plain, ae = parseText(m.Text, m.ParseMode, MaxTextLength, "text")
		if ae == nil && strings.TrimSpace(m.Plain) == "" {
			ae = errBadRequest("message text is empty")
		}
	}
	if ae == nil {
		ae = checkMarkup(m.ReplyMarkup)
	}
	if ae == nil {
		ae = s.flood(cs, 1)
	}
	if ae != nil {
		return nil, ae
	}
	s.store(cs, m)
	call.MessageIDs = []int{m.ID}
	return m.wire(cs.chat, r.bot.user.wire()), nil
}

// store assigns the message an id and date and keeps it.
func (s *Server) store(cs *chatState, m *Message) {
	cs.nextID++
	m.ID, m.ChatID, m.Date = cs.nextID, cs.chat.ID, s.clock.Now()
	cs.messages[m.ID] = m
}

type inputMedia struct {
	Type      string `json:"type"`
	Media     string `json:"media"`
	Caption   string `json:"caption"`
	ParseMode string `json:"parse_mode"`
}

// sendMediaGroup implements https://core.telegram.org/bots/api#sendmediagroup
// for photos.
func (s *Server) sendMediaGroup(r *request, call *Call) (any, *apiError) {
	cs, ae := s.chat(r)
	if ae != nil {
		return nil, ae
	}
	if ae := s.canSend(cs, r.bot.user); ae != nil {
		return nil, ae
	}
	var items []inputMedia
	if err := json.Unmarshal([]byte(r.str("media")), &items); err != nil {
		return nil, errBadRequest("can't parse media JSON object")
	}
	if len(items) < 2 || len(items) > 10 {
		return nil, errBadRequest("media must include 2-10 items")
	}
	msgs := make([]*Message, len(items))
	for i, it := range items {
		if it.Type != "photo" {
			return nil, errBadRequest("unsupported media type %q", it.Type)
		}
		photo := it.Media
		if name, ok := strings.CutPrefix(photo, "attach://"); ok {
			if _, ok := r.files[name]; !ok {
				return nil, errBadRequest("can't find attached file %q", name)
			}
			photo = "upload:" + name
		}
		plain, ae := parseText(it.Caption, it.ParseMode, MaxCaptionLength, "caption")
		if ae != nil {
			return nil, ae
		}
		msgs[i] = &Message{FromID: r.bot.user.ID, Text: it.Caption, Plain: plain, ParseMode: it.ParseMode, Photo: photo, ReplyTo: replyTo(r)}
	}
	if ae := s.flood(cs, len(items)); ae != nil {
		return nil, ae
	}
	s.nextFile++
	group := "group-" + strconv.Itoa(s.nextFile)
	out := make([]any, len(msgs))
	for i, m := range msgs {
		m.MediaGroupID = group
		s.store(cs, m)
		call.MessageIDs = append(call.MessageIDs, m.ID)
		out[i] = m.wire(cs.chat, r.bot.user.wire())
	}
	return out, nil
}

// target finds the message an edit or delete names.
func (s *Server) target(r *request, verb string) (*chatState, *Message, *apiError) {
	if r.str("inline_message_id") != "" {
		return nil, nil, errBadRequest("inline messages are not supported by the fake")
	}
	cs, ae := s.chat(r)
	if ae != nil {
		return nil, nil, ae
	}
	id, _ := strconv.Atoi(r.str("message_id"))
	m := cs.messages[id]
	if m == nil || m.Deleted {
		return nil, nil, errBadRequest("message to %s not found", verb)
	}
	return cs, m, nil
}

// edit implements https://core.telegram.org/bots/api#editmessagetext,
// #editmessagecaption and #editmessagereplymarkup. As on Telegram, an edit
// without reply_markup removes the inline keyboard, and an edit that
// changes nothing is refused with "message is not modified".
func (s *Server) edit(r *request, call *Call) (any, *apiError) {
	cs, m, ae := s.target(r, "edit")
	if ae != nil {
		return nil, ae
	}
	if m.FromID != r.bot.user.ID {
		return nil, errBadRequest("message can't be edited")
	}
	next := *m
	next.ReplyMarkup = r.str("reply_markup")
	switch r.method {
	case "editmessagetext":
		if m.Photo != "" {
			return nil, errBadRequest("there is no text in the message to edit")
		}
		next.Text, next.ParseMode = r.str("text"), r.str("parse_mode")
		next.LinkPreview = r.str("link_preview_options")
		next.Plain, ae = parseText(next.Text, next.ParseMode, MaxTextLength, "text")
		if ae == nil && strings.TrimSpace(next.Plain) == "" {
			ae = errBadRequest("message text is empty")
		}
	case "editmessagecaption":
		if m.Photo == "" {
			return nil, errBadRequest("there is no caption in the message to edit")
		}
		next.Text, next.ParseMode = r.str("caption"), r.str("parse_mode")
		next.Plain, ae = parseText(next.Text, next.ParseMode, MaxCaptionLength, "caption")
	}
	if ae == nil {
		ae = checkMarkup(next.ReplyMarkup)
	}
	if ae != nil {
		return nil, ae
	}
	if next.Plain == m.Plain && next.Text == m.Text && next.ReplyMarkup == m.ReplyMarkup {
		return nil, errBadRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.Edits++
	next.EditDate = s.clock.Now()
	*m = next
	call.MessageIDs = []int{m.ID}
	return m.wire(cs.chat, r.bot.user.wire()), nil
}

// deleteMessage implements https://core.telegram.org/bots/api#deletemessage:
// a bot deletes its own messages, or others' where it is an administrator
// allowed to delete.
func (s *Server) deleteMessage(r *request, call *Call) (any, *apiError) {
	cs, m, ae := s.target(r, "delete")
	if ae != nil {
		return nil, ae
	}
	mem := cs.members[r.bot.user.ID]
	if m.FromID != r.bot.user.ID && !(mem.Status == StatusAdministrator && mem.CanDeleteMessages) && mem.Status != StatusCreator {
		return nil, errBadRequest("message can't be deleted")
	}
	m.Deleted = true
	call.MessageIDs = []int{m.ID}
	return true, nil
}

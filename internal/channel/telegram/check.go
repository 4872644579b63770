package telegram

import (
	"context"
	"fmt"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
)

// Check verifies, without posting, that the token works (getMe), that the
// chat exists for the bot (getChat) and that the bot may post in it
// (getChatMember: in a channel, creator or an administrator with "Post
// messages"; in a group, a member). Its error is a *release.SendError whose
// text says what to fix.
func (c *Channel) Check(ctx context.Context) error {
	// https://core.telegram.org/bots/api#getme
	actx, a := track(ctx)
	me, err := c.bot.GetMe(actx)
	if err != nil {
		return c.wrap(c.classify("getMe", err, a), "check")
	}
	// https://core.telegram.org/bots/api#getchat
	actx, a = track(ctx)
	chat, err := c.bot.GetChat(actx, &bot.GetChatParams{ChatID: c.chat})
	if err != nil {
		se := c.classify("getChat", err, a)
		se.Err = fmt.Errorf("%w (check chat_id %v, and that @%s is a member of the chat)", se.Err, c.chat, me.Username)
		return c.wrap(se, "check")
	}
	c.mu.Lock()
	if !c.resolved {
		c.username, c.resolved = chat.Username, true
	}
	c.mu.Unlock()
	// https://core.telegram.org/bots/api#getchatmember
	actx, a = track(ctx)
	member, err := c.bot.GetChatMember(actx, &bot.GetChatMemberParams{ChatID: c.chat, UserID: me.ID})
	if err != nil {
		return c.wrap(c.classify("getChatMember", err, a), "check")
	}
	if why := cannotPost(chat.Type, member); why != "" {
		return &release.SendError{Class: release.ClassAuth,
			Err: fmt.Errorf("telegram %q: check: bot @%s %s in %s %q: %s", c.cfg.Name, me.Username, why, chat.Type, chatLabel(chat), fixHint(chat.Type))}
	}
	return nil
}

// cannotPost says why a member may not post in a chat of type t, or "".
func cannotPost(t models.ChatType, m *models.ChatMember) string {
	switch m.Type {
	case models.ChatMemberTypeOwner:
		return ""
	case models.ChatMemberTypeAdministrator:
		if t == models.ChatTypeChannel && !m.Administrator.CanPostMessages {
			return "is an administrator without the right to post messages"
		}
		return ""
	case models.ChatMemberTypeMember:
		if t == models.ChatTypeChannel {
			return "is not an administrator"
		}
		return ""
	case models.ChatMemberTypeRestricted:
		if !m.Restricted.CanSendMessages {
			return "is restricted from sending messages"
		}
		return ""
	case models.ChatMemberTypeBanned:
		return "is banned"
	}
	return "is not a member"
}

func fixHint(t models.ChatType) string {
	if t == models.ChatTypeChannel {
		return "add it in the channel's settings → Administrators, with \"Post messages\" (and \"Edit\"/\"Delete messages of others\" to update or withdraw posts)"
	}
	return "add the bot to the chat"
}

func chatLabel(c *models.ChatFullInfo) string {
	if c.Username != "" {
		return "@" + c.Username
	}
	if c.Title != "" {
		return c.Title
	}
	return fmt.Sprint(c.ID)
}

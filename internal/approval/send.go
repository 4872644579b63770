package approval

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
)

// modelsButton is an inline keyboard button.
type modelsButton = models.InlineKeyboardButton

// keyboard is an inline keyboard under construction.
type keyboard [][]models.InlineKeyboardButton

// row appends a row of buttons (label, data pairs) and returns k.
func (k keyboard) row(buttons ...models.InlineKeyboardButton) keyboard {
	if len(buttons) == 0 {
		return k
	}
	return append(k, buttons)
}

// button is an inline button sending d.
func button(label string, d data) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: label, CallbackData: d.String()}
}

// markup returns k as reply markup, or nil for no buttons.
func (k keyboard) markup() models.ReplyMarkup {
	if len(k) == 0 {
		return nil
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: k}
}

// noPreview turns off link previews on our own messages.
var noPreview = &models.LinkPreviewOptions{IsDisabled: bot.True()}

// send sends an HTML message to the approvers' chat, as a reply to
// replyTo when it is not 0, and returns its id.
func (b *Bot) send(ctx context.Context, text string, replyTo int, markup models.ReplyMarkup) (int, error) {
	// https://core.telegram.org/bots/api#sendmessage
	p := &bot.SendMessageParams{ChatID: b.cfg.ChatID, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, ReplyMarkup: markup}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	m, err := b.tg.SendMessage(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("approval: send message: %w", scrub(err, b.cfg.Token))
	}
	return m.ID, nil
}

// sendTo sends an HTML message to any chat (a command's answer).
func (b *Bot) sendTo(ctx context.Context, chat int64, replyTo int, text string) {
	p := &bot.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
	if replyTo != 0 {
		p.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	if _, err := b.tg.SendMessage(ctx, p); err != nil {
		b.log.Warn("approval: answer", "chat", chat, "err", scrub(err, b.cfg.Token))
	}
}

// edit replaces the text and buttons of message id in the approvers' chat;
// an edit that changes nothing is not an error.
func (b *Bot) edit(ctx context.Context, id int, text string, markup models.ReplyMarkup) error {
	// https://core.telegram.org/bots/api#editmessagetext
	_, err := b.tg.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: b.cfg.ChatID, MessageID: id, Text: text,
		ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview, ReplyMarkup: markup})
	if err != nil && !notModified(err) {
		return fmt.Errorf("approval: edit message %d: %w", id, scrub(err, b.cfg.Token))
	}
	return nil
}

// editMarkup replaces only the buttons of message id.
func (b *Bot) editMarkup(ctx context.Context, id int, markup models.ReplyMarkup) error {
	// https://core.telegram.org/bots/api#editmessagereplymarkup
	_, err := b.tg.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: b.cfg.ChatID, MessageID: id, ReplyMarkup: markup})
	if err != nil && !notModified(err) {
		return fmt.Errorf("approval: edit buttons of %d: %w", id, scrub(err, b.cfg.Token))
	}
	return nil
}

// notModified reports Telegram's refusal of an edit that changes nothing.
func notModified(err error) bool {
	return errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
}

// answer answers a callback query; every query gets exactly one answer.
func (b *Bot) answer(ctx context.Context, id, text string, alert bool) {
	// https://core.telegram.org/bots/api#answercallbackquery
	if _, err := b.tg.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text, ShowAlert: alert}); err != nil {
		b.log.Warn("approval: answer callback", "err", scrub(err, b.cfg.Token))
	}
}

// sendPost sends a Telegram post exactly as the channel will publish it:
// each part as a photo with caption or an HTML text message. It returns
// the ids of the messages sent. A photo Telegram cannot fetch is replaced
// by its caption and a warning, since the channel would fail the same way.
func (b *Bot) sendPost(ctx context.Context, p release.Post) ([]int, error) {
	var ids []int
	for _, part := range p.Parts {
		id, err := b.sendPart(ctx, part)
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// sendPart sends one part of a Telegram post.
func (b *Bot) sendPart(ctx context.Context, part release.Part) (int, error) {
	mode := models.ParseModeHTML
	if part.Format == release.FormatText {
		mode = ""
	}
	if len(part.Media) == 0 {
		m, err := b.tg.SendMessage(ctx, &bot.SendMessageParams{ChatID: b.cfg.ChatID, Text: part.Text, ParseMode: mode})
		if err != nil {
			return 0, fmt.Errorf("approval: preview: %w", scrub(err, b.cfg.Token))
		}
		return m.ID, nil
	}
	// https://core.telegram.org/bots/api#sendphoto (a preview shows the
	// first photo of an album).
	m, err := b.tg.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: b.cfg.ChatID, Photo: &models.InputFileString{Data: part.Media[0].URL},
		Caption: part.Text, ParseMode: mode})
	if err == nil {
		return m.ID, nil
	}
	b.log.Warn("approval: preview photo refused", "url", part.Media[0].URL, "err", scrub(err, b.cfg.Token))
	warn := fmt.Sprintf("\n\n⚠️ Telegram refused the photo %s (%s): the channel post would fail the same way.",
		esc(part.Media[0].URL), esc(scrub(err, b.cfg.Token).Error()))
	m, err = b.tg.SendMessage(ctx, &bot.SendMessageParams{ChatID: b.cfg.ChatID, Text: part.Text + warn, ParseMode: mode})
	if err != nil {
		return 0, fmt.Errorf("approval: preview: %w", scrub(err, b.cfg.Token))
	}
	return m.ID, nil
}

// Package telegram publishes posts to a Telegram channel (or group) through
// the Bot API with github.com/go-telegram/bot: the photo part with
// sendPhoto or sendMediaGroup, text parts with sendMessage, edits with
// editMessageCaption and editMessageText, and deletion with deleteMessage.
// It paces sends to the chat's limits, waits out 429s, and classifies every
// failure as a *release.SendError.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
)

// Defaults of Config.
const (
	DefaultBaseURL     = "https://api.telegram.org"
	DefaultPerMinute   = 20
	DefaultMinInterval = time.Second
	// DefaultMaxWait is the longest 429 retry_after waited out inside
	// Publish once part of a post went out.
	DefaultMaxWait = 5 * time.Minute
	defaultTimeout = 30 * time.Second
	// pacedFor is how long a slot Wait reserved stays Publish's to take:
	// the queue claims the post in between, which takes milliseconds.
	pacedFor = 30 * time.Second
)

// Config configures one Telegram channel.
type Config struct {
	// Name is the configured channel name (e.g. "telegram", "telegram-ru").
	Name string
	// Token is the bot token from @BotFather. It never appears in errors
	// or logs.
	Token string
	// ChatID is the numeric chat id (e.g. -1001234567890) or "@username".
	ChatID string
	// Username is the public username for t.me links; "" derives it from
	// ChatID or from getChat when the chat is public.
	Username string
	// DisablePreview turns off link previews in text parts.
	DisablePreview bool
	// BaseURL is the Bot API server (default DefaultBaseURL).
	BaseURL string
	// HTTPClient sends the requests (default: 30 s timeout).
	HTTPClient *http.Client
	// PerMinute and MinInterval pace sends to the chat (defaults 20 and 1 s).
	PerMinute   int
	MinInterval time.Duration
	// MaxWait caps the 429 wait inside Publish (default DefaultMaxWait).
	MaxWait time.Duration
	// Clock is the time source of the pacing (default: the wall clock).
	Clock  Clock
	Logger *slog.Logger
}

// Channel is a Telegram channel publisher. It is safe for concurrent use.
type Channel struct {
	cfg     Config
	bot     *bot.Bot
	chat    any // int64 or "@username"
	limiter *limiter
	log     *slog.Logger

	mu       sync.Mutex
	username string
	resolved bool                 // username is known (possibly "": private chat)
	paced    map[string]time.Time // slot of the first part Wait reserved, by post
}

// New returns a Channel for cfg. It does not contact Telegram; call Check
// for that.
func New(cfg Config) (*Channel, error) {
	chat, err := parseChatID(cfg.ChatID)
	if err != nil {
		return nil, fmt.Errorf("telegram %q: %w", cfg.Name, err)
	}
	// A token read from a secret file often ends in a newline.
	cfg.Token = strings.TrimSpace(cfg.Token)
	if cfg.Token == "" {
		return nil, fmt.Errorf("telegram %q: no token: create a bot with @BotFather and set its token", cfg.Name)
	}
	cfg = withDefaults(cfg)
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telegram %q: base URL %q: want http(s)://host", cfg.Name, cfg.BaseURL)
	}
	c := &Channel{cfg: cfg, chat: chat, log: cfg.Logger.With("channel", cfg.Name), paced: map[string]time.Time{}}
	c.limiter = newLimiter(cfg.Clock, cfg.PerMinute, cfg.MinInterval)
	c.username = strings.TrimPrefix(cfg.Username, "@")
	if name, ok := chat.(string); ok && c.username == "" {
		c.username = strings.TrimPrefix(name, "@")
	}
	c.resolved = c.username != ""
	c.bot, err = bot.New(cfg.Token,
		bot.WithSkipGetMe(),
		bot.WithServerURL(strings.TrimRight(cfg.BaseURL, "/")),
		bot.WithHTTPClient(cfg.HTTPClient.Timeout, statusClient{inner: cfg.HTTPClient}),
		bot.WithErrorsHandler(func(err error) {
			c.log.Warn("telegram client error", "err", scrub(err, cfg.Token))
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram %q: %w", cfg.Name, scrub(err, cfg.Token))
	}
	return c, nil
}

func withDefaults(cfg Config) Config {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = DefaultPerMinute
	}
	if cfg.MinInterval <= 0 {
		cfg.MinInterval = DefaultMinInterval
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// parseChatID accepts a numeric id or "@username".
func parseChatID(s string) (any, error) {
	s = strings.TrimSpace(s)
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id != 0 {
		return id, nil
	}
	if len(s) > 1 && s[0] == '@' && !strings.ContainsAny(s, " /") {
		return s, nil
	}
	return nil, fmt.Errorf("chat_id %q: want a numeric id such as -1001234567890 or a public @username", s)
}

// Wait reserves the pacing slot of post's first part and blocks until it
// (or until ctx ends), so that the queue claims the post only once it may
// go out (queue.Pacer). The Publish of the same post that follows within
// pacedFor sends its first part in that slot without waiting again; any
// other Publish waits as usual. A slot reserved but not used stays booked:
// the pacing errs on the slow side.
func (c *Channel) Wait(ctx context.Context, post release.Post) error {
	if len(post.Parts) == 0 {
		return nil
	}
	at := c.limiter.reserve(len(post.Parts[0].Media))
	key := pacedKey(post)
	c.mu.Lock()
	now := c.cfg.Clock.Now()
	for k, t := range c.paced {
		if now.Sub(t) > pacedFor {
			delete(c.paced, k)
		}
	}
	c.paced[key] = at
	c.mu.Unlock()
	if err := c.cfg.Clock.Sleep(ctx, at.Sub(now)); err != nil {
		c.mu.Lock()
		delete(c.paced, key)
		c.mu.Unlock()
		return fmt.Errorf("telegram %q: wait for the rate limit: %w", c.cfg.Name, err)
	}
	return nil
}

// pacedKey names post in Channel.paced.
func pacedKey(post release.Post) string {
	return post.Release + "\x00" + post.Channel + "\x00" + post.Hash
}

// takePaced reports whether Wait reserved post's first slot, now due and
// not held by a 429 since, and forgets it.
func (c *Channel) takePaced(post release.Post) bool {
	c.mu.Lock()
	at, ok := c.paced[pacedKey(post)]
	delete(c.paced, pacedKey(post))
	c.mu.Unlock()
	now := c.cfg.Clock.Now()
	return ok && !at.After(now) && now.Sub(at) <= pacedFor && !c.limiter.blockedAt(now)
}

// Publish sends post's parts in order and returns their receipt. On
// failure the error is a *release.SendError; when some parts went out
// before it, its Done holds their receipt. A 429 on the first part is
// returned as ClassRateLimited with RetryAfter (nothing was posted, the
// queue retries later); a 429 after a part went out is waited out here, up
// to MaxWait, so the thread is not left half-posted. The first part uses
// the slot Wait reserved for post, if any.
func (c *Channel) Publish(ctx context.Context, post release.Post) (release.Receipt, error) {
	if len(post.Parts) == 0 {
		return release.Receipt{}, c.permanent("publish %s: the post has no parts", post.Release)
	}
	paced := c.takePaced(post)
	c.resolveUsername(ctx)
	var ids []int
	for i, part := range post.Parts {
		got, err := c.sendPart(ctx, part, len(ids) > 0, paced && i == 0)
		if err != nil {
			if len(ids) > 0 {
				done := c.receipt(ids)
				err.Done = &done
			}
			return release.Receipt{}, c.wrap(err, "publish %s part %d/%d", post.Release, i+1, len(post.Parts))
		}
		ids = append(ids, got...)
	}
	r := c.receipt(ids)
	c.log.Info("telegram: published", "release", post.Release, "messages", r.RemoteIDs, "url", r.URL)
	return r, nil
}

// sendPart sends one part, waiting out 429s when started (part of the post
// is already out). paced: its first try has its slot already (Wait).
func (c *Channel) sendPart(ctx context.Context, part release.Part, started, paced bool) ([]int, *release.SendError) {
	for {
		if !paced {
			if err := c.limiter.wait(ctx, len(part.Media)); err != nil {
				return nil, c.classify("wait for the rate limit", err, &attempt{})
			}
		}
		paced = false
		ids, err := c.sendOnce(ctx, part)
		if err == nil {
			return ids, nil
		}
		if err.Class != release.ClassRateLimited {
			return nil, err
		}
		c.limiter.block(c.cfg.Clock.Now().Add(err.RetryAfter))
		if !started || err.RetryAfter > c.cfg.MaxWait {
			return nil, err
		}
		c.log.Warn("telegram: rate limited, waiting", "retry_after", err.RetryAfter)
		if serr := c.cfg.Clock.Sleep(ctx, err.RetryAfter); serr != nil {
			return nil, c.classify("wait out 429", serr, &attempt{})
		}
	}
}

// sendOnce makes the one API call for a part.
func (c *Channel) sendOnce(ctx context.Context, part release.Part) ([]int, *release.SendError) {
	ctx, a := track(ctx)
	switch len(part.Media) {
	case 0:
		// https://core.telegram.org/bots/api#sendmessage
		m, err := c.bot.SendMessage(ctx, &bot.SendMessageParams{
			ChatID: c.chat, Text: part.Text, ParseMode: parseMode(part),
			LinkPreviewOptions: c.preview(),
		})
		if err != nil {
			return nil, c.classify("sendMessage", err, a)
		}
		return []int{m.ID}, nil
	case 1:
		// https://core.telegram.org/bots/api#sendphoto
		m, err := c.bot.SendPhoto(ctx, &bot.SendPhotoParams{
			ChatID: c.chat, Photo: &models.InputFileString{Data: part.Media[0].URL},
			Caption: part.Text, ParseMode: parseMode(part),
		})
		if err != nil {
			return nil, c.classify("sendPhoto", err, a)
		}
		return []int{m.ID}, nil
	}
	// https://core.telegram.org/bots/api#sendmediagroup: the caption on
	// the first photo is shown as the album's caption.
	media := make([]models.InputMedia, len(part.Media))
	for i, m := range part.Media {
		p := &models.InputMediaPhoto{Media: m.URL}
		if i == 0 {
			p.Caption, p.ParseMode = part.Text, parseMode(part)
		}
		media[i] = p
	}
	msgs, err := c.bot.SendMediaGroup(ctx, &bot.SendMediaGroupParams{ChatID: c.chat, Media: media})
	if err != nil {
		return nil, c.classify("sendMediaGroup", err, a)
	}
	ids := make([]int, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids, nil
}

func parseMode(p release.Part) models.ParseMode {
	if p.Format == release.FormatText {
		return ""
	}
	return models.ParseModeHTML
}

func (c *Channel) preview() *models.LinkPreviewOptions {
	if !c.cfg.DisablePreview {
		return nil
	}
	return &models.LinkPreviewOptions{IsDisabled: bot.True()}
}

// receipt builds the receipt of the messages ids.
func (c *Channel) receipt(ids []int) release.Receipt {
	r := release.Receipt{Channel: c.cfg.Name, Chat: fmt.Sprint(c.chat), PublishedAt: c.cfg.Clock.Now()}
	for _, id := range ids {
		r.RemoteIDs = append(r.RemoteIDs, strconv.Itoa(id))
	}
	c.mu.Lock()
	user := c.username
	c.mu.Unlock()
	if user != "" && len(ids) > 0 {
		r.URL = fmt.Sprintf("https://t.me/%s/%d", user, ids[0])
	}
	return r
}

// resolveUsername learns the chat's public username with getChat, once.
// A failure leaves the receipt without a URL and is retried next time.
func (c *Channel) resolveUsername(ctx context.Context) {
	c.mu.Lock()
	done := c.resolved
	c.mu.Unlock()
	if done {
		return
	}
	// https://core.telegram.org/bots/api#getchat
	chat, err := c.bot.GetChat(ctx, &bot.GetChatParams{ChatID: c.chat})
	if err != nil {
		c.log.Warn("telegram: cannot read the chat's username; receipts get no t.me link", "err", scrub(err, c.cfg.Token))
		return
	}
	c.mu.Lock()
	c.username, c.resolved = chat.Username, true
	c.mu.Unlock()
}

// messageIDs maps a receipt's ids to post's parts: a part with several
// photos took one id per photo. It fails when they do not match.
func messageIDs(r release.Receipt, post release.Post) ([][]int, error) {
	var out [][]int
	next := 0
	for i, p := range post.Parts {
		n := max(len(p.Media), 1)
		if next+n > len(r.RemoteIDs) {
			return nil, fmt.Errorf("the post has more parts than the published one (%d messages): publish it anew instead", len(r.RemoteIDs))
		}
		ids := make([]int, n)
		for k := range n {
			id, err := strconv.Atoi(r.RemoteIDs[next+k])
			if err != nil {
				return nil, fmt.Errorf("part %d: bad message id %q in receipt", i+1, r.RemoteIDs[next+k])
			}
			ids[k] = id
		}
		out = append(out, ids)
		next += n
	}
	if next != len(r.RemoteIDs) {
		return nil, fmt.Errorf("the post has %d messages, the published one %d: publish it anew instead", next, len(r.RemoteIDs))
	}
	return out, nil
}

// Edit changes the published messages of r to post's text: the photo
// part's caption with editMessageCaption, text parts with editMessageText.
// Photos are not replaced. When the posts' shapes differ it returns a
// permanent error. An unchanged message counts as edited.
func (c *Channel) Edit(ctx context.Context, r release.Receipt, post release.Post) error {
	groups, err := messageIDs(r, post)
	if err != nil {
		return c.permanent("edit %s: %v", post.Release, err)
	}
	for i, part := range post.Parts {
		if err := c.limiter.wait(ctx, 1); err != nil {
			return c.wrap(c.classify("wait for the rate limit", err, &attempt{}), "edit %s", post.Release)
		}
		if err := c.editPart(ctx, groups[i][0], part); err != nil {
			return c.wrap(err, "edit %s part %d/%d", post.Release, i+1, len(post.Parts))
		}
	}
	c.log.Info("telegram: edited", "release", post.Release, "messages", r.RemoteIDs)
	return nil
}

func (c *Channel) editPart(ctx context.Context, id int, part release.Part) *release.SendError {
	ctx, a := track(ctx)
	var err error
	op := "editMessageText"
	if len(part.Media) > 0 {
		op = "editMessageCaption"
		// https://core.telegram.org/bots/api#editmessagecaption
		_, err = c.bot.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{
			ChatID: c.chat, MessageID: id, Caption: part.Text, ParseMode: parseMode(part),
		})
	} else {
		// https://core.telegram.org/bots/api#editmessagetext
		_, err = c.bot.EditMessageText(ctx, &bot.EditMessageTextParams{
			ChatID: c.chat, MessageID: id, Text: part.Text, ParseMode: parseMode(part),
			LinkPreviewOptions: c.preview(),
		})
	}
	if err == nil || strings.Contains(err.Error(), "message is not modified") {
		return nil
	}
	return c.classify(op, err, a)
}

// Delete removes every message of r with deleteMessage. A message already
// gone counts as deleted; it goes on after a failure and returns the first.
func (c *Channel) Delete(ctx context.Context, r release.Receipt) error {
	var first error
	for _, s := range r.RemoteIDs {
		id, err := strconv.Atoi(s)
		if err != nil {
			return c.permanent("delete: bad message id %q in receipt", s)
		}
		if err := c.deleteOne(ctx, id); err != nil && first == nil {
			first = c.wrap(err, "delete")
		}
	}
	if first == nil {
		c.log.Info("telegram: deleted", "messages", r.RemoteIDs)
	}
	return first
}

func (c *Channel) deleteOne(ctx context.Context, id int) *release.SendError {
	ctx, a := track(ctx)
	// https://core.telegram.org/bots/api#deletemessage
	_, err := c.bot.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: c.chat, MessageID: id})
	if err == nil || (errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "message to delete not found")) {
		return nil
	}
	return c.classify(fmt.Sprintf("deleteMessage %d", id), err, a)
}

// Package approval is pressbot's review bot in Telegram. For each new or
// changed release it shows the approvers' chat the exact Telegram post(s)
// and a control card with every channel's text, and lets approvers
// approve, schedule, choose channels or reject with one tap. Approvals are
// bound to the content hash the approver saw: a button from an outdated
// preview refuses and points to the new one. After publishing it reports
// the links; a failed or uncertain send gets an alert with Retry, Mark as
// published and Skip.
//
// It runs on github.com/go-telegram/bot with long polling, or behind a
// webhook whose secret token it checks itself.
package approval

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// Roles of an allowed user.
const (
	// RoleApprover may approve, schedule, reject, cancel and settle failed
	// sends.
	RoleApprover = "approver"
	// RoleViewer sees the chat and may ask /queue and /status.
	RoleViewer = "viewer"
)

// Modes of receiving updates.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// DefaultAPIURL is the Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// User is a Telegram user allowed to use the bot.
type User struct {
	ID   int64
	Name string
	Role string // RoleApprover or RoleViewer
}

// Rule raises the number of distinct approvers for releases with Tag.
type Rule struct {
	Tag      string
	Required int
}

// Config configures a Bot. The zero values of optional fields take the
// defaults noted.
type Config struct {
	// Token is the bot's token from @BotFather; it never appears in logs.
	Token string
	// APIURL is the Bot API server (default DefaultAPIURL).
	APIURL string
	// ChatID is the approvers' chat (a group or supergroup id).
	ChatID int64
	Users  []User
	// Required is how many distinct approvers a release needs (default 1);
	// a Rule whose tag the release has may raise it.
	Required int
	Rules    []Rule
	// Mode is ModePolling (default) or ModeWebhook; webhook mode needs
	// WebhookURL (public https URL of WebhookHandler) and WebhookSecret.
	Mode          string
	WebhookURL    string
	WebhookSecret string
	// Zone is the office time zone for times shown (default UTC).
	Zone *time.Location
	// BaseURL is the newsroom's base URL, for /preview/{id} links.
	BaseURL string
	// PreviewURL, when set, gives a release's preview link (with the key
	// the newsroom asks for); nil links BaseURL/preview/{id}.
	PreviewURL func(id string) string
	// HTTPClient talks to the Bot API (default: 40 s timeout).
	HTTPClient *http.Client
	// PollTimeout is the long-polling wait (default 30 s); it must be
	// shorter than HTTPClient's timeout.
	PollTimeout time.Duration
	// Current, when set, says whether release id's file still gives
	// content hash: nil if so, else what is different. Approve refuses a
	// release whose file is not current, so that an approval is of the
	// file as it stands: after an edit the card shows the older version
	// until the edit is recorded, and an edit that made the file invalid
	// is never recorded.
	Current func(id, hash string) error
	// Editor and Deleter change published posts (optional).
	Editor  Editor
	Deleter Deleter
	Logger  *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Store is what the bot needs of internal/store.
type Store interface {
	Get(ctx context.Context, id string) (store.Record, error)
	List(ctx context.Context, f store.ListFilter) ([]store.Record, error)
	Approve(ctx context.Context, req store.ApproveRequest) (store.ApproveResult, error)
	Reject(ctx context.Context, id, actor, reason string) error
	Cancel(ctx context.Context, id, actor, reason string) error
	MarkPublished(ctx context.Context, id, channel, actor string, receipt *release.Receipt) error
	Retry(ctx context.Context, id, channel, actor string, at time.Time) error
	Skip(ctx context.Context, id, channel, actor string) error
	Audit(ctx context.Context, id string) ([]store.AuditEntry, error)
	SettlePublished(ctx context.Context, id, channel, hash, actor string, edited *release.Post) error
	BeginEdit(ctx context.Context, id, channel, hash, actor string) error
	EndEdit(ctx context.Context, id, channel string) error
	PostDeleted(ctx context.Context, id, channel, actor string) error
	RenamedFrom(ctx context.Context, id string) ([]store.Rename, error)
	Renames(ctx context.Context) ([]store.Rename, error)
}

// Renderer renders a release's posts exactly as they will be published.
type Renderer interface {
	Render(rel release.Release) ([]release.Post, error)
}

// Slots proposes publication times: up to n free slots on channel from
// max(after, embargo) on, within three days of that start, earliest first.
// serve implements it with schedule.Policy.Upcoming and
// store.ChannelTimes.
type Slots interface {
	Slots(ctx context.Context, channel string, after, embargo time.Time, n int) []time.Time
}

// Editor changes a published post to a new rendering: an edit where the
// platform allows it (Telegram, Facebook), a correction reply otherwise
// (X).
type Editor interface {
	Edit(ctx context.Context, channel string, rcpt release.Receipt, post release.Post) error
}

// Deleter deletes a published post; it returns an error wrapping
// release.ErrNotSupported where the platform cannot.
type Deleter interface {
	Delete(ctx context.Context, channel string, rcpt release.Receipt) error
}

// Bot is the review bot. Its methods are safe for concurrent use.
type Bot struct {
	cfg   Config
	st    Store
	r     Renderer
	slots Slots
	tg    *bot.Bot
	log   *slog.Logger
	users map[int64]User

	mu       sync.Mutex
	keys     map[string]string // shortID → card or release key
	cards    map[string]*card  // card key → the last card sent
	shown    map[string]release.Release
	linked   map[string]string    // release id → approved hash whose links were reported
	problems map[string]string    // path → digest of the last problems reported
	void     map[int]store.Rename // card message of a copy that was a rename → the rename
	notes    map[string]*note     // retryKey or lateKey → the note kept up to date
	locks    map[string]*sync.Mutex
	username string
}

// card is the control message of a card key.
type card struct {
	MsgID int
	Hash  string // shortHash when sent
	Note  string // "changed since approval" summary, kept across re-renders
}

// New checks cfg and returns a Bot; it does not contact Telegram (Run
// does). slots may be nil: approvals then take the next instant past the
// embargo.
func New(cfg Config, st Store, r Renderer, slots Slots) (*Bot, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	b := &Bot{cfg: cfg, st: st, r: r, slots: slots, log: cfg.Logger, users: map[int64]User{},
		keys: map[string]string{}, cards: map[string]*card{}, shown: map[string]release.Release{},
		linked: map[string]string{}, problems: map[string]string{}, void: map[int]store.Rename{}, notes: map[string]*note{},
		locks: map[string]*sync.Mutex{}}
	for _, u := range cfg.Users {
		b.users[u.ID] = u
	}
	opts := []bot.Option{
		bot.WithSkipGetMe(),
		bot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")),
		bot.WithHTTPClient(cfg.PollTimeout, cfg.HTTPClient),
		bot.WithDefaultHandler(b.handle),
		bot.WithAllowedUpdates(bot.AllowedUpdates{"message", "callback_query"}),
		bot.WithErrorsHandler(func(err error) {
			b.log.Warn("approval: telegram client", "err", scrub(err, cfg.Token))
		}),
	}
	if cfg.Mode == ModeWebhook {
		opts = append(opts, bot.WithWebhookSecretToken(cfg.WebhookSecret))
	}
	b.tg, err = bot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("approval: %w", scrub(err, cfg.Token))
	}
	return b, nil
}

// withDefaults validates cfg and fills its defaults.
func withDefaults(cfg Config) (Config, error) {
	cfg.Token = strings.TrimSpace(cfg.Token)
	switch {
	case cfg.Token == "":
		return cfg, errors.New("approval: no bot token: create a bot with @BotFather and set approval.telegram.token")
	case cfg.ChatID == 0:
		return cfg, errors.New("approval: no chat id: set approval.telegram.chat_id to the approvers' group (see docs/approval.md)")
	}
	for _, u := range cfg.Users {
		if u.Role != RoleApprover && u.Role != RoleViewer {
			return cfg, fmt.Errorf("approval: user %d (%s): role %q: want %s or %s", u.ID, u.Name, u.Role, RoleApprover, RoleViewer)
		}
	}
	if cfg.Mode == "" {
		cfg.Mode = ModePolling
	}
	switch cfg.Mode {
	case ModePolling:
	case ModeWebhook:
		if u, err := url.Parse(cfg.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return cfg, fmt.Errorf("approval: webhook URL %q: want the public https URL that reaches pressbot's webhook route", cfg.WebhookURL)
		}
		if cfg.WebhookSecret == "" {
			return cfg, errors.New("approval: webhook mode needs a webhook secret (1-256 characters A-Z a-z 0-9 _ -)")
		}
	default:
		return cfg, fmt.Errorf("approval: mode %q: want %s or %s", cfg.Mode, ModePolling, ModeWebhook)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.PollTimeout + 10*time.Second}
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	if cfg.Required < 1 {
		cfg.Required = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return cfg, nil
}

// scrub removes the token from an error's text.
func scrub(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "<token>"))
}

// Run receives updates until ctx ends: long polling, or in webhook mode
// registers WebhookURL with Telegram and handles what WebhookHandler
// receives.
func (b *Bot) Run(ctx context.Context) error {
	// https://core.telegram.org/bots/api#getme
	if me, err := b.tg.GetMe(ctx); err != nil {
		b.log.Warn("approval: getMe failed; is the token right?", "err", scrub(err, b.cfg.Token))
	} else {
		b.mu.Lock()
		b.username = me.Username
		b.mu.Unlock()
	}
	if b.cfg.Mode == ModeWebhook {
		// https://core.telegram.org/bots/api#setwebhook
		if _, err := b.tg.SetWebhook(ctx, &bot.SetWebhookParams{URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret,
			AllowedUpdates: []string{"message", "callback_query"}}); err != nil {
			return fmt.Errorf("approval: set webhook: %w", scrub(err, b.cfg.Token))
		}
		b.log.Info("approval: webhook registered", "url", b.cfg.WebhookURL)
		b.tg.StartWebhook(ctx)
		return nil
	}
	// https://core.telegram.org/bots/api#deletewebhook: getUpdates is
	// refused while a webhook is set.
	if _, err := b.tg.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
		b.log.Warn("approval: delete webhook", "err", scrub(err, b.cfg.Token))
	}
	b.log.Info("approval: polling for updates", "chat", b.cfg.ChatID)
	b.tg.Start(ctx)
	return nil
}

// WebhookHandler returns the handler of Telegram's webhook POSTs. It
// answers 401 unless X-Telegram-Bot-Api-Secret-Token matches
// WebhookSecret (go-telegram/bot itself answers 200 to a wrong secret).
func (b *Bot) WebhookHandler() http.Handler {
	inner := b.tg.WebhookHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
			b.log.Warn("approval: webhook request refused: wrong or missing secret token", "remote", r.RemoteAddr, "present", got != "")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner(w, r)
	})
}

// handle dispatches one update.
func (b *Bot) handle(ctx context.Context, _ *bot.Bot, u *models.Update) {
	switch {
	case u.CallbackQuery != nil:
		b.onCallback(ctx, u.CallbackQuery)
	case u.Message != nil:
		b.onMessage(ctx, u.Message)
	}
}

// user returns the allowed user with id.
func (b *Bot) user(id int64) (User, bool) {
	u, ok := b.users[id]
	return u, ok
}

// approver returns the store's approver for a Telegram user.
func approver(u User) store.Approver {
	return store.Approver{Kind: "telegram", ID: fmt.Sprint(u.ID), Name: u.Name}
}

// actor returns the audit actor of a Telegram user.
func actor(u User) string { return approver(u).Actor() }

// lock serialises actions on one card or release key and returns the
// unlock function.
func (b *Bot) lock(key string) func() {
	b.mu.Lock()
	l := b.locks[key]
	if l == nil {
		l = &sync.Mutex{}
		b.locks[key] = l
	}
	b.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// remember records the short id of key.
func (b *Bot) remember(key string) string {
	id := shortID(key)
	b.mu.Lock()
	b.keys[id] = key
	b.mu.Unlock()
	return id
}

// resolve returns the key of a short id, scanning the store once when the
// id is not known (after a restart). The old ID of a renamed release
// leads to its new one.
func (b *Bot) resolve(ctx context.Context, id string) (string, bool) {
	b.mu.Lock()
	key, ok := b.keys[id]
	b.mu.Unlock()
	if ok {
		return key, true
	}
	recs, err := b.st.List(ctx, store.ListFilter{})
	if err != nil {
		b.log.Error("approval: list releases", "err", err)
		return "", false
	}
	for _, r := range recs {
		b.remember(releaseKey(r.ID))
		b.remember(cardKey(r.ID, r.TranslationKey))
	}
	// The buttons of a renamed release's old ID lead to its new one.
	renames, err := b.st.Renames(ctx)
	if err != nil {
		b.log.Warn("approval: list renamed releases", "err", err)
	}
	b.mu.Lock()
	for _, r := range renames {
		if _, taken := b.keys[shortID(releaseKey(r.From))]; !taken {
			b.keys[shortID(releaseKey(r.From))] = releaseKey(r.To)
		}
	}
	b.mu.Unlock()
	b.mu.Lock()
	key, ok = b.keys[id]
	b.mu.Unlock()
	return key, ok
}

// now returns the current time.
func (b *Bot) now() time.Time { return b.cfg.Now() }

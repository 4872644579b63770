package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/approval"
	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/httpd"
	"github.com/pressbot/pressbot/internal/ingest"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/internal/store"
)

// webhookPath is where Telegram delivers the approval bot's updates in
// webhook mode.
const webhookPath = "/telegram/webhook"

// setupApproval chooses how releases are offered: the Telegram approvers'
// chat when configured, else the log (approval by CLI).
func (s *server) setupApproval(context.Context) error {
	a := s.cfg.Approval
	if !a.Telegram.Enabled() {
		s.offer = ingest.LogOfferer{Log: s.log, PreviewURL: s.previewURL, Args: s.commandArgs()}
		return nil
	}
	users := make([]approval.User, len(a.Users))
	for i, u := range a.Users {
		users[i] = approval.User{ID: u.ID, Name: u.Name, Role: u.Role}
	}
	rules := make([]approval.Rule, len(a.Rules))
	for i, r := range a.Rules {
		rules[i] = approval.Rule{Tag: r.Tag, Required: r.Required}
	}
	bot, err := approval.New(approval.Config{
		Token: a.Telegram.Token.Reveal(), APIURL: a.Telegram.APIURL, ChatID: a.Telegram.ChatID,
		Users: users, Required: a.RequiredApprovals, Rules: rules, Mode: a.Telegram.Mode,
		WebhookURL: a.Telegram.WebhookURL, WebhookSecret: a.Telegram.WebhookSecret.Reveal(),
		Zone: s.cfg.Zone, BaseURL: s.cfg.Site.BaseURL, PreviewURL: s.previewURL, Editor: outletEditor(s.outlets), Deleter: outletDeleter(s.outlets),
		Logger: s.log, Current: s.fileCurrent,
	}, newsroomStore{Store: s.store, refresh: s.refreshNewsroom}, s.render, s)
	if err != nil {
		return err
	}
	s.bot, s.offer = bot, bot
	s.webhook = bot.WebhookHandler()
	return nil
}

// newsroomStore is the store as the approval bot sees it: when officers
// update published posts to a new version, or mark a post published that
// went out unseen, the newsroom is rebuilt at once (rather than at its next
// periodic rebuild).
type newsroomStore struct {
	*store.Store
	refresh func()
}

// SettlePublished implements approval.Store.
func (n newsroomStore) SettlePublished(ctx context.Context, id, channel, hash, actor string, edited *release.Post) error {
	err := n.Store.SettlePublished(ctx, id, channel, hash, actor, edited)
	if err == nil && edited != nil {
		n.refresh()
	}
	return err
}

// MarkPublished implements approval.Store.
func (n newsroomStore) MarkPublished(ctx context.Context, id, channel, actor string, receipt *release.Receipt) error {
	err := n.Store.MarkPublished(ctx, id, channel, actor, receipt)
	if err == nil {
		n.refresh()
	}
	return err
}

// Slots implements approval.Slots: the next free slots of a channel by its
// schedule, within three days of max(after, embargo).
func (s *server) Slots(ctx context.Context, channel string, after, embargo time.Time, n int) []time.Time {
	for _, ch := range s.cfg.Channels {
		if ch.Name != channel {
			continue
		}
		pol, err := ch.Policy(s.cfg.Zone)
		if err != nil {
			return nil
		}
		busy, err := s.store.ChannelTimes(ctx, channel, after)
		if err != nil {
			s.log.Warn("cannot read the channel's schedule", "channel", channel, "err", err)
		}
		return pol.Upcoming(after, embargo, busy, n, 72*time.Hour)
	}
	return nil
}

// outletEditor edits published posts through the channel that made them.
type outletEditor map[string]outlet

// corrector is a channel that cannot edit but can post a correction
// reply (X).
type corrector interface {
	Correct(ctx context.Context, r release.Receipt, p release.Post) (release.Receipt, error)
}

// Edit implements approval.Editor: it edits the post, or where the
// platform cannot edit, posts a correction reply to it.
func (o outletEditor) Edit(ctx context.Context, channel string, r release.Receipt, p release.Post) error {
	_, err := o.edit(ctx, channel, r, p)
	return err
}

// edit is Edit; it also says whether a correction reply was posted.
func (o outletEditor) edit(ctx context.Context, channel string, r release.Receipt, p release.Post) (corrected bool, err error) {
	out, ok := o[channel]
	if !ok {
		return false, fmt.Errorf("edit: no channel %q", channel)
	}
	err = out.Edit(ctx, r, p)
	if c, can := out.(corrector); can && errors.Is(err, release.ErrNotSupported) {
		_, err = c.Correct(ctx, r, p)
		return err == nil, err
	}
	return false, err
}

// outletDeleter deletes published posts through the channel that made them.
type outletDeleter map[string]outlet

// Delete implements approval.Deleter.
func (o outletDeleter) Delete(ctx context.Context, channel string, r release.Receipt) error {
	out, ok := o[channel]
	if !ok {
		return fmt.Errorf("delete: no channel %q", channel)
	}
	return out.Delete(ctx, r)
}

// httpHandler builds the HTTP handler, with the webhook in webhook mode.
func (s *server) httpHandler() http.Handler {
	h := s.handler()
	if s.webhook != nil && s.cfg.Approval.Telegram.Mode == "webhook" {
		h.Webhook, h.WebhookPath, h.WebhookSecret = s.webhook, webhookPath, s.cfg.Approval.Telegram.WebhookSecret.Reveal()
	}
	return httpd.Handler(h)
}

// commandArgs are the arguments a command suggested in the log needs to
// reach serve's database: -config with serve's file, if it has one.
func (s *server) commandArgs() string {
	if s.cfg.Source == "" {
		return ""
	}
	return "-config " + ingest.ShellWord(s.cfg.Source)
}

// welcome logs what runs, and with no configuration how to connect the
// real channels and the approvers' chat.
func (s *server) welcome() {
	var dry, live []string
	for _, ch := range s.cfg.Channels {
		if ch.Outbox() {
			dry = append(dry, ch.Name)
		} else {
			live = append(live, ch.Name)
		}
	}
	sort.Strings(dry)
	s.log.Info("pressbot starting", "content", s.contentDir, "db", config.URL(s.cfg.DB).String(),
		"live_channels", strings.Join(live, ","), "dry_run_channels", strings.Join(dry, ","),
		"approval", map[bool]string{true: "telegram chat", false: "CLI only"}[s.cfg.Approval.Telegram.Enabled()])
	if len(dry) > 0 {
		howTo := "copy pressbot.example.yaml to pressbot.yaml, fill in the credentials, and run: pressbot serve -config pressbot.yaml"
		if s.cfg.Source != "" {
			howTo = "fill in their credentials in " + s.cfg.Source + " (or PRESSBOT_* variables; pressbot config shows which are set)"
		}
		s.log.Info("dry run: channels "+strings.Join(dry, ", ")+" write their posts to "+filepath.Join(s.outboxDir, "<channel>")+
			" instead of publishing. To publish for real, "+howTo, "outbox", s.outboxDir)
	}
	if !s.cfg.Approval.Telegram.Enabled() {
		args := s.commandArgs()
		if args != "" {
			args = " " + args
		}
		s.log.Info("approval by CLI: run 'pressbot queue" + args + "' to list releases and 'pressbot approve ID" + args + "' to schedule one at its channels' next free slot ('-at now' to publish it at once). " +
			"To approve in Telegram, set approval.telegram.chat_id and the bot's token (PRESSBOT_APPROVAL_TOKEN; see README: Approval in Telegram)")
	}
}

// entriesOf returns the newsroom entries of published releases, dated by
// their publication, each rendered by the site when it first needs it
// (lazyEntries): a release that cannot be rendered in full still gets its
// page, and the log says why. Images are described from root (nil: links
// without sizes), which must stay open until the site is written.
func entriesOf(pubs []store.PublishedRelease, rdr *render.Renderer, root *os.Root) ([]site.Entry, *renderLog) {
	rels := make([]release.Release, len(pubs))
	for i, p := range pubs {
		rels[i] = p.Release
	}
	entries, log := lazyEntries(rdr, rels, root)
	for i, p := range pubs {
		entries[i].Published, entries[i].Updated = p.PublishedAt, p.UpdatedAt
	}
	return entries, log
}

// openContent opens the content folder for image lookups; nil when it
// cannot be opened (pages then link images without their size).
func openContent(dir string) *os.Root {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil
	}
	return root
}

// newsroomKey identifies what a newsroom built from releases with these
// stamps shows: each release's ID, content hash and publication time, the
// size of its local image (which goes into the feeds; sizes are read from
// root, nil for none) as images names it for the release at that hash, and
// the withdrawn releases it answers 410 for, with the languages and tags
// whose pages their withdrawal dates. The same key means the same
// newsroom, so serve need not render it again.
func newsroomKey(stamps []store.PublishedStamp, images newsroomImages, gone []store.GoneRelease, root *os.Root) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range stamps {
		size := int64(-1)
		if img := images[p.ID+"\x00"+p.Hash]; root != nil && site.IsLocalImage(img) {
			if n, err := site.StatImageIn(root, img); err == nil {
				size = n
			}
		}
		fmt.Fprintf(h, "%q %s %d %d\n", p.ID, p.Hash, p.PublishedAt.UnixNano(), size)
	}
	for _, g := range gone {
		fmt.Fprintf(h, "gone %q %q %d %q %q\n", g.ID, g.Lang, g.At.UnixNano(), g.Tags, g.TranslationKey)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// siteMoved converts the store's renames for site.SetMoved.
func siteMoved(renames []store.Rename) []site.Moved {
	out := make([]site.Moved, len(renames))
	for i, r := range renames {
		out[i] = site.Moved{From: r.From, To: r.To}
	}
	return out
}

// siteGone converts the store's withdrawn releases for site.SetGone.
func siteGone(gone []store.GoneRelease) []site.Gone {
	out := make([]site.Gone, len(gone))
	for i, g := range gone {
		out[i] = site.Gone{ID: g.ID, Lang: g.Lang, At: g.At, Tags: g.Tags, Key: g.TranslationKey}
	}
	return out
}

// newsroomImages are the images of releases, by ID and content hash (which
// covers the image's path): a release's stamp then names its image without
// its content being read.
type newsroomImages map[string]string

// add records the image of r.
func (m newsroomImages) add(r release.Release) {
	if r.Image != "" {
		m[r.ID+"\x00"+r.Hash] = r.Image
	}
}

// previewKeys returns the keys of preview links, made with the secret the
// store keeps (created on the first start, shared by every process on the
// same database).
func previewKeys(ctx context.Context, st *store.Store) (httpd.PreviewKeys, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return httpd.PreviewKeys{}, fmt.Errorf("preview keys: %w", err)
	}
	v, err := st.SettingOnce(ctx, store.SettingPreviewSecret, base64.StdEncoding.EncodeToString(fresh))
	if err != nil {
		return httpd.PreviewKeys{}, err
	}
	secret, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(secret) < 32 {
		return httpd.PreviewKeys{}, fmt.Errorf("preview keys: the stored secret %q is damaged: delete that setting to make a new one", store.SettingPreviewSecret)
	}
	return httpd.NewPreviewKeys(secret), nil
}

// fileCurrent says whether release id's file still gives hash
// (approval.Config.Current); ingest parses it as it would record it.
func (s *server) fileCurrent(id, hash string) error {
	return s.ingest.Current(id, hash)
}

// previewURL is release id's preview link, with its key.
func (s *server) previewURL(id string) string {
	return strings.TrimRight(s.cfg.Site.BaseURL, "/") + "/preview/" + release.EscapePath(id) + "?key=" + s.keys.Key(id)
}

// previewKeyCheck is what /preview asks of a key: nothing while the
// newsroom's base URL is on loopback (only this machine can reach it, as
// in the five-minute tour), its release's key once it is public, so that
// an embargoed release cannot be read by guessing its path.
func (s *server) previewKeyCheck() func(id, key string) bool {
	if onLoopback(s.cfg.Site.BaseURL) {
		return nil
	}
	return s.keys.Valid
}

// onLoopback reports whether URL u's host is localhost or a loopback
// address.
func onLoopback(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := p.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pressbot/pressbot/internal/channel/facebook"
	"github.com/pressbot/pressbot/internal/channel/outbox"
	"github.com/pressbot/pressbot/internal/channel/telegram"
	"github.com/pressbot/pressbot/internal/channel/x"
	"github.com/pressbot/pressbot/internal/config"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
)

// outlet is what every channel kind offers; the queue, approval and health
// each take the part they need.
type outlet interface {
	Publish(ctx context.Context, post release.Post) (release.Receipt, error)
	Edit(ctx context.Context, r release.Receipt, post release.Post) error
	Delete(ctx context.Context, r release.Receipt) error
	Check(ctx context.Context) error
}

// newOutlet builds the configured channel: the outbox (dry run) when it has
// no credentials or asks for it, else the platform's publisher.
func newOutlet(ch config.Channel, outboxDir string, log *slog.Logger) (outlet, error) {
	l := log // each channel adds its name to its log lines
	if ch.Outbox() {
		return outbox.New(outbox.Config{Name: ch.Name, Kind: ch.Kind, Dir: outboxDir, Logger: l})
	}
	switch ch.Kind {
	case release.KindTelegram:
		return telegram.New(telegram.Config{Name: ch.Name, Token: ch.Token.Reveal(), ChatID: ch.ChatID,
			Username: ch.Username, DisablePreview: ch.DisablePreview, BaseURL: ch.APIURL, Logger: l})
	case release.KindFacebook:
		return facebook.New(facebook.Config{Name: ch.Name, PageID: ch.PageID, PageToken: ch.PageToken.Reveal(),
			AppSecret: ch.AppSecret.Reveal(), GraphVersion: ch.GraphVersion, BaseURL: ch.APIURL, Logger: l})
	case release.KindX:
		return x.New(x.Config{Name: ch.Name, ConsumerKey: ch.ConsumerKey.Reveal(), ConsumerSecret: ch.ConsumerSecret.Reveal(),
			AccessToken: ch.AccessToken.Reveal(), AccessSecret: ch.AccessSecret.Reveal(), BaseURL: ch.APIURL,
			UploadURL: ch.UploadURL, Logger: l})
	}
	return nil, fmt.Errorf("channel %s: unknown kind %q", ch.Name, ch.Kind)
}

// newOutlets builds every configured channel, by name.
func newOutlets(cfg *config.Config, outboxDir string, log *slog.Logger) (map[string]outlet, error) {
	out := make(map[string]outlet, len(cfg.Channels))
	for _, ch := range cfg.Channels {
		o, err := newOutlet(ch, outboxDir, log)
		if err != nil {
			return nil, err
		}
		out[ch.Name] = o
	}
	return out, nil
}

// renderChannels maps the configured channels to the renderer's.
func renderChannels(cfg *config.Config) []render.Channel {
	out := make([]render.Channel, len(cfg.Channels))
	for i, ch := range cfg.Channels {
		out[i] = render.Channel{Name: ch.Name, Kind: ch.Kind, Thread: ch.Thread}
	}
	return out
}

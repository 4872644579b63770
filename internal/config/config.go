// Package config reads pressbot's YAML configuration file, applies
// PRESSBOT_* environment overrides (with *_FILE variants for secrets), fills
// defaults, validates every key with its line, and dumps the result with
// secrets redacted.
package config

import (
	"fmt"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
)

// Config is the whole configuration of a pressbot process.
type Config struct {
	Office   Office    `yaml:"office"`
	Content  Content   `yaml:"content"`
	DB       string    `yaml:"db"`
	HTTP     HTTP      `yaml:"http"`
	Site     Site      `yaml:"site"`
	Log      Log       `yaml:"log"`
	Approval Approval  `yaml:"approval"`
	Channels []Channel `yaml:"channels"`

	// Source is the file the config was read from ("" for defaults only).
	Source string `yaml:"-"`
	// Zone is Office.Zone loaded; set by Load.
	Zone *time.Location `yaml:"-"`
}

// Office describes the press office.
type Office struct {
	Name        string `yaml:"name"`
	Zone        string `yaml:"zone"`
	DefaultLang string `yaml:"default_lang"`
}

// Content says where releases come from.
type Content struct {
	Dir    string   `yaml:"dir"`
	Rescan Duration `yaml:"rescan"`
	Git    Git      `yaml:"git"`
}

// Git follows a remote content repository.
type Git struct {
	URL      URL      `yaml:"url"`
	Branch   string   `yaml:"branch"`
	Interval Duration `yaml:"interval"`
	// Dir is pressbot's own checkout (it resets it at every fetch).
	Dir string `yaml:"dir"`
	// Subdir is the folder of releases inside the repository.
	Subdir string `yaml:"subdir"`
}

// Enabled reports whether a remote repository is followed.
func (g Git) Enabled() bool { return g.URL != "" }

// ReleaseDir is the folder the releases are read from: the releases'
// folder in pressbot's git checkout when a repository is followed (where
// serve reads them), else content.dir.
func (c Content) ReleaseDir() string {
	if c.Git.Enabled() {
		return filepath.Join(c.Git.Dir, filepath.FromSlash(c.Git.Subdir))
	}
	return c.Dir
}

// HTTP is the listener of serve.
type HTTP struct {
	Addr string `yaml:"addr"`
}

// Site is the public newsroom.
type Site struct {
	// BaseURL is the newsroom's public root, in ASCII once loaded: a host
	// or path written in Unicode (https://пресса.uz/новости) is converted
	// to punycode and percent-escapes, which every link carries.
	BaseURL string `yaml:"base_url"`
	Title   string `yaml:"title"`
	PerPage int    `yaml:"per_page"`
	// Languages orders the newsroom's languages; each has its index and
	// feeds from the start, before its first release.
	Languages []string `yaml:"languages"`
	// BaseURLDerived says BaseURL was not given (file or environment) but
	// made from http.addr.
	BaseURLDerived bool `yaml:"-"`
}

// Log sets logging.
type Log struct {
	Format string `yaml:"format"` // auto, text or json
	Level  string `yaml:"level"`  // debug, info, warn, error
}

// Approval configures the Telegram review bot.
type Approval struct {
	Telegram          ApprovalBot    `yaml:"telegram"`
	Users             []User         `yaml:"users"`
	RequiredApprovals int            `yaml:"required_approvals"`
	Rules             []ApprovalRule `yaml:"rules"`
}

// ApprovalBot is the bot the officers talk to.
type ApprovalBot struct {
	Token         Secret `yaml:"token"`
	ChatID        int64  `yaml:"chat_id"`
	Mode          string `yaml:"mode"` // polling or webhook
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret Secret `yaml:"webhook_secret"`
	APIURL        string `yaml:"api_url"`
}

// Enabled reports whether approval by Telegram is configured.
func (b ApprovalBot) Enabled() bool { return b.Token.Set() && b.ChatID != 0 }

// User is a Telegram user allowed in the approvers' chat.
type User struct {
	ID   int64  `yaml:"id"`
	Name string `yaml:"name"`
	Role string `yaml:"role"` // approver or viewer
}

// ApprovalRule raises the number of distinct approvers for tagged releases.
// Its tag is a workflow tag, kept out of the posts and the newsroom, unless
// Public says to publish it.
type ApprovalRule struct {
	Tag      string `yaml:"tag"`
	Required int    `yaml:"required"`
	Public   bool   `yaml:"public"`
}

// PrivateTags returns the tags of the rules that do not say public: true,
// which nothing public shows.
func (a Approval) PrivateTags() release.PrivateTags {
	var p release.PrivateTags
	for _, r := range a.Rules {
		if !r.Public && !p.Has(r.Tag) {
			p = append(p, r.Tag)
		}
	}
	return p
}

// Schedule is a channel's posting policy in the office zone.
type Schedule struct {
	Slots  string   `yaml:"slots"`   // e.g. "Mon-Fri 09:30, 13:00, 17:00"
	MinGap Duration `yaml:"min_gap"` // e.g. 2h
	Quiet  []string `yaml:"quiet"`   // e.g. ["22:00-07:00"]
}

// Channel is one outlet. A channel whose kind's credentials are missing, or
// with dry_run set, publishes to the outbox instead.
type Channel struct {
	Name     string   `yaml:"name"`
	Kind     string   `yaml:"kind"` // telegram, facebook, x
	DryRun   bool     `yaml:"dry_run"`
	Thread   bool     `yaml:"thread,omitempty"` // x: the lead as numbered replies
	Schedule Schedule `yaml:"schedule"`
	APIURL   string   `yaml:"api_url,omitempty"` // override the platform's base URL

	// Telegram.
	Token          Secret `yaml:"token,omitempty"`
	ChatID         string `yaml:"chat_id,omitempty"`
	Username       string `yaml:"username,omitempty"`
	DisablePreview bool   `yaml:"disable_preview,omitempty"`

	// Facebook.
	PageID       string `yaml:"page_id,omitempty"`
	PageToken    Secret `yaml:"page_token,omitempty"`
	AppSecret    Secret `yaml:"app_secret,omitempty"`
	GraphVersion string `yaml:"graph_version,omitempty"`

	// X.
	ConsumerKey    Secret `yaml:"consumer_key,omitempty"`
	ConsumerSecret Secret `yaml:"consumer_secret,omitempty"`
	AccessToken    Secret `yaml:"access_token,omitempty"`
	AccessSecret   Secret `yaml:"access_secret,omitempty"`
	UploadURL      string `yaml:"upload_url,omitempty"`
}

// Outbox reports whether the channel publishes to the outbox (dry run):
// when asked to, or when its kind's credentials are missing.
func (c Channel) Outbox() bool {
	if c.DryRun {
		return true
	}
	switch c.Kind {
	case "telegram":
		return !c.Token.Set() || c.ChatID == ""
	case "facebook":
		return !c.PageToken.Set() || c.PageID == "" || !c.AppSecret.Set()
	case "x":
		return !c.ConsumerKey.Set() || !c.ConsumerSecret.Set() || !c.AccessToken.Set() || !c.AccessSecret.Set()
	}
	return true
}

// ChannelNames returns the configured channel names in order.
func (c *Config) ChannelNames() []string {
	names := make([]string, len(c.Channels))
	for i, ch := range c.Channels {
		names[i] = ch.Name
	}
	return names
}

// Duration is a time.Duration written as "90s", "2h30m".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler: a bad value is reported
// with its line (as a *yaml.TypeError, so that decoding goes on and every
// problem of the file is named at once).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || d.UnmarshalText([]byte(n.Value)) != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration: write it like 90s, 10m or 2h30m", n.Line, n.Value)}}
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Policy returns the channel's posting policy in the office zone.
func (c Channel) Policy(zone *time.Location) (schedule.Policy, error) {
	s := c.Schedule
	return schedule.NewPolicy(zone, s.Slots, s.MinGap.D(), s.Quiet)
}

package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment override.
const EnvPrefix = "PRESSBOT_"

// applyEnv applies PRESSBOT_* overrides. A secret NAME may also be given as
// NAME_FILE, the path of a file holding it (trailing newline trimmed).
func (c *Config) applyEnv(getenv func(string) string) []Problem {
	var probs []Problem
	str := func(name string, dst *string) {
		if v := getenv(EnvPrefix + name); v != "" {
			*dst = v
		}
	}
	sec := func(name string, dst *Secret) {
		v, err := secretFromEnv(getenv, EnvPrefix+name)
		if err != nil {
			probs = append(probs, Problem{Key: EnvPrefix + name + "_FILE", Message: err.Error()})
		} else if v != "" {
			*dst = Secret(v)
		}
	}
	str("DB", &c.DB)
	str("HTTP_ADDR", &c.HTTP.Addr)
	str("CONTENT_DIR", &c.Content.Dir)
	str("SITE_BASE_URL", &c.Site.BaseURL)
	str("SITE_TITLE", &c.Site.Title)
	str("OFFICE_NAME", &c.Office.Name)
	str("OFFICE_ZONE", &c.Office.Zone)
	str("LOG_FORMAT", &c.Log.Format)
	str("LOG_LEVEL", &c.Log.Level)
	str("APPROVAL_MODE", &c.Approval.Telegram.Mode)
	str("APPROVAL_WEBHOOK_URL", &c.Approval.Telegram.WebhookURL)
	var gitURL Secret
	sec("CONTENT_GIT_URL", &gitURL)
	if gitURL.Set() {
		c.Content.Git.URL = URL(gitURL.Reveal())
	}
	str("CONTENT_GIT_BRANCH", &c.Content.Git.Branch)
	sec("APPROVAL_TOKEN", &c.Approval.Telegram.Token)
	sec("APPROVAL_WEBHOOK_SECRET", &c.Approval.Telegram.WebhookSecret)
	if v := getenv(EnvPrefix + "APPROVAL_CHAT_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			probs = append(probs, Problem{Key: EnvPrefix + "APPROVAL_CHAT_ID", Message: "must be a number such as -1001234567890"})
		}
		c.Approval.Telegram.ChatID = id
	}
	for i := range c.Channels {
		ch := &c.Channels[i]
		p := "CHANNEL_" + envName(ch.Name) + "_"
		str(p+"CHAT_ID", &ch.ChatID)
		str(p+"PAGE_ID", &ch.PageID)
		sec(p+"TOKEN", &ch.Token)
		sec(p+"PAGE_TOKEN", &ch.PageToken)
		sec(p+"APP_SECRET", &ch.AppSecret)
		sec(p+"CONSUMER_KEY", &ch.ConsumerKey)
		sec(p+"CONSUMER_SECRET", &ch.ConsumerSecret)
		sec(p+"ACCESS_TOKEN", &ch.AccessToken)
		sec(p+"ACCESS_SECRET", &ch.AccessSecret)
	}
	return probs
}

// envName turns a channel name into its environment form: "x-ru" → "X_RU".
func envName(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// secretFromEnv reads NAME, or the file named by NAME_FILE.
func secretFromEnv(getenv func(string) string, name string) (string, error) {
	if v := getenv(name); v != "" {
		return v, nil
	}
	path := getenv(name + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the secret file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

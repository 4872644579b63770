package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment override.
const EnvPrefix = "PRESSBOT_"

// Flag is a command-line flag that overrides an environment variable, so
// that a problem with its value names the flag rather than the variable.
type Flag struct {
	Name  string // as typed, e.g. "-db"
	Env   string // the variable it stands for, e.g. "PRESSBOT_DB"
	Value string // "" when the flag was not given
}

// envReader applies overrides and remembers where each value came from.
type envReader struct {
	getenv func(string) string
	flags  map[string]Flag   // by variable, for the flags given
	origin map[string]string // key → "environment NAME" or "flag -x"
	probs  []Problem
}

// newEnvReader reads getenv, with the given flags in front of it.
func newEnvReader(getenv func(string) string, flags []Flag) *envReader {
	e := &envReader{getenv: getenv, flags: map[string]Flag{}, origin: map[string]string{}}
	for _, f := range flags {
		if f.Value != "" {
			e.flags[f.Env] = f
		}
	}
	return e
}

// get returns the value of variable name, a flag's value first.
func (e *envReader) get(name string) string {
	if f, ok := e.flags[name]; ok {
		return f.Value
	}
	return e.getenv(name)
}

// source names where variable name's value came from.
func (e *envReader) source(name string) string {
	if f, ok := e.flags[name]; ok {
		return "flag " + f.Name
	}
	return "environment " + name
}

// str sets *dst to PRESSBOT_name when it is set, as the value of key.
func (e *envReader) str(name, key string, dst *string) {
	if v := e.get(EnvPrefix + name); v != "" {
		*dst = v
		e.origin[key] = e.source(EnvPrefix + name)
	}
}

// sec returns the secret PRESSBOT_name or the file PRESSBOT_name_FILE
// names, as the value of key ("" when neither is set).
func (e *envReader) sec(name, key string) string {
	v, from, err := secretFromEnv(e.get, EnvPrefix+name)
	if err != nil {
		e.probs = append(e.probs, Problem{Source: e.source(from), Key: key, Message: err.Error()})
		return ""
	}
	if v != "" {
		e.origin[key] = e.source(from)
	}
	return v
}

// secret sets *dst from sec when it is set.
func (e *envReader) secret(name, key string, dst *Secret) {
	if v := e.sec(name, key); v != "" {
		*dst = Secret(v)
	}
}

// EnvSet reports whether getenv (nil: os.Getenv) sets any PRESSBOT_*
// variable that Load reads, for a command that loads the configuration
// only when something is there to load.
func EnvSet(getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	origin, probs := Default().applyEnv(newEnvReader(getenv, nil))
	return len(origin) > 0 || len(probs) > 0
}

// applyEnv applies PRESSBOT_* overrides (and flags standing for them) and
// returns where each overridden key's value came from. A secret NAME may
// also be given as NAME_FILE, the path of a file holding it (trailing
// newline trimmed).
func (c *Config) applyEnv(e *envReader) (map[string]string, []Problem) {
	if v := e.sec("DB", "db"); v != "" {
		c.DB = v
	}
	e.str("HTTP_ADDR", "http.addr", &c.HTTP.Addr)
	e.str("CONTENT_DIR", "content.dir", &c.Content.Dir)
	e.str("SITE_BASE_URL", "site.base_url", &c.Site.BaseURL)
	e.str("SITE_TITLE", "site.title", &c.Site.Title)
	e.str("OFFICE_NAME", "office.name", &c.Office.Name)
	e.str("OFFICE_ZONE", "office.zone", &c.Office.Zone)
	e.str("LOG_FORMAT", "log.format", &c.Log.Format)
	e.str("LOG_LEVEL", "log.level", &c.Log.Level)
	if v := e.sec("CONTENT_GIT_URL", "content.git.url"); v != "" {
		c.Content.Git.URL = URL(v)
	}
	e.str("CONTENT_GIT_BRANCH", "content.git.branch", &c.Content.Git.Branch)
	c.applyApprovalEnv(e)
	for i := range c.Channels {
		c.Channels[i].applyEnv(e, i)
	}
	return e.origin, e.probs
}

// applyApprovalEnv applies the overrides of the approvers' bot.
func (c *Config) applyApprovalEnv(e *envReader) {
	t := &c.Approval.Telegram
	e.str("APPROVAL_MODE", "approval.telegram.mode", &t.Mode)
	e.str("APPROVAL_WEBHOOK_URL", "approval.telegram.webhook_url", &t.WebhookURL)
	e.secret("APPROVAL_TOKEN", "approval.telegram.token", &t.Token)
	e.secret("APPROVAL_WEBHOOK_SECRET", "approval.telegram.webhook_secret", &t.WebhookSecret)
	const name, key = EnvPrefix + "APPROVAL_CHAT_ID", "approval.telegram.chat_id"
	if v := e.get(name); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			e.probs = append(e.probs, Problem{Source: e.source(name), Key: key, Message: "must be a number such as -1001234567890"})
		}
		t.ChatID = id
		e.origin[key] = e.source(name)
	}
}

// applyEnv applies the overrides of channel i.
func (ch *Channel) applyEnv(e *envReader, i int) {
	p := "CHANNEL_" + envName(ch.Name) + "_"
	key := func(field string) string { return fmt.Sprintf("channels.%d.%s", i, field) }
	e.str(p+"CHAT_ID", key("chat_id"), &ch.ChatID)
	e.str(p+"PAGE_ID", key("page_id"), &ch.PageID)
	for _, s := range []struct {
		field string
		dst   *Secret
	}{
		{"token", &ch.Token}, {"page_token", &ch.PageToken}, {"app_secret", &ch.AppSecret},
		{"consumer_key", &ch.ConsumerKey}, {"consumer_secret", &ch.ConsumerSecret},
		{"access_token", &ch.AccessToken}, {"access_secret", &ch.AccessSecret},
	} {
		e.secret(p+strings.ToUpper(s.field), key(s.field), s.dst)
	}
}

// envName turns a channel name into its environment form: "x-ru" → "X_RU".
func envName(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// secretFromEnv reads NAME, or the file named by NAME_FILE, and says which
// of the two variables it used.
func secretFromEnv(getenv func(string) string, name string) (value, from string, err error) {
	if v := getenv(name); v != "" {
		return v, name, nil
	}
	from = name + "_FILE"
	path := getenv(from)
	if path == "" {
		return "", "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", from, fmt.Errorf("cannot read the secret file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), from, nil
}

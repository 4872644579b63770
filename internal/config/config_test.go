package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over a fixed map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes a config file and returns its path.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pressbot.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "sqlite:pressbot.db" || c.HTTP.Addr != "127.0.0.1:8080" || c.Content.Dir != "content" {
		t.Errorf("defaults: db %q http %q content %q", c.DB, c.HTTP.Addr, c.Content.Dir)
	}
	if got := strings.Join(c.ChannelNames(), ","); got != "telegram,facebook,x" {
		t.Errorf("channels = %s", got)
	}
	for _, ch := range c.Channels {
		if !ch.Outbox() {
			t.Errorf("channel %s without credentials must be outbox", ch.Name)
		}
	}
	if c.Zone.String() != "Asia/Tashkent" || c.Site.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("zone %s base %s", c.Zone, c.Site.BaseURL)
	}
	if c.Approval.Telegram.Enabled() {
		t.Error("approval bot enabled with no token")
	}
}

func TestProblemsHaveLines(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // substring of the error
	}{
		{"unknown key", "office:\n  name: X\n  colour: red\n", "pressbot.yaml:3: colour: unknown key"},
		{"bad zone", "office:\n  zone: Mars/Base\n", "pressbot.yaml:2: office.zone: unknown time zone \"Mars/Base\""},
		{"bad lang", "office:\n  default_lang: \"english!\"\n", "pressbot.yaml:2: office.default_lang:"},
		{"bad kind", "channels:\n  - name: tg\n    kind: myspace\n", "pressbot.yaml:3: channels.0.kind: kind \"myspace\""},
		{"dup channel", "channels:\n  - name: tg\n    kind: telegram\n  - name: tg\n    kind: telegram\n", "pressbot.yaml:4: channels.1.name: channel \"tg\" is defined twice"},
		{"bad role", "approval:\n  users:\n    - id: 5\n      role: boss\n", "pressbot.yaml:4: approval.users.0.role: role \"boss\""},
		{"syntax", "office: [\n", "pressbot.yaml:"},
		{"bad type", "site:\n  per_page: many\n", "pressbot.yaml:2: site.per_page: cannot unmarshal"},
		{"bad git branch", "content:\n  git:\n    url: https://example.org/releases.git\n    branch: \"--upload-pack=touch /tmp/x\"\n", "pressbot.yaml:4: content.git.branch: branch \"--upload-pack=touch /tmp/x\": starts with \"-\"; use a plain branch name such as \"main\""},
		{"bad duration", "channels:\n  - name: t\n    kind: telegram\n    schedule:\n      min_gap: 2 hours\n", "pressbot.yaml:5: channels.0.schedule.min_gap: \"2 hours\" is not a duration: write it like 90s, 10m or 2h30m"},
		{"bad rescan", "content:\n  rescan: 10 sec\n", "pressbot.yaml:2: content.rescan: \"10 sec\" is not a duration"},
		{"negative gap", "channels:\n  - name: t\n    kind: telegram\n    schedule:\n      min_gap: -1h\n", "pressbot.yaml:5: channels.0.schedule.min_gap: -1h0m0s is negative"},
		{"bad quiet hours", "channels:\n  - name: t\n    kind: telegram\n    schedule:\n      slots: \"Mon 09:00\"\n      quiet: [\"07:00-08:00\", \"22:00\"]\n", "pressbot.yaml:6: channels.0.schedule.quiet.1: schedule: quiet hours \"22:00\": want FROM-TO"},
		{"every slot quiet", "channels:\n  - name: t\n    kind: telegram\n    schedule:\n      slots: \"Daily 02:30\"\n      quiet: [\"22:00-07:00\"]\n", "pressbot.yaml:5: channels.0.schedule.slots: every slot falls inside the quiet hours"},
		{"bad site language", "site:\n  languages:\n    - en\n    - en_US\n", "pressbot.yaml:4: site.languages.1: \"en_US\" is not a BCP 47 language tag"},
		{"bad db", "db: mysql://x\n", "pressbot.yaml:1: db:"},
		{"webhook", "approval:\n  telegram:\n    mode: webhook\n", "pressbot.yaml:3: approval.telegram.mode: webhook mode needs"},
		{"bad slot", "channels:\n  - name: t\n    kind: telegram\n    schedule:\n      slots: \"Mon-Fry 09:30\"\n", "pressbot.yaml:5: channels.0.schedule.slots: schedule: slot \"Mon-Fry 09:30\": unknown day \"Fry\""},
		{"partial facebook", "channels:\n  - name: fb\n    kind: facebook\n    page_id: \"1\"\n    page_token: t\n", "pressbot.yaml:5: channels.0.page_token: facebook channel \"fb\" has page_id, page_token but not app_secret"},
		{"thread on telegram", "channels:\n  - name: t\n    kind: telegram\n    thread: true\n", "pressbot.yaml:4: channels.0.thread:"},
		{"public not a boolean", "approval:\n  rules:\n    - tag: elections\n      required: 2\n      public: sometimes\n", "pressbot.yaml:5: approval.rules.0.public: \"sometimes\" is not true or false: write true or false"},
		{"public not a boolean, one line", "approval:\n  rules:\n    - {tag: sensitive, required: 2, public: maybe}\n", "pressbot.yaml:3: approval.rules.0.public: \"maybe\" is not true or false"},
		{"public a number", "approval:\n  rules:\n    - {tag: sensitive, required: 2, public: 1}\n", "pressbot.yaml:3: approval.rules.0.public: \"1\" is not true or false"},
		{"dry_run not a boolean", "channels:\n  - name: t\n    kind: telegram\n    dry_run: perhaps\n", "pressbot.yaml:4: channels.0.dry_run: \"perhaps\" is not true or false"},
		{"rules disagree on public", "approval:\n  rules:\n    - {tag: Elections, required: 2, public: true}\n    - {tag: \"#elections\", required: 3}\n",
			"pressbot.yaml:4: approval.rules.1.public: tag \"#elections\" is also in item 1, which says public: true: say the same on both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.body), env(nil))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "fb")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(writeFile(t, "db: sqlite:a.db\n"), env(map[string]string{
		"PRESSBOT_DB":                               "postgres://u@127.0.0.1/p",
		"PRESSBOT_CHANNEL_TELEGRAM_TOKEN":           "123:abc",
		"PRESSBOT_CHANNEL_TELEGRAM_CHAT_ID":         "@office",
		"PRESSBOT_CHANNEL_FACEBOOK_PAGE_ID":         "42",
		"PRESSBOT_CHANNEL_FACEBOOK_PAGE_TOKEN":      "tok",
		"PRESSBOT_CHANNEL_FACEBOOK_APP_SECRET_FILE": secretFile,
		"PRESSBOT_APPROVAL_CHAT_ID":                 "-100",
		"PRESSBOT_APPROVAL_TOKEN":                   "9:zz",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "postgres://u@127.0.0.1/p" {
		t.Errorf("db = %q", c.DB)
	}
	tg, fb := c.Channels[0], c.Channels[1]
	if tg.Token.Reveal() != "123:abc" || tg.ChatID != "@office" || tg.Outbox() {
		t.Errorf("telegram channel = %+v outbox=%v", tg, tg.Outbox())
	}
	if fb.AppSecret.Reveal() != "from-file" || fb.Outbox() {
		t.Errorf("facebook app secret from file = %q", fb.AppSecret.Reveal())
	}
	if !c.Approval.Telegram.Enabled() || c.Approval.Telegram.ChatID != -100 {
		t.Errorf("approval = %+v", c.Approval.Telegram)
	}
	if !c.Channels[2].Outbox() {
		t.Error("x without credentials must stay outbox")
	}
}

func TestSecretFileMissing(t *testing.T) {
	_, err := Load("", env(map[string]string{"PRESSBOT_APPROVAL_TOKEN_FILE": "/nonexistent/token"}))
	if err == nil || !strings.Contains(err.Error(), "PRESSBOT_APPROVAL_TOKEN_FILE") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-value-XYZ"
	c, err := Load(writeFile(t, `
approval:
  telegram:
    token: "`+secret+`"
    chat_id: -1001
channels:
  - name: fb
    kind: facebook
    page_id: "1"
    page_token: "`+secret+`"
    app_secret: "`+secret+`"
  - name: x
    kind: x
    consumer_key: "`+secret+`"
    consumer_secret: "`+secret+`"
    access_token: "`+secret+`"
    access_secret: "`+secret+`"
`), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := c.Dump()
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("config", "cfg", c, "token", c.Approval.Telegram.Token)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("config", "channel", c.Channels[0])
	outputs := map[string]string{
		"dump": string(dump), "log": logBuf.String(),
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", *c), "%#v": fmt.Sprintf("%#v", c.Channels[1]),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("%s reveals the secret:\n%s", name, out)
		}
	}
	if !strings.Contains(string(dump), Redacted) {
		t.Errorf("dump does not show %s:\n%s", Redacted, dump)
	}
	if c.Channels[0].PageToken.Reveal() != secret {
		t.Error("Reveal lost the value")
	}
}

func TestDurationAndZone(t *testing.T) {
	c, err := Load(writeFile(t, "office:\n  zone: Europe/Berlin\ncontent:\n  rescan: 90s\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Content.Rescan.D() != 90*time.Second || c.Zone.String() != "Europe/Berlin" {
		t.Errorf("rescan %v zone %v", c.Content.Rescan.D(), c.Zone)
	}
}

func TestGitURLRedacted(t *testing.T) {
	c, err := Load(writeFile(t, "content:\n  git:\n    url: https://bot:glpat-SECRET99@git.example.org/office/releases.git\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	dump, _ := c.Dump()
	if strings.Contains(string(dump), "SECRET99") || !strings.Contains(string(dump), "https://[redacted]@git.example.org/office/releases.git") {
		t.Errorf("dump:\n%s", dump)
	}
	if !c.Content.Git.Enabled() || !strings.Contains(c.Content.Git.URL.Reveal(), "SECRET99") {
		t.Error("Reveal lost the token")
	}
	for _, tt := range []struct{ in, want string }{
		{"https://git.example.org/a.git", "https://git.example.org/a.git"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git"},
		{"ssh://git@host/r.git", "ssh://[redacted]@host/r.git"},
		{"https://host/path@x", "https://host/path@x"},
	} {
		if got := URL(tt.in).String(); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDefaultBaseURLIsReachable checks that the base URL made from an
// address that listens on every interface links to 127.0.0.1, not to
// 0.0.0.0 or [::], and that a given base URL or host stays.
func TestDefaultBaseURLIsReachable(t *testing.T) {
	tests := []struct{ addr, base, want string }{
		{"0.0.0.0:8080", "", "http://127.0.0.1:8080"},
		{"[::]:9000", "", "http://127.0.0.1:9000"},
		{":8081", "", "http://127.0.0.1:8081"},
		{"192.0.2.7:8080", "", "http://192.0.2.7:8080"},
		{"0.0.0.0:8080", "https://news.example.org/", "https://news.example.org"},
	}
	for _, tt := range tests {
		c, err := Load("", env(map[string]string{"PRESSBOT_HTTP_ADDR": tt.addr, "PRESSBOT_SITE_BASE_URL": tt.base}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Site.BaseURL != tt.want {
			t.Errorf("addr %s, base %q: base URL %s, want %s", tt.addr, tt.base, c.Site.BaseURL, tt.want)
		}
	}
}

// TestDumpShowsWhatWasSet checks that a dump shows dry_run as it was set
// (false for a channel that merely lacks credentials, so that the dump can
// be a configuration again) and leaves out the options of other kinds.
func TestDumpShowsWhatWasSet(t *testing.T) {
	c, err := Load(writeFile(t, "channels:\n  - name: tg\n    kind: telegram\n    token: \"1:abc\"\n    chat_id: \"@o\"\n  - name: fb\n    kind: facebook\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := c.Dump()
	if err != nil {
		t.Fatal(err)
	}
	tg, fb, ok := strings.Cut(string(dump), "- name: fb")
	if !ok {
		t.Fatalf("no fb channel in:\n%s", dump)
	}
	for _, w := range []struct {
		in, what string
		want     bool
	}{
		{tg, "dry_run: false", true}, {tg, "page_token", false}, {tg, "consumer_key", false},
		{fb, "dry_run: true", false}, {fb, "dry_run: false", true}, {fb, "token:", false}, {fb, "chat_id", false},
	} {
		if strings.Contains(w.in, w.what) != w.want {
			t.Errorf("%q shown = %v, want %v, in:\n%s", w.what, !w.want, w.want, w.in)
		}
	}
	if c.Channels[1].DryRun {
		t.Error("Dump changed the configuration")
	}
}

// TestApprovalPrivateTags checks which rules' tags are private: all but
// those of rules that say public: true, each once.
func TestApprovalPrivateTags(t *testing.T) {
	c, err := Load(writeFile(t, `approval:
  rules:
    - {tag: sensitive, required: 2}
    - {tag: "#Sensitive", required: 3}
    - {tag: elections, required: 2, public: true}
    - tag: embargoed
      required: 2
      public: false
`), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Approval.PrivateTags()
	if strings.Join(got, ",") != "sensitive,embargoed" {
		t.Errorf("PrivateTags = %q, want [sensitive embargoed]", got)
	}
	for tag, want := range map[string]bool{"Sensitive": true, "#EMBARGOED": true, "elections": false, "water": false} {
		if got.Has(tag) != want {
			t.Errorf("Has(%q) = %v, want %v", tag, !want, want)
		}
	}
	dump, err := c.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dump, []byte("public: true")) || !bytes.Contains(dump, []byte("public: false")) {
		t.Errorf("the dump does not say which tags are public:\n%s", dump)
	}
}

// TestDryRunReason checks why a channel is a dry run: dry_run set, or the
// credentials it lacks with the variables that give them; "" when it
// publishes for real.
func TestDryRunReason(t *testing.T) {
	tests := []struct {
		name string
		ch   Channel
		want string
	}{
		{"asked", Channel{Name: "telegram", Kind: "telegram", DryRun: true, Token: "t", ChatID: "@c"}, "dry_run: true; remove that line to publish"},
		{"nothing", Channel{Name: "x-ru", Kind: "x"}, "no consumer_key, consumer_secret, access_token, access_secret; set them in the file or as " +
			"PRESSBOT_CHANNEL_X_RU_CONSUMER_KEY, PRESSBOT_CHANNEL_X_RU_CONSUMER_SECRET, PRESSBOT_CHANNEL_X_RU_ACCESS_TOKEN, PRESSBOT_CHANNEL_X_RU_ACCESS_SECRET (secrets also as …_FILE)"},
		{"one missing", Channel{Name: "fb", Kind: "facebook", PageID: "1", PageToken: "p"}, "no app_secret; set them in the file or as PRESSBOT_CHANNEL_FB_APP_SECRET (secrets also as …_FILE)"},
		{"live", Channel{Name: "telegram", Kind: "telegram", Token: "t", ChatID: "@c"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ch.DryRunReason(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			if live := tc.want == ""; live == tc.ch.Outbox() {
				t.Errorf("Outbox() = %v, but the reason is %q", tc.ch.Outbox(), tc.want)
			}
		})
	}
}

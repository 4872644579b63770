package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDBPasswordNeverShown checks that the database password shows neither
// in the dump (which must still load), nor in URL.String, nor in the
// error for a bad db.
func TestDBPasswordNeverShown(t *testing.T) {
	const pw = "Pa55w0rdXYZ"
	tests := []struct{ db, want string }{
		{"postgres://pressbot:" + pw + "@127.0.0.1:56123/pressbot", "postgres://[redacted]@127.0.0.1:56123/pressbot"},
		{"postgres://127.0.0.1/pressbot?sslmode=disable&password=" + pw, "postgres://127.0.0.1/pressbot?sslmode=disable&password=[redacted]"},
		{"postgresql://u@h/db?PASSWORD=" + pw + "&sslpassword=" + pw + "#x", "postgresql://[redacted]@h/db?PASSWORD=[redacted]&sslpassword=[redacted]#x"},
		{"sqlite:/var/lib/pressbot/a@b.db", "sqlite:/var/lib/pressbot/a@b.db"},
	}
	for _, tt := range tests {
		c, err := Load("", env(map[string]string{"PRESSBOT_DB": tt.db}))
		if err != nil {
			t.Fatal(err)
		}
		dump, err := c.Dump()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(dump), "db: "+tt.want+"\n") {
			t.Errorf("db %s: dump shows\n%s\nwant db: %s", tt.db, dump, tt.want)
		}
		if got := URL(tt.db).String(); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.db, got, tt.want)
		}
		if c.DB != tt.db {
			t.Errorf("Load changed db to %q", c.DB)
		}
		if _, err := Load(writeFile(t, string(dump)), env(nil)); err != nil {
			t.Errorf("the dump does not load again: %v", err)
		}
	}
	for _, db := range []string{"mysql://root:" + pw + "@h/db", "root:" + pw + "@tcp(h)/db", "host=h password=" + pw + " dbname=p"} {
		_, err := Load(writeFile(t, "db: \""+db+"\"\n"), env(nil))
		if err == nil || strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "pressbot.yaml:1: db:") {
			t.Errorf("db %q: err = %v, want a problem at line 1 without the password", db, err)
		}
	}
}

// TestDBFromFile checks PRESSBOT_DB_FILE, and that PRESSBOT_DB wins.
func TestDBFromFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(file, []byte("postgres://u:pw@h/db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PRESSBOT_DB_FILE": file}, "postgres://u:pw@h/db"},
		{map[string]string{"PRESSBOT_DB_FILE": file, "PRESSBOT_DB": "sqlite:x.db"}, "sqlite:x.db"},
	}
	for _, tt := range tests {
		c, err := Load("", env(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		if c.DB != tt.want {
			t.Errorf("env %v: db = %q, want %q", tt.env, c.DB, tt.want)
		}
	}
	_, err := Load("", env(map[string]string{"PRESSBOT_DB_FILE": "/nonexistent/db"}))
	if err == nil || !strings.Contains(err.Error(), "environment PRESSBOT_DB_FILE: db: cannot read the secret file") {
		t.Errorf("missing db file: err = %v", err)
	}
}

// TestEnvProblemsNameTheVariable checks that a bad value from the
// environment or a flag is blamed on it, not on the file's line for the key.
func TestEnvProblemsNameTheVariable(t *testing.T) {
	const file = "office:\n  zone: Asia/Tashkent\ndb: sqlite:a.db\nhttp:\n  addr: 127.0.0.1:8080\nsite:\n  base_url: https://news.example.org\nlog:\n  level: info\napproval:\n  telegram:\n    mode: polling\n"
	tests := []struct {
		name, value string
		flags       []Flag
		want        string
	}{
		{"PRESSBOT_OFFICE_ZONE", "Mars/Base", nil, `environment PRESSBOT_OFFICE_ZONE: office.zone: unknown time zone "Mars/Base"`},
		{"PRESSBOT_SITE_BASE_URL", "ftp://x", nil, "environment PRESSBOT_SITE_BASE_URL: site.base_url: must be an http"},
		{"PRESSBOT_LOG_LEVEL", "loud", nil, `environment PRESSBOT_LOG_LEVEL: log.level: "loud"`},
		{"PRESSBOT_DB", "mysql://x", nil, `environment PRESSBOT_DB: db: "mysql://x"`},
		{"PRESSBOT_APPROVAL_MODE", "push", nil, `environment PRESSBOT_APPROVAL_MODE: approval.telegram.mode: "push"`},
		{"PRESSBOT_HTTP_ADDR", "8080", nil, `environment PRESSBOT_HTTP_ADDR: http.addr: "8080" is not HOST:PORT`},
		{"PRESSBOT_APPROVAL_WEBHOOK_SECRET", "a b", nil, "environment PRESSBOT_APPROVAL_WEBHOOK_SECRET: approval.telegram.webhook_secret: may hold only"},
		{"PRESSBOT_APPROVAL_CHAT_ID", "chat", nil, "environment PRESSBOT_APPROVAL_CHAT_ID: approval.telegram.chat_id: must be a number"},
		{"PRESSBOT_CHANNEL_FACEBOOK_PAGE_TOKEN", "t0k", nil, `environment PRESSBOT_CHANNEL_FACEBOOK_PAGE_TOKEN: channels.1.page_token: facebook channel "facebook" has page_token but not page_id, app_secret`},
		{"PRESSBOT_DB", "sqlite:ok.db", []Flag{{Name: "-db", Env: "PRESSBOT_DB", Value: "mysql://x"}}, `flag -db: db: "mysql://x"`},
		{"PRESSBOT_LOG_LEVEL", "loud", []Flag{{Name: "-db", Env: "PRESSBOT_DB", Value: ""}}, "environment PRESSBOT_LOG_LEVEL: log.level:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadWithFlags(writeFile(t, file), env(map[string]string{tt.name: tt.value}), tt.flags)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "pressbot.yaml") {
				t.Errorf("err = %v\nwant %q and no file line", err, tt.want)
			}
		})
	}
}

// TestValuesThatFailLater checks the settings that used to pass the check
// and then break serve: each must be reported at its key and line.
func TestValuesThatFailLater(t *testing.T) {
	secret := strings.Repeat("s", 257)
	tests := []struct{ name, body, want string }{
		{"negative per_page", "site:\n  per_page: -5\n", "pressbot.yaml:2: site.per_page: -5: use the number of releases per page, from 1 to 1000"},
		{"huge per_page", "site:\n  per_page: 100000000000\n", "pressbot.yaml:2: site.per_page: 100000000000: use the number"},
		{"language twice", "site:\n  languages: [en, ru, EN]\n", "pressbot.yaml:2: site.languages.2: \"EN\" is listed twice (also as item 1"},
		{"script subtag twice", "site:\n  languages: [uz-Cyrl, uz-cyrl]\n", "site.languages.1: \"uz-cyrl\" is listed twice"},
		{"base_url with a password", "site:\n  base_url: https://user:pw@news.example.org\n", "pressbot.yaml:2: site.base_url: must not carry a user name or password"},
		{"base_url port too big", "site:\n  base_url: https://news.example.org:99999\n", "site.base_url: "},
		{"addr port with a sign", "http:\n  addr: 127.0.0.1:+58231\n", "pressbot.yaml:2: http.addr: port \"+58231\""},
		{"addr host with a space", "http:\n  addr: \" 127.0.0.1:58232\"\n", "pressbot.yaml:2: http.addr: \" 127.0.0.1:58232\" is not HOST:PORT (the host has a space)"},
		{"base_url query", "site:\n  base_url: https://news.example.org/?lang=en\n", "pressbot.yaml:2: site.base_url: must not have a query"},
		{"base_url fragment", "site:\n  base_url: https://news.example.org/#top\n", "pressbot.yaml:2: site.base_url: must not have a fragment"},
		{"base_url space in the host", "site:\n  base_url: https://пресса .uz/новости\n", "pressbot.yaml:2: site.base_url: host \"пресса .uz\" has a space: write the address as a browser shows it"},
		{"base_url host IDNA refuses", "site:\n  base_url: https://-пресса.uz\n", "pressbot.yaml:2: site.base_url: host \"-пресса.uz\" is not a domain name: idna: invalid label"},
		{"base_url control character", "site:\n  base_url: \"https://пресса.uz/\\tnews\"\n", "pressbot.yaml:2: site.base_url: the URL has a control character"},
		{"base_url Unicode host with a password", "site:\n  base_url: https://user:pw@пресса.uz\n", "pressbot.yaml:2: site.base_url: must not carry a user name or password"},
		{"base_url no host", "site:\n  base_url: https:///news\n", "pressbot.yaml:2: site.base_url: has no host"},
		{"webhook secret chars", "approval:\n  telegram:\n    webhook_secret: \"hunter2!hunter2\"\n", "pressbot.yaml:3: approval.telegram.webhook_secret: may hold only A-Z a-z 0-9 _ and -"},
		{"webhook secret length", "approval:\n  telegram:\n    webhook_secret: " + secret + "\n", "pressbot.yaml:3: approval.telegram.webhook_secret: is 257 characters long"},
		{"negative rescan", "content:\n  rescan: -10s\n", "pressbot.yaml:2: content.rescan: -10s is negative"},
		{"negative git interval", "content:\n  git:\n    interval: -1m\n", "pressbot.yaml:3: content.git.interval: -1m0s is negative"},
		{"addr without port", "http:\n  addr: localhost\n", "pressbot.yaml:2: http.addr: \"localhost\" is not HOST:PORT (missing port in address)"},
		{"addr port negative", "http:\n  addr: 127.0.0.1:-1\n", "pressbot.yaml:2: http.addr: port \"-1\": use a number from 1 to 65535"},
		{"addr port too big", "http:\n  addr: :70000\n", "pressbot.yaml:2: http.addr: port \"70000\""},
		{"addr port name", "http:\n  addr: :http\n", "pressbot.yaml:2: http.addr: port \"http\""},
		{"sqlite without path", "db: \"sqlite:\"\n", "pressbot.yaml:1: db: sqlite: needs the database file's path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.body), env(nil))
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "hunter2")) {
				t.Errorf("the error shows the webhook secret: %v", err)
			}
		})
	}
}

// TestValuesStillAccepted checks the new checks refuse nothing valid: 0
// is the default period and page size, and the usual addresses pass.
func TestValuesStillAccepted(t *testing.T) {
	tests := []string{
		"content:\n  rescan: 0s\n  git:\n    interval: 0s\nsite:\n  per_page: 0\n",
		"http:\n  addr: \":8080\"\n",
		"http:\n  addr: \"[::1]:65535\"\n",
		"http:\n  addr: 127.0.0.1:0\n", // any free port: serve's own tests use it
		"site:\n  base_url: https://xn--80aqafcrtq.uz/press%20room/\n",
		"approval:\n  telegram:\n    webhook_secret: " + strings.Repeat("aZ0_-", 51) + "a\n",
		"db: sqlite:/var/lib/pressbot/pressbot.db\n",
	}
	for _, body := range tests {
		c, err := Load(writeFile(t, body), env(nil))
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if c.Content.Rescan <= 0 || c.Content.Git.Interval <= 0 || c.Site.PerPage <= 0 {
			t.Errorf("%s: defaults not filled: %+v %+v", body, c.Content, c.Site)
		}
	}
}

// TestBaseURLInASCII checks that a site.base_url written in Unicode, in
// the file or the environment, loads in ASCII: the host in punycode, the
// path percent-escaped; and that an ASCII one stays as written.
func TestBaseURLInASCII(t *testing.T) {
	const novosti = "%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
	tests := []struct{ name, body, env, want string }{
		{"host and path", "site:\n  base_url: https://пресса.uz/новости/\n", "", "https://xn--80aj3aega.uz/" + novosti},
		{"host in capitals, a port", "site:\n  base_url: http://ПРЕССА.uz:8080\n", "", "http://xn--80aj3aega.uz:8080"},
		{"space in the path", "site:\n  base_url: https://news.example.org/press room\n", "", "https://news.example.org/press%20room"},
		{"escapes kept", "site:\n  base_url: https://news.example.org/a%2Fb/новости\n", "", "https://news.example.org/a%2Fb/" + novosti},
		{"ASCII as written", "site:\n  base_url: https://News.example.org/Press%20room\n", "", "https://News.example.org/Press%20room"},
		{"environment", "", "https://пресса.uz/новости", "https://xn--80aj3aega.uz/" + novosti},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			if tt.env != "" {
				vars["PRESSBOT_SITE_BASE_URL"] = tt.env
			}
			c, err := Load(writeFile(t, tt.body), env(vars))
			if err != nil {
				t.Fatal(err)
			}
			if c.Site.BaseURL != tt.want {
				t.Errorf("site.base_url %q, want %q", c.Site.BaseURL, tt.want)
			}
		})
	}
}

// TestEnvSet checks which variables make EnvSet say there is something to
// load: those Load reads, and not others of the prefix.
func TestEnvSet(t *testing.T) {
	for vars, want := range map[string]bool{
		"":                                     false,
		"PRESSBOT_REPO=/src":                   false,
		"PRESSBOT_SITE_BASE_URL=https://x.org": true,
		"PRESSBOT_DB=sqlite:x.db":              true,
		"PRESSBOT_CHANNEL_X_TOKEN=t":           true,
	} {
		m := map[string]string{}
		if k, v, ok := strings.Cut(vars, "="); ok {
			m[k] = v
		}
		if got := EnvSet(env(m)); got != want {
			t.Errorf("EnvSet(%q) = %v, want %v", vars, got, want)
		}
	}
}

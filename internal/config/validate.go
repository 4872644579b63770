package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/pressbot/pressbot/internal/weburl"
)

// validateService checks the store, the listener, the site and the
// content periods.
func (c *Config) validateService(lf lineFinder) []Problem {
	var probs []Problem
	check := func(msg string, path ...any) {
		if msg != "" {
			probs = append(probs, lf.problem(msg, path...))
		}
	}
	check(dbProblem(c.DB), "db")
	check(addrProblem(c.HTTP.Addr), "http", "addr")
	if !c.Site.BaseURLDerived {
		ascii, msg := asciiBaseURL(c.Site.BaseURL)
		check(msg, "site", "base_url")
		if msg == "" {
			c.Site.BaseURL = ascii
		}
	}
	if c.Site.PerPage < 0 || c.Site.PerPage > MaxPerPage {
		check(fmt.Sprintf("%d: use the number of releases per page, from 1 to %d, e.g. 20 (0 or none: 20)", c.Site.PerPage, MaxPerPage), "site", "per_page")
	}
	check(periodProblem(c.Content.Rescan, "10s"), "content", "rescan")
	check(periodProblem(c.Content.Git.Interval, "1m"), "content", "git", "interval")
	return probs
}

// MaxPerPage bounds site.per_page: a page of more releases is no page,
// and a huge number would have the newsroom allocate for it.
const MaxPerPage = 1000

// dbProblem describes what is wrong with the database URL db, or "". The
// message never shows a password.
func dbProblem(db string) string {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		if strings.TrimSpace(strings.TrimPrefix(db, "sqlite:")) == "" {
			return "sqlite: needs the database file's path, e.g. sqlite:/var/lib/pressbot/pressbot.db"
		}
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
	default:
		return fmt.Sprintf("%q: use sqlite:PATH or a postgres:// URL", redactDSN(db))
	}
	return ""
}

// anyPassword matches a password=VALUE pair of a URL or a keyword DSN.
var anyPassword = regexp.MustCompile(`(?i)(password=)[^&#\s]*`)

// redactDSN returns a database URL or DSN fit to show: user information
// (with or without a scheme) and password parameters redacted; a sqlite:
// path is shown whole.
func redactDSN(db string) string {
	if strings.HasPrefix(db, "sqlite:") {
		return db
	}
	s := URL(db).String()
	if at := strings.LastIndex(s, "@"); at >= 0 && !strings.Contains(s, "://") {
		s = Redacted + s[at:]
	}
	return anyPassword.ReplaceAllString(s, "${1}"+Redacted)
}

// addrProblem describes what is wrong with the listen address addr, or "".
// Port 0 (any free port, which serve logs) is allowed, for tests.
func addrProblem(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && strings.ContainsAny(host, " \t") {
		err = errors.New("the host has a space")
	}
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return fmt.Sprintf("%q is not HOST:PORT (%v): write it like 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strings.ContainsAny(port, "+-") {
		return fmt.Sprintf("port %q: use a number from 1 to 65535", port)
	}
	return ""
}

// asciiBaseURL returns the newsroom's public URL s in ASCII, as every
// link, feed and the sitemap carry it (weburl.ASCII: https://пресса.uz/новости
// becomes https://xn--80aj3aega.uz/%D0%BD…), or what is wrong with it.
func asciiBaseURL(s string) (ascii, problem string) {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return "", "must be an http:// or https:// URL"
	}
	ascii, err := weburl.ASCII(s)
	if err != nil {
		return "", strings.TrimPrefix(err.Error(), "weburl: ") +
			": write the address as a browser shows it (https://пресса.uz/новости) or in ASCII (https://xn--80aj3aega.uz/news)"
	}
	return ascii, baseURLProblem(ascii)
}

// baseURLProblem describes what is wrong with the newsroom's public URL
// in ASCII, or "".
func baseURLProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a valid URL (its host or port): write it like https://news.example.org"
	case u.User != nil:
		return "must not carry a user name or password (…@): it is written into every public link"
	case u.Port() != "" && addrProblem("x:"+u.Port()) != "":
		return fmt.Sprintf("port %q: use a number from 1 to 65535", u.Port())
	case u.Hostname() == "":
		return "has no host: write it like https://news.example.org"
	case u.RawQuery != "" || u.ForceQuery:
		return "must not have a query (?…): every link is made by appending a path to it"
	case strings.Contains(s, "#"):
		return "must not have a fragment (#…): every link is made by appending a path to it"
	}
	return ""
}

// periodProblem describes a negative period, or "" (0 is the default def).
func periodProblem(d Duration, def string) string {
	if d < 0 {
		return fmt.Sprintf("%s is negative: use a duration like %s (0 or none: %s)", d.D(), def, def)
	}
	return ""
}

// webhookChars is what Telegram allows in a webhook secret token.
var webhookChars = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// webhookSecretProblem describes what Telegram would refuse in the webhook
// secret s, or "". The message never shows the secret.
func webhookSecretProblem(s Secret) string {
	switch v := s.Reveal(); {
	case len(v) > 256:
		return fmt.Sprintf("is %d characters long: Telegram allows at most 256", len(v))
	case !webhookChars.MatchString(v):
		return "may hold only A-Z a-z 0-9 _ and - (Telegram's rule), e.g. from: openssl rand -hex 32"
	}
	return ""
}

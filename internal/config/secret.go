package config

import (
	"log/slog"
	"regexp"
	"strings"
)

// Redacted is what a secret prints as everywhere: logs, errors, dumps.
const Redacted = "[redacted]"

// Secret is a credential read from the config file or the environment. It
// prints, marshals and logs as Redacted; only Reveal gives the value.
type Secret string

// Reveal returns the secret's value, for handing to a client.
func (s Secret) Reveal() string { return string(s) }

// Set reports whether the secret has a value.
func (s Secret) Set() bool { return s != "" }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString implements fmt.GoStringer so %#v redacts too.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalYAML implements yaml.Marshaler: dumps show Redacted.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalText implements encoding.TextMarshaler (JSON and the like).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// URL is a URL that may carry credentials (https://user:token@host/…). It
// prints with its user information redacted; Reveal gives it whole.
type URL string

// Reveal returns the whole URL, for handing to a client.
func (u URL) Reveal() string { return string(u) }

// String implements fmt.Stringer with the user information redacted, and
// in a postgres:// URL the password and sslpassword parameters too.
func (u URL) String() string {
	s := redactUserinfo(string(u))
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		s = passwordParam.ReplaceAllString(s, "${1}"+Redacted)
	}
	return s
}

// passwordParam matches a password query parameter of a URL up to its value.
var passwordParam = regexp.MustCompile(`(?i)([?&](?:ssl)?password=)[^&#]*`)

// redactUserinfo returns s with the user information of a URL redacted.
func redactUserinfo(s string) string {
	scheme := strings.Index(s, "://")
	if scheme < 0 {
		return s
	}
	rest := s[scheme+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return s[:scheme+3] + Redacted + rest[at:]
	}
	return s
}

// LogValue implements slog.LogValuer.
func (u URL) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalYAML implements yaml.Marshaler.
func (u URL) MarshalYAML() (any, error) { return u.String(), nil }

package config

import "log/slog"

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

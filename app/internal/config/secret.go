package config

import "log/slog"

// Secret holds a value that must never reach a log line, an error or a response.
// Every formatting path (fmt verbs, slog, JSON) shows only whether it is set.
type Secret struct{ value string }

const redacted = "[REDACTED]"

// NewSecret wraps a value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the value itself, for the one place that needs it (a database driver).
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether a value was given.
func (s Secret) IsSet() bool { return s.value != "" }

func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

// GoString covers %#v, which would otherwise print the struct field.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// LogValue covers slog handlers.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText covers encoding/json and every other encoder that uses encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

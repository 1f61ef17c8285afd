package enquiry

// Secret is a credential — a channel secret or an access token. It prints as
// "[redacted]" with fmt's %v, %s, %q and %#v verbs, marshals to JSON as
// "[redacted]", and gives its value only to Reveal, so it cannot leak into a
// log line, an error or an API response by accident.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value. Call it only where the value is used:
// signing, an Authorization header, encrypted storage.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns "[redacted]" (or "" for an empty secret).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the redacted form for %#v.
func (s Secret) GoString() string { return `enquiry.Secret("` + s.String() + `")` }

// MarshalJSON writes the redacted form; a secret never leaves in JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText writes the redacted form (used by log/slog and encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Credentials are the secrets a connector needs to talk to its platform.
// For LINE: the channel secret (webhook signatures) and the channel access
// token (API calls).
type Credentials struct {
	Secret Secret `json:"secret"`
	Token  Secret `json:"token"`
}

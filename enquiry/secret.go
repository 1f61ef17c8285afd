package enquiry

import (
	"fmt"
	"io"
	"log/slog"
)

// Secret is a credential or what stands for one — a channel secret, an
// access token, a staff API token, a password hash, a token hash. It prints
// as "[redacted]" with every fmt verb (%v, %+v, %s, %q, %x and %#v
// included), marshals to JSON and to text as "[redacted]", logs through
// log/slog as "[redacted]", and gives its value only to Reveal, so it
// cannot leak into a log line, an error or an API response by accident.
// Where fmt cannot call a value's methods it prints the raw value: in an
// unexported struct field, and in a struct printed with a verb for
// pointers (%p, which go vet reports). Keep a Secret in an exported field
// of anything that may be printed.
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

// Format prints the redacted form for every verb, so that no verb prints
// the value: %#v gives GoString, %v, %s, %q, %x and %X format "[redacted]"
// with the flags and width given, and any other verb writes "[redacted]"
// (fmt would otherwise print the raw value for a verb like %d).
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			io.WriteString(f, s.GoString())
			return
		}
		fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
	case 's', 'q', 'x', 'X':
		fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
	default:
		io.WriteString(f, s.String())
	}
}

// MarshalJSON writes the redacted form; a secret never leaves in JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText writes the redacted form (used by log/slog and encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue gives log/slog the redacted form, whatever the handler.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Credentials are the secrets a connector needs to talk to its platform.
// Typically a secret that signs its webhooks and a token for its API calls.
type Credentials struct {
	Secret Secret `json:"secret"`
	Token  Secret `json:"token"`
}

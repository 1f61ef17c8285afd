package enquiry_test

import (
	"bytes"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// A Secret redacts itself on every path, not by luck of the encoder.
var (
	_ fmt.Formatter          = enquiry.Secret("")
	_ fmt.Stringer           = enquiry.Secret("")
	_ fmt.GoStringer         = enquiry.Secret("")
	_ json.Marshaler         = enquiry.Secret("")
	_ encoding.TextMarshaler = enquiry.Secret("")
	_ slog.LogValuer         = enquiry.Secret("")
)

// The secrets of every kind the leak tests look for.
const (
	channelSecret = "chan-secret-4f1c9a0e"
	channelToken  = "chan-token-77ab02d5"
	passwordHash  = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5"
	tokenHash     = "3b1f7e0c9a5d4e2f8b6a0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f"
	plainToken    = "sdk_0123456789abcdef_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"
	sessionCookie = "c2Vzc2lvbi1jb29raWUtdmFsdWUtMzItYnl0ZXMhIQ"
	sessionHash   = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
)

// secretValue is a value holding secrets, as a program may print, log or
// marshal it.
type secretValue struct {
	name string
	v    any
	// hiddenInJSON: the secrets are not marshalled at all (json:"-"), so
	// JSON shows no "[redacted]" either.
	hiddenInJSON bool
}

func secretValues() []secretValue {
	creds := enquiry.Credentials{Secret: channelSecret, Token: channelToken}
	ch := enquiry.Channel{ID: "main", Name: "Social", Kind: "social", Account: "Ubot", Credentials: creds, State: enquiry.Active}
	acc := enquiry.Account{ID: "alice", First: "Alice", Last: "Chen", Role: enquiry.RoleAdmin, PasswordHash: passwordHash}
	tok := enquiry.Token{ID: "0123456789abcdef", Staff: "alice", Hash: tokenHash, Created: time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)}
	sess := enquiry.Session{Hash: sessionHash, Staff: "alice", Created: tok.Created, Expires: tok.Created.Add(time.Hour)}
	return []secretValue{
		{name: "a channel secret", v: creds.Secret},
		{name: "a channel access token", v: creds.Token},
		{name: "a password hash", v: acc.PasswordHash},
		{name: "a token hash", v: tok.Hash},
		{name: "a plain API token", v: enquiry.Secret(plainToken)},
		{name: "a session cookie value", v: enquiry.Secret(sessionCookie)},
		{name: "a session hash", v: sess.Hash},
		{name: "credentials", v: creds},
		{name: "a pointer to credentials", v: &creds},
		{name: "a channel", v: ch},
		{name: "a pointer to a channel", v: &ch},
		{name: "an account", v: acc, hiddenInJSON: true},
		{name: "a pointer to an account", v: &acc, hiddenInJSON: true},
		{name: "a list of accounts", v: []enquiry.Account{acc}, hiddenInJSON: true},
		{name: "a token", v: tok, hiddenInJSON: true},
		{name: "a session", v: sess, hiddenInJSON: true},
		{name: "a pointer to a session", v: &sess, hiddenInJSON: true},
		{name: "a map of secrets", v: map[string]enquiry.Secret{"secret": channelSecret, "hash": passwordHash}},
	}
}

// assertRedacted fails the test if out holds any of the secrets, raw or
// in hex, and, when shown, if it does not show "[redacted]" where they
// were (so that a test of a path that printed nothing cannot pass).
func assertRedacted(t *testing.T, out string, shown bool) {
	t.Helper()
	for _, s := range []string{channelSecret, channelToken, passwordHash, tokenHash, plainToken, sessionCookie, sessionHash} {
		for _, form := range []string{s, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))), s[len(s)-12:]} {
			if strings.Contains(out, form) {
				t.Fatalf("the output leaks a secret (%q):\n%s", form, out)
			}
		}
	}
	if shown && !strings.Contains(out, "[redacted]") {
		t.Fatalf("the output shows no [redacted] where the secrets were:\n%s", out)
	}
}

func TestSecretsNeverFormat(t *testing.T) {
	verbs := []struct {
		format string
		shown  bool // "[redacted]" appears as such
	}{
		{"%v", true}, {"%+v", true}, {"%#v", true}, {"%s", true}, {"%q", true},
		{"%x", false}, {"%X", false}, {"%d", true}, {"%t", true}, {"%c", true},
		{"%20s", true}, {"%-30q", true}, {"%+q", true}, {"%#q", true},
	}
	for _, sv := range secretValues() {
		for _, verb := range verbs {
			t.Run(sv.name+" prints redacted with "+verb.format, func(t *testing.T) {
				assertRedacted(t, fmt.Sprintf(verb.format, sv.v), verb.shown)
			})
		}
		t.Run(sv.name+" prints redacted with Sprint, Sprintln and in an error", func(t *testing.T) {
			assertRedacted(t, fmt.Sprint(sv.v)+fmt.Sprintln(sv.v), true)
			assertRedacted(t, fmt.Errorf("connecting with %v: %w", sv.v, enquiry.ErrInvalid).Error(), true)
		})
	}
}

func TestSecretsNeverMarshal(t *testing.T) {
	for _, sv := range secretValues() {
		t.Run(sv.name+" marshals to JSON redacted", func(t *testing.T) {
			b, err := json.Marshal(sv.v)
			if err != nil {
				t.Fatal(err)
			}
			assertRedacted(t, string(b), !sv.hiddenInJSON)
		})
		t.Run(sv.name+" marshals to indented JSON redacted", func(t *testing.T) {
			b, err := json.MarshalIndent(sv.v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			assertRedacted(t, string(b), !sv.hiddenInJSON)
		})
		if m, ok := sv.v.(encoding.TextMarshaler); ok {
			t.Run(sv.name+" marshals to text redacted", func(t *testing.T) {
				b, err := m.MarshalText()
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != "[redacted]" {
					t.Fatalf("MarshalText = %q, want [redacted]", b)
				}
			})
		}
		if m, ok := sv.v.(json.Marshaler); ok {
			t.Run(sv.name+" is a json.Marshaler that writes redacted", func(t *testing.T) {
				b, err := m.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != `"[redacted]"` {
					t.Fatalf("MarshalJSON = %s, want \"[redacted]\"", b)
				}
			})
		}
	}
}

func TestSecretsNeverLog(t *testing.T) {
	handlers := []struct {
		name string
		new  func(w *bytes.Buffer) slog.Handler
	}{
		{"slog's TextHandler", func(w *bytes.Buffer) slog.Handler { return slog.NewTextHandler(w, nil) }},
		{"slog's JSONHandler", func(w *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	}
	for _, h := range handlers {
		for _, sv := range secretValues() {
			shown := h.name == "slog's TextHandler" || !sv.hiddenInJSON
			t.Run(sv.name+" logs redacted through "+h.name, func(t *testing.T) {
				var buf bytes.Buffer
				slog.New(h.new(&buf)).Info("connecting", "value", sv.v)
				assertRedacted(t, buf.String(), shown)
			})
			t.Run(sv.name+" logs redacted in a group and in With through "+h.name, func(t *testing.T) {
				var buf bytes.Buffer
				log := slog.New(h.new(&buf)).With("with", sv.v)
				log.Info("connecting", slog.Group("channel", "value", sv.v))
				assertRedacted(t, buf.String(), shown)
			})
		}
	}
	for _, sv := range secretValues() {
		lv, ok := sv.v.(slog.LogValuer)
		if !ok {
			continue
		}
		t.Run(sv.name+" gives slog the redacted form as a LogValuer", func(t *testing.T) {
			v := lv.LogValue()
			if v.Kind() != slog.KindString || v.String() != "[redacted]" {
				t.Fatalf("LogValue = %v (%s), want the string [redacted]", v, v.Kind())
			}
			if got := slog.AnyValue(sv.v).Resolve(); got.String() != "[redacted]" {
				t.Fatalf("the resolved value = %v, want [redacted]", got)
			}
		})
	}
}

func TestSecretEmptyAndReveal(t *testing.T) {
	var empty enquiry.Secret
	if !empty.IsZero() || fmt.Sprint(empty) != "" || fmt.Sprintf("%#v", empty) != `enquiry.Secret("")` {
		t.Fatalf("an empty secret prints %q / %#v, want nothing", fmt.Sprint(empty), empty)
	}
	if b, _ := json.Marshal(empty); string(b) != `""` {
		t.Fatalf("an empty secret marshals to %s, want \"\"", b)
	}
	s := enquiry.Secret(channelSecret)
	if s.IsZero() || s.Reveal() != channelSecret {
		t.Fatalf("Reveal = %q, want the value", s.Reveal())
	}
}

// TestAMemStorePrintsNoCredential: a MemStore keeps accounts, tokens and
// sessions by their hashes; none of them, nor a channel's credentials,
// reaches fmt's output or a log line.
func TestAMemStorePrintsNoCredential(t *testing.T) {
	ctx := t.Context()
	s := enquiry.NewMemStore()
	pw, err := enquiry.HashPassword("store-password-kept-1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateAccount(ctx, enquiry.Account{ID: "alice", First: "Alice", Role: enquiry.RoleStaff, PasswordHash: pw, Created: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	tok, sess := enquiry.TokenHash("token-value-0123456789"), enquiry.TokenHash("session-value-9876543210")
	if err := s.CreateToken(ctx, enquiry.Token{ID: "t1", Staff: "alice", Hash: tok, Created: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, enquiry.Session{Staff: "alice", Hash: sess, Created: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	forms := []string{pw.Reveal(), pw.Reveal()[len(pw.Reveal())-12:], tok.Reveal(), sess.Reveal()}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, struct{ S *enquiry.MemStore }{s}))
	}
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("store", "store", s)
	outs = append(outs, b.String())
	for _, out := range outs {
		for _, f := range forms {
			if strings.Contains(out, f) {
				t.Fatalf("the output holds a credential's hash (%q):\n%s", f, out)
			}
		}
	}
}

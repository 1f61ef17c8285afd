package deskhttp

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// The secrets the leak tests look for: the host's service token
// (DESK_TOKEN), the media links' signing key, and a channel's secret and
// access token as an admin sends them in a channel edit.
const (
	leakServiceToken  = "desk-token-5b0e93c1d7a24f68"
	leakMediaKey      = "media-key-0f3a6c9e2b5d8f14a7c0e3b6"
	leakChannelSecret = "chan-secret-8d2f4a6b1c3e"
	leakChannelToken  = "chan-token-e7c5a3b19d0f"
)

// leakForms are the forms in which a secret could reach output: as it
// is, in hex, and as fmt prints its bytes (the signer keeps the media key
// as a []byte).
func leakForms() []string {
	var forms []string
	for _, s := range []string{leakServiceToken, leakMediaKey, leakChannelSecret, leakChannelToken} {
		bs := fmt.Sprint([]byte(s))
		forms = append(forms, s, s[len(s)-10:], hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))), bs[1:40])
	}
	return forms
}

// leakValue is a value holding secrets, as a host may print, log or
// marshal it.
type leakValue struct {
	name string
	v    any
	// fmtShows: fmt prints "[redacted]" where the secrets are (not, say,
	// the address of a pointer field).
	fmtShows bool
	// jsonShows: JSON shows "[redacted]" where the secrets are; jsonFails:
	// json.Marshal refuses the value (a Config holds funcs).
	jsonShows, jsonFails bool
}

func leakValues(t *testing.T) []leakValue {
	t.Helper()
	auth := ServiceToken(leakServiceToken)
	if p, err := auth.Authenticate(t.Context(), Credential{Bearer: leakServiceToken}); err != nil || p.Role != RoleAdmin {
		t.Fatalf("the service token does not authenticate itself: %+v, %v", p, err)
	}
	holder := struct{ Auth Authenticator }{auth}
	cfg := Config{Desk: &enquiry.Desk{}, Feed: &enquiry.Feed{}, Auth: auth,
		Media: MediaLinks{PublicURL: "https://desk.example.com", Key: leakMediaKey}}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"name":"Shop","secret":"` + leakChannelSecret + `","token":"` + leakChannelToken + `"}`
	var edit channelEdit
	if err := json.Unmarshal([]byte(body), &edit); err != nil {
		t.Fatal(err)
	}
	if edit.Secret == nil || enquiry.Secret(*edit.Secret).Reveal() != leakChannelSecret || edit.Token == nil || enquiry.Secret(*edit.Token).Reveal() != leakChannelToken {
		t.Fatalf("the channel edit did not decode its credentials: %+v", edit)
	}
	var created channelJSON
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	if enquiry.Secret(created.Secret).Reveal() != leakChannelSecret || enquiry.Secret(created.Token).Reveal() != leakChannelToken {
		t.Fatalf("the new channel did not decode its credentials: %+v", created)
	}
	return []leakValue{
		{name: "the service token's Authenticator", v: auth, fmtShows: true, jsonShows: true},
		{name: "a struct holding the service token's Authenticator", v: holder, fmtShows: true, jsonShows: true},
		{name: "a pointer to a struct holding the service token's Authenticator", v: &holder, fmtShows: true, jsonShows: true},
		{name: "the media links with a key", v: cfg.Media, fmtShows: true, jsonShows: true},
		{name: "a Config with a service token and a media key", v: cfg, fmtShows: true, jsonFails: true},
		{name: "a pointer to a Config with a service token and a media key", v: &cfg, fmtShows: true, jsonFails: true},
		{name: "a Handler with a service token and a media key", v: h, fmtShows: true},
		{name: "a channel edit", v: edit, jsonShows: true},
		{name: "a pointer to a channel edit", v: &edit, jsonShows: true},
		{name: "the credentials of a channel edit", v: []any{*edit.Secret, *edit.Token}, fmtShows: true, jsonShows: true},
		{name: "a new channel's body", v: created, fmtShows: true, jsonShows: true},
		{name: "a pointer to a new channel's body", v: &created, fmtShows: true, jsonShows: true},
	}
}

// assertNoLeak fails the test if out holds any of the secrets in any of
// their forms and, when shown, if it does not show "[redacted]" where
// they were (so that a path that printed nothing cannot pass).
func assertNoLeak(t *testing.T, out string, shown bool) {
	t.Helper()
	for _, form := range leakForms() {
		if strings.Contains(out, form) {
			t.Fatalf("the output leaks a secret (%q):\n%s", form, out)
		}
	}
	if shown && !strings.Contains(out, "[redacted]") {
		t.Fatalf("the output shows no [redacted] where the secrets were:\n%s", out)
	}
}

func TestDeskSecretsNeverFormat(t *testing.T) {
	for _, lv := range leakValues(t) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			t.Run(lv.name+" prints no secret with "+verb, func(t *testing.T) {
				assertNoLeak(t, fmt.Sprintf(verb, lv.v), lv.fmtShows && verb != "%x")
			})
		}
		t.Run(lv.name+" prints no secret with Sprint, Sprintln or in an error", func(t *testing.T) {
			assertNoLeak(t, fmt.Sprint(lv.v)+fmt.Sprintln(lv.v), lv.fmtShows)
			assertNoLeak(t, fmt.Errorf("serving with %v: %w", lv.v, ErrUnauthenticated).Error(), lv.fmtShows)
		})
	}
}

func TestDeskSecretsNeverMarshal(t *testing.T) {
	for _, lv := range leakValues(t) {
		t.Run(lv.name+" marshals to JSON with no secret", func(t *testing.T) {
			b, err := json.Marshal(lv.v)
			if lv.jsonFails {
				if err == nil {
					t.Fatalf("json.Marshal = %s, want an error", b)
				}
				assertNoLeak(t, err.Error(), false)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertNoLeak(t, string(b), lv.jsonShows)
		})
		if m, ok := lv.v.(encoding.TextMarshaler); ok {
			t.Run(lv.name+" marshals to text redacted", func(t *testing.T) {
				b, err := m.MarshalText()
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != "[redacted]" {
					t.Fatalf("MarshalText = %q, want [redacted]", b)
				}
			})
		}
	}
}

func TestDeskSecretsNeverLog(t *testing.T) {
	handlers := []struct {
		name string
		json bool
		new  func(w *bytes.Buffer) slog.Handler
	}{
		{"slog's TextHandler", false, func(w *bytes.Buffer) slog.Handler { return slog.NewTextHandler(w, nil) }},
		{"slog's JSONHandler", true, func(w *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	}
	for _, h := range handlers {
		for _, lv := range leakValues(t) {
			shown := lv.fmtShows
			if h.json {
				shown = lv.jsonShows
			}
			t.Run(lv.name+" logs no secret through "+h.name, func(t *testing.T) {
				var buf bytes.Buffer
				slog.New(h.new(&buf)).Info("serving", "value", lv.v)
				assertNoLeak(t, buf.String(), shown)
			})
			t.Run(lv.name+" logs no secret in a group and in With through "+h.name, func(t *testing.T) {
				var buf bytes.Buffer
				log := slog.New(h.new(&buf)).With("with", lv.v)
				log.Info("serving", slog.Group("desk", "value", lv.v))
				assertNoLeak(t, buf.String(), shown)
			})
		}
	}
}

// TestMemSessionsPrintNoSession: the in-memory sessions print and log
// neither a session nor its hash (the keys of their map).
func TestMemSessionsPrintNoSession(t *testing.T) {
	sessions := &MemSessions{}
	v, err := sessions.New(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(v.Reveal()))
	forms := []string{v.Reveal(), hex.EncodeToString(h[:]), strings.Trim(fmt.Sprint(h[:8]), "[]")}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, sessions), fmt.Sprintf(verb, struct{ S *MemSessions }{sessions}))
	}
	for _, text := range []bool{true, false} {
		var b bytes.Buffer
		var lh slog.Handler = slog.NewJSONHandler(&b, nil)
		if text {
			lh = slog.NewTextHandler(&b, nil)
		}
		slog.New(lh).Info("sessions", "sessions", sessions)
		outs = append(outs, b.String())
	}
	for _, out := range outs {
		for _, f := range forms {
			if strings.Contains(out, f) {
				t.Fatalf("the output holds a session or its hash (%q):\n%s", f, out)
			}
		}
	}
}

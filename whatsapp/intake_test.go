package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	appSecret   = "app-secret-123"
	verifyToken = "verify-me-456"
	hookPath    = "/webhook/whatsapp/wa"
)

var business = whatsapptest.Business{Account: "waba1", PhoneNumberID: "pn1", DisplayPhoneNumber: "15550001111"}

type apps map[string]whatsapp.App

func (a apps) App(_ context.Context, ch string) (whatsapp.App, error) {
	if ch == "broken" {
		return whatsapp.App{}, errors.New("database down")
	}
	app, ok := a[ch]
	if !ok {
		return whatsapp.App{}, enquiry.ErrNotFound
	}
	return app, nil
}

type recorder struct {
	mu   sync.Mutex
	got  []whatsapp.Notification
	chs  []string
	fail bool
}

func (r *recorder) Record(_ context.Context, ch string, n whatsapp.Notification, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("store down")
	}
	r.got = append(r.got, n)
	r.chs = append(r.chs, ch)
	return nil
}

func newIntake(t *testing.T) (*http.ServeMux, *recorder) {
	t.Helper()
	rec := &recorder{}
	in := whatsapp.NewIntake(whatsapp.IntakeConfig{
		Apps:     apps{"wa": {AppSecret: appSecret, VerifyToken: verifyToken}, "broken": {}},
		Recorder: rec,
	})
	mux := http.NewServeMux()
	mux.Handle("/webhook/whatsapp/{channel}", in)
	return mux, rec
}

func TestVerifySubscription(t *testing.T) {
	q := func(mode, token, challenge string) url.Values {
		return url.Values{"hub.mode": {mode}, "hub.verify_token": {token}, "hub.challenge": {challenge}}
	}
	tests := []struct {
		name  string
		query url.Values
		want  error
	}{
		{"the right token with a numeric challenge is accepted", q("subscribe", verifyToken, "1158201444"), nil},
		{"a challenge of letters, digits and -_. is accepted", q("subscribe", verifyToken, "a-B_9.z"), nil},
		{"a wrong token is refused", q("subscribe", "verify-me-457", "1"), whatsapp.ErrVerifyToken},
		{"a prefix of the token is refused", q("subscribe", verifyToken[:5], "1"), whatsapp.ErrVerifyToken},
		{"no token is refused", q("subscribe", "", "1"), whatsapp.ErrVerifyToken},
		{"another mode is refused", q("unsubscribe", verifyToken, "1"), whatsapp.ErrNotSubscribe},
		{"no challenge is refused", q("subscribe", verifyToken, ""), whatsapp.ErrChallenge},
		{"a challenge with markup is refused", q("subscribe", verifyToken, "<script>alert(1)</script>"), whatsapp.ErrChallenge},
		{"a challenge with a space is refused", q("subscribe", verifyToken, "1 2"), whatsapp.ErrChallenge},
		{"a challenge longer than the bound is refused", q("subscribe", verifyToken, strings.Repeat("1", whatsapp.MaxChallengeLen+1)), whatsapp.ErrChallenge},
		{"a challenge at the bound is accepted", q("subscribe", verifyToken, strings.Repeat("1", whatsapp.MaxChallengeLen)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := whatsapp.VerifySubscription(tt.query, verifyToken)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %q %v, want %v", c, err, tt.want)
			}
			if err == nil && c != tt.query.Get("hub.challenge") {
				t.Fatalf("challenge %q, want %q", c, tt.query.Get("hub.challenge"))
			}
			if err != nil && c != "" {
				t.Fatalf("a refusal returned the challenge %q", c)
			}
		})
	}
	if _, err := whatsapp.VerifySubscription(q("subscribe", "", "1"), ""); !errors.Is(err, whatsapp.ErrVerifyToken) {
		t.Fatalf("a channel without a verify token accepted an empty one: %v", err)
	}
}

func TestTheHandshakeOverHTTP(t *testing.T) {
	mux, _ := newIntake(t)
	tests := []struct {
		name, path, token, challenge string
		status                       int
	}{
		{"the right token gets the challenge back", hookPath, verifyToken, "1158201444", 200},
		{"a wrong token gets 403", hookPath, "nope", "1158201444", 403},
		{"an unsafe challenge gets 400", hookPath, verifyToken, "<b>", 400},
		{"an unknown channel gets 404", "/webhook/whatsapp/nope", verifyToken, "1", 404},
		{"a failing lookup gets 500", "/webhook/whatsapp/broken", verifyToken, "1", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, whatsapptest.NewVerificationRequest(tt.path, tt.token, tt.challenge))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 200 && (rec.Body.String() != tt.challenge || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain")) {
				t.Fatalf("body %q (%s), want the challenge as text", rec.Body.String(), rec.Header().Get("Content-Type"))
			}
			if tt.status != 200 && strings.Contains(rec.Body.String(), tt.challenge) {
				t.Fatalf("a refusal echoes the challenge: %q", rec.Body.String())
			}
		})
	}
	t.Run("whatsapptest.Verify passes against the intake", func(t *testing.T) {
		srv := httptest.NewServer(mux)
		defer srv.Close()
		if err := whatsapptest.Verify(context.Background(), srv.Client(), srv.URL+hookPath, verifyToken); err != nil {
			t.Fatal(err)
		}
		if err := whatsapptest.Verify(context.Background(), srv.Client(), srv.URL+hookPath, "wrong"); !errors.Is(err, whatsapptest.ErrVerificationFailed) {
			t.Fatalf("a wrong token: %v", err)
		}
	})
}

func TestIntakePosts(t *testing.T) {
	body := whatsapptest.Body(business, whatsapptest.Text("111", "hi", whatsapptest.WithName("Ann")))
	signed := func() *http.Request { return whatsapptest.NewSignedRequest(appSecret, hookPath, body) }
	tests := []struct {
		name     string
		req      func() *http.Request
		fail     bool
		status   int
		recorded bool
	}{
		{"a signed body is recorded and answered 200", signed, false, 200, true},
		{"a bad signature gets 401", func() *http.Request {
			r := signed()
			r.Header.Set(whatsapp.SignatureHeader, whatsapptest.SignBody("other", body))
			return r
		}, false, 401, false},
		{"no signature gets 401", func() *http.Request {
			r := signed()
			r.Header.Del(whatsapp.SignatureHeader)
			return r
		}, false, 401, false},
		{"an unknown channel gets 404", func() *http.Request {
			return whatsapptest.NewSignedRequest(appSecret, "/webhook/whatsapp/nope", body)
		}, false, 404, false},
		{"a signed body that is not a notification gets 400", func() *http.Request {
			return whatsapptest.NewSignedRequest(appSecret, hookPath, []byte(`{"object":"page","hidden":"SECRETBODY"}`))
		}, false, 400, false},
		{"a body over the limit gets 413", func() *http.Request {
			return whatsapptest.NewSignedRequest(appSecret, hookPath, bytes.Repeat([]byte(" "), whatsapp.DefaultMaxBodyBytes+1))
		}, false, 413, false},
		{"a failing recorder gets 500, so Meta redelivers", signed, true, 500, false},
		{"PUT gets 405", func() *http.Request { return httptest.NewRequest(http.MethodPut, hookPath, nil) }, false, 405, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, rec := newIntake(t)
			rec.fail = tt.fail
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, tt.req())
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tt.status, w.Body.String())
			}
			if tt.status == 405 && w.Header().Get("Allow") != "GET, POST" {
				t.Fatalf("Allow %q", w.Header().Get("Allow"))
			}
			if strings.Contains(w.Body.String(), "SECRETBODY") || strings.Contains(w.Body.String(), appSecret) {
				t.Fatalf("the answer quotes the body or the secret: %q", w.Body.String())
			}
			if got := len(rec.got) == 1; got != tt.recorded {
				t.Fatalf("recorded %d notifications, want recorded=%v", len(rec.got), tt.recorded)
			}
			if tt.recorded {
				m := rec.got[0].Changes[0].Messages[0]
				if rec.chs[0] != "wa" || m.Text != "hi" || m.ProfileName != "Ann" {
					t.Fatalf("recorded %q %+v", rec.chs[0], m)
				}
			}
		})
	}
}

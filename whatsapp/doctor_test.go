package whatsapp_test

import (
	"context"
	"github.com/socialdesk/socialdesk/setup"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

const (
	docAccount   = "102290129340398"
	docAppSecret = "0123456789abcdef0123456789abcdef"
)

// doctorFixture is a platform with one healthy number and a channel for
// it; each case breaks one thing.
type doctorFixture struct {
	p   *whatsapptest.Platform
	c   *whatsapp.Client
	pn  whatsapptest.PhoneNumber
	ch  enquiry.Channel
	now time.Time
}

func newDoctorFixture(t *testing.T) *doctorFixture {
	t.Helper()
	f := &doctorFixture{p: whatsapptest.New(), now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	t.Cleanup(f.p.Close)
	f.p.SetClock(func() time.Time { return f.now })
	f.pn = whatsapptest.PhoneNumber{ID: waPhone, DisplayPhoneNumber: "+1 555 010 0000", VerifiedName: "Acme Support",
		Account: docAccount, Token: waToken, AppSecret: docAppSecret}
	f.c = whatsapp.NewClient(whatsapp.Config{APIBase: f.p.URL(), Clock: fixedClock{&f.now},
		BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond})
	f.ch = enquiry.Channel{ID: "wa", Kind: whatsapp.ChannelKind, Account: waPhone,
		Credentials: enquiry.Credentials{Secret: docAppSecret, Token: waToken}}
	return f
}

type fixedClock struct{ now *time.Time }

func (c fixedClock) Now() time.Time { return *c.now }

// verdicts is each check's outcome, by name.
func verdicts(checks []setup.Check) map[string]setup.Status {
	m := map[string]setup.Status{}
	for _, c := range checks {
		m[c.Name] = c.Status
	}
	return m
}

func TestDoctor(t *testing.T) {
	all := []string{whatsapp.CheckToken, whatsapp.CheckPhoneNumber, whatsapp.CheckWebhook, whatsapp.CheckAppSecret}
	tests := []struct {
		name  string
		setup func(f *doctorFixture)
		want  map[string]setup.Status
		// says is a word the failing (or warning) check's detail holds.
		says string
	}{
		{name: "a healthy channel passes every check", setup: func(*doctorFixture) {},
			want: map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckPhoneNumber: setup.Pass, whatsapp.CheckWebhook: setup.Pass, whatsapp.CheckAppSecret: setup.Pass},
			says: "Acme Support"},
		{name: "no token fails the token and skips what needs it",
			setup: func(f *doctorFixture) { f.ch.Credentials.Token = "" },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Fail, whatsapp.CheckPhoneNumber: setup.Skip, whatsapp.CheckWebhook: setup.Skip, whatsapp.CheckAppSecret: setup.Pass},
			says:  "No access token"},
		{name: "a token Meta does not know fails the token",
			setup: func(f *doctorFixture) { f.ch.Credentials.Token = "EAAG-wrong" },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Fail, whatsapp.CheckPhoneNumber: setup.Skip, whatsapp.CheckWebhook: setup.Skip},
			says:  "refused"},
		{name: "an expired token fails the token",
			setup: func(f *doctorFixture) { f.pn.TokenExpires = f.now.Add(-time.Hour) },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Fail, whatsapp.CheckPhoneNumber: setup.Skip},
			says:  "expired"},
		{name: "a token that expires within a week warns",
			setup: func(f *doctorFixture) { f.pn.TokenExpires = f.now.Add(23 * time.Hour) },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Warn, whatsapp.CheckPhoneNumber: setup.Pass, whatsapp.CheckWebhook: setup.Pass},
			says:  "2026-12-02T08:00:00Z"},
		{name: "a token without the messaging permission fails the token",
			setup: func(f *doctorFixture) { f.pn.Scopes = []string{whatsapp.ScopeManagement} },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Fail, whatsapp.CheckPhoneNumber: setup.Pass, whatsapp.CheckWebhook: setup.Pass},
			says:  whatsapp.ScopeMessaging},
		{name: "a phone number ID the token does not know fails the phone number",
			setup: func(f *doctorFixture) { f.ch.Account = "999999999999999" },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckPhoneNumber: setup.Fail, whatsapp.CheckWebhook: setup.Pass},
			says:  "999999999999999"},
		{name: "no phone number ID fails the phone number",
			setup: func(f *doctorFixture) { f.ch.Account = "" },
			want:  map[string]setup.Status{whatsapp.CheckPhoneNumber: setup.Fail},
			says:  "No phone number ID"},
		{name: "a number rated RED warns",
			setup: func(f *doctorFixture) { f.pn.QualityRating = "RED" },
			want:  map[string]setup.Status{whatsapp.CheckPhoneNumber: setup.Warn},
			says:  "RED"},
		{name: "an app not subscribed to the account's webhooks fails the webhook",
			setup: func(f *doctorFixture) { f.p.SetSubscribed(docAccount, false) },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckPhoneNumber: setup.Pass, whatsapp.CheckWebhook: setup.Fail},
			says:  "not subscribed"},
		{name: "a token without the management permission cannot prove the webhook",
			setup: func(f *doctorFixture) { f.pn.Scopes = []string{whatsapp.ScopeMessaging} },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckWebhook: setup.Warn},
			says:  "did not show"},
		{name: "a token that names no business account cannot prove the webhook",
			setup: func(f *doctorFixture) { f.pn.Account = "" },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckWebhook: setup.Warn},
			says:  "names no WhatsApp Business Account"},
		{name: "an app secret of the wrong form warns",
			setup: func(f *doctorFixture) { f.ch.Credentials.Secret = "not-a-secret" },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Pass, whatsapp.CheckAppSecret: setup.Warn},
			says:  "32 hexadecimal"},
		{name: "no app secret fails the app secret",
			setup: func(f *doctorFixture) { f.ch.Credentials.Secret = "" },
			want:  map[string]setup.Status{whatsapp.CheckAppSecret: setup.Fail},
			says:  "No app secret"},
		{name: "a platform that keeps failing fails the token, with what to do",
			setup: func(f *doctorFixture) { f.p.SetFaults(whatsapptest.Faults{ServerErrors: 1}) },
			want:  map[string]setup.Status{whatsapp.CheckToken: setup.Fail, whatsapp.CheckPhoneNumber: setup.Skip},
			says:  "Could not ask Meta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDoctorFixture(t)
			tt.setup(f)
			f.p.AddPhoneNumber(f.pn)
			checks := f.c.Doctor(context.Background(), f.ch)

			var names []string
			for _, c := range checks {
				names = append(names, c.Name)
				if c.Detail == "" {
					t.Errorf("check %q has no detail", c.Name)
				}
				if c.Status == setup.Fail && c.Fix == "" {
					t.Errorf("check %q failed without a fix", c.Name)
				}
				for _, secret := range []string{waToken, docAppSecret, "EAAG-wrong"} {
					if strings.Contains(c.Detail+c.Fix, secret) {
						t.Errorf("check %q shows a secret: %q", c.Name, c.Detail)
					}
				}
			}
			if strings.Join(names, ",") != strings.Join(all, ",") {
				t.Fatalf("checks %v, want %v in that order", names, all)
			}
			got := verdicts(checks)
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s: %s, want %s (%v)", name, got[name], want, checks)
				}
			}
			found := false
			for _, c := range checks {
				if strings.Contains(c.Detail, tt.says) {
					found = true
				}
			}
			if !found {
				t.Errorf("no detail says %q: %v", tt.says, checks)
			}
		})
	}
}

func TestDoctorAsksWithoutSending(t *testing.T) {
	f := newDoctorFixture(t)
	f.p.AddPhoneNumber(f.pn)
	f.c.Doctor(context.Background(), f.ch)
	if s := f.p.Sent(); len(s) != 0 {
		t.Fatalf("the checks sent %v", s)
	}
	for _, c := range f.p.Calls() {
		if c.Method != "GET" {
			t.Errorf("the checks made %s %s", c.Method, c.Path)
		}
		if strings.Contains(c.Path, waToken) {
			t.Errorf("the token is in the path %s", c.Path)
		}
	}
}

package line_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// signedHook is a webhook that answers 200 to requests signed with secret
// and 401 to others, as line's intake does.
func signedHook(t testing.TB, secret string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		got, _ := base64.StdEncoding.DecodeString(r.Header.Get("X-Line-Signature"))
		if !hmac.Equal(got, mac.Sum(nil)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

func statuses(checks []line.Check) map[string]line.CheckStatus {
	m := map[string]line.CheckStatus{}
	for _, c := range checks {
		m[c.Name] = c.Status
	}
	return m
}

func detail(checks []line.Check, name string) string {
	for _, c := range checks {
		if c.Name == name {
			return c.Detail
		}
	}
	return ""
}

func TestDoctor(t *testing.T) {
	hook := signedHook(t, secret)
	other := signedHook(t, secret) // a webhook that is not this desk's
	desk := line.DoctorConfig{WebhookURL: hook.URL}
	type fix = func(f fixture, ch *enquiry.Channel) line.DoctorConfig
	cases := []struct {
		name    string
		prepare fix
		want    map[string]line.CheckStatus
		words   map[string]string // check name → words its detail or fix must hold
	}{{
		name: "a channel set up right passes",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			return line.DoctorConfig{WebhookURL: hook.URL, Owner: func(bot string) (string, bool) { return ch.ID, bot == botID }}
		},
		want:  map[string]line.CheckStatus{line.CheckToken: line.Pass, line.CheckSecret: line.Pass, line.CheckAccount: line.Pass, line.CheckEndpoint: line.Pass, line.CheckTest: line.Pass, line.CheckResponse: line.Warn, line.CheckQuota: line.Pass},
		words: map[string]string{line.CheckSecret: "this desk's webhook verified it with the saved secret", line.CheckQuota: "No monthly message limit"},
	}, {
		name: "without the desk's URL, a passing test cannot prove the secret is this desk's",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			return line.DoctorConfig{}
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Pass, line.CheckTest: line.Pass, line.CheckSecret: line.Pass},
		words: map[string]string{line.CheckSecret: "if the webhook is this desk"},
	}, {
		name: "a wrong token fails and skips the rest",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			ch.Credentials.Token = "wrong-SECRET-token"
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckToken: line.Fail, line.CheckSecret: line.Skip, line.CheckAccount: line.Skip, line.CheckEndpoint: line.Skip, line.CheckTest: line.Skip, line.CheckResponse: line.Skip, line.CheckQuota: line.Skip},
		words: map[string]string{line.CheckToken: "revoked"},
	}, {
		name: "a wrong secret fails the signed test",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			// LINE signs with the channel's real secret; the desk's webhook
			// checks with the one saved here (secret), which differs.
			f.p.AddChannel(linetest.Channel{Token: token, Secret: "ffffffffffffffffffffffffffffffff", BotUserID: botID, WebhookURL: hook.URL, WebhookActive: true})
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckSecret: line.Fail, line.CheckTest: line.Fail},
		words: map[string]string{line.CheckSecret: "did not verify with the saved secret"},
	}, {
		name: "a secret of the wrong form fails",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			ch.Credentials.Secret = "not-a-secret-SECRET"
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckSecret: line.Fail},
		words: map[string]string{line.CheckSecret: "32 hexadecimal characters"},
	}, {
		name: "an account on another channel fails",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			return line.DoctorConfig{WebhookURL: hook.URL, Owner: func(string) (string, bool) { return "other-channel", true }}
		},
		want:  map[string]line.CheckStatus{line.CheckAccount: line.Fail},
		words: map[string]string{line.CheckAccount: `already connected to channel "other-channel"`},
	}, {
		name: "a token of another account fails",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			ch.Account = "Uotheraccount"
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckAccount: line.Fail},
		words: map[string]string{line.CheckAccount: "belongs to bot user ID " + botID},
	}, {
		name: "a webhook URL that is not the desk's fails, and the desk's URL is tested instead",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetWebhook(botID, other.URL+"/elsewhere", true)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Fail, line.CheckTest: line.Pass, line.CheckSecret: line.Pass},
		words: map[string]string{line.CheckEndpoint: "Set the Webhook URL to " + hook.URL},
	}, {
		name: "webhook off fails",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetWebhook(botID, hook.URL, false)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Fail, line.CheckTest: line.Pass},
		words: map[string]string{line.CheckEndpoint: `Turn on "Use webhook"`},
	}, {
		name: "no webhook URL fails, and the desk's URL is still tested",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetWebhook(botID, "", false)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Fail, line.CheckTest: line.Pass, line.CheckSecret: line.Pass},
		words: map[string]string{line.CheckEndpoint: "No webhook URL is set"},
	}, {
		name: "no webhook URL and no desk URL skips the test and leaves the secret unproved",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetWebhook(botID, "", false)
			return line.DoctorConfig{}
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Fail, line.CheckTest: line.Skip, line.CheckSecret: line.Warn},
		words: map[string]string{line.CheckSecret: "was not checked"},
	}, {
		name: "an unreachable webhook fails",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetWebhook(botID, "http://127.0.0.1:1/webhook", true)
			return line.DoctorConfig{WebhookURL: "http://127.0.0.1:1/webhook"}
		},
		want:  map[string]line.CheckStatus{line.CheckEndpoint: line.Pass, line.CheckTest: line.Fail, line.CheckSecret: line.Warn},
		words: map[string]string{line.CheckTest: "could not reach"},
	}, {
		name: "chat mode on is a warning",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: botID, ChatMode: "chat", WebhookURL: hook.URL, WebhookActive: true})
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckResponse: line.Warn},
		words: map[string]string{line.CheckResponse: "Chat is on"},
	}, {
		name: "a used-up monthly quota fails, with what to do",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 500)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckQuota: line.Fail},
		words: map[string]string{line.CheckQuota: "used up (500 of 500)"},
	}, {
		name: "a nearly used-up monthly quota is a warning",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 460)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckQuota: line.Warn},
		words: map[string]string{line.CheckQuota: "Only 40 of this month's 500 messages are left"},
	}, {
		name: "a monthly quota with room passes and says how much is used",
		prepare: func(f fixture, ch *enquiry.Channel) line.DoctorConfig {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 120)
			return desk
		},
		want:  map[string]line.CheckStatus{line.CheckQuota: line.Pass},
		words: map[string]string{line.CheckQuota: "120 of this month's 500 messages are used"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, line.Config{MaxAttempts: 1})
			f.p.SetWebhook(botID, hook.URL, true)
			ch := f.ch
			cfg := tc.prepare(f, &ch)
			checks := f.c.Doctor(context.Background(), ch, cfg)
			got := statuses(checks)
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s: %s (%s), want %s", name, got[name], detail(checks, name), want)
				}
			}
			for name, words := range tc.words {
				if d := detail(checks, name) + " " + fixOf(checks, name); !strings.Contains(d, words) {
					t.Errorf("%s says %q, want it to say %q", name, d, words)
				}
			}
			if len(checks) != 7 {
				t.Errorf("%d checks, want all 7 reported: %v", len(checks), checks)
			}
			for _, c := range checks {
				if c.Status == line.Fail && c.Fix == "" {
					t.Errorf("%s fails without a fix: %s", c.Name, c.Detail)
				}
			}
			out, _ := json.Marshal(checks)
			for _, s := range []string{ch.Credentials.Token.Reveal(), ch.Credentials.Secret.Reveal(), "SECRET"} {
				if strings.Contains(string(out), s) {
					t.Errorf("a secret is in the report: %s", out)
				}
			}
		})
	}
}

func fixOf(checks []line.Check, name string) string {
	for _, c := range checks {
		if c.Name == name {
			return c.Fix
		}
	}
	return ""
}

func TestWebhookEndpointSettings(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	hook := signedHook(t, secret)
	is.NoErr(f.c.SetWebhookEndpoint(context.Background(), f.ch, hook.URL))
	wh, err := f.c.WebhookEndpoint(context.Background(), f.ch)
	is.NoErr(err)
	is.Eq(wh, line.WebhookEndpoint{URL: hook.URL, Active: false})
	res, err := f.c.TestWebhook(context.Background(), f.ch, "")
	is.NoErr(err)
	is.True(res.Success)
	is.Eq(res.StatusCode, 200)
	info, err := f.c.BotInfo(context.Background(), f.ch)
	is.NoErr(err)
	is.Eq(info.UserID, botID)
	is.Eq(info.ChatMode, "bot")
}

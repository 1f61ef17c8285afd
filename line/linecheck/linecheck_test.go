package linecheck_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linecheck"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/setup"
)

const (
	token  = "test-access-token-SECRET"
	secret = "0123456789abcdef0123456789abcdef"
	botID  = "U00000000000000000000000000000b07"
)

// fixture is a fake platform with one channel and a client pointed at it.
type fixture struct {
	p  *linetest.Platform
	c  *line.Client
	ch enquiry.Channel
}

func newFixture(t testing.TB, cfg line.Config) fixture {
	t.Helper()
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: botID, BasicID: "@desk", DisplayName: "Desk"})
	cfg.APIBase, cfg.DataAPIBase = p.URL(), p.DataURL()
	ch := enquiry.Channel{ID: "ch1", Name: "Desk", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: secret, Token: token}}
	return fixture{p: p, c: line.NewClient(cfg), ch: ch}
}

func statuses(checks []setup.Check) map[string]setup.Status {
	m := map[string]setup.Status{}
	for _, c := range checks {
		m[c.Name] = c.Status
	}
	return m
}

func detail(checks []setup.Check, name string) string {
	for _, c := range checks {
		if c.Name == name {
			return c.Detail
		}
	}
	return ""
}

func TestRun(t *testing.T) {
	hook := linetest.Endpoint(t, secret)
	other := linetest.Endpoint(t, secret) // a webhook that is not this desk's
	desk := linecheck.Config{WebhookURL: hook.URL}
	type fix = func(f fixture, ch *enquiry.Channel) linecheck.Config
	cases := []struct {
		name    string
		prepare fix
		want    map[string]setup.Status
		words   map[string]string // check name → words its detail or fix must hold
	}{{
		name: "a channel set up right passes",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			return linecheck.Config{WebhookURL: hook.URL, Owner: func(bot string) (string, bool) { return ch.ID, bot == botID }}
		},
		want:  map[string]setup.Status{linecheck.CheckToken: setup.Pass, linecheck.CheckSecret: setup.Pass, linecheck.CheckAccount: setup.Pass, linecheck.CheckEndpoint: setup.Pass, linecheck.CheckTest: setup.Pass, linecheck.CheckResponse: setup.Warn, linecheck.CheckQuota: setup.Pass},
		words: map[string]string{linecheck.CheckSecret: "this desk's webhook verified it with the saved secret", linecheck.CheckQuota: "No monthly message limit"},
	}, {
		name: "without the desk's URL, a passing test cannot prove the secret is this desk's",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			return linecheck.Config{}
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Pass, linecheck.CheckTest: setup.Pass, linecheck.CheckSecret: setup.Pass},
		words: map[string]string{linecheck.CheckSecret: "if the webhook is this desk"},
	}, {
		name: "a wrong token fails and skips the rest",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			ch.Credentials.Token = "wrong-SECRET-token"
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckToken: setup.Fail, linecheck.CheckSecret: setup.Skip, linecheck.CheckAccount: setup.Skip, linecheck.CheckEndpoint: setup.Skip, linecheck.CheckTest: setup.Skip, linecheck.CheckResponse: setup.Skip, linecheck.CheckQuota: setup.Skip},
		words: map[string]string{linecheck.CheckToken: "revoked"},
	}, {
		name: "a wrong secret fails the signed test",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			// LINE signs with the channel's real secret; the desk's webhook
			// checks with the one saved here (secret), which differs.
			f.p.AddChannel(linetest.Channel{Token: token, Secret: "ffffffffffffffffffffffffffffffff", BotUserID: botID, WebhookURL: hook.URL, WebhookActive: true})
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckSecret: setup.Fail, linecheck.CheckTest: setup.Fail},
		words: map[string]string{linecheck.CheckSecret: "did not verify with the saved secret"},
	}, {
		name: "a secret of the wrong form fails",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			ch.Credentials.Secret = "not-a-secret-SECRET"
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckSecret: setup.Fail},
		words: map[string]string{linecheck.CheckSecret: "32 hexadecimal characters"},
	}, {
		name: "an account on another channel fails",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			return linecheck.Config{WebhookURL: hook.URL, Owner: func(string) (string, bool) { return "other-channel", true }}
		},
		want:  map[string]setup.Status{linecheck.CheckAccount: setup.Fail},
		words: map[string]string{linecheck.CheckAccount: `already connected to channel "other-channel"`},
	}, {
		name: "a token of another account fails",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			ch.Account = "Uotheraccount"
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckAccount: setup.Fail},
		words: map[string]string{linecheck.CheckAccount: "belongs to bot user ID " + botID},
	}, {
		name: "a webhook URL that is not the desk's fails, and the desk's URL is tested instead",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetWebhook(botID, other.URL+"/elsewhere", true)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Fail, linecheck.CheckTest: setup.Pass, linecheck.CheckSecret: setup.Pass},
		words: map[string]string{linecheck.CheckEndpoint: "Set the Webhook URL to " + hook.URL},
	}, {
		name: "webhook off fails",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetWebhook(botID, hook.URL, false)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Fail, linecheck.CheckTest: setup.Pass},
		words: map[string]string{linecheck.CheckEndpoint: `Turn on "Use webhook"`},
	}, {
		name: "no webhook URL fails, and the desk's URL is still tested",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetWebhook(botID, "", false)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Fail, linecheck.CheckTest: setup.Pass, linecheck.CheckSecret: setup.Pass},
		words: map[string]string{linecheck.CheckEndpoint: "No webhook URL is set"},
	}, {
		name: "no webhook URL and no desk URL skips the test and leaves the secret unproved",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetWebhook(botID, "", false)
			return linecheck.Config{}
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Fail, linecheck.CheckTest: setup.Skip, linecheck.CheckSecret: setup.Warn},
		words: map[string]string{linecheck.CheckSecret: "was not checked"},
	}, {
		name: "an unreachable webhook fails",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetWebhook(botID, "http://127.0.0.1:1/webhook", true)
			return linecheck.Config{WebhookURL: "http://127.0.0.1:1/webhook"}
		},
		want:  map[string]setup.Status{linecheck.CheckEndpoint: setup.Pass, linecheck.CheckTest: setup.Fail, linecheck.CheckSecret: setup.Warn},
		words: map[string]string{linecheck.CheckTest: "could not reach"},
	}, {
		name: "chat mode on is a warning",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.AddChannel(linetest.Channel{Token: token, Secret: secret, BotUserID: botID, ChatMode: "chat", WebhookURL: hook.URL, WebhookActive: true})
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckResponse: setup.Warn},
		words: map[string]string{linecheck.CheckResponse: "Chat is on"},
	}, {
		name: "a used-up monthly quota fails, with what to do",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 500)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckQuota: setup.Fail},
		words: map[string]string{linecheck.CheckQuota: "used up (500 of 500)"},
	}, {
		name: "a nearly used-up monthly quota is a warning",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 460)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckQuota: setup.Warn},
		words: map[string]string{linecheck.CheckQuota: "Only 40 of this month's 500 messages are left"},
	}, {
		name: "a monthly quota with room passes and says how much is used",
		prepare: func(f fixture, ch *enquiry.Channel) linecheck.Config {
			f.p.SetQuota(botID, linetest.Quota{Limited: true, Limit: 500})
			f.p.SetConsumption(botID, 120)
			return desk
		},
		want:  map[string]setup.Status{linecheck.CheckQuota: setup.Pass},
		words: map[string]string{linecheck.CheckQuota: "120 of this month's 500 messages are used"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, line.Config{MaxAttempts: 1})
			f.p.SetWebhook(botID, hook.URL, true)
			ch := f.ch
			cfg := tc.prepare(f, &ch)
			checks := linecheck.Run(context.Background(), f.c, ch, cfg)
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
				if c.Status == setup.Fail && c.Fix == "" {
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

func fixOf(checks []setup.Check, name string) string {
	for _, c := range checks {
		if c.Name == name {
			return c.Fix
		}
	}
	return ""
}

package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// checksOf returns the check report's outcome per check name, and the
// report's checks by name.
func checksOf(t *testing.T, v map[string]any) (string, map[string]map[string]any) {
	t.Helper()
	rep, _ := v["check"].(map[string]any)
	if rep == nil {
		t.Fatalf("no check report in %v", v)
	}
	byName := map[string]map[string]any{}
	list, _ := rep["checks"].([]any)
	for _, c := range list {
		m, _ := c.(map[string]any)
		name, _ := m["name"].(string)
		byName[name] = m
	}
	status, _ := rep["status"].(string)
	return status, byName
}

func TestChannelCheckAPI(t *testing.T) {
	d := startRealMode(t)
	desk := d.ts.URL + "/webhook/line/main"
	good := linetest.Channel{Token: testToken, Secret: testSecret, BotUserID: testBot, DisplayName: "Test OA", WebhookURL: desk, WebhookActive: true}
	type want struct {
		status string // the report's
		checks map[string]string
		words  map[string]string // check name → words its reason or fix hold
	}
	for _, tc := range []struct {
		name     string
		platform linetest.Channel
		want     want
	}{{
		name:     "a channel set up right passes every check but the response settings, which LINE cannot read",
		platform: good,
		want: want{status: "warning", checks: map[string]string{
			"access token": "ok", "account": "ok", "webhook endpoint": "ok", "webhook test": "ok", "channel secret": "ok", "response settings": "warning",
		}, words: map[string]string{"channel secret": "this desk's webhook verified it with the saved secret"}},
	}, {
		name:     "a webhook URL that is not the desk's is an error with the desk's URL as the fix",
		platform: func() linetest.Channel { c := good; c.WebhookURL = "https://elsewhere.example.com/callback"; return c }(),
		want: want{status: "error", checks: map[string]string{"webhook endpoint": "error", "webhook test": "ok", "channel secret": "ok"},
			words: map[string]string{"webhook endpoint": "Set the Webhook URL to " + desk}},
	}, {
		name:     "Use webhook off is an error that says to turn it on",
		platform: func() linetest.Channel { c := good; c.WebhookActive = false; return c }(),
		want: want{status: "error", checks: map[string]string{"webhook endpoint": "error"},
			words: map[string]string{"webhook endpoint": `Turn on "Use webhook"`}},
	}, {
		name:     "a channel secret that differs from LINE's fails the signed test",
		platform: func() linetest.Channel { c := good; c.Secret = "00000000000000000000000000000000"; return c }(),
		want: want{status: "error", checks: map[string]string{"webhook test": "error", "channel secret": "error"},
			words: map[string]string{"channel secret": "Copy the channel secret again"}},
	}, {
		name:     "a revoked token is an error with the fix, and the rest is skipped",
		platform: func() linetest.Channel { c := good; c.Token = "a-new-token"; return c }(),
		want: want{status: "error", checks: map[string]string{"access token": "error", "account": "skipped", "webhook test": "skipped"},
			words: map[string]string{"access token": "Issue a new long-lived channel access token"}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			d.platform.AddChannel(tc.platform)
			d.platform.SetWebhook(testBot, tc.platform.WebhookURL, tc.platform.WebhookActive)
			status, v := d.api("POST", "/api/channels/main/check", "")
			if status != 200 {
				t.Fatalf("POST /api/channels/main/check: %d %v", status, v)
			}
			got, checks := checksOf(t, v)
			if got != tc.want.status {
				t.Errorf("report status %s, want %s: %v", got, tc.want.status, v)
			}
			for name, want := range tc.want.checks {
				if s, _ := checks[name]["status"].(string); s != want {
					t.Errorf("%s: %s (%v), want %s", name, s, checks[name]["reason"], want)
				}
			}
			for name, words := range tc.want.words {
				reason, _ := checks[name]["reason"].(string)
				fix, _ := checks[name]["fix"].(string)
				said := reason + " " + fix
				if !strings.Contains(said, words) {
					t.Errorf("%s says %q, want %q", name, said, words)
				}
			}
			for name, c := range checks {
				if fix, _ := c["fix"].(string); c["status"] == "error" && fix == "" {
					t.Errorf("%s is an error without a fix: %v", name, c)
				}
			}
			raw, _ := json.Marshal(v)
			for _, secret := range []string{testToken, testSecret, tc.platform.Token} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("a secret is in the response: %s", raw)
				}
			}

			_, list := d.api("GET", "/api/channels", "")
			chans, _ := list["channels"].([]any)
			var last string
			for _, c := range chans {
				if m, _ := c.(map[string]any); m["id"] == "main" {
					rep, _ := m["check"].(map[string]any)
					last, _ = rep["status"].(string)
				}
			}
			if last != tc.want.status {
				t.Errorf("GET /api/channels shows main's last check as %q, want %q", last, tc.want.status)
			}
		})
	}

	t.Run("a deleted channel made again under its ID has no last check", func(t *testing.T) {
		d.platform.AddChannel(good)
		d.platform.SetWebhook(testBot, desk, true)
		if status, v := d.api("DELETE", "/api/channels/main?force=true", ""); status != 200 {
			t.Fatalf("DELETE /api/channels/main: %d %v", status, v)
		}
		body := `{"id":"main","name":"LINE","secret":"` + testSecret + `","token":"` + testToken + `"}`
		if status, v := d.api("POST", "/api/channels", body); status != 201 {
			t.Fatalf("POST /api/channels: %d %v", status, v)
		}
		if _, v := d.api("GET", "/api/channels/main", ""); v["channel"].(map[string]any)["check"] != nil {
			t.Fatalf("the new channel shows the old one's check: %v", v)
		}
	})

	t.Run("an unknown channel is 404", func(t *testing.T) {
		status, v := d.api("POST", "/api/channels/nosuch/check", "")
		if status != 404 || errCode(v) != "not_found" {
			t.Fatalf("POST /api/channels/nosuch/check: %d %v, want 404 not_found", status, v)
		}
	})
}

// TestChannelCheckNeedsTheToken: the check reveals the set-up of a LINE
// account, so it is behind DESK_TOKEN like the rest of /api.
func TestChannelCheckNeedsTheToken(t *testing.T) {
	cfg, err := configFrom(func(k string) string {
		return map[string]string{"DESK_TOKEN": "t0k", "DESK_ADDR": "127.0.0.1:0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer nope", 401}, {"Bearer t0k", 404}} { // past the token: no channel yet (not started)
		req, _ := http.NewRequest("POST", ts.URL+"/api/channels/demo/check", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Fatalf("Authorization %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

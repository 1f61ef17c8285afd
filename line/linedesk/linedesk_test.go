package linedesk

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/line/linecheck"
)

func TestReportIsTheWorstOutcome(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		checks []linecheck.Check
		want   string
		items  []string
	}{
		{"all passing is ok", []linecheck.Check{{Name: "token", Status: linecheck.Pass}}, deskhttp.CheckOK, []string{deskhttp.CheckOK}},
		{"a warning makes it a warning", []linecheck.Check{{Name: "token", Status: linecheck.Pass}, {Name: "webhook", Status: linecheck.Warn}}, deskhttp.CheckWarning, []string{deskhttp.CheckOK, deskhttp.CheckWarning}},
		{"a failure beats a warning", []linecheck.Check{{Name: "a", Status: linecheck.Warn}, {Name: "b", Status: linecheck.Fail}, {Name: "c", Status: linecheck.Skip}}, deskhttp.CheckError, []string{deskhttp.CheckWarning, deskhttp.CheckError, deskhttp.CheckSkipped}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Report(tc.checks, at)
			if r.Status != tc.want || !r.Checked.Equal(at) || len(r.Checks) != len(tc.items) {
				t.Fatalf("report = %+v, want status %s with %d checks at %v", r, tc.want, len(tc.items), at)
			}
			for i, s := range tc.items {
				if r.Checks[i].Status != s || r.Checks[i].Name != tc.checks[i].Name {
					t.Errorf("check %d = %+v, want %s %s", i, r.Checks[i], tc.checks[i].Name, s)
				}
			}
		})
	}
}

func TestWebhookURLIsUnderTheBase(t *testing.T) {
	for _, base := range []string{"https://desk.example.com", "https://desk.example.com/"} {
		if got := WebhookURL(base, "main"); got != "https://desk.example.com/webhook/line/main" {
			t.Errorf("WebhookURL(%q) = %q", base, got)
		}
	}
}

func TestFromEnvTakesBothCredentialsOrNeither(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, ok, err := FromEnv(env(nil)); ok || err != nil {
		t.Fatalf("no variables: ok %v, err %v; want no channel and no error", ok, err)
	}
	if _, _, err := FromEnv(env(map[string]string{"LINE_CHANNEL_SECRET": "s3cret"})); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("a secret without a token: %v; want an error without the secret", err)
	}
	e, ok, err := FromEnv(env(map[string]string{"LINE_CHANNEL_SECRET": "s3cret", "LINE_CHANNEL_ACCESS_TOKEN": "t0ken", "LINE_API_BASE": "http://fake"}))
	if !ok || err != nil || e.Secret.Reveal() != "s3cret" || e.AccessToken.Reveal() != "t0ken" || e.APIBase != "http://fake" {
		t.Fatalf("both: %+v %v %v", e, ok, err)
	}
	if s := fmt.Sprintf("%+v", e); strings.Contains(s, "s3cret") || strings.Contains(s, "t0ken") {
		t.Fatalf("%%+v of the settings shows a secret: %s", s)
	}
}

package linedesk

import (
	"fmt"
	"strings"
	"testing"
)

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

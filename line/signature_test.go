package line_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"destination":"U1","events":[]}`)
	good := linetest.SignBody(hookSecret, body)
	tests := []struct {
		name      string
		secret    string
		body      []byte
		signature string
		want      bool
	}{
		{"LINE's signature of the body", hookSecret, body, good, true},
		// Computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac secret -binary | base64
		{"a known vector", "secret", []byte("hello"), "iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs=", true},
		{"no signature", hookSecret, body, "", false},
		{"another secret", "other", body, good, false},
		{"another body", hookSecret, []byte(`{"destination":"U1","events":[ ]}`), good, false},
		{"no secret", "", body, linetest.SignBody("", body), false},
		{"not base64", hookSecret, body, "!!!!" + good[4:], false},
		{"truncated", hookSecret, body, good[:40], false},
		{"extended", hookSecret, body, good + "AAAA", false},
		{"URL-safe alphabet", hookSecret, body, urlSafe(good), urlSafe(good) == good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantEq(t, tt.want, line.VerifySignature(tt.secret, tt.body, tt.signature))
		})
	}
}

func urlSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch c {
		case '+':
			b[i] = '-'
		case '/':
			b[i] = '_'
		}
	}
	return string(b)
}

func BenchmarkVerifySignature(b *testing.B) {
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(hookUser, "hello"))
	sig := linetest.SignBody(hookSecret, body)
	for b.Loop() {
		if !line.VerifySignature(hookSecret, body, sig) {
			b.Fatal("bad signature")
		}
	}
}

package line_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"destination":"U1","events":[]}`)
	good := linetest.SignBody(secret, body)
	tests := []struct {
		name      string
		secret    string
		body      []byte
		signature string
		want      bool
	}{
		{"LINE's signature of the body", secret, body, good, true},
		// Computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac secret -binary | base64
		{"a known vector", "secret", []byte("hello"), "iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs=", true},
		{"no signature", secret, body, "", false},
		{"another secret", "other", body, good, false},
		{"another body", secret, []byte(`{"destination":"U1","events":[ ]}`), good, false},
		{"no secret", "", body, linetest.SignBody("", body), false},
		{"not base64", secret, body, "!!!!" + good[4:], false},
		{"truncated", secret, body, good[:40], false},
		{"extended", secret, body, good + "AAAA", false},
		{"URL-safe alphabet", secret, body, urlSafe(good), urlSafe(good) == good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq(t, tt.want, line.VerifySignature(tt.secret, tt.body, tt.signature))
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
	body := linetest.WebhookBody(linetest.Destination, linetest.TextEvent(userA, "hello"))
	sig := linetest.SignBody(secret, body)
	for b.Loop() {
		if !line.VerifySignature(secret, body, sig) {
			b.Fatal("bad signature")
		}
	}
}

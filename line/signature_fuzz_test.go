package line_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// FuzzVerifySignature checks VerifySignature against any secret, body and
// header value: LINE's own signature of the body is accepted, and so is
// nothing else — not another body's, not another secret's, not the
// signature with one character changed or in another base64 alphabet.
func FuzzVerifySignature(f *testing.F) {
	f.Add("fedcba9876543210fedcba9876543210", []byte(`{"destination":"U1","events":[]}`), "")
	f.Add("s", []byte{}, "not base64!")
	f.Add("secret", []byte("\x00\xff body"), strings.Repeat("A", 44))
	f.Add("secret", []byte("{}"), strings.Repeat("=", 44))
	f.Add("", []byte("{}"), "")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		good := linetest.SignBody(secret, body)
		first := line.VerifySignature(secret, body, header)
		if again := line.VerifySignature(secret, body, header); again != first { // with the HMAC the first call kept
			t.Fatalf("said %v, then %v", first, again)
		}
		for range 2 {
			if got := line.VerifySignature(secret, body, good); got != (secret != "") {
				t.Fatalf("LINE's signature: %v (secret %q)", got, secret)
			}
		}
		if header != good && line.VerifySignature(secret, body, header) {
			t.Fatalf("accepted %q, which is not the signature %q", header, good)
		}
		if line.VerifySignature(secret, append(body, 'x'), good) {
			t.Fatal("accepted the signature of another body")
		}
		if line.VerifySignature(secret+"x", body, good) {
			t.Fatal("accepted the signature under another secret")
		}
		raw, _ := base64.StdEncoding.DecodeString(good)
		if alt := base64.RawStdEncoding.EncodeToString(raw); alt != good && line.VerifySignature(secret, body, alt) {
			t.Fatal("accepted the signature without padding")
		}
		flipped := []byte(good)
		flipped[0] ^= 1
		if line.VerifySignature(secret, body, string(flipped)) {
			t.Fatal("accepted a changed signature")
		}
	})
}

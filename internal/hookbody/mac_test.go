package hookbody

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"testing"
)

func sign(secret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return mac.Sum(nil)
}

func TestValidMACKeepsWorkingAsSecretsChange(t *testing.T) {
	body := []byte(`{"destination":"U1","events":[]}`)
	for i := range maxSecrets + 10 {
		secret := fmt.Sprintf("secret-%d", i)
		if !ValidMAC(secret, body, sign(secret, body)) {
			t.Fatalf("secret %d refused its own signature", i)
		}
		if ValidMAC(secret, body, sign(secret+"x", body)) {
			t.Fatalf("secret %d took another's signature", i)
		}
	}
	if !ValidMAC("secret-0", body, sign("secret-0", body)) {
		t.Fatal("a forgotten secret refused its signature")
	}
}

func TestValidMACRefusesWhatIsNotTheSum(t *testing.T) {
	body := []byte("hello")
	good := sign("secret", body)
	for name, tc := range map[string]struct {
		secret string
		body   []byte
		sum    []byte
	}{
		"no secret":    {"", body, sign("", body)},
		"short sum":    {"secret", body, good[:31]},
		"long sum":     {"secret", body, append(good[:32:32], 0)},
		"another body": {"secret", []byte("hellO"), good},
		"no sum":       {"secret", body, nil},
	} {
		if ValidMAC(tc.secret, tc.body, tc.sum) {
			t.Errorf("%s: verified", name)
		}
	}
	if !ValidMAC("secret", body, good) || !ValidMAC("secret", body, good) {
		t.Error("the sum of the body under the secret did not verify, first or second time")
	}
}

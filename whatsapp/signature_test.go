package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

func TestVerifySignature(t *testing.T) {
	const secret = "app-secret"
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	good := whatsapptest.SignBody(secret, body)
	// A well-formed value that is not the body's signature.
	const madeUp = "sha256=f9e06a1e0c6e1d7f5fe6bc56ba57bb3d4d9d1c14fc4b6a4d34bec4a45e8a7c5e"
	tests := []struct {
		name      string
		secret    string
		body      []byte
		signature string
		want      bool
	}{
		{"Meta's signature of the body is accepted", secret, body, good, true},
		{"upper-case hex is accepted", secret, body, "sha256=" + strings.ToUpper(good[7:]), true},
		{"another body's signature is refused", secret, append(body, ' '), good, false},
		{"another secret's signature is refused", "other", body, good, false},
		{"a missing prefix is refused", secret, body, good[7:], false},
		{"the SHA-1 header's prefix is refused", secret, body, "sha1=" + good[7:], false},
		{"a cut signature is refused", secret, body, good[:len(good)-2], false},
		{"a signature with a trailing space is refused", secret, body, good + " ", false},
		{"non-hex digits are refused", secret, body, "sha256=" + strings.Repeat("zz", 32), false},
		{"an empty signature is refused", secret, body, "", false},
		{"an empty secret accepts nothing", "", body, whatsapptest.SignBody("", body), false},
		{"a made-up value is refused", secret, body, madeUp, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := whatsapp.VerifySignature(tt.secret, tt.body, tt.signature); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// A signature computed by hand from a fixed secret and body (openssl dgst
// -sha256 -hmac), so the check does not only agree with whatsapptest.
func TestVerifySignatureAgainstAKnownValue(t *testing.T) {
	body := []byte("hello")
	const sig = "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b"
	if !whatsapp.VerifySignature("key", body, sig) {
		t.Fatal("the known HMAC-SHA256 of \"hello\" under \"key\" is refused")
	}
	if whatsapptest.SignBody("key", body) != sig {
		t.Fatal("whatsapptest signs differently")
	}
}

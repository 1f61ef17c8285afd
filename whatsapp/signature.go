package whatsapp

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/socialdesk/socialdesk/internal/hookbody"
)

// SignatureHeader is the HTTP header in which Meta sends a webhook body's
// signature: "sha256=" and the hex HMAC-SHA256 of the body under the app
// secret.
const SignatureHeader = "X-Hub-Signature-256"

// signaturePrefix starts every X-Hub-Signature-256 value.
const signaturePrefix = "sha256="

// VerifySignature reports whether signature (the X-Hub-Signature-256
// header's value) is "sha256=" followed by the hex-encoded HMAC-SHA256 of
// body under the app secret. It works on the raw bytes exactly as
// received and compares in constant time; hex digits may be of either
// case. A missing, malformed or wrong signature, or an empty secret, is
// simply false. It is safe for concurrent use.
func VerifySignature(appSecret string, body []byte, signature string) bool {
	if appSecret == "" || len(signature) != len(signaturePrefix)+hex.EncodedLen(sha256.Size) ||
		signature[:len(signaturePrefix)] != signaturePrefix {
		return false
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(signature[len(signaturePrefix):])); err != nil {
		return false
	}
	return hookbody.ValidMAC(appSecret, body, got[:])
}

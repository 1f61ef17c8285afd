package line

import (
	"crypto/sha256"
	"encoding/base64"

	"github.com/socialdesk/socialdesk/internal/hookbody"
)

// SignatureHeader is the HTTP header in which LINE sends a webhook body's
// signature.
const SignatureHeader = "X-Line-Signature"

// VerifySignature reports whether signature (the X-Line-Signature header's
// value) is the base64-encoded HMAC-SHA256 of body under the channel
// secret. It compares in constant time and works on the raw bytes exactly
// as received; a missing or malformed signature is simply false. It is
// safe for concurrent use.
func VerifySignature(secret string, body []byte, signature string) bool {
	// A SHA-256 signature is exactly 44 base64 characters; anything else
	// cannot match, and rejecting it first bounds the decoding work.
	if base64.StdEncoding.EncodedLen(sha256.Size) != len(signature) {
		return false
	}
	var got [sha256.Size + 1]byte // DecodedLen(44) is 33
	n, err := base64.StdEncoding.Decode(got[:], []byte(signature))
	return err == nil && hookbody.ValidMAC(secret, body, got[:n])
}

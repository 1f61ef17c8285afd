package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
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
	if secret == "" || signature == "" {
		return false
	}
	var got [sha256.Size + 1]byte // DecodedLen(44) is 33
	// A SHA-256 signature is exactly 44 base64 characters; anything else
	// cannot match, and rejecting it first bounds the decoding work.
	if base64.StdEncoding.EncodedLen(sha256.Size) != len(signature) {
		return false
	}
	if n, err := base64.StdEncoding.Decode(got[:], []byte(signature)); err != nil || n != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	var want [sha256.Size]byte
	return hmac.Equal(got[:sha256.Size], mac.Sum(want[:0]))
}

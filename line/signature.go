package line

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"sync"
	"sync/atomic"
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
	got, ok := decodeSignature(secret, signature)
	if !ok {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	var want [sha256.Size]byte
	return hmac.Equal(got[:], mac.Sum(want[:0]))
}

// decodeSignature decodes a signature; ok is false when it cannot match
// any body under secret.
func decodeSignature(secret, signature string) (sum [sha256.Size]byte, ok bool) {
	if secret == "" || signature == "" {
		return sum, false
	}
	var got [sha256.Size + 1]byte // DecodedLen(44) is 33
	// A SHA-256 signature is exactly 44 base64 characters; anything else
	// cannot match, and rejecting it first bounds the decoding work.
	if base64.StdEncoding.EncodedLen(sha256.Size) != len(signature) {
		return sum, false
	}
	if n, err := base64.StdEncoding.Decode(got[:], []byte(signature)); err != nil || n != sha256.Size {
		return sum, false
	}
	copy(sum[:], got[:])
	return sum, true
}

// verifier is VerifySignature with each secret's HMACs kept between
// requests: hmac.New derives a secret's inner and outer keys (two
// SHA-256 blocks and five allocations) every time, a fifth of checking a
// LINE body. It keeps the HMACs of at most maxVerifierSecrets secrets
// (a channel whose secret changes leaves its old one behind). The zero
// value is ready; it is safe for concurrent use.
type verifier struct {
	pools sync.Map // secret → *sync.Pool of HMACs under it
	n     atomic.Int64
}

const maxVerifierSecrets = 1024

func (v *verifier) verify(secret string, body []byte, signature string) bool {
	got, ok := decodeSignature(secret, signature)
	if !ok {
		return false
	}
	p, ok := v.pools.Load(secret)
	if !ok {
		if v.n.Add(1) > maxVerifierSecrets {
			v.pools.Clear()
			v.n.Store(1)
		}
		key := []byte(secret)
		p, _ = v.pools.LoadOrStore(secret, &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }})
	}
	pool := p.(*sync.Pool)
	mac := pool.Get().(hash.Hash)
	mac.Reset()
	mac.Write(body)
	var want [sha256.Size]byte
	ok = hmac.Equal(got[:], mac.Sum(want[:0]))
	pool.Put(mac)
	return ok
}

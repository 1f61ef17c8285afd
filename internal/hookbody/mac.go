package hookbody

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
	"sync/atomic"
)

// ValidMAC reports whether sum is the HMAC-SHA256 of body under secret,
// comparing in constant time; an empty secret never verifies. It is how
// every connector checks a webhook body's signature once it has decoded
// it (base64 for LINE, hex for WhatsApp). It keeps each secret's HMACs
// between calls: hmac.New derives a secret's inner and outer keys (two
// SHA-256 blocks and five allocations) every time, a fifth of checking a
// LINE body. It keeps those of at most maxSecrets secrets (a channel
// whose secret changes leaves its old one behind). It is safe for
// concurrent use.
func ValidMAC(secret string, body, sum []byte) bool {
	if secret == "" || len(sum) != sha256.Size {
		return false
	}
	p, ok := macs.Load(secret)
	if !ok {
		if macSecrets.Add(1) > maxSecrets {
			macs.Clear()
			macSecrets.Store(1)
		}
		key := []byte(secret)
		p, _ = macs.LoadOrStore(secret, &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }})
	}
	pool := p.(*sync.Pool)
	mac := pool.Get().(hash.Hash)
	mac.Reset()
	mac.Write(body)
	var want [sha256.Size]byte
	ok = hmac.Equal(sum, mac.Sum(want[:0]))
	pool.Put(mac)
	return ok
}

// maxSecrets bounds the secrets whose HMACs ValidMAC keeps.
const maxSecrets = 1024

var (
	macs       sync.Map // secret → *sync.Pool of HMACs under it
	macSecrets atomic.Int64
)

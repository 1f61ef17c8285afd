// Package uuid makes and checks random (version 4) UUIDs, the form LINE
// requires for X-Line-Retry-Key and the form socialdesk uses for IDs.
package uuid

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// sources are ChaCha8 generators seeded from crypto/rand: as unpredictable
// as the seed, and an order of magnitude cheaper than a system call per ID.
var sources = sync.Pool{New: func() any {
	var seed [32]byte
	crand.Read(seed[:])
	return rand.NewChaCha8(seed)
}}

// New returns a new random version 4 UUID in its canonical 36-character form.
// It is safe for concurrent use.
func New() string {
	var b [16]byte
	src := sources.Get().(*rand.ChaCha8)
	binary.LittleEndian.PutUint64(b[0:8], src.Uint64())
	binary.LittleEndian.PutUint64(b[8:16], src.Uint64())
	sources.Put(src)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// Valid reports whether s is a UUID in canonical form (any version,
// lower- or upper-case hex).
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Package uuid makes and checks UUIDs: random ones (version 4), the form
// LINE requires for X-Line-Retry-Key and the form socialdesk uses for
// most IDs, and time-ordered ones (version 7) for the IDs of rows added as
// time goes, messages and enquiries.
package uuid

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"time"
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
	b := random()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return format(b)
}

// NewOrdered returns a new version 7 UUID: the Unix time in milliseconds
// in its first 48 bits, then 74 random bits. Those made later sort after
// (to the millisecond, as strings too), so a database index of them grows
// at one end, as a table's rows are added, instead of at random places:
// the IDs of messages and enquiries. It is safe for concurrent use.
func NewOrdered() string { return orderedAt(time.Now()) }

// orderedAt returns a version 7 UUID of the time t.
func orderedAt(t time.Time) string {
	b := random()
	ms := uint64(t.UnixMilli())
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return format(b)
}

// random returns 16 random bytes.
func random() [16]byte {
	var b [16]byte
	src := sources.Get().(*rand.ChaCha8)
	binary.LittleEndian.PutUint64(b[0:8], src.Uint64())
	binary.LittleEndian.PutUint64(b[8:16], src.Uint64())
	sources.Put(src)
	return b
}

// format returns b in the canonical form, lower-case hex in groups of 8,
// 4, 4, 4 and 12.
func format(b [16]byte) string {
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

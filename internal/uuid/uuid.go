// Package uuid makes and checks random (version 4) UUIDs, the form LINE
// requires for X-Line-Retry-Key and the form socialdesk uses for IDs.
package uuid

import (
	"crypto/rand"
	"encoding/hex"
)

// New returns a new random version 4 UUID in its canonical 36-character form.
// It is safe for concurrent use.
func New() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics on broken systems)
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

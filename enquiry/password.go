package enquiry

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Limits on a password.
const (
	// MinPassword is the fewest characters (Unicode code points) a
	// password may have.
	MinPassword = 12
	// MaxPassword is the most bytes a password may have: long enough for
	// any passphrase or password manager, short enough to refuse a
	// megabyte posted as a password.
	MaxPassword = 1024
)

// The argon2id parameters HashPassword uses: the first of OWASP's
// recommended configurations (Password Storage Cheat Sheet), 19 MiB of
// memory, 2 passes, 1 lane, with a 16-byte random salt and a 32-byte key.
// They are written into each hash, so CheckPassword keeps checking old
// hashes when they are raised.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSalt    = 16
	argonKey     = 32
)

// Bounds on the parameters CheckPassword accepts from a stored hash, so
// that a corrupt or planted hash cannot make one check take a gigabyte or
// a minute.
const (
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonTime    = 16
	maxArgonThreads = 16
)

// HashPassword returns the argon2id hash of password, with a new random
// salt, in the PHC string format
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// (salt and key in unpadded standard base64), ready for
// Account.PasswordHash. A password of fewer than MinPassword characters,
// more than MaxPassword bytes, or not valid UTF-8 is refused with a
// *ValidationError. It takes tens of milliseconds and 19 MiB by design.
// It is safe for concurrent use.
func HashPassword(password string) (Secret, error) {
	switch {
	case !utf8.ValidString(password):
		return "", invalid("password", "must be valid UTF-8 text", nil)
	case len(password) > MaxPassword:
		return "", invalid("password", fmt.Sprintf("at most %d bytes", MaxPassword), nil)
	case utf8.RuneCountInString(password) < MinPassword:
		return "", invalid("password", fmt.Sprintf("at least %d characters", MinPassword), nil)
	}
	salt := make([]byte, argonSalt)
	rand.Read(salt) // never fails (crypto/rand)
	p := argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, argonKey)
	return Secret(p.encode(salt, key)), nil
}

// CheckPassword reports whether password is the one hash was made from.
// The keys are compared in constant time. An empty or malformed hash
// (an account without a password, say) is never matched, but is checked
// against a fixed hash all the same, so that the time taken does not tell
// a caller whether an account exists or has a password. It is safe for
// concurrent use.
func CheckPassword(hash Secret, password string) bool {
	p, salt, key, ok := decodeArgon(hash.Reveal())
	if !ok || len(password) > MaxPassword {
		p, salt, key, _ = decodeArgon(decoyHash)
		ok = false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1 && ok
}

// decoyHash is the hash CheckPassword checks when it has none to check:
// made with HashPassword's parameters from a password nobody knows (it
// can match nothing, as CheckPassword reports false whatever it gives).
const decoyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29jaWFsZGVzayBkZWNveQ$w0D9X8a0IsNRIXFlE5QDGj0jerMB7P6jvGaq2mEjr4Y"

// argonParams are the cost parameters of an argon2id hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// encode writes a PHC string.
func (p argonParams) encode(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeArgon reads a PHC string HashPassword wrote (or one with other
// parameters within the bounds above).
func decodeArgon(s string) (p argonParams, salt, key []byte, ok bool) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.time, threads) != parts[3] {
		return p, nil, nil, false
	}
	if p.time < 1 || p.time > maxArgonTime || threads < 1 || threads > maxArgonThreads ||
		p.memory < 8*threads || p.memory > maxArgonMemory {
		return p, nil, nil, false
	}
	p.threads = uint8(threads)
	if strings.ContainsAny(parts[4]+parts[5], "\r\n") { // the decoder skips them: one spelling only
		return p, nil, nil, false
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, false
	}
	key, err = b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

package enquiry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// TokenPrefix starts every plain API token, so that a token pasted where
// it does not belong is recognised (by secret scanners too):
// "sdk_<id>_<secret>", the ID 16 hex digits and the secret 32 random bytes
// in unpadded URL-safe base64.
const TokenPrefix = "sdk_"

const (
	tokenIDBytes     = 8
	tokenSecretBytes = 32
)

// ErrBadToken: the API token is malformed, unknown, revoked, or of a
// disabled account. Which of these is not said, on purpose.
var ErrBadToken = errors.New("enquiry: the API token is not valid; ask an administrator for a new one")

// NewToken makes a new API token for the staff account staff, created at
// now: plain is the token to show the staff member once (it cannot be
// read back later), and t is what to keep with AccountStore.CreateToken,
// its hash in place of the secret. It is safe for concurrent use.
func NewToken(staff string, now time.Time) (plain Secret, t Token) {
	var id [tokenIDBytes]byte
	var secret [tokenSecretBytes]byte
	rand.Read(id[:]) // never fails (crypto/rand)
	rand.Read(secret[:])
	p := TokenPrefix + hex.EncodeToString(id[:]) + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	return Secret(p), Token{ID: hex.EncodeToString(id[:]), Staff: staff, Hash: TokenHash(Secret(p)), Created: now}
}

// TokenHash returns the hash a token is stored and looked up by: the
// SHA-256 of the whole plain token, in hex. The secret part is 256 random
// bits, so a fast hash is enough (there is nothing to guess), and a lookup
// by hash tells nothing of the secret.
func TokenHash(plain Secret) Secret {
	sum := sha256.Sum256([]byte(plain.Reveal()))
	return Secret(hex.EncodeToString(sum[:]))
}

// ParseToken returns the ID a plain token names, and whether it has the
// form NewToken gives (TokenPrefix, 16 hex digits, "_", 43 characters of
// URL-safe base64 for 32 bytes). It does not say whether the token is
// valid; CheckToken does.
func ParseToken(plain Secret) (id string, ok bool) {
	rest, ok := strings.CutPrefix(plain.Reveal(), TokenPrefix)
	if !ok {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 2*tokenIDBytes || len(secret) != base64.RawURLEncoding.EncodedLen(tokenSecretBytes) {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
		return "", false
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(secret); err != nil || len(b) != tokenSecretBytes {
		return "", false
	}
	return id, true
}

// TokenFinder looks tokens up by hash; every Store is one.
type TokenFinder interface {
	TokenByHash(ctx context.Context, hash Secret) (Token, Account, error)
}

// CheckToken returns the token that plain is, and the account it acts
// for, when the token is well formed, known, not revoked, and its account
// is enabled: ErrBadToken otherwise, or the store's error when the store
// failed. The stored hash is compared with plain's in constant time, and
// must belong to the token plain names. It is safe for concurrent use if
// s is.
func CheckToken(ctx context.Context, s TokenFinder, plain Secret) (Token, Account, error) {
	id, ok := ParseToken(plain)
	if !ok {
		return Token{}, Account{}, ErrBadToken
	}
	hash := TokenHash(plain)
	t, a, err := s.TokenByHash(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		return Token{}, Account{}, ErrBadToken
	case err != nil:
		return Token{}, Account{}, err
	case subtle.ConstantTimeCompare([]byte(t.Hash.Reveal()), []byte(hash.Reveal())) != 1 ||
		t.ID != id || t.Staff != a.ID || !t.Revoked.IsZero() || a.Disabled:
		return Token{}, Account{}, ErrBadToken
	}
	return t, a, nil
}

package enquiry

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"time"
)

// Session is a staff member's sign-in as it is stored: the session's
// cookie value is kept only as its hash, so the store cannot give it
// back. It acts as its staff member until Expires, while their account is
// enabled; replicas sharing one store share the sessions.
type Session struct {
	// Hash is the SHA-256 of the cookie value (see SessionHash). It
	// prints as "[redacted]" and is never marshalled.
	Hash    Secret    `json:"-"`
	Staff   string    `json:"staff"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// Validate reports the first field that is not acceptable, as a
// *ValidationError: a hash, a staff ID, and an expiry after the creation.
// Stores call it before writing.
func (s *Session) Validate() error {
	switch {
	case s.Hash.IsZero():
		return invalid("hash", "a session needs the hash of its cookie value (see NewSession)", nil)
	case s.Staff == "":
		return invalid("staff", "a session needs the ID of its staff account", nil)
	case !s.Expires.After(s.Created):
		return invalid("expires", "a session must expire after it is created", nil)
	}
	return nil
}

// SessionStore keeps staff sessions. Every Store is one (through
// AccountStore).
type SessionStore interface {
	// CreateSession stores a new session: ErrNotFound if its account does
	// not exist, ErrTokenExists if the hash is taken, a *ValidationError
	// if Validate fails.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns the session with that hash and its account,
	// only while the session has not expired at now and the account is
	// not disabled: ErrNotFound otherwise, whichever the reason.
	SessionByHash(ctx context.Context, hash Secret, now time.Time) (Session, Account, error)
	// DeleteSession ends the session with that hash (signing out); ending
	// one that does not exist is not an error.
	DeleteSession(ctx context.Context, hash Secret) error
	// DeleteSessions ends every session of staff (on a password change,
	// say) and returns how many it ended.
	DeleteSessions(ctx context.Context, staff string) (int64, error)
	// PruneSessions deletes the sessions that expired before `before` and
	// returns how many it deleted.
	PruneSessions(ctx context.Context, before time.Time) (int64, error)
}

// sessionBytes is the length of a session's random cookie value.
const sessionBytes = 32

// NewSession makes a new session of staff, created at now and lasting
// ttl: plain is the value to set in the session cookie (32 random bytes in
// unpadded URL-safe base64), and s is what to keep with CreateSession,
// its hash in place of the value. It is safe for concurrent use.
func NewSession(staff string, now time.Time, ttl time.Duration) (plain Secret, s Session) {
	var b [sessionBytes]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	plain = Secret(base64.RawURLEncoding.EncodeToString(b[:]))
	return plain, Session{Hash: SessionHash(plain), Staff: staff, Created: now, Expires: now.Add(ttl)}
}

// SessionHash returns the hash a session is stored and looked up by: the
// SHA-256 of the cookie value, in hex, as TokenHash.
func SessionHash(plain Secret) Secret { return TokenHash(plain) }

// ErrBadSession: the session cookie is malformed, unknown, expired, or of
// a disabled account. Which of these is not said, on purpose.
var ErrBadSession = errors.New("enquiry: the session is not valid or has expired; sign in again")

// SessionFinder looks sessions up by hash; every Store is one.
type SessionFinder interface {
	SessionByHash(ctx context.Context, hash Secret, now time.Time) (Session, Account, error)
}

// CheckSession returns the session whose cookie value is plain, and the
// account it acts for, when the value has NewSession's form, the session
// is known and not expired at now, and its account is enabled:
// ErrBadSession otherwise, or the store's error when the store failed.
// It is safe for concurrent use if s is.
func CheckSession(ctx context.Context, s SessionFinder, plain Secret, now time.Time) (Session, Account, error) {
	v := plain.Reveal()
	if len(v) != base64.RawURLEncoding.EncodedLen(sessionBytes) {
		return Session{}, Account{}, ErrBadSession
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(v); err != nil || len(b) != sessionBytes {
		return Session{}, Account{}, ErrBadSession
	}
	hash := SessionHash(plain)
	sess, a, err := s.SessionByHash(ctx, hash, now)
	switch {
	case errors.Is(err, ErrNotFound):
		return Session{}, Account{}, ErrBadSession
	case err != nil:
		return Session{}, Account{}, err
	case subtle.ConstantTimeCompare([]byte(sess.Hash.Reveal()), []byte(hash.Reveal())) != 1 ||
		sess.Staff != a.ID || !now.Before(sess.Expires) || a.Disabled:
		return Session{}, Account{}, ErrBadSession
	}
	return sess, a, nil
}

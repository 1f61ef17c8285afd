package deskhttp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// DefaultSessionTTL is how long a sign-in lasts.
const DefaultSessionTTL = 12 * time.Hour

// Sessions keeps signed-in staff members' sessions. Implementations must
// be safe for concurrent use.
type Sessions interface {
	// New starts a session for staff and returns its value, for the
	// cookie.
	New(ctx context.Context, staff string) (enquiry.Secret, error)
	// Staff returns whose session this is; ErrUnauthenticated when it is
	// unknown, ended or expired.
	Staff(ctx context.Context, session enquiry.Secret) (string, error)
	// End ends a session; ending an unknown one is not an error.
	End(ctx context.Context, session enquiry.Secret) error
}

// MemSessions keeps sessions in memory, by a hash of their value: a
// restart signs everyone out, and replicas do not share them. The zero
// value is ready, with sessions of DefaultSessionTTL on the real clock. It
// is safe for concurrent use.
type MemSessions struct {
	// TTL is how long a session lasts; zero means DefaultSessionTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex
	m  map[[32]byte]memSession
}

type memSession struct {
	staff   string
	expires time.Time
}

var _ Sessions = (*MemSessions)(nil)

// Format prints the sessions as "&deskhttp.MemSessions{[redacted]}" with
// every verb (%p still prints the address): fmt would print the sessions'
// hashes, the keys of an unexported map, which stay out of output like
// every credential and its hash. A log line through log/slog's text
// handler prints the same.
func (s *MemSessions) Format(f fmt.State, verb rune) {
	io.WriteString(f, "&deskhttp.MemSessions{[redacted]}")
}

func (s *MemSessions) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// New starts a session for staff.
func (s *MemSessions) New(_ context.Context, staff string) (enquiry.Secret, error) {
	v := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[[32]byte]memSession{}
	}
	now := s.now()
	for k, e := range s.m { // the expired go, so the map stays as large as the signed-in staff
		if !now.Before(e.expires) {
			delete(s.m, k)
		}
	}
	s.m[sha256.Sum256([]byte(v))] = memSession{staff: staff, expires: now.Add(orDefault(s.TTL, DefaultSessionTTL))}
	return enquiry.Secret(v), nil
}

// Staff returns whose session this is.
func (s *MemSessions) Staff(_ context.Context, session enquiry.Secret) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[sha256.Sum256([]byte(session.Reveal()))]
	if !ok || !s.now().Before(e.expires) {
		return "", ErrUnauthenticated
	}
	return e.staff, nil
}

// End ends a session.
func (s *MemSessions) End(_ context.Context, session enquiry.Secret) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sha256.Sum256([]byte(session.Reveal())))
	return nil
}

package enquiry_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

func TestNewSession(t *testing.T) {
	now := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	plain, sess := enquiry.NewSession("alice", now, 12*time.Hour)
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(plain.Reveal()) {
		t.Fatalf("the cookie value %q is not 32 bytes of URL-safe base64", plain.Reveal())
	}
	if sess.Hash != enquiry.SessionHash(plain) || sess.Hash != enquiry.TokenHash(plain) || sess.Staff != "alice" ||
		!sess.Created.Equal(now) || !sess.Expires.Equal(now.Add(12*time.Hour)) {
		t.Fatalf("NewSession = %+v; want alice's, hashed, created now, for 12 hours", sess)
	}
	if err := sess.Validate(); err != nil {
		t.Fatalf("a new session is not valid: %v", err)
	}
	if again, _ := enquiry.NewSession("alice", now, time.Hour); again == plain {
		t.Fatal("NewSession repeated a cookie value")
	}
}

// sessionFinder is a SessionFinder that answers what it is told.
type sessionFinder struct {
	sess  enquiry.Session
	acc   enquiry.Account
	err   error
	calls int
}

func (f *sessionFinder) SessionByHash(ctx context.Context, hash enquiry.Secret, now time.Time) (enquiry.Session, enquiry.Account, error) {
	f.calls++
	return f.sess, f.acc, f.err
}

func TestCheckSession(t *testing.T) {
	now := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	plain, sess := enquiry.NewSession("alice", now, time.Hour)
	_, other := enquiry.NewSession("alice", now, time.Hour)
	alice := enquiry.Account{ID: "alice", First: "Alice", Role: enquiry.RoleStaff}
	expired := sess
	expired.Expires = now
	storeDown := errors.New("store: connection refused")
	tests := []struct {
		name    string
		plain   enquiry.Secret
		f       sessionFinder
		want    error
		lookups int
	}{
		{"a live session of an enabled account checks", plain, sessionFinder{sess: sess, acc: alice}, nil, 1},
		{"a malformed value is refused without a lookup", "short", sessionFinder{sess: sess, acc: alice}, enquiry.ErrBadSession, 0},
		{"a value that is not base64 is refused without a lookup", enquiry.Secret(string(make([]byte, 43))), sessionFinder{sess: sess, acc: alice}, enquiry.ErrBadSession, 0},
		{"an unknown session is refused", plain, sessionFinder{err: enquiry.ErrNotFound}, enquiry.ErrBadSession, 1},
		{"a store that gives another session is refused", plain, sessionFinder{sess: other, acc: alice}, enquiry.ErrBadSession, 1},
		{"an expired session is refused even if the store returns it", plain, sessionFinder{sess: expired, acc: alice}, enquiry.ErrBadSession, 1},
		{"a disabled account is refused even if the store returns it", plain, sessionFinder{sess: sess, acc: enquiry.Account{ID: "alice", Disabled: true}}, enquiry.ErrBadSession, 1},
		{"another account's session is refused", plain, sessionFinder{sess: sess, acc: enquiry.Account{ID: "bob"}}, enquiry.ErrBadSession, 1},
		{"a store failure is the store's error, not a refusal", plain, sessionFinder{err: storeDown}, storeDown, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, acc, err := enquiry.CheckSession(t.Context(), &tc.f, tc.plain, now)
			if (tc.want == nil) != (err == nil) || !errors.Is(err, tc.want) ||
				(tc.want == storeDown && errors.Is(err, enquiry.ErrBadSession)) {
				t.Fatalf("CheckSession: err = %v, want %v", err, tc.want)
			}
			if tc.f.calls != tc.lookups {
				t.Fatalf("CheckSession looked up %d times, want %d", tc.f.calls, tc.lookups)
			}
			if (tc.want == nil) != (acc.ID == "alice" && got.Staff == "alice") {
				t.Fatalf("CheckSession = %+v of %q", got, acc.ID)
			}
		})
	}
}

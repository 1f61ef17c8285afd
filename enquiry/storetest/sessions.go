package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

func equalSessions(a, b enquiry.Session) bool {
	return a.Hash.Reveal() == b.Hash.Reveal() && a.Staff == b.Staff && a.Created.Equal(b.Created) && a.Expires.Equal(b.Expires)
}

func mustCreateSession(t *testing.T, s enquiry.Store, staff string, created time.Time, ttl time.Duration) (enquiry.Secret, enquiry.Session) {
	t.Helper()
	plain, sess := enquiry.NewSession(staff, created, ttl)
	if err := s.CreateSession(ctx(t), sess); err != nil {
		t.Fatalf("CreateSession(%s): %v", staff, err)
	}
	return plain, sess
}

func testSessions(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	if _, sess := enquiry.NewSession("nobody", t0, time.Hour); !errors.Is(s.CreateSession(ctx(t), sess), enquiry.ErrNotFound) {
		t.Fatal("CreateSession for an unknown account: want ErrNotFound")
	}
	_, sess := mustCreateSession(t, s, "alice", t0, time.Hour)
	if err := s.CreateSession(ctx(t), sess); !errors.Is(err, enquiry.ErrTokenExists) {
		t.Fatalf("CreateSession with a taken hash: err = %v, want ErrTokenExists", err)
	}
	got, acc, err := s.SessionByHash(ctx(t), sess.Hash, t0.Add(59*time.Minute))
	if err != nil || !equalSessions(got, sess) || !equalAccounts(acc, account("alice", enquiry.RoleStaff)) {
		t.Fatalf("SessionByHash before expiry = %+v, %s, %v; want the session and alice", got, acc.ID, err)
	}
	if _, _, err := s.SessionByHash(ctx(t), sess.Hash, t0.Add(time.Hour)); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SessionByHash at its expiry: err = %v, want ErrNotFound", err)
	}
	if _, _, err := s.SessionByHash(ctx(t), "unknown", t0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SessionByHash(unknown): err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx(t), sess.Hash); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByHash(ctx(t), sess.Hash, t0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SessionByHash after signing out: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx(t), sess.Hash); err != nil {
		t.Fatalf("ending an ended session: %v", err)
	}
}

func testSessionsInvalid(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	for name, sess := range map[string]enquiry.Session{
		"no hash":                   {Staff: "alice", Created: t0, Expires: t0.Add(time.Hour)},
		"no staff":                  {Hash: "h", Created: t0, Expires: t0.Add(time.Hour)},
		"an expiry at its creation": {Hash: "h", Staff: "alice", Created: t0, Expires: t0},
		"no expiry":                 {Hash: "h", Staff: "alice", Created: t0},
	} {
		if err := s.CreateSession(ctx(t), sess); !errors.Is(err, enquiry.ErrInvalid) {
			t.Errorf("CreateSession with %s: err = %v, want ErrInvalid", name, err)
		}
	}
	if _, _, err := s.SessionByHash(ctx(t), "h", t0.Add(-time.Hour)); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("an invalid session was stored: %v", err)
	}
}

func testSessionsOfDisabled(t *testing.T, s enquiry.Store) {
	a := account("alice", enquiry.RoleAdmin)
	mustCreateAccount(t, s, a)
	_, sess := mustCreateSession(t, s, "alice", t0, time.Hour)
	a.Disabled = true
	if err := s.UpdateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByHash(ctx(t), sess.Hash, t0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SessionByHash of a disabled account's session: err = %v, want ErrNotFound", err)
	}
	a.Disabled = false
	if err := s.UpdateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByHash(ctx(t), sess.Hash, t0); err != nil {
		t.Fatalf("SessionByHash after enabling the account again: %v", err)
	}
}

func testDeleteAndPruneSessions(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	mustCreateAccount(t, s, account("bob", enquiry.RoleStaff))
	_, a1 := mustCreateSession(t, s, "alice", t0, time.Hour)
	_, a2 := mustCreateSession(t, s, "alice", t0, 2*time.Hour)
	mustCreateSession(t, s, "bob", t0, time.Hour)
	_, b2 := mustCreateSession(t, s, "bob", t0, 3*time.Hour)
	if n, err := s.DeleteSessions(ctx(t), "alice"); err != nil || n != 2 {
		t.Fatalf("DeleteSessions(alice) = %d, %v; want 2", n, err)
	}
	for _, h := range []enquiry.Secret{a1.Hash, a2.Hash} {
		if _, _, err := s.SessionByHash(ctx(t), h, t0); !errors.Is(err, enquiry.ErrNotFound) {
			t.Fatalf("alice's session survived DeleteSessions: %v", err)
		}
	}
	if n, err := s.DeleteSessions(ctx(t), "alice"); err != nil || n != 0 {
		t.Fatalf("DeleteSessions(alice) again = %d, %v; want 0", n, err)
	}
	// b1 expired at t0+1h; b2 lasts until t0+3h.
	if n, err := s.PruneSessions(ctx(t), t0.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneSessions = %d, %v; want the one expired session", n, err)
	}
	if _, _, err := s.SessionByHash(ctx(t), b2.Hash, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("PruneSessions deleted a live session: %v", err)
	}
	if n, err := s.PruneSessions(ctx(t), t0.Add(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneSessions again = %d, %v; want 0", n, err)
	}
}

func testCheckSession(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	plain, sess := mustCreateSession(t, s, "alice", t0, time.Hour)
	got, acc, err := enquiry.CheckSession(ctx(t), s, plain, t0.Add(time.Minute))
	if err != nil || !equalSessions(got, sess) || acc.ID != "alice" {
		t.Fatalf("CheckSession = %s, %v; want alice's session", acc.ID, err)
	}
	other, _ := enquiry.NewSession("alice", t0, time.Hour)
	for name, tc := range map[string]struct {
		plain enquiry.Secret
		at    time.Time
	}{
		"a session never stored": {other, t0},
		"an expired session":     {plain, t0.Add(time.Hour)},
		"a malformed value":      {"not-a-session", t0},
		"an empty value":         {"", t0},
	} {
		if _, _, err := enquiry.CheckSession(ctx(t), s, tc.plain, tc.at); !errors.Is(err, enquiry.ErrBadSession) {
			t.Errorf("CheckSession(%s): err = %v, want ErrBadSession", name, err)
		}
	}
}

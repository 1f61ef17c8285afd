package deskhttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

func TestStoreAccountsOnMemStore(t *testing.T) {
	testStoreAccounts(t, func(t *testing.T) enquiry.AccountStore { return enquiry.NewMemStore() })
}

func TestStoreAccountsOnPostgreSQL(t *testing.T) {
	testStoreAccounts(t, postgresAccounts)
}

// postgresAccounts returns an enquiry/postgres store in a schema of the
// test's own, migrated and dropped when the test ends; it skips the test
// when SOCIALDESK_TEST_POSTGRES is not set.
func postgresAccounts(t *testing.T) enquiry.AccountStore {
	t.Helper()
	dsn := os.Getenv("SOCIALDESK_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("SOCIALDESK_TEST_POSTGRES is not set: skipping staff accounts on PostgreSQL (set it to a DSN, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "deskhttp_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	store := postgres.New(pool, postgres.Options{})
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store
}

// testStoreAccounts runs StoreAccounts' tests on the stores newStore
// returns, each test on a store of its own.
func testStoreAccounts(t *testing.T, newStore func(t *testing.T) enquiry.AccountStore) {
	ctx := context.Background()
	const davePassword = "dave-long-password"
	// setup returns StoreAccounts on a new store, with dave (staff, a
	// password) on a clock the test moves.
	setup := func(t *testing.T) (*StoreAccounts, enquiry.AccountStore, *testClock) {
		t.Helper()
		store := newStore(t)
		clock := &testClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
		s := &StoreAccounts{Store: store, Now: clock.Now}
		if _, err := s.CreateAccount(ctx, Account{ID: "dave", First: "Dave", Last: "Lee", Role: RoleStaff}, davePassword); err != nil {
			t.Fatal(err)
		}
		return s, store, clock
	}

	t.Run("an account keeps an argon2id hash of its password, which signs in", func(t *testing.T) {
		s, store, _ := setup(t)
		stored, err := store.Account(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		if h := stored.PasswordHash.Reveal(); !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, davePassword) {
			t.Fatalf("stored hash %q; want argon2id, without the password", h)
		}
		a, err := s.CheckPassword(ctx, "dave", davePassword)
		if err != nil || a != (Account{ID: "dave", First: "Dave", Last: "Lee", Role: RoleStaff}) {
			t.Fatalf("CheckPassword = %+v, %v", a, err)
		}
	})
	for _, tc := range []struct{ name, id, password string }{
		{"a wrong password does not sign in", "dave", "not-daves-password"},
		{"an unknown account does not sign in", "zed", davePassword},
		{"an account's ID in another case does not sign in", "Dave", davePassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := setup(t)
			if a, err := s.CheckPassword(ctx, tc.id, enquiry.Secret(tc.password)); !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("CheckPassword = %+v, %v; want ErrUnauthenticated", a, err)
			}
		})
	}
	t.Run("an account without a password signs in with none", func(t *testing.T) {
		s, _, _ := setup(t)
		if _, err := s.CreateAccount(ctx, Account{ID: "bot", First: "Bot", Role: RoleStaff}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckPassword(ctx, "bot", ""); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("empty password: %v; want ErrUnauthenticated", err)
		}
	})
	t.Run("a taken ID is ErrAccountExists, in any case of its letters", func(t *testing.T) {
		s, _, _ := setup(t)
		for _, id := range []string{"dave", "DAVE"} {
			if _, err := s.CreateAccount(ctx, Account{ID: id, First: "Other", Role: RoleStaff}, ""); !errors.Is(err, ErrAccountExists) {
				t.Errorf("creating %q: %v; want ErrAccountExists", id, err)
			}
		}
	})
	t.Run("a short password or a bad ID is a validation error that holds no password", func(t *testing.T) {
		s, _, _ := setup(t)
		for _, tc := range []struct {
			a        Account
			password string
			field    string
		}{
			{Account{ID: "erin", First: "Erin", Role: RoleStaff}, "short-pw", "password"},
			{Account{ID: "erin smith", First: "Erin", Role: RoleStaff}, "long-enough-password", "id"},
			{Account{ID: "erin", First: "Erin", Role: "root"}, "long-enough-password", "role"},
		} {
			_, err := s.CreateAccount(ctx, tc.a, enquiry.Secret(tc.password))
			var ve *enquiry.ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || strings.Contains(err.Error(), tc.password) {
				t.Errorf("creating %+v: %v; want a validation error of %s", tc.a, err, tc.field)
			}
		}
		if _, err := s.Account(ctx, "erin"); !errors.Is(err, ErrNoAccount) {
			t.Fatalf("erin: %v; want ErrNoAccount", err)
		}
	})
	t.Run("an edit changes the fields given and keeps the others", func(t *testing.T) {
		s, _, _ := setup(t)
		last, role := "Park", RoleAdmin
		a, err := s.UpdateAccount(ctx, "dave", AccountChange{Last: &last, Role: &role})
		if err != nil || a != (Account{ID: "dave", First: "Dave", Last: "Park", Role: RoleAdmin}) {
			t.Fatalf("UpdateAccount = %+v, %v", a, err)
		}
		if got, _ := s.Account(ctx, "dave"); got != a {
			t.Fatalf("Account = %+v; want %+v", got, a)
		}
		if _, err := s.CheckPassword(ctx, "dave", davePassword); err != nil {
			t.Fatalf("the password after an edit of the names: %v", err)
		}
		if _, err := s.UpdateAccount(ctx, "zed", AccountChange{Last: &last}); !errors.Is(err, ErrNoAccount) {
			t.Fatalf("editing zed: %v; want ErrNoAccount", err)
		}
	})
	t.Run("a new password replaces the old one and signs the account out", func(t *testing.T) {
		s, _, _ := setup(t)
		session, err := s.New(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		np := enquiry.Secret("daves-new-password")
		if _, err := s.UpdateAccount(ctx, "dave", AccountChange{Password: &np}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckPassword(ctx, "dave", davePassword); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("the old password: %v; want ErrUnauthenticated", err)
		}
		if _, err := s.CheckPassword(ctx, "dave", np); err != nil {
			t.Errorf("the new password: %v", err)
		}
		if _, err := s.Staff(ctx, session); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("the session from before: %v; want ErrUnauthenticated", err)
		}
	})
	t.Run("a disabled account's password, session and tokens stop working at once", func(t *testing.T) {
		s, _, _ := setup(t)
		session, _ := s.New(ctx, "dave")
		_, token, err := s.NewToken(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := s.UpdateAccount(ctx, "dave", AccountChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckPassword(ctx, "dave", davePassword); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("password: %v; want ErrUnauthenticated", err)
		}
		if _, err := s.Staff(ctx, session); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("session: %v; want ErrUnauthenticated", err)
		}
		if _, err := s.TokenAccount(ctx, token); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("token: %v; want ErrUnauthenticated", err)
		}
	})
	t.Run("a token acts as its account until it is revoked, and is revoked once", func(t *testing.T) {
		s, store, clock := setup(t)
		tok, token, err := s.NewToken(ctx, "dave")
		if err != nil || tok.Staff != "dave" || tok.ID == "" || !tok.Created.Equal(clock.Now()) {
			t.Fatalf("NewToken = %+v, %v", tok, err)
		}
		if !strings.HasPrefix(token.Reveal(), enquiry.TokenPrefix) || strings.Contains(token.Reveal(), "dave") {
			t.Fatalf("token %q; want a random sdk_ token", token.Reveal())
		}
		if a, err := s.TokenAccount(ctx, token); err != nil || a.ID != "dave" {
			t.Fatalf("TokenAccount = %+v, %v", a, err)
		}
		kept, _ := store.Tokens(ctx, "dave")
		if len(kept) != 1 || kept[0].Hash.Reveal() == token.Reveal() {
			t.Fatalf("stored tokens %+v; want one, by hash", kept)
		}
		if err := s.RevokeToken(ctx, "dave", tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenAccount(ctx, token); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("a revoked token: %v; want ErrUnauthenticated", err)
		}
		for name, staff := range map[string]string{"twice": "dave", "as another account's": "zed"} {
			if err := s.RevokeToken(ctx, staff, tok.ID); !errors.Is(err, ErrNoAccount) {
				t.Errorf("revoking %s: %v; want ErrNoAccount", name, err)
			}
		}
	})
	t.Run("an account's tokens are listed oldest first, a revoked one with when", func(t *testing.T) {
		s, _, clock := setup(t)
		first, _, err := s.NewToken(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Minute)
		second, _, err := s.NewToken(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Minute)
		if err := s.RevokeToken(ctx, "dave", first.ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.Tokens(ctx, "dave")
		want := []Token{{ID: first.ID, Staff: "dave", Created: first.Created, Revoked: clock.Now()}, second}
		if err != nil || len(got) != 2 || !sameToken(got[0], want[0]) || !sameToken(got[1], want[1]) {
			t.Fatalf("Tokens = %+v, %v; want %+v", got, err, want)
		}
		if _, err := s.Tokens(ctx, "zed"); !errors.Is(err, ErrNoAccount) {
			t.Errorf("Tokens of zed: %v; want ErrNoAccount", err)
		}
	})
	t.Run("a token of no account or a made-up token is refused", func(t *testing.T) {
		s, _, _ := setup(t)
		if _, _, err := s.NewToken(ctx, "zed"); !errors.Is(err, ErrNoAccount) {
			t.Errorf("NewToken for zed: %v; want ErrNoAccount", err)
		}
		forged, _ := enquiry.NewToken("dave", time.Now()) // never stored
		for _, v := range []enquiry.Secret{forged, "sdk_nonsense", ""} {
			if _, err := s.TokenAccount(ctx, v); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("TokenAccount(%q): %v; want ErrUnauthenticated", v.Reveal(), err)
			}
		}
	})
	t.Run("a session lasts its TTL and ends when signed out", func(t *testing.T) {
		s, _, clock := setup(t)
		s.SessionTTL = time.Hour
		first, err := s.New(ctx, "dave")
		if err != nil {
			t.Fatal(err)
		}
		second, _ := s.New(ctx, "dave")
		if staff, err := s.Staff(ctx, first); err != nil || staff != "dave" {
			t.Fatalf("Staff = %q, %v", staff, err)
		}
		if err := s.End(ctx, second); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Staff(ctx, second); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("a signed-out session: %v; want ErrUnauthenticated", err)
		}
		if staff, err := s.Staff(ctx, first); err != nil || staff != "dave" {
			t.Errorf("the other session after a sign-out: %q, %v", staff, err)
		}
		clock.Add(time.Hour)
		if _, err := s.Staff(ctx, first); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("an expired session: %v; want ErrUnauthenticated", err)
		}
		if err := s.End(ctx, "never-a-session"); err != nil {
			t.Errorf("ending an unknown session: %v", err)
		}
	})
	t.Run("a session of no account is not made", func(t *testing.T) {
		s, _, _ := setup(t)
		if v, err := s.New(ctx, "zed"); err == nil {
			t.Fatalf("New(zed) = %q; want an error", v.Reveal())
		}
	})
	t.Run("expired sessions are pruned from the store as new ones start", func(t *testing.T) {
		s, store, clock := setup(t)
		s.SessionTTL = time.Minute
		s.New(ctx, "dave")
		clock.Add(2 * pruneEvery)
		s.New(ctx, "dave") // prunes the first
		if n, err := store.PruneSessions(ctx, clock.Now().Add(2*time.Minute)); err != nil || n != 1 {
			t.Fatalf("pruning all but the pruned: %d, %v; want 1 (the second session only)", n, err)
		}
	})
	t.Run("the built-in admin is created once, and a new password replaces its old one", func(t *testing.T) {
		s, _, _ := setup(t)
		const first, second = "first-admin-password", "second-admin-password"
		if err := s.EnsureAdmin(ctx, "admin", "Admin", first); err != nil {
			t.Fatal(err)
		}
		if a, err := s.CheckPassword(ctx, "admin", first); err != nil || a.Role != RoleAdmin || a.First != "Admin" {
			t.Fatalf("the admin: %+v, %v", a, err)
		}
		session, _ := s.New(ctx, "admin")
		if err := s.EnsureAdmin(ctx, "admin", "Admin", first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Staff(ctx, session); err != nil {
			t.Fatalf("a restart with the same password signed the admin out: %v", err)
		}
		if err := s.EnsureAdmin(ctx, "admin", "Admin", second); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckPassword(ctx, "admin", first); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("the old admin password: %v; want ErrUnauthenticated", err)
		}
		if _, err := s.CheckPassword(ctx, "admin", second); err != nil {
			t.Errorf("the new admin password: %v", err)
		}
		if _, err := s.Staff(ctx, session); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("the session from before the new password: %v; want ErrUnauthenticated", err)
		}
		var ve *enquiry.ValidationError
		if err := s.EnsureAdmin(ctx, "root", "Root", "short"); !errors.As(err, &ve) {
			t.Errorf("a short admin password: %v; want a validation error", err)
		}
	})
	t.Run("replicas on one store share accounts, tokens and sessions", func(t *testing.T) {
		s, store, clock := setup(t)
		other := &StoreAccounts{Store: store, Now: clock.Now}
		session, _ := s.New(ctx, "dave")
		_, token, _ := s.NewToken(ctx, "dave")
		if staff, err := other.Staff(ctx, session); err != nil || staff != "dave" {
			t.Errorf("the other replica's Staff = %q, %v", staff, err)
		}
		if a, err := other.TokenAccount(ctx, token); err != nil || a.ID != "dave" {
			t.Errorf("the other replica's TokenAccount = %+v, %v", a, err)
		}
		if err := other.End(ctx, session); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Staff(ctx, session); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("a session ended on the other replica: %v; want ErrUnauthenticated", err)
		}
	})
}

// TestAHandlerOnStoreAccounts walks the staff API on accounts kept in the
// desk's store: the admin creates a staff member with a password, who
// signs in, acts as themself only, and is signed out when disabled.
func TestAHandlerOnStoreAccounts(t *testing.T) {
	ctx := context.Background()
	store := enquiry.NewMemStore()
	accts := &StoreAccounts{Store: store}
	if _, err := accts.CreateAccount(ctx, Account{ID: "carol", First: "Carol", Role: RoleAdmin}, adminPassword); err != nil {
		t.Fatal(err)
	}
	d := serveDesk(t, Config{Accounts: accts, Sessions: accts, Auth: ServiceToken("service")})
	admin := d.signIn(t, "carol", adminPassword)
	const erinPassword = "erin-long-password"
	if res, body := d.send(t, "POST", "/api/staff", `{"id":"erin","first":"Erin","last":"Ono","password":"`+erinPassword+`"}`, admin...); res.StatusCode != 201 || strings.Contains(body, erinPassword) {
		t.Fatalf("POST /api/staff: %s %s", res.Status, body)
	}
	if res, body := d.send(t, "POST", "/api/staff", `{"id":"fay","first":"Fay","password":"short"}`, admin...); res.StatusCode != 422 || strings.Contains(body, `"short"`) {
		t.Fatalf("POST /api/staff with a short password: %s %s; want 422", res.Status, body)
	}
	if a, err := store.Account(ctx, "erin"); err != nil || a.Role != enquiry.RoleStaff || a.PasswordHash.IsZero() {
		t.Fatalf("erin in the store: %+v, %v", a, err)
	}
	erin := d.signIn(t, "erin", erinPassword)
	if status, v := d.call(t, "GET", "/api/session", "", erin...); status != 200 || v["staff"] != "erin" || v["role"] != "staff" {
		t.Fatalf("GET /api/session as erin: %d %v", status, v)
	}
	if status, v := d.call(t, "POST", "/api/staff/carol/presence", `{"presence":"available"}`, erin...); status != 403 {
		t.Fatalf("erin setting carol's presence: %d %v; want 403", status, v)
	}
	res, body := d.send(t, "GET", "/api/staff", "", erin...)
	var list struct{ Staff []staffJSON }
	json.Unmarshal([]byte(body), &list)
	if res.StatusCode != 200 || len(list.Staff) != 2 || list.Staff[0].ID != "carol" || list.Staff[1].ID != "erin" {
		t.Fatalf("GET /api/staff: %s %s; want carol and erin", res.Status, body)
	}
	if status, v := d.call(t, "PATCH", "/api/staff/erin", `{"disabled":true}`, admin...); status != 200 {
		t.Fatalf("disabling erin: %d %v", status, v)
	}
	if status, v := d.call(t, "GET", "/api/enquiries", "", erin...); status != 401 {
		t.Fatalf("erin's session once disabled: %d %v; want 401", status, v)
	}
}

// slowReads is an AccountStore whose Account, having read, waits up to
// a while for a second Account call to have read too, so that two edits
// that may interleave do.
type slowReads struct {
	enquiry.AccountStore
	arrived chan struct{}
}

func (s *slowReads) Account(ctx context.Context, id string) (enquiry.Account, error) {
	a, err := s.AccountStore.Account(ctx, id)
	select {
	case s.arrived <- struct{}{}: // the other reader has read and waits: go on
	case <-s.arrived: // the other reader has read: go on
	case <-time.After(200 * time.Millisecond): // nobody else reads
	}
	return a, err
}

func TestStoreAccountsAppliesTwoEditsAtOnceBoth(t *testing.T) {
	ctx := context.Background()
	store := &slowReads{AccountStore: enquiry.NewMemStore(), arrived: make(chan struct{})}
	s := &StoreAccounts{Store: store}
	if _, err := s.CreateAccount(ctx, Account{ID: "dave", First: "Dave", Last: "Lee", Role: RoleStaff}, ""); err != nil {
		t.Fatal(err)
	}
	first, last := "David", "Park"
	var wg sync.WaitGroup
	for _, c := range []AccountChange{{First: &first}, {Last: &last}} {
		wg.Go(func() {
			if _, err := s.UpdateAccount(ctx, "dave", c); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if a, _ := s.Account(ctx, "dave"); a.First != "David" || a.Last != "Park" {
		t.Fatalf("after two edits at once: %+v; want both, David Park", a)
	}
}

// sameToken reports whether a and b are the same token at the same
// instants, whatever the time zone a store reads them in.
func sameToken(a, b Token) bool {
	return a.ID == b.ID && a.Staff == b.Staff && a.Label == b.Label && a.Created.Equal(b.Created) && a.Revoked.Equal(b.Revoked)
}

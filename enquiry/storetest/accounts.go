package storetest

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// runAccounts runs the AccountStore section of the suite (accounts,
// tokens, sessions), each subtest on a store of its own.
func runAccounts(t *testing.T, newStore func(t *testing.T) enquiry.Store) {
	runSubtests(t, newStore, []subtest{
		{"staff accounts are created once, read, updated and listed by ID", testAccounts},
		{"an invalid staff account or token is refused and nothing is stored", testAccountsInvalid},
		{"of many concurrent creations of one staff account, exactly one wins", testAccountRace},
		{"a password hash round-trips and still checks", testPasswordRoundTrip},
		{"tokens are kept per account, found by hash and revoked", testTokens},
		{"a disabled account's tokens stop working at once", testTokensOfDisabled},
		{"a token made by NewToken checks until revoked", testCheckToken},
		{"sessions are found until they expire or end", testSessions},
		{"an invalid session is refused", testSessionsInvalid},
		{"a disabled account's sessions stop working at once", testSessionsOfDisabled},
		{"a staff member's sessions end together, and expired ones are pruned", testDeleteAndPruneSessions},
		{"a session made by NewSession checks until it expires", testCheckSession},
	})
}

func account(id string, role enquiry.Role) enquiry.Account {
	return enquiry.Account{
		ID: id, First: "First " + id, Last: "Last " + id, Role: role,
		PasswordHash: enquiry.Secret("$argon2id$v=19$m=19456,t=2,p=1$c2FsdC0" + id + "$a2V5LQ"),
		Created:      t0, Updated: t0,
	}
}

func mustCreateAccount(t *testing.T, s enquiry.Store, a enquiry.Account) {
	t.Helper()
	if err := s.CreateAccount(ctx(t), a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.ID, err)
	}
}

// equalAccounts compares accounts, the password hash by value.
func equalAccounts(a, b enquiry.Account) bool {
	return a.ID == b.ID && a.First == b.First && a.Last == b.Last && a.Role == b.Role && a.Disabled == b.Disabled &&
		a.PasswordHash.Reveal() == b.PasswordHash.Reveal() && a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

func accountIDs(as []enquiry.Account) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func testAccounts(t *testing.T, s enquiry.Store) {
	if list, err := s.Accounts(ctx(t)); err != nil || len(list) != 0 {
		t.Fatalf("Accounts() of an empty store = %v, %v; want none", accountIDs(list), err)
	}
	for _, a := range []enquiry.Account{account("bob", enquiry.RoleStaff), account("alice", enquiry.RoleAdmin), account("Zed", enquiry.RoleStaff)} {
		mustCreateAccount(t, s, a)
	}
	again := account("alice", enquiry.RoleStaff)
	again.First = "Another"
	if err := s.CreateAccount(ctx(t), again); !errors.Is(err, enquiry.ErrAccountExists) {
		t.Fatalf("creating alice twice: err = %v, want ErrAccountExists", err)
	}
	for _, id := range []string{"Alice", "ALICE", "zed", "BOB"} {
		if err := s.CreateAccount(ctx(t), account(id, enquiry.RoleAdmin)); !errors.Is(err, enquiry.ErrAccountExists) {
			t.Fatalf("creating %s beside an ID that differs only in case: err = %v, want ErrAccountExists", id, err)
		}
	}
	if _, err := s.Account(ctx(t), "Alice"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Account(Alice) for alice's account: err = %v, want ErrNotFound (IDs match exactly)", err)
	}
	got, err := s.Account(ctx(t), "alice")
	if err != nil || !equalAccounts(got, account("alice", enquiry.RoleAdmin)) {
		t.Fatalf("Account(alice) = %+v, %v; want the account as created", got, err)
	}
	if _, err := s.Account(ctx(t), "nobody"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Account(unknown): err = %v, want ErrNotFound", err)
	}
	list, err := s.Accounts(ctx(t))
	if err != nil || !reflect.DeepEqual(accountIDs(list), []string{"Zed", "alice", "bob"}) {
		t.Fatalf("Accounts() = %v, %v; want Zed, alice, bob (byte order)", accountIDs(list), err)
	}

	got.First, got.Last, got.Role, got.Disabled = "Alicia", "", enquiry.RoleStaff, true
	got.PasswordHash, got.Updated = "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3LWtleQ", t0.Add(time.Minute)
	if err := s.UpdateAccount(ctx(t), got); err != nil {
		t.Fatal(err)
	}
	read, err := s.Account(ctx(t), "alice")
	if err != nil || !equalAccounts(read, got) {
		t.Fatalf("after update Account(alice) = %+v, %v; want %+v", read, err, got)
	}
	// An account without a password keeps none.
	read.PasswordHash = ""
	if err := s.UpdateAccount(ctx(t), read); err != nil {
		t.Fatal(err)
	}
	if read, err = s.Account(ctx(t), "alice"); err != nil || !read.PasswordHash.IsZero() {
		t.Fatalf("after clearing the password, Account(alice) has a hash: %v", err)
	}
	if err := s.UpdateAccount(ctx(t), account("nobody", enquiry.RoleStaff)); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("UpdateAccount(unknown): err = %v, want ErrNotFound", err)
	}
	if _, err := s.Account(ctx(t), "nobody"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("UpdateAccount(unknown) created it: err = %v", err)
	}
}

func testAccountsInvalid(t *testing.T, s enquiry.Store) {
	bad := map[string]func(a *enquiry.Account){
		"no ID":             func(a *enquiry.Account) { a.ID = "" },
		"a slash in the ID": func(a *enquiry.Account) { a.ID = "a/b" },
		"a space in the ID": func(a *enquiry.Account) { a.ID = "a b" },
		"a 65-byte ID":      func(a *enquiry.Account) { a.ID = string(make([]byte, 65)) },
		"no name":           func(a *enquiry.Account) { a.First, a.Last = "", "" },
		"an unknown role":   func(a *enquiry.Account) { a.Role = "root" },
		"no role":           func(a *enquiry.Account) { a.Role = "" },
		"a name not UTF-8":  func(a *enquiry.Account) { a.First = "\xff" },
		"a 101-letter name": func(a *enquiry.Account) { a.Last = string(make([]rune, 101)) },
	}
	for name, breakIt := range bad {
		a := account("carol", enquiry.RoleStaff)
		breakIt(&a)
		if err := s.CreateAccount(ctx(t), a); !errors.Is(err, enquiry.ErrInvalid) {
			t.Errorf("CreateAccount with %s: err = %v, want ErrInvalid", name, err)
		}
	}
	if list, err := s.Accounts(ctx(t)); err != nil || len(list) != 0 {
		t.Fatalf("invalid accounts were stored: %v, %v", accountIDs(list), err)
	}
	mustCreateAccount(t, s, account("carol", enquiry.RoleStaff))
	a := account("carol", enquiry.RoleStaff)
	a.Role = "owner"
	if err := s.UpdateAccount(ctx(t), a); !errors.Is(err, enquiry.ErrInvalid) {
		t.Fatalf("UpdateAccount with an unknown role: err = %v, want ErrInvalid", err)
	}
	if got, _ := s.Account(ctx(t), "carol"); got.Role != enquiry.RoleStaff {
		t.Fatalf("an invalid update was stored: role %q", got.Role)
	}
	for name, tok := range map[string]enquiry.Token{
		"no ID":        {Staff: "carol", Hash: "h1", Created: t0},
		"no staff":     {ID: "t1", Hash: "h1", Created: t0},
		"no hash":      {ID: "t1", Staff: "carol", Created: t0},
		"a bad ID":     {ID: "t/1", Staff: "carol", Hash: "h1", Created: t0},
		"a long label": {ID: "t1", Staff: "carol", Hash: "h1", Label: strings.Repeat("x", 101), Created: t0},
	} {
		if err := s.CreateToken(ctx(t), tok); !errors.Is(err, enquiry.ErrInvalid) {
			t.Errorf("CreateToken with %s: err = %v, want ErrInvalid", name, err)
		}
	}
	if ts, err := s.Tokens(ctx(t), "carol"); err != nil || len(ts) != 0 {
		t.Fatalf("invalid tokens were stored: %d, %v", len(ts), err)
	}
	if _, _, err := s.TokenByHash(ctx(t), ""); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("TokenByHash(empty): err = %v, want ErrNotFound", err)
	}
}

func testAccountRace(t *testing.T, s enquiry.Store) {
	const n = 16
	var (
		wg           sync.WaitGroup
		mu           sync.Mutex
		won, existed int
	)
	for i := range n {
		wg.Go(func() {
			a := account("dave", enquiry.RoleStaff)
			a.First = string(rune('A' + i))
			err := s.CreateAccount(ctx(t), a)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, enquiry.ErrAccountExists):
				existed++
			default:
				t.Errorf("CreateAccount: %v", err)
			}
		})
	}
	wg.Wait()
	if won != 1 || existed != n-1 {
		t.Fatalf("%d creations won and %d found it existed; want 1 and %d", won, existed, n-1)
	}
}

func testPasswordRoundTrip(t *testing.T, s enquiry.Store) {
	hash, err := enquiry.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	a := account("erin", enquiry.RoleStaff)
	a.PasswordHash = hash
	mustCreateAccount(t, s, a)
	got, err := s.Account(ctx(t), "erin")
	if err != nil {
		t.Fatal(err)
	}
	if !enquiry.CheckPassword(got.PasswordHash, "correct horse battery staple") {
		t.Fatal("the stored hash does not check the password it was made from")
	}
	if enquiry.CheckPassword(got.PasswordHash, "correct horse battery stapler") {
		t.Fatal("the stored hash checks another password")
	}
}

func token(id, staff string, created time.Time) enquiry.Token {
	return enquiry.Token{ID: id, Staff: staff, Label: "label of " + id, Hash: enquiry.Secret("hash-" + id), Created: created}
}

func equalTokens(a, b enquiry.Token) bool {
	return a.ID == b.ID && a.Staff == b.Staff && a.Label == b.Label && a.Hash.Reveal() == b.Hash.Reveal() &&
		a.Created.Equal(b.Created) && a.Revoked.Equal(b.Revoked)
}

func tokenIDs(ts []enquiry.Token) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func testTokens(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	mustCreateAccount(t, s, account("bob", enquiry.RoleStaff))
	if err := s.CreateToken(ctx(t), token("t0", "nobody", t0)); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("CreateToken for an unknown account: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Tokens(ctx(t), "nobody"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Tokens(unknown): err = %v, want ErrNotFound", err)
	}
	if ts, err := s.Tokens(ctx(t), "alice"); err != nil || len(ts) != 0 {
		t.Fatalf("Tokens(alice) before any = %v, %v; want none", tokenIDs(ts), err)
	}
	for _, tok := range []enquiry.Token{token("t2", "alice", t0.Add(time.Second)), token("t1", "alice", t0), token("t3", "bob", t0)} {
		if err := s.CreateToken(ctx(t), tok); err != nil {
			t.Fatalf("CreateToken(%s): %v", tok.ID, err)
		}
	}
	if err := s.CreateToken(ctx(t), enquiry.Token{ID: "t1", Staff: "bob", Hash: "other", Created: t0}); !errors.Is(err, enquiry.ErrTokenExists) {
		t.Fatalf("CreateToken with a taken ID: err = %v, want ErrTokenExists", err)
	}
	if err := s.CreateToken(ctx(t), enquiry.Token{ID: "t9", Staff: "bob", Hash: "hash-t1", Created: t0}); !errors.Is(err, enquiry.ErrTokenExists) {
		t.Fatalf("CreateToken with a taken hash: err = %v, want ErrTokenExists", err)
	}
	ts, err := s.Tokens(ctx(t), "alice")
	if err != nil || !reflect.DeepEqual(tokenIDs(ts), []string{"t1", "t2"}) || !equalTokens(ts[0], token("t1", "alice", t0)) {
		t.Fatalf("Tokens(alice) = %v, %v; want t1, t2, oldest first, as created", tokenIDs(ts), err)
	}

	tok, acc, err := s.TokenByHash(ctx(t), "hash-t2")
	if err != nil || !equalTokens(tok, token("t2", "alice", t0.Add(time.Second))) || !equalAccounts(acc, account("alice", enquiry.RoleStaff)) {
		t.Fatalf("TokenByHash(hash-t2) = %+v, %+v, %v; want t2 and alice", tok, acc, err)
	}
	if _, _, err := s.TokenByHash(ctx(t), "hash-none"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("TokenByHash(unknown): err = %v, want ErrNotFound", err)
	}

	if err := s.RevokeToken(ctx(t), "bob", "t2", t0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("bob revoking alice's token: err = %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx(t), "alice", "t9", t0); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("RevokeToken(unknown): err = %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx(t), "alice", "t2", time.Time{}); !errors.Is(err, enquiry.ErrInvalid) {
		t.Fatalf("RevokeToken at the zero time: err = %v, want ErrInvalid", err)
	}
	if _, _, err := s.TokenByHash(ctx(t), "hash-t2"); err != nil {
		t.Fatalf("a refused revocation revoked the token: %v", err)
	}
	revoked := t0.Add(time.Hour)
	if err := s.RevokeToken(ctx(t), "alice", "t2", revoked); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenByHash(ctx(t), "hash-t2"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("TokenByHash(revoked): err = %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx(t), "alice", "t2", revoked.Add(time.Hour)); err != nil {
		t.Fatalf("revoking a revoked token: %v", err)
	}
	ts, err = s.Tokens(ctx(t), "alice")
	if err != nil || len(ts) != 2 || !ts[1].Revoked.Equal(revoked) || !ts[0].Revoked.IsZero() {
		t.Fatalf("Tokens(alice) after revoking t2 = %+v, %v; want t2 revoked at its first revocation, t1 not", ts, err)
	}
	for _, h := range []enquiry.Secret{"hash-t1", "hash-t3"} {
		if _, _, err := s.TokenByHash(ctx(t), h); err != nil {
			t.Fatalf("revoking t2 stopped %s: %v", h, err)
		}
	}
}

func testTokensOfDisabled(t *testing.T, s enquiry.Store) {
	a := account("alice", enquiry.RoleAdmin)
	mustCreateAccount(t, s, a)
	if err := s.CreateToken(ctx(t), token("t1", "alice", t0)); err != nil {
		t.Fatal(err)
	}
	a.Disabled = true
	if err := s.UpdateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenByHash(ctx(t), "hash-t1"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("TokenByHash of a disabled account's token: err = %v, want ErrNotFound", err)
	}
	a.Disabled = false
	if err := s.UpdateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if _, acc, err := s.TokenByHash(ctx(t), "hash-t1"); err != nil || acc.Disabled {
		t.Fatalf("TokenByHash after enabling the account again = %+v, %v; want the enabled account", acc, err)
	}
}

func testCheckToken(t *testing.T, s enquiry.Store) {
	mustCreateAccount(t, s, account("alice", enquiry.RoleStaff))
	plain, tok := enquiry.NewToken("alice", t0)
	if err := s.CreateToken(ctx(t), tok); err != nil {
		t.Fatal(err)
	}
	got, acc, err := enquiry.CheckToken(ctx(t), s, plain)
	if err != nil || got.ID != tok.ID || acc.ID != "alice" {
		t.Fatalf("CheckToken(the new token) = %s, %s, %v; want token %s of alice", got.ID, acc.ID, err, tok.ID)
	}
	other, _ := enquiry.NewToken("alice", t0)
	if _, _, err := enquiry.CheckToken(ctx(t), s, other); !errors.Is(err, enquiry.ErrBadToken) {
		t.Fatalf("CheckToken(a token never stored): err = %v, want ErrBadToken", err)
	}
	if err := s.RevokeToken(ctx(t), "alice", tok.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := enquiry.CheckToken(ctx(t), s, plain); !errors.Is(err, enquiry.ErrBadToken) {
		t.Fatalf("CheckToken(a revoked token): err = %v, want ErrBadToken", err)
	}
}

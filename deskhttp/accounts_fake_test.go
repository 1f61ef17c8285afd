package deskhttp

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// fakeAccounts is an Accounts in memory for the tests, keeping hashes of
// passwords and tokens as a store would.
type fakeAccounts struct {
	mu       sync.Mutex
	accounts map[string]Account
	password map[string][32]byte // by staff ID
	tokens   []fakeToken         // oldest first
	n        int
}

// fakeToken is a token the fake keeps, with the hash of its value.
type fakeToken struct {
	hash [32]byte
	Token
}

var _ Accounts = (*fakeAccounts)(nil)

func newFakeAccounts() *fakeAccounts {
	return &fakeAccounts{accounts: map[string]Account{}, password: map[string][32]byte{}}
}

func hash(s enquiry.Secret) [32]byte { return sha256.Sum256([]byte(s.Reveal())) }

func (f *fakeAccounts) Account(_ context.Context, id string) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[id]
	if !ok {
		return Account{}, ErrNoAccount
	}
	return a, nil
}

func (f *fakeAccounts) Accounts(context.Context) ([]Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Account
	for _, a := range f.accounts {
		out = append(out, a)
	}
	return out, nil
}

func (f *fakeAccounts) CreateAccount(_ context.Context, a Account, password enquiry.Secret) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.accounts[a.ID]; ok {
		return Account{}, ErrAccountExists
	}
	f.accounts[a.ID] = a
	if !password.IsZero() {
		f.password[a.ID] = hash(password)
	}
	return a, nil
}

func (f *fakeAccounts) UpdateAccount(_ context.Context, id string, c AccountChange) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[id]
	if !ok {
		return Account{}, ErrNoAccount
	}
	set(&a.First, c.First)
	set(&a.Last, c.Last)
	set(&a.Role, c.Role)
	set(&a.Disabled, c.Disabled)
	if c.Password != nil {
		f.password[id] = hash(*c.Password)
	}
	f.accounts[id] = a
	return a, nil
}

func (f *fakeAccounts) CheckPassword(_ context.Context, id string, password enquiry.Secret) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[id]
	if h, set := f.password[id]; !ok || !set || h != hash(password) {
		return Account{}, ErrUnauthenticated
	}
	return a, nil
}

func (f *fakeAccounts) NewToken(_ context.Context, staff string) (Token, enquiry.Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	t := Token{ID: fmt.Sprint("t", f.n), Staff: staff, Created: time.Now()}
	v := enquiry.Secret(fmt.Sprintf("sdt_%s_%d_%d", staff, f.n, time.Now().UnixNano()))
	f.tokens = append(f.tokens, fakeToken{hash(v), t})
	return t, v, nil
}

func (f *fakeAccounts) Tokens(_ context.Context, staff string) ([]Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.accounts[staff]; !ok {
		return nil, ErrNoAccount
	}
	out := []Token{}
	for _, t := range f.tokens {
		if t.Staff == staff {
			out = append(out, t.Token)
		}
	}
	return out, nil
}

func (f *fakeAccounts) RevokeToken(_ context.Context, staff, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range f.tokens {
		if t.ID == id && t.Staff == staff && t.Revoked.IsZero() {
			f.tokens[i].Revoked = time.Now()
			return nil
		}
	}
	return ErrNoAccount
}

func (f *fakeAccounts) TokenAccount(_ context.Context, v enquiry.Secret) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.tokens, func(t fakeToken) bool { return t.hash == hash(v) && t.Revoked.IsZero() })
	if i < 0 {
		return Account{}, ErrUnauthenticated
	}
	a, ok := f.accounts[f.tokens[i].Staff]
	if !ok {
		return Account{}, ErrUnauthenticated
	}
	return a, nil
}

// testClock is a clock the tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

package deskhttp

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// StoreAccounts keeps the staff accounts, their API tokens and their
// sessions in the desk's store (enquiry.MemStore, enquiry/postgres or any
// enquiry.AccountStore), so that replicas sharing one store share them
// and a restart signs nobody out. Passwords are kept as argon2id hashes
// (enquiry.HashPassword), tokens and sessions as SHA-256 hashes of their
// random values (enquiry.NewToken, enquiry.NewSession). It is both the
// Accounts and the Sessions of a Handler:
//
//	accts := &deskhttp.StoreAccounts{Store: store}
//	h, err := deskhttp.New(deskhttp.Config{Desk: desk, Feed: feed, Accounts: accts, Sessions: accts})
//
// Store is required; the zero value of every other field means its
// documented default. It is safe for concurrent use once its fields are
// set.
type StoreAccounts struct {
	// Store keeps the accounts, tokens and sessions.
	Store enquiry.AccountStore
	// SessionTTL is how long a sign-in lasts; zero means
	// DefaultSessionTTL. Set Config.SessionTTL to the same, for the
	// cookie.
	SessionTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	editMu    sync.Mutex // one UpdateAccount at a time
	pruneMu   sync.Mutex
	lastPrune time.Time
}

var (
	_ Accounts = (*StoreAccounts)(nil)
	_ Sessions = (*StoreAccounts)(nil)
)

// pruneEvery is how often New deletes the expired sessions from the
// store, so that it keeps only about as many as there are signed-in staff.
const pruneEvery = time.Hour

func (s *StoreAccounts) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// view is a as the API shows it.
func view(a enquiry.Account) Account {
	return Account{ID: a.ID, First: a.First, Last: a.Last, Role: Role(a.Role), Disabled: a.Disabled}
}

// notFound turns the store's ErrNotFound into ErrNoAccount.
func notFound(err error) error {
	if errors.Is(err, enquiry.ErrNotFound) {
		return ErrNoAccount
	}
	return err
}

// Account returns the account id, or ErrNoAccount.
func (s *StoreAccounts) Account(ctx context.Context, id string) (Account, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return Account{}, notFound(err)
	}
	return view(a), nil
}

// Accounts returns every account, ordered by ID.
func (s *StoreAccounts) Accounts(ctx context.Context) ([]Account, error) {
	list, err := s.Store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(list))
	for i, a := range list {
		out[i] = view(a)
	}
	return out, nil
}

// CreateAccount adds a, with the argon2id hash of password (none when
// password is empty: the account signs in with tokens only). It returns
// ErrAccountExists when the ID is taken in any case of its letters, and
// an *enquiry.ValidationError for an unacceptable field or password.
func (s *StoreAccounts) CreateAccount(ctx context.Context, a Account, password enquiry.Secret) (Account, error) {
	now := s.now()
	acct := enquiry.Account{ID: a.ID, First: a.First, Last: a.Last, Role: enquiry.Role(a.Role), Disabled: a.Disabled, Created: now, Updated: now}
	if err := acct.Validate(); err != nil { // before the slow hash
		return Account{}, err
	}
	if !password.IsZero() {
		h, err := enquiry.HashPassword(password.Reveal())
		if err != nil {
			return Account{}, err
		}
		acct.PasswordHash = h
	}
	switch err := s.Store.CreateAccount(ctx, acct); {
	case errors.Is(err, enquiry.ErrAccountExists):
		return Account{}, ErrAccountExists
	case err != nil:
		return Account{}, err
	}
	return view(acct), nil
}

// UpdateAccount applies c to account id: ErrNoAccount when there is none,
// an *enquiry.ValidationError for an unacceptable field or password. A
// new password, or disabling the account, ends the account's sessions.
// The edits made through one StoreAccounts are applied one at a time;
// two replicas editing one account at the same moment may lose one of
// the edits, as the store has no compare-and-swap of accounts.
func (s *StoreAccounts) UpdateAccount(ctx context.Context, id string, c AccountChange) (Account, error) {
	var hash enquiry.Secret
	if c.Password != nil { // hashed first: it takes tens of milliseconds
		var err error
		if hash, err = enquiry.HashPassword(c.Password.Reveal()); err != nil {
			return Account{}, err
		}
	}
	s.editMu.Lock()
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		s.editMu.Unlock()
		return Account{}, notFound(err)
	}
	set(&a.First, c.First)
	set(&a.Last, c.Last)
	if c.Role != nil {
		a.Role = enquiry.Role(*c.Role)
	}
	set(&a.Disabled, c.Disabled)
	if c.Password != nil {
		a.PasswordHash = hash
	}
	a.Updated = s.now()
	if err = a.Validate(); err == nil {
		err = s.Store.UpdateAccount(ctx, a)
	}
	s.editMu.Unlock()
	if err != nil {
		return Account{}, notFound(err)
	}
	if c.Password != nil || a.Disabled {
		if _, err := s.Store.DeleteSessions(ctx, id); err != nil {
			return Account{}, err
		}
	}
	return view(a), nil
}

// CheckPassword returns account id when password is its password, and
// ErrUnauthenticated when it is not, when there is no such account or it
// has no password, or when it is disabled. It takes the same time
// whichever the reason (enquiry.CheckPassword).
func (s *StoreAccounts) CheckPassword(ctx context.Context, id string, password enquiry.Secret) (Account, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil && !errors.Is(err, enquiry.ErrNotFound) {
		return Account{}, err
	}
	// With no account, a.PasswordHash is empty: checked against a decoy.
	if !enquiry.CheckPassword(a.PasswordHash, password.Reveal()) || err != nil || a.Disabled {
		return Account{}, ErrUnauthenticated
	}
	return view(a), nil
}

// NewToken makes an API token for staff and returns it with its value,
// of which the store keeps only a hash: ErrNoAccount when there is no
// such account.
func (s *StoreAccounts) NewToken(ctx context.Context, staff string) (Token, enquiry.Secret, error) {
	plain, t := enquiry.NewToken(staff, s.now())
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return Token{}, "", notFound(err)
	}
	return Token{ID: t.ID, Staff: t.Staff, Label: t.Label, Created: t.Created}, plain, nil
}

// Tokens returns staff's tokens, revoked ones included, oldest first:
// ErrNoAccount when there is no such account.
func (s *StoreAccounts) Tokens(ctx context.Context, staff string) ([]Token, error) {
	list, err := s.Store.Tokens(ctx, staff)
	if err != nil {
		return nil, notFound(err)
	}
	out := make([]Token, len(list))
	for i, t := range list {
		out[i] = Token{ID: t.ID, Staff: t.Staff, Label: t.Label, Created: t.Created, Revoked: t.Revoked}
	}
	return out, nil
}

// RevokeToken revokes staff's token tokenID at once: ErrNoAccount when
// staff has no such token in force (revoking it twice, say).
func (s *StoreAccounts) RevokeToken(ctx context.Context, staff, tokenID string) error {
	list, err := s.Store.Tokens(ctx, staff)
	if err != nil {
		return notFound(err)
	}
	if !slices.ContainsFunc(list, func(t enquiry.Token) bool { return t.ID == tokenID && t.Revoked.IsZero() }) {
		return ErrNoAccount
	}
	return notFound(s.Store.RevokeToken(ctx, staff, tokenID, s.now()))
}

// TokenAccount returns the account a token's value belongs to:
// ErrUnauthenticated when it is malformed, unknown or revoked, or its
// account is disabled.
func (s *StoreAccounts) TokenAccount(ctx context.Context, token enquiry.Secret) (Account, error) {
	_, a, err := enquiry.CheckToken(ctx, s.Store, token)
	switch {
	case errors.Is(err, enquiry.ErrBadToken):
		return Account{}, ErrUnauthenticated
	case err != nil:
		return Account{}, err
	}
	return view(a), nil
}

// New starts a session of SessionTTL for staff and returns its value, for
// the cookie; the store keeps only its hash. At most once every hour it
// first deletes the sessions that have expired.
func (s *StoreAccounts) New(ctx context.Context, staff string) (enquiry.Secret, error) {
	now := s.now()
	if s.pruneDue(now) {
		if _, err := s.Store.PruneSessions(ctx, now); err != nil {
			return "", err
		}
	}
	plain, sess := enquiry.NewSession(staff, now, orDefault(s.SessionTTL, DefaultSessionTTL))
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", notFound(err)
	}
	return plain, nil
}

// pruneDue reports whether it is time to prune the expired sessions, and
// if so notes that they are pruned now.
func (s *StoreAccounts) pruneDue(now time.Time) bool {
	s.pruneMu.Lock()
	defer s.pruneMu.Unlock()
	if !s.lastPrune.IsZero() && now.Sub(s.lastPrune) < pruneEvery {
		return false
	}
	s.lastPrune = now
	return true
}

// Staff returns whose session this is: ErrUnauthenticated when it is
// malformed, unknown or expired, or its account is disabled.
func (s *StoreAccounts) Staff(ctx context.Context, session enquiry.Secret) (string, error) {
	_, a, err := enquiry.CheckSession(ctx, s.Store, session, s.now())
	switch {
	case errors.Is(err, enquiry.ErrBadSession):
		return "", ErrUnauthenticated
	case err != nil:
		return "", err
	}
	return a.ID, nil
}

// End ends a session; ending an unknown one is not an error.
func (s *StoreAccounts) End(ctx context.Context, session enquiry.Secret) error {
	return s.Store.DeleteSession(ctx, enquiry.SessionHash(session))
}

// EnsureAdmin is a host's start-up set-up of its built-in administrator:
// it creates the admin account id, named first, with password, when there
// is no such account; when there is, it sets the account's password to
// password unless that is its password already (a new one signs the
// account out), and leaves its role and whether it is disabled to the
// administrators. The password is kept only as its hash; a password
// shorter than enquiry.MinPassword is an *enquiry.ValidationError.
func (s *StoreAccounts) EnsureAdmin(ctx context.Context, id, first string, password enquiry.Secret) error {
	_, err := s.CreateAccount(ctx, Account{ID: id, First: first, Role: RoleAdmin}, password)
	if !errors.Is(err, ErrAccountExists) {
		return err
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return notFound(err)
	}
	if enquiry.CheckPassword(a.PasswordHash, password.Reveal()) {
		return nil
	}
	_, err = s.UpdateAccount(ctx, id, AccountChange{Password: &password})
	return err
}

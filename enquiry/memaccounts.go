package enquiry

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// memAccounts is MemStore's AccountStore. Accounts and tokens touch no
// enquiry, so they have a lock of their own. The zero value is ready.
type memAccounts struct {
	mu       sync.Mutex
	accounts map[string]Account
	folded   map[string]string // strings.ToLower(ID) → ID
	tokens   map[string]*Token // by ID
	byHash   map[Secret]*Token
	sessions map[Secret]Session // by hash
}

// CreateAccount implements AccountStore.
func (s *MemStore) CreateAccount(ctx context.Context, a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	fold := strings.ToLower(a.ID) // IDs are ASCII
	if _, ok := m.folded[fold]; ok {
		return ErrAccountExists
	}
	if m.accounts == nil {
		m.accounts, m.folded = map[string]Account{}, map[string]string{}
	}
	m.accounts[a.ID], m.folded[fold] = a, a.ID
	return nil
}

// UpdateAccount implements AccountStore.
func (s *MemStore) UpdateAccount(ctx context.Context, a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.ID]; !ok {
		return ErrNotFound
	}
	m.accounts[a.ID] = a
	return nil
}

// Account implements AccountStore.
func (s *MemStore) Account(ctx context.Context, id string) (Account, error) {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[id]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

// Accounts implements AccountStore.
func (s *MemStore) Accounts(ctx context.Context) ([]Account, error) {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Account, 0, len(m.accounts))
	for _, a := range m.accounts {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// CreateToken implements AccountStore.
func (s *MemStore) CreateToken(ctx context.Context, t Token) error {
	if err := t.Validate(); err != nil {
		return err
	}
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[t.Staff]; !ok {
		return ErrNotFound
	}
	if _, ok := m.tokens[t.ID]; ok {
		return ErrTokenExists
	}
	if _, ok := m.byHash[t.Hash]; ok {
		return ErrTokenExists
	}
	if m.tokens == nil {
		m.tokens, m.byHash = map[string]*Token{}, map[Secret]*Token{}
	}
	m.tokens[t.ID] = &t
	m.byHash[t.Hash] = &t
	return nil
}

// Tokens implements AccountStore.
func (s *MemStore) Tokens(ctx context.Context, staff string) ([]Token, error) {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[staff]; !ok {
		return nil, ErrNotFound
	}
	var out []Token
	for _, t := range m.tokens {
		if t.Staff == staff {
			out = append(out, *t)
		}
	}
	slices.SortFunc(out, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// TokenByHash implements AccountStore.
func (s *MemStore) TokenByHash(ctx context.Context, hash Secret) (Token, Account, error) {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.byHash[hash]
	if !ok || !t.Revoked.IsZero() {
		return Token{}, Account{}, ErrNotFound
	}
	a, ok := m.accounts[t.Staff]
	if !ok || a.Disabled {
		return Token{}, Account{}, ErrNotFound
	}
	return *t, a, nil
}

// RevokeToken implements AccountStore.
func (s *MemStore) RevokeToken(ctx context.Context, staff, id string, at time.Time) error {
	if at.IsZero() {
		return invalid("at", "a revocation needs its time", nil)
	}
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[id]
	if !ok || t.Staff != staff {
		return ErrNotFound
	}
	if t.Revoked.IsZero() {
		t.Revoked = at
	}
	return nil
}

// CreateSession implements SessionStore.
func (s *MemStore) CreateSession(ctx context.Context, sess Session) error {
	if err := sess.Validate(); err != nil {
		return err
	}
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[sess.Staff]; !ok {
		return ErrNotFound
	}
	if _, ok := m.sessions[sess.Hash]; ok {
		return ErrTokenExists
	}
	if m.sessions == nil {
		m.sessions = map[Secret]Session{}
	}
	m.sessions[sess.Hash] = sess
	return nil
}

// SessionByHash implements SessionStore.
func (s *MemStore) SessionByHash(ctx context.Context, hash Secret, now time.Time) (Session, Account, error) {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	sess, ok := m.sessions[hash]
	if !ok || !now.Before(sess.Expires) {
		return Session{}, Account{}, ErrNotFound
	}
	a, ok := m.accounts[sess.Staff]
	if !ok || a.Disabled {
		return Session{}, Account{}, ErrNotFound
	}
	return sess, a, nil
}

// DeleteSession implements SessionStore.
func (s *MemStore) DeleteSession(ctx context.Context, hash Secret) error {
	m := &s.staff
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, hash)
	return nil
}

// DeleteSessions implements SessionStore.
func (s *MemStore) DeleteSessions(ctx context.Context, staff string) (int64, error) {
	return s.staff.deleteSessionsWhere(func(sess Session) bool { return sess.Staff == staff }), nil
}

// PruneSessions implements SessionStore.
func (s *MemStore) PruneSessions(ctx context.Context, before time.Time) (int64, error) {
	return s.staff.deleteSessionsWhere(func(sess Session) bool { return sess.Expires.Before(before) }), nil
}

func (m *memAccounts) deleteSessionsWhere(drop func(Session) bool) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for h, sess := range m.sessions {
		if drop(sess) {
			delete(m.sessions, h)
			n++
		}
	}
	return n
}

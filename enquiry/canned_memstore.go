package enquiry

import (
	"cmp"
	"context"
	"slices"
	"sync"
)

// memCanned is MemStore's CannedStore. Canned replies touch no enquiry,
// so they have a lock of their own; it is never held while taking the
// store's. The zero value is ready.
type memCanned struct {
	mu      sync.Mutex
	replies map[string]map[string]CannedReply // channel → ID → reply
}

// CreateCanned implements CannedStore.
func (s *MemStore) CreateCanned(ctx context.Context, c CannedReply) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if _, err := s.Channel(ctx, c.Channel); err != nil {
		return err
	}
	m := &s.canned
	m.mu.Lock()
	if m.taken(c, true) {
		m.mu.Unlock()
		return ErrCannedExists
	}
	if m.replies == nil {
		m.replies = map[string]map[string]CannedReply{}
	}
	if m.replies[c.Channel] == nil {
		m.replies[c.Channel] = map[string]CannedReply{}
	}
	m.replies[c.Channel][c.ID] = c
	m.mu.Unlock()
	// A channel deleted since it was read above dropped its replies
	// before this one was added: drop it too.
	if _, err := s.Channel(ctx, c.Channel); err != nil {
		m.mu.Lock()
		delete(m.replies[c.Channel], c.ID)
		m.mu.Unlock()
		return err
	}
	return nil
}

// taken reports whether c's channel has another reply of c's name or,
// when byID, one of c's ID. m.mu is held.
func (m *memCanned) taken(c CannedReply, byID bool) bool {
	key := CannedKey(c.Name)
	for _, o := range m.replies[c.Channel] {
		if (byID && o.ID == c.ID) || (o.ID != c.ID && CannedKey(o.Name) == key) {
			return true
		}
	}
	return false
}

// UpdateCanned implements CannedStore.
func (s *MemStore) UpdateCanned(ctx context.Context, c CannedReply) error {
	if err := c.Validate(); err != nil {
		return err
	}
	m := &s.canned
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.replies[c.Channel][c.ID]; !ok {
		return ErrNotFound
	}
	if m.taken(c, false) {
		return ErrCannedExists
	}
	m.replies[c.Channel][c.ID] = c
	return nil
}

// DeleteCanned implements CannedStore.
func (s *MemStore) DeleteCanned(ctx context.Context, channel, id string) error {
	m := &s.canned
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.replies[channel][id]; !ok {
		return ErrNotFound
	}
	delete(m.replies[channel], id)
	return nil
}

// CannedReply implements CannedStore.
func (s *MemStore) CannedReply(ctx context.Context, channel, id string) (CannedReply, error) {
	m := &s.canned
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.replies[channel][id]
	if !ok {
		return CannedReply{}, ErrNotFound
	}
	return c, nil
}

// CannedReplies implements CannedStore.
func (s *MemStore) CannedReplies(ctx context.Context, channel string) ([]CannedReply, error) {
	m := &s.canned
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]CannedReply, 0, len(m.replies[channel]))
	for _, c := range m.replies[channel] {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b CannedReply) int {
		return cmp.Or(cmp.Compare(CannedKey(a.Name), CannedKey(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// drop removes a deleted channel's canned replies.
func (m *memCanned) drop(channel string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.replies, channel)
}

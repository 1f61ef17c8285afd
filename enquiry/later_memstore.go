package enquiry

import (
	"context"
	"slices"
)

var _ LateStore = (*MemStore)(nil)

// awaitContent notes a message whose content is pending, so
// CompleteContent and PendingContent find it. s.mu is held.
func (s *MemStore) awaitContent(ref msgRef) {
	if s.late == nil {
		s.late = map[string]msgRef{}
	}
	s.late[ref.m.ID] = ref
}

// SetCustomerName implements LateStore.
func (s *MemStore) SetCustomerName(ctx context.Context, channel, customer, name string) (Enquiry, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.channelExists(channel) {
		return Enquiry{}, false, ErrNotFound
	}
	if s.names == nil {
		s.names = map[[2]string]string{}
	}
	k := [2]string{channel, customer}
	s.names[k] = name
	id, ok := s.open[k]
	if !ok {
		return Enquiry{}, false, nil
	}
	e := &s.enquiries[id].e
	e.Customer.Name = name
	return e.clone(), true, nil
}

// CustomerName implements LateStore.
func (s *MemStore) CustomerName(ctx context.Context, channel, customer string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[[2]string{channel, customer}], nil
}

// CompleteContent implements LateStore.
func (s *MemStore) CompleteContent(ctx context.Context, id string, c Completion) (Message, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.late[id]
	if !ok {
		for _, m := range s.enquiries { // settled before, or never pending
			for _, msg := range m.msgs {
				if msg.ID == id {
					return msg.clone(), false, nil
				}
			}
		}
		return Message{}, false, ErrNotFound
	}
	c.apply(&ref.m.Content)
	delete(s.late, id)
	return ref.m.clone(), true, nil
}

// PendingContent implements LateStore.
func (s *MemStore) PendingContent(ctx context.Context, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Message, 0, len(s.late))
	for _, ref := range s.late {
		out = append(out, ref.m)
	}
	slices.SortFunc(out, func(a, b *Message) int {
		switch {
		case pendingBefore(a, b):
			return -1
		case pendingBefore(b, a):
			return 1
		}
		return 0
	})
	msgs := make([]Message, 0, min(limit, len(out)))
	for _, m := range out[:min(limit, len(out))] {
		msgs = append(msgs, m.clone())
	}
	return msgs, nil
}

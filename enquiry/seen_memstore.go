package enquiry

import "context"

// SetSeen implements SeenStore.
func (s *MemStore) SetSeen(ctx context.Context, enquiry, staff string, upTo int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[enquiry]
	if !ok {
		return ErrNotFound
	}
	newest := int64(0)
	if n := len(m.msgs); n > 0 {
		newest = m.msgs[n-1].Seq
	}
	if upTo <= 0 || upTo > newest {
		upTo = newest
	}
	if m.seen == nil {
		m.seen = map[string]int64{}
	}
	if upTo > m.seen[staff] {
		m.seen[staff] = upTo
	}
	return nil
}

// Summaries implements SeenStore.
func (s *MemStore) Summaries(ctx context.Context, staff string, ids []string) (map[string]Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Summary, len(ids))
	for _, id := range ids {
		m, ok := s.enquiries[id]
		if !ok {
			continue
		}
		sum := Summary{Enquiry: id}
		if n := len(m.msgs); n > 0 {
			last := m.msgs[n-1].clone()
			sum.Last = &last
		}
		if staff != "" {
			seen := m.seen[staff]
			for i := len(m.msgs) - 1; i >= 0 && m.msgs[i].Seq > seen; i-- {
				if unreadBy(m.msgs[i]) {
					sum.Unread++
				}
			}
		}
		out[id] = sum
	}
	return out, nil
}

package enquiry

import (
	"context"
	"slices"
	"strings"
)

// SearchMessages implements SearchStore by scanning every transcript: a
// MemStore holds what one process can, and a scan of it is quick enough
// for a person waiting.
func (s *MemStore) SearchMessages(ctx context.Context, q Search) ([]Hit, error) {
	terms := SearchTerms(q.Text)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var refs []msgRef
	for _, m := range s.order {
		if q.Channels != nil && !slices.Contains(q.Channels, m.e.Channel) {
			continue
		}
		for _, msg := range m.msgs {
			if msg.Unsent || msg.Content.Text == "" || !before(msg, q.Before) || !MatchSearch(msg.Content.Text, terms) {
				continue
			}
			refs = append(refs, msgRef{m, msg})
		}
	}
	slices.SortFunc(refs, func(a, b msgRef) int {
		if c := b.m.Time.Compare(a.m.Time); c != 0 {
			return c
		}
		return strings.Compare(b.m.ID, a.m.ID)
	})
	refs = refs[:min(len(refs), limit)]
	out := make([]Hit, len(refs))
	for i, ref := range refs {
		out[i] = Hit{Message: ref.m.clone(), Enquiry: ref.e.e.clone()}
	}
	return out, nil
}

// before reports whether m comes after c in the search order (newest
// first, then the greater ID first).
func before(m *Message, c Cursor) bool {
	if c.IsZero() {
		return true
	}
	if !m.Time.Equal(c.Time) {
		return m.Time.Before(c.Time)
	}
	return m.ID < c.Message
}

package inbox

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"time"
)

// memStore is an in-memory Store, Leaser and Pruner for the package's
// tests (enquiry.MemStore is the real one; inbox cannot import it).
// read, when set, runs in PendingEvents and PendingUnleased after the
// store has read its answer, without the store's lock: a test may block
// there to act while a sweep reads.
type memStore struct {
	mu     sync.Mutex
	seq    int64
	events map[ref]*Record
	done   map[ref]bool
	leases map[Key]memLease
	read   func()
}

type memLease struct {
	owner string
	until time.Time
}

var (
	_ Store  = (*memStore)(nil)
	_ Leaser = (*memStore)(nil)
	_ Pruner = (*memStore)(nil)
)

var errNotFound = errors.New("memStore: no such event")

func newMemStore() *memStore {
	return &memStore{events: map[ref]*Record{}, done: map[ref]bool{}, leases: map[Key]memLease{}}
}

func (s *memStore) AppendEvents(ctx context.Context, events []Record) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fresh []Record
	for _, ev := range events {
		r := refOf(&ev)
		if _, seen := s.events[r]; seen {
			continue
		}
		s.seq++
		ev.Seq = s.seq
		ev.Payload = slices.Clone(ev.Payload)
		stored := ev
		s.events[r] = &stored
		fresh = append(fresh, ev)
	}
	return fresh, nil
}

func (s *memStore) EventDone(ctx context.Context, channel, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := ref{channel, id}
	ev, ok := s.events[r]
	if !ok {
		return errNotFound
	}
	s.done[r] = true
	ev.Payload = nil
	return nil
}

// where returns the pending events for which keep is true, oldest
// first, at most limit (0: all). s.mu is held.
func (s *memStore) where(limit int, keep func(*Record) bool) []Record {
	var out []Record
	for r, ev := range s.events {
		if !s.done[r] && keep(ev) {
			out = append(out, *ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func (s *memStore) pending(before time.Time, limit int, keep func(*Record) bool) []Record {
	s.mu.Lock()
	out := s.where(limit, func(ev *Record) bool { return ev.Received.Before(before) && keep(ev) })
	read := s.read
	s.mu.Unlock()
	if read != nil {
		read()
	}
	return out
}

func (s *memStore) PendingEvents(ctx context.Context, before time.Time, limit int) ([]Record, error) {
	return s.pending(before, limit, func(*Record) bool { return true }), nil
}

func (s *memStore) PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]Record, error) {
	return s.pending(before, limit, func(ev *Record) bool {
		l, ok := s.leases[KeyOf(*ev)]
		return !ok || l.owner == owner || !l.until.After(now)
	}), nil
}

func (s *memStore) LeaseKey(ctx context.Context, k Key, owner string, now, until time.Time, limit int) ([]Record, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[k]; ok && l.owner != owner && l.until.After(now) {
		return nil, false, nil
	}
	s.leases[k] = memLease{owner, until}
	return s.of(k, limit), true, nil
}

func (s *memStore) ReleaseKey(ctx context.Context, k Key, owner string, limit int) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[k]; !ok || l.owner != owner {
		return nil, ErrLeaseLost
	}
	if pending := s.of(k, limit); len(pending) > 0 {
		return pending, nil
	}
	delete(s.leases, k)
	return nil, nil
}

// of returns k's pending events, oldest first, at most limit. s.mu is held.
func (s *memStore) of(k Key, limit int) []Record {
	out := s.where(limit, func(ev *Record) bool { return KeyOf(*ev) == k })
	if out == nil {
		out = []Record{}
	}
	return out
}

func (s *memStore) RenewKeys(ctx context.Context, owner string, keys []Key, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if l, ok := s.leases[k]; ok && l.owner == owner {
			s.leases[k] = memLease{owner, until}
		}
	}
	return nil
}

func (s *memStore) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for r, ev := range s.events {
		if s.done[r] && ev.Received.Before(before) {
			delete(s.events, r)
			delete(s.done, r)
			n++
		}
	}
	return n, nil
}

// pendingCount returns how many events are not done.
func (s *memStore) pendingCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.where(0, func(*Record) bool { return true }))
}

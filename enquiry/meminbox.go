package enquiry

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/socialdesk/socialdesk/inbox"
)

// MemStore is also the webhooks' durable inbox, leasing keys to one
// owner at a time and pruning handled events.
var (
	_ inbox.Store  = (*MemStore)(nil)
	_ inbox.Leaser = (*MemStore)(nil)
	_ inbox.Pruner = (*MemStore)(nil)
)

type keyLease struct {
	owner string
	until time.Time
}

// memInbox is a MemStore's inbox, under its own lock: recording events
// at intake and leasing them to workers never waits for the desk's
// state, nor the desk for them.
type memInbox struct {
	mu      sync.Mutex
	events  map[[2]string]*inbox.Record   // (channel, id) → event, kept to de-duplicate (payload dropped once processed)
	pending map[int64]*inbox.Record       // seq → unprocessed event
	byKey   map[inbox.Key][]*inbox.Record // unprocessed events of each key, oldest first
	leases  map[inbox.Key]keyLease
	seq     int64
}

func newMemInbox() memInbox {
	return memInbox{
		events:  map[[2]string]*inbox.Record{},
		pending: map[int64]*inbox.Record{},
		byKey:   map[inbox.Key][]*inbox.Record{},
		leases:  map[inbox.Key]keyLease{},
	}
}

// deleteChannel forgets a deleted channel's events and leases.
func (in *memInbox) deleteChannel(id string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for k, ev := range in.events {
		if k[0] == id {
			delete(in.events, k)
			delete(in.pending, ev.Seq)
		}
	}
	for k := range in.byKey {
		if k.Channel == id {
			delete(in.byKey, k)
		}
	}
	for k := range in.leases {
		if k.Channel == id {
			delete(in.leases, k)
		}
	}
}

// AppendEvents implements inbox.Store.
func (s *MemStore) AppendEvents(ctx context.Context, events []inbox.Record) ([]inbox.Record, error) {
	// The copies are made before taking the lock, which every webhook
	// request and every event's lease waits for.
	stored := make([]inbox.Record, len(events))
	for i, ev := range events {
		ev.Payload = slices.Clone(ev.Payload)
		stored[i] = ev
	}
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	var fresh []inbox.Record
	for i := range stored {
		ev := &stored[i]
		k := [2]string{ev.Channel, ev.ID}
		if _, seen := s.inbox.events[k]; seen {
			continue
		}
		s.inbox.seq++
		ev.Seq = s.inbox.seq
		s.inbox.events[k] = ev
		s.inbox.pending[ev.Seq] = ev
		ek := inbox.KeyOf(*ev)
		s.inbox.byKey[ek] = append(s.inbox.byKey[ek], ev)
		fresh = append(fresh, *ev)
	}
	return fresh, nil
}

// EventDone implements inbox.Store.
func (s *MemStore) EventDone(ctx context.Context, channel, id string) error {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	ev, ok := s.inbox.events[[2]string{channel, id}]
	if !ok {
		return ErrNotFound
	}
	if _, pending := s.inbox.pending[ev.Seq]; pending {
		delete(s.inbox.pending, ev.Seq)
		ek := inbox.KeyOf(*ev)
		if rest := slices.DeleteFunc(s.inbox.byKey[ek], func(p *inbox.Record) bool { return p == ev }); len(rest) > 0 {
			s.inbox.byKey[ek] = rest
		} else {
			delete(s.inbox.byKey, ek)
		}
		ev.Payload = nil // only the key is needed now, to drop redeliveries
	}
	return nil
}

// LeaseKey implements inbox.Leaser.
func (s *MemStore) LeaseKey(ctx context.Context, k inbox.Key, owner string, now, until time.Time, limit int) ([]inbox.Record, bool, error) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	if l, ok := s.inbox.leases[k]; ok && l.owner != owner && l.until.After(now) {
		return nil, false, nil
	}
	s.inbox.leases[k] = keyLease{owner, until}
	return s.pendingOf(k, limit), true, nil
}

// ReleaseKey implements inbox.Leaser.
func (s *MemStore) ReleaseKey(ctx context.Context, k inbox.Key, owner string, limit int) ([]inbox.Record, error) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	if l, ok := s.inbox.leases[k]; !ok || l.owner != owner {
		return nil, inbox.ErrLeaseLost
	}
	if pending := s.pendingOf(k, limit); len(pending) > 0 {
		return pending, nil
	}
	delete(s.inbox.leases, k)
	return nil, nil
}

// RenewKeys implements inbox.Leaser.
func (s *MemStore) RenewKeys(ctx context.Context, owner string, keys []inbox.Key, until time.Time) error {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	for _, k := range keys {
		if l, ok := s.inbox.leases[k]; ok && l.owner == owner {
			s.inbox.leases[k] = keyLease{owner, until}
		}
	}
	return nil
}

// pendingOf returns copies of k's pending events, at most limit (0: all).
// s.inbox.mu is held.
func (s *MemStore) pendingOf(k inbox.Key, limit int) []inbox.Record {
	evs := s.inbox.byKey[k]
	if limit > 0 && len(evs) > limit {
		evs = evs[:limit]
	}
	out := make([]inbox.Record, len(evs))
	for i, ev := range evs {
		out[i] = *ev
	}
	return out
}

// PruneEvents implements inbox.Pruner.
func (s *MemStore) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	var n int64
	for k, ev := range s.inbox.events {
		if _, pending := s.inbox.pending[ev.Seq]; !pending && ev.Received.Before(before) {
			delete(s.inbox.events, k)
			n++
		}
	}
	return n, nil
}

// PendingEvents implements inbox.Store.
func (s *MemStore) PendingEvents(ctx context.Context, before time.Time, limit int) ([]inbox.Record, error) {
	return s.pendingWhere(before, limit, func(*inbox.Record) bool { return true })
}

// PendingUnleased implements inbox.Leaser.
func (s *MemStore) PendingUnleased(ctx context.Context, owner string, now, before time.Time, limit int) ([]inbox.Record, error) {
	return s.pendingWhere(before, limit, func(ev *inbox.Record) bool {
		l, ok := s.inbox.leases[inbox.KeyOf(*ev)]
		return !ok || l.owner == owner || !l.until.After(now)
	})
}

// pendingWhere returns the pending events received before `before` for
// which keep is true, oldest first, at most limit (0: all).
func (s *MemStore) pendingWhere(before time.Time, limit int, keep func(*inbox.Record) bool) ([]inbox.Record, error) {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	var out []inbox.Record
	for _, ev := range s.inbox.pending {
		if ev.Received.Before(before) && keep(ev) {
			out = append(out, *ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

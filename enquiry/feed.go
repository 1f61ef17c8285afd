package enquiry

import (
	"sync"
	"sync/atomic"
)

// Feed is a Sink that fans desk events out to subscribers, such as
// server-sent-event streams. Publish never blocks: a subscriber whose
// buffer is full misses events, and its Dropped count says how many, so it
// can reload. Feed is safe for concurrent use; the zero value is ready.
type Feed struct {
	mu   sync.RWMutex
	subs map[*Subscription]struct{}
}

// Subscription receives a Feed's events on C until Close.
type Subscription struct {
	C       <-chan Notice
	c       chan Notice
	dropped atomic.Int64
	feed    *Feed
	once    sync.Once
}

var _ Sink = (*Feed)(nil)

// Publish sends ev to every subscriber that has room for it.
func (f *Feed) Publish(ev Notice) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for s := range f.subs {
		select {
		case s.c <- ev:
		default:
			s.dropped.Add(1)
		}
	}
}

// Subscribe returns a subscription with a buffer of n events (at least 1).
func (f *Feed) Subscribe(n int) *Subscription {
	s := &Subscription{c: make(chan Notice, max(n, 1)), feed: f}
	s.C = s.c
	f.mu.Lock()
	if f.subs == nil {
		f.subs = map[*Subscription]struct{}{}
	}
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	return s
}

// Dropped returns how many events the subscription missed.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close ends the subscription and closes C. It is safe to call twice.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.feed.mu.Lock()
		delete(s.feed.subs, s)
		s.feed.mu.Unlock()
		close(s.c)
	})
}

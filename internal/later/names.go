package later

import (
	"sync"
	"time"
)

// nameCache remembers customers' display names for a while, so a
// conversation costs one profile lookup, not one per message. It holds at
// most size names; when full, it forgets everything (simple, and names
// are cheap to fetch again). It is safe for concurrent use.
type nameCache struct {
	mu   sync.Mutex
	size int
	ttl  time.Duration
	m    map[[2]string]nameEntry
}

type nameEntry struct {
	name    string
	expires time.Time
}

func newNameCache(size int, ttl time.Duration) *nameCache {
	return &nameCache{size: size, ttl: ttl, m: make(map[[2]string]nameEntry)}
}

func (c *nameCache) get(channel, user string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]string{channel, user}]
	if !ok || now.After(e.expires) {
		return "", false
	}
	return e.name, true
}

func (c *nameCache) put(channel, user, name string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.size {
		clear(c.m)
	}
	c.m[[2]string{channel, user}] = nameEntry{name, now.Add(c.ttl)}
}

func (c *nameCache) forget(channel, user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, [2]string{channel, user})
}

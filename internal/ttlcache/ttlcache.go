// Package ttlcache is the module's one bounded cache whose entries
// expire: line's client keeps customers' profiles in one, and
// internal/later the display names it looked up.
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps keys to values until each expires. It holds at most Size
// entries: when full, it drops a tenth of them, chosen at random (by map
// order), to make room. Its zero value is not ready: use New. It is safe
// for concurrent use.
type Cache[K comparable, V any] struct {
	mu   sync.Mutex
	size int
	m    map[K]entry[V]
}

type entry[V any] struct {
	v       V
	expires time.Time
}

// New returns an empty cache of at most size entries.
func New[K comparable, V any](size int) *Cache[K, V] {
	return &Cache[K, V]{size: max(size, 1), m: make(map[K]entry[V])}
}

// Get returns k's value unless it is missing or expired at now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put sets k's value until expires.
func (c *Cache[K, V]) Put(k K, v V, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.size {
		for d := range c.m {
			delete(c.m, d)
			if len(c.m) < c.size*9/10 {
				break
			}
		}
	}
	c.m[k] = entry[V]{v, expires}
}

// Forget drops k.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

package ttlcache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Now()
	c := New[string, int](10)
	c.Put("a", 1, now.Add(time.Minute))
	t.Run("a value is there until it expires", func(t *testing.T) {
		if v, ok := c.Get("a", now); !ok || v != 1 {
			t.Errorf("Get before expiry = %d, %v; want 1, true", v, ok)
		}
		if _, ok := c.Get("a", now.Add(time.Minute)); ok {
			t.Error("Get at expiry found the value")
		}
	})
	t.Run("a forgotten value is gone", func(t *testing.T) {
		c.Put("b", 2, now.Add(time.Minute))
		c.Forget("b")
		if _, ok := c.Get("b", now); ok {
			t.Error("Get found a forgotten value")
		}
	})
	t.Run("a full cache drops a tenth to make room, and keeps the new value", func(t *testing.T) {
		c := New[int, int](100)
		for i := range 100 {
			c.Put(i, i, now.Add(time.Minute))
		}
		c.Put(100, 100, now.Add(time.Minute))
		if n := len(c.m); n > 91 || n < 80 {
			t.Errorf("%d entries after a put into a full cache of 100, want about 90", n)
		}
		if v, ok := c.Get(100, now); !ok || v != 100 {
			t.Error("the new value is missing")
		}
		c.Put(100, 101, now.Add(time.Minute)) // replacing drops nothing
		if v, _ := c.Get(100, now); v != 101 {
			t.Errorf("Get = %d after replacing, want 101", v)
		}
	})
}

package deskhttp

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	t.Run("a key may fail its burst, then waits for the next token", func(t *testing.T) {
		th := newThrottle(3, time.Minute)
		for i := range 3 {
			if w := th.wait("alice", t0); w != 0 {
				t.Fatalf("before failure %d: wait %v, want none", i+1, w)
			}
			th.fail("alice", t0)
		}
		if w := th.wait("alice", t0); w != time.Minute {
			t.Fatalf("after the burst: wait %v, want 1m", w)
		}
		if w := th.wait("alice", t0.Add(40*time.Second)); w < 20*time.Second || w > 20*time.Second+time.Millisecond {
			t.Fatalf("40 s later: wait %v, want 20 s", w)
		}
		if w := th.wait("alice", t0.Add(time.Minute)); w != 0 {
			t.Fatalf("a minute later: wait %v, want none", w)
		}
		if w := th.wait("bob", t0); w != 0 {
			t.Fatalf("another key: wait %v, want none", w)
		}
	})
	t.Run("it remembers at most max keys, the recovered ones forgotten first", func(t *testing.T) {
		th := newThrottle(2, time.Minute)
		th.max = 10
		th.fail("old", t0)
		for i := range 9 {
			th.fail(fmt.Sprint("k", i), t0.Add(time.Hour))
		}
		th.fail("new", t0.Add(time.Hour))
		if _, ok := th.keys["old"]; ok || len(th.keys) > 10 {
			t.Fatalf("%d keys, old kept: %v; want the recovered key forgotten", len(th.keys), ok)
		}
		for i := range 100 {
			th.fail(fmt.Sprint("flood", i), t0.Add(time.Hour))
		}
		if len(th.keys) > 10 {
			t.Fatalf("%d keys after a flood; want at most 10", len(th.keys))
		}
	})
}

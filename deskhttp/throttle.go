package deskhttp

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sign-in throttling: each key (an account, a client address) may fail a
// burst of sign-ins, then one more per interval.
const (
	accountFailures     = 5
	accountFailureEvery = time.Minute
	addressFailures     = 20
	addressFailureEvery = 10 * time.Second
	// throttleKeys bounds the keys a throttle remembers: when full, it
	// forgets those whose bucket has filled again, and if none has, an
	// arbitrary one, so memory stays bounded under a flood of keys.
	throttleKeys = 100000
)

// throttle counts failed sign-ins per key with a token bucket each
// (x/time/rate): a failure takes a token, and a key without one must wait
// for the next. It is safe for concurrent use.
type throttle struct {
	every time.Duration
	burst int
	max   int // keys remembered (throttleKeys)

	mu   sync.Mutex
	keys map[string]*rate.Limiter
}

func newThrottle(burst int, every time.Duration) *throttle {
	return &throttle{every: every, burst: burst, max: throttleKeys, keys: map[string]*rate.Limiter{}}
}

// wait returns how long key must wait before it may try again; 0 when it
// may now.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.keys[key]
	if !ok {
		return 0
	}
	tokens := l.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - tokens) * float64(t.every)))
}

// fail records a failed sign-in of key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.keys[key]
	if !ok {
		if len(t.keys) >= t.max {
			t.prune(now)
		}
		l = rate.NewLimiter(rate.Every(t.every), t.burst)
		t.keys[key] = l
	}
	l.AllowN(now, 1)
}

// prune forgets the keys whose bucket has filled again (they are as if
// they had never failed) or, when there are none, one arbitrary key.
func (t *throttle) prune(now time.Time) {
	for k, l := range t.keys {
		if l.TokensAt(now) >= float64(t.burst) {
			delete(t.keys, k)
		}
	}
	for k := range t.keys {
		if len(t.keys) < t.max {
			break
		}
		delete(t.keys, k)
	}
}

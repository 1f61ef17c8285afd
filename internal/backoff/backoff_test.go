package backoff_test

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/internal/backoff"
)

func TestDelayDoublesUpToTheCap(t *testing.T) {
	p := backoff.Policy{Base: time.Second, Max: 10 * time.Second}
	for n, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 1000: 10 * time.Second} {
		if got := p.Delay(n); got != want {
			t.Errorf("Delay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestJitterStaysWithinHalfToWhole(t *testing.T) {
	p := backoff.Policy{Base: time.Second, Max: time.Minute, Jitter: true}
	seen := map[time.Duration]bool{}
	for range 200 {
		d := p.Delay(3)
		if d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("Delay(3) with jitter = %v, want within [2s, 4s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Fatal("jitter gave the same wait 200 times")
	}
}

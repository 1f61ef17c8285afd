// Package backoff computes the wait before a retry: exponential, capped,
// optionally with jitter. It is the one backoff of the module; line,
// inbox, enquiry and enquiry/postgres use it.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is an exponential backoff: attempt n (counting from 1) waits
// Base·2ⁿ⁻¹, capped at Max. With Jitter, a random part of up to half the
// wait is dropped, so clients that failed together do not retry together.
// A Policy is a value; it is safe for concurrent use.
type Policy struct {
	Base   time.Duration
	Max    time.Duration
	Jitter bool
}

// Delay returns the wait after the n-th failed attempt (n ≥ 1; smaller n
// counts as 1). A Base of zero or less waits Max.
func (p Policy) Delay(n int) time.Duration {
	d := p.Base << min(max(n, 1)-1, 30)
	if d <= 0 || d > p.Max {
		d = p.Max
	}
	if p.Jitter {
		d = Jitter(d)
	}
	return d
}

// Jitter returns a random duration in [d/2, d].
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

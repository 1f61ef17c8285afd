package routing

import "time"

// DefaultRingTimeout is how long a step rings when neither its destination
// nor its team sets a timeout: the 60 seconds a chat enquiry waits for a
// pick-up in the product this replaces.
const DefaultRingTimeout = 60 * time.Second

// Plan is the outcome of a routing decision: the steps to try, in order.
// The host rings each step until someone attends or the step's timeout
// passes, then moves to the next; when the steps are exhausted the enquiry is
// missed. An empty plan means the enquiry is missed at once. A Plan is plain
// data with a JSON form, so a store can persist it and another process can
// continue it.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Plan struct {
	Steps []Step `json:"steps"`
}

// Step is one destination of a plan. Exactly one of Staff, Team and Bot is
// set.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Step struct {
	// Staff is the one staff member to ring.
	Staff string
	// Team is the team whose method picks who to ring; see [Rule.Ring].
	Team string
	// Bot names a host-provided handler (a FAQ bot, say) that takes the
	// enquiry first; the plan continues with the next step when the bot hands
	// over. Bot steps have no timeout.
	Bot string
	// Timeout is how long this step rings; zero means DefaultRingTimeout.
	// Use [Step.RingTimeout] to read it.
	Timeout time.Duration
}

// RingTimeout returns how long the step rings: Timeout, or
// DefaultRingTimeout when Timeout is zero.
func (s Step) RingTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultRingTimeout
}

package routing

import (
	"fmt"
	"time"
)

// Method is how a team distributes an enquiry among its available members.
// The zero value is Simultaneous.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Method int

// The distribution methods, as call-centre and desk products offer them.
// Their JSON form is the snake-case name, e.g. "round_robin".
const (
	// Simultaneous rings every available member at once; the first to
	// attend wins.
	Simultaneous Method = iota
	// FixedOrder rings the first available member in list order.
	FixedOrder
	// RoundRobin rings the next available member after the one rung last
	// time, in list order, wrapping around.
	RoundRobin
	// MostIdle rings the available member whose last enquiry was longest
	// ago (never is longest); ties go to the earlier in the list.
	MostIdle
	// FewestOpen rings the available member attending the fewest
	// enquiries; ties go to the most idle, then to the earlier in the list.
	FewestOpen
)

var methodNames = [...]string{"simultaneous", "fixed_order", "round_robin", "most_idle", "fewest_open"}

// String returns the method's JSON name, or "Method(n)" for a value outside
// the defined ones.
func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MarshalText returns the method's name; it fails for an undefined value.
func (m Method) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(methodNames) {
		return nil, invalid("", ErrMethod, "method %d is not defined", int(m))
	}
	return []byte(methodNames[m]), nil
}

// UnmarshalText sets the method from its name.
func (m *Method) UnmarshalText(b []byte) error {
	for i, n := range methodNames {
		if string(b) == n {
			*m = Method(i)
			return nil
		}
	}
	return invalid("", ErrMethod, "method %q is not one of simultaneous, fixed_order, round_robin, most_idle, fewest_open", b)
}

// Team is a named service group of staff with a distribution method. A rule
// defines its teams once, at its root, and destinations name them.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Team struct {
	// Name identifies the team within the rule; destinations refer to it.
	Name string
	// Method picks who of the available members is rung.
	Method Method
	// Members are staff IDs, in the order FixedOrder and RoundRobin use.
	Members []string
	// Everyone makes the team every staff member the Directory lists (a
	// Directory that is a [Lister]), in ID order, whoever joins or leaves
	// it: a desk that rings everyone works before anyone edits its
	// routing. Members must then be empty. A Directory that lists nobody
	// gives the team nobody to ring.
	Everyone bool
	// Timeout is how long a step to this team rings unless the destination
	// sets its own; zero means DefaultRingTimeout.
	Timeout time.Duration
}

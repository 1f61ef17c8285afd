package routing

import "time"

// Lister is implemented by a [Directory] that can list its staff, as a
// team of everyone ([Team.Everyone]) needs. IDs returns every staff
// member's ID, whatever their presence, in any order. Implementations must
// be safe for concurrent use when the rule is used from several
// goroutines.
type Lister interface {
	IDs() []string
}

// EveryoneTeam is the name of the team [RingEveryone]'s rule defines.
const EveryoneTeam = "everyone"

// RingEveryone returns a validated rule that rings every staff member who
// can take an enquiry now (Available, with spare capacity) at once, among
// all the staff the Directory lists (it must be a [Lister]); the first to
// attend wins. They ring for timeout (zero means DefaultRingTimeout);
// then nobody more is rung, and the desk counts the enquiry missed. It is
// the routing of a new desk, which works before anyone edits it. It
// panics if timeout is negative or longer than the longest ring timeout
// a rule allows. The rule is safe for concurrent use.
func RingEveryone(timeout time.Duration) *Rule {
	r := &Rule{
		Teams: []Team{{Name: EveryoneTeam, Method: Simultaneous, Everyone: true, Timeout: timeout}},
		Node:  Node{Alternative: []Destination{ToTeam(EveryoneTeam)}},
	}
	if err := r.Validate(); err != nil {
		panic(err)
	}
	return r
}

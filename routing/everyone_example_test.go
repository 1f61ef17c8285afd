package routing_test

import (
	"fmt"
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// office is a Directory that lists its staff, as enquiry.Roster does.
type office map[string]routing.Presence

func (o office) Staff(id string) (routing.Staff, bool) {
	p, ok := o[id]
	return routing.Staff{Presence: p}, ok
}

func (o office) IDs() []string {
	ids := make([]string, 0, len(o))
	for id := range o {
		ids = append(ids, id)
	}
	return ids
}

// The routing of a new desk: everyone available is rung at once, whoever
// has joined since, before anyone edits the routing.
func ExampleRingEveryone() {
	rule := routing.RingEveryone(30 * time.Second)
	staff := office{"ann": routing.Available, "bob": routing.Busy, "cai": routing.Available}
	plan := rule.Route(routing.Request{}, staff)
	fmt.Println(len(plan.Steps), plan.Steps[0].RingTimeout(), rule.Ring(plan.Steps[0], staff))

	staff["dee"] = routing.Available // joins
	fmt.Println(rule.Ring(plan.Steps[0], staff))
	// Output:
	// 1 30s [ann cai]
	// [ann cai dee]
}

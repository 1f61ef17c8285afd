package enquiry_test

import "github.com/socialdesk/socialdesk/routing"

// staffRule rings the staff one after another, each for the default timeout.
func staffRule(ids ...string) *routing.Rule {
	r := &routing.Rule{}
	for _, id := range ids {
		r.Node.Alternative = append(r.Node.Alternative, routing.ToStaff(id))
	}
	if err := r.Validate(); err != nil {
		panic(err)
	}
	return r
}

package enquiry_test

import "github.com/socialdesk/socialdesk/routing"

// staffRule rings the staff one after another, each for the default timeout.
func staffRule(ids ...string) *routing.Rule {
	return &routing.Rule{Staff: ids}
}

// Package routing decides who is offered a new enquiry, in what order and for
// how long.
//
// A [Rule] is a plain value: the [Team]s it may use and a tree of rules —
// Alternative, Percentage, Time, Sticky and Engagement — each usable alone
// and nestable inside the others. [Rule.Route] turns a [Request] into a
// [Plan]: a list of steps (a staff member, a team or a bot, each with a ring
// timeout). The host drives the plan with its own clock, asking [Rule.Ring]
// who to ring for each step; when a step times out it moves to the next, and
// when the plan is exhausted the enquiry is missed.
//
// The package knows nothing of LINE or of enquiries and never stores staff:
// the host answers for presence and load through the small [Directory]
// interface. Rules have a JSON form for configuration files and APIs that
// round-trips exactly and is validated when decoded.
//
// The two lines a user writes first:
//
//	var rule routing.Rule
//	err := json.Unmarshal(config, &rule) // validates; then rule.Route(req, dir)
//
// Time rules name IANA time zones. Hosts that run where the system has no
// time zone database (minimal containers) should import _ "time/tzdata".
package routing

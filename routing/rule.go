package routing

import (
	"time"
)

// Rule is a complete routing configuration: the teams it may use and the
// decision tree (its embedded [Node]). It is a plain value: build it as a Go
// literal and call [Rule.Validate], or decode its JSON form, which validates.
//
// Copies of a validated Rule share its round-robin and percentage counters.
// After Validate, Route and Ring are safe for concurrent use; Validate,
// UnmarshalJSON and changes to the fields are not safe concurrently with
// anything else on the same value. Changes to the fields take effect at the
// next Validate.
type Rule struct {
	// Teams are the service groups destinations may name.
	Teams []Team
	// Node is the decision: exactly one of its kinds is set.
	Node

	st *state // compiled by Validate; nil until then
}

// Node is one rule of the decision tree. Exactly one of its fields is set;
// each kind is usable alone and may nest the others.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Node struct {
	// Alternative rings its destinations in order, each for its own
	// timeout, then the next.
	Alternative []Destination `json:"alternative,omitempty"`
	// Percentage splits enquiries across its destinations by their
	// percentages, which total exactly 100, with smooth weighted round
	// robin: after any number of decisions each destination's count is
	// within ±1 of its percentage, and any 100 consecutive decisions give
	// each destination exactly its percentage. The chosen destination comes
	// first in the plan, then the others in list order (not counted in the
	// split), so that an enquiry falls through to them when the chosen one
	// has nobody available or nobody attends.
	Percentage []Share `json:"percentage,omitempty"`
	// Time routes by office hours, holidays and other times.
	Time *Time `json:"time,omitempty"`
	// Sticky offers a returning customer first to the staff member who last
	// served them.
	Sticky *Sticky `json:"sticky,omitempty"`
	// Engagement offers a customer's answer first to the staff member who
	// started the conversation.
	Engagement *Engagement `json:"engagement,omitempty"`
}

// Destination is where an enquiry may go: a staff member, a team, a bot, or
// a nested rule. Exactly one of Staff, Team, Bot and Rule is set.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Destination struct {
	Staff string
	Team  string
	Bot   string
	Rule  *Node
	// Timeout is how long a Staff or Team destination rings; zero means the
	// team's timeout, then DefaultRingTimeout. Bots and nested rules have
	// none.
	Timeout time.Duration
}

// ToStaff returns a destination that rings one staff member.
func ToStaff(id string) Destination { return Destination{Staff: id} }

// ToTeam returns a destination that rings a team of the rule by its method.
func ToTeam(name string) Destination { return Destination{Team: name} }

// ToBot returns a destination that hands the enquiry to the host's bot
// handler of that name.
func ToBot(name string) Destination { return Destination{Bot: name} }

// ToRule returns a destination that routes by a nested rule.
func ToRule(n Node) Destination { return Destination{Rule: &n} }

// Share is a destination of a Percentage rule with its percentage of the
// enquiries, from 0 to 100; the shares of one rule total exactly 100. A
// share of 0 is never chosen but is still tried when the chosen destination
// falls through. The JSON form is the destination's with a "percent" field,
// e.g. {"percent":50,"team":"sales"}.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Share struct {
	Percent int
	Destination
}

// Sticky offers a returning customer first to the staff member who last
// served them (Request.LastStaff), if that was within Window and they can take
// the enquiry now; then the plan continues with Then.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Sticky struct {
	// Window is how long after LastServed the customer stays with that
	// staff member; it must be positive.
	Window time.Duration
	// Timeout is how long the last staff member rings; zero means
	// DefaultRingTimeout.
	Timeout time.Duration
	// Then routes the enquiry otherwise, and after the timeout.
	Then Node
}

// Engagement offers an answer first to the staff member who started the
// conversation (Request.EngagedBy) — an outbound message to a customer with no
// open enquiry — if they can take it now; then the plan continues with Then.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Engagement struct {
	// Timeout is how long the engaging staff member rings; zero means
	// DefaultRingTimeout.
	Timeout time.Duration
	// Then routes the enquiry otherwise, and after the timeout.
	Then Node
}

// Request is what a routing decision knows about a new enquiry.
//
// It is a plain value: safe for concurrent use while nobody modifies it.
type Request struct {
	// Customer identifies the customer; rules do not need it, but it is
	// there for hosts that wrap Route.
	Customer string
	// Now is the moment of the decision; Time rules read it in their zone.
	// The zero time means time.Now().
	Now time.Time
	// LastStaff is the staff member who last served this customer, and
	// LastServed when; Sticky rules use them.
	LastStaff  string
	LastServed time.Time
	// EngagedBy is the staff member who started this conversation with an
	// outbound message; Engagement rules use it.
	EngagedBy string
}

// Validate checks the rule and prepares it for Route and Ring. It returns a
// [*RuleError] wrapping a sentinel such as [ErrOverlap] for the first problem
// found. Validating an unchanged rule again keeps its counters; a changed
// rule starts them afresh. An invalid rule routes nowhere until fixed and
// validated again.
func (r *Rule) Validate() error {
	st, err := compile(r)
	if err != nil {
		r.st = nil
		return err
	}
	if r.st != nil && string(r.st.canon) == string(st.canon) {
		return nil
	}
	r.st = st
	return nil
}

// Route decides who is offered an enquiry at req.Now: the plan of steps to
// ring. It asks dir only about the staff of Sticky and Engagement rules; who
// of a team is rung is decided when the step starts, by Ring. Each call
// advances the Percentage counters. Route on a rule that has not been
// validated returns an empty plan. It is safe for concurrent use.
func (r *Rule) Route(req Request, dir Directory) Plan {
	st := r.st
	if st == nil || st.root == nil {
		return Plan{}
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	var steps []Step
	if st.root.max > 0 {
		steps = make([]Step, 0, st.root.max)
	}
	steps = st.root.walk(steps, &req, dir, true)
	if len(steps) == 0 {
		steps = nil
	}
	return Plan{Steps: steps}
}

// Ring returns who to ring now for a step of a plan made by this rule:
//
//   - a Staff step: that staff member, if they can take an enquiry (Available
//     with spare capacity);
//   - a Team step: the available members with spare capacity chosen by the
//     team's method — all of them, in list order, for Simultaneous; exactly
//     one for FixedOrder, RoundRobin, MostIdle and FewestOpen; the members
//     of a team of everyone ([Team.Everyone]) are the staff dir lists now;
//   - a Bot step, or a team the rule does not define (or an unvalidated
//     rule): nobody.
//
// An empty result means nobody can take the enquiry: the host moves to the
// next step at once. Each call for a RoundRobin team that rings someone
// advances the team's position. Ring is safe for concurrent use.
func (r *Rule) Ring(s Step, dir Directory) []string {
	switch {
	case s.Bot != "":
		return nil
	case s.Staff != "":
		if _, ok := lookup(dir, s.Staff); ok {
			return []string{s.Staff}
		}
		return nil
	case s.Team != "":
		st := r.st
		if st == nil {
			return nil
		}
		if t := st.teams[s.Team]; t != nil {
			return t.ring(dir)
		}
	}
	return nil
}

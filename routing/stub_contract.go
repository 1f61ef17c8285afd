// Package routing decides who is offered an enquiry. (Temporary contract stub: replaced by the real package.)
package routing

import (
	"time"
)

// Presence is a staff member's availability.
type Presence int

// Presence values.
const (
	Offline Presence = iota
	Available
	Busy
	Idle
)

// DefaultRingTimeout is how long a step rings when its Timeout is zero.
const DefaultRingTimeout = 60 * time.Second

// Staff is a staff member's presence and load.
type Staff struct {
	Presence     Presence
	Open         int
	Capacity     int
	LastAssigned time.Time
}

// Directory gives staff presence and load.
type Directory interface {
	Staff(id string) (Staff, bool)
}

// Request is what a routing decision knows.
type Request struct {
	Customer   string
	Now        time.Time
	LastStaff  string
	LastServed time.Time
	EngagedBy  string
}

// Step is one destination of a plan.
type Step struct {
	Staff   string        `json:"staff,omitempty"`
	Team    string        `json:"team,omitempty"`
	Bot     string        `json:"bot,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
}

// Plan is a routing decision.
type Plan struct {
	Steps []Step `json:"steps"`
}

// Rule is a routing rule.
type Rule struct {
	Staff []string `json:"staff"`
}

// Validate reports whether r is usable.
func (r *Rule) Validate() error { return nil }

// Route decides a plan.
func (r *Rule) Route(req Request, dir Directory) Plan {
	var p Plan
	if req.EngagedBy != "" {
		p.Steps = append(p.Steps, Step{Staff: req.EngagedBy})
	}
	for _, s := range r.Staff {
		p.Steps = append(p.Steps, Step{Staff: s})
	}
	return p
}

// Ring says who to ring now.
func (r *Rule) Ring(s Step, dir Directory) []string {
	if st, ok := dir.Staff(s.Staff); ok && st.Presence == Available {
		return []string{s.Staff}
	}
	return nil
}

package enquiry

import (
	"time"

	"github.com/socialdesk/socialdesk/routing"
)

// State is where an enquiry is in its lifecycle.
type State string

// Enquiry states, as staff see them.
const (
	// Ringing: offered to staff, waiting for one to attend.
	Ringing State = "ringing"
	// Attending: one staff member owns it.
	Attending State = "attending"
	// Missed: nobody attended in time; still open, in the missed queue,
	// where any staff member may attend it.
	Missed State = "missed"
	// Closed: finished. A new customer message opens a new enquiry.
	Closed State = "closed"
)

// Open reports whether s is an open state (not closed).
func (s State) Open() bool { return s != Closed && s != "" }

// Timer is what an enquiry's deadline means when it comes due.
type Timer string

// Timers.
const (
	NoTimer    Timer = ""
	RouteTimer Timer = "route" // a new enquiry not yet routed (its desk may have died)
	RingTimer  Timer = "ring"  // the current routing step times out
	WarnTimer  Timer = "warn"  // auto-close: send the warning
	IdleTimer  Timer = "close" // auto-close: close the silent enquiry
)

// Customer is the person on the platform side.
type Customer struct {
	// ID is the platform's user ID of the customer.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Enquiry is one customer conversation, attended one-on-one.
type Enquiry struct {
	ID       string   `json:"id"`
	Channel  string   `json:"channel"`
	Customer Customer `json:"customer"`
	State    State    `json:"state"`
	// Staff is the staff member who attends (or last attended) it.
	Staff string `json:"staff,omitempty"`
	// Invited are colleagues the owner invited into the room.
	Invited []string `json:"invited,omitempty"`
	// Direct is set when the enquiry was addressed to one staff member
	// (the customer answered a conversation that staff member started):
	// the channel's custom info does not apply to it.
	Direct bool `json:"direct,omitempty"`
	// Plan is the routing decision being driven; Step indexes the step
	// ringing now; Ringing are the staff offered it in this step.
	Plan    routing.Plan `json:"plan"`
	Step    int          `json:"step"`
	Ringing []string     `json:"ringing,omitempty"`
	// Deadline is when Timer comes due; zero when no timer runs.
	Deadline time.Time `json:"deadline,omitzero"`
	Timer    Timer     `json:"timer,omitempty"`
	// ReadOnly is set while the platform says the desk may only read the
	// conversation (another app answers the customer): nothing may be sent.
	ReadOnly bool `json:"readOnly,omitempty"`
	// Reply is the unused reply handle of the latest customer message
	// that carried one, and when it was received; never shown.
	Reply   Reply     `json:"-"`
	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"`
	Closed  time.Time `json:"closed,omitzero"`
	// LastActivity is the time of the latest message either way.
	LastActivity time.Time `json:"lastActivity"`
	// Version increases with every update; stores use it for conditional
	// updates (optimistic concurrency).
	Version int64 `json:"version"`
}

// Transition records one change of an enquiry's state: who and when.
type Transition struct {
	Enquiry string    `json:"enquiry"`
	From    State     `json:"from,omitempty"`
	To      State     `json:"to"`
	By      string    `json:"by"` // a staff ID, "customer" or "system"
	At      time.Time `json:"at"`
	Note    string    `json:"note,omitempty"` // e.g. "ring timeout", "transferred to team sales"
}

// Who did it, for Transition.By when it was not a staff member.
const (
	BySystem   = "system"
	ByCustomer = "customer"
)

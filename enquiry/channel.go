package enquiry

import (
	"time"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/routing"
)

// Limits on a channel's fields, from the product guide.
const (
	MaxChannelName = 40     // characters (Unicode code points), not bytes
	MaxCustomInfo  = 10_000 // characters (Unicode code points), not bytes
)

// ChannelState is whether a channel takes part in the desk.
type ChannelState string

// Channel states.
const (
	// Active channels receive, route and send.
	Active ChannelState = "active"
	// Suspended channels keep all their data and still record every
	// inbound message (nothing is lost), but send nothing and ring nobody:
	// a customer message opens or joins the enquiry in the missed queue,
	// without auto-messages, so staff see it when the channel is resumed.
	Suspended ChannelState = "suspended"
)

// Channel is one connected account on a platform (a business account or
// phone number customers write to) and how the desk serves it.
type Channel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is the connector kind, the key of its Config.Kinds entry.
	Kind string `json:"kind"`
	// Account is the platform's ID for the connected account (the ID its
	// webhooks name as their destination). At most
	// one channel holds a given (Kind, Account); empty means not yet known.
	Account     string      `json:"account,omitempty"`
	Credentials Credentials `json:"credentials"`
	// Routing decides who is offered a new enquiry. Nil offers it to nobody:
	// every new enquiry goes straight to the missed queue.
	Routing *routing.Rule `json:"routing,omitempty"`
	// AutoMessages holds the Welcome, Away and Close Enquiry settings and
	// the staff display-name format.
	AutoMessages automsg.Settings `json:"autoMessages"`
	// CustomInfo is the channel's procedure for staff. When CustomInfoOn,
	// it is shown to staff serving the channel's enquiries (Desk.CustomInfo)
	// and added as a bot note (Kind Note) to a missed enquiry's room; it
	// never applies to enquiries addressed to one staff member directly
	// (Enquiry.Direct), and it is never sent to the customer. Switched
	// off, it is not shown at all.
	CustomInfo   string       `json:"customInfo,omitempty"`
	CustomInfoOn bool         `json:"customInfoOn"`
	State        ChannelState `json:"state"`
	Created      time.Time    `json:"created"`
	Updated      time.Time    `json:"updated"`
}

// Validate reports the first problem with ch's fields as a *ValidationError.
func (ch *Channel) Validate() error {
	switch n := utf8.RuneCountInString(ch.Name); {
	case ch.ID == "":
		return invalid("id", "a channel needs an ID", nil)
	case n == 0:
		return invalid("name", "a channel needs a name", nil)
	case n > MaxChannelName:
		return invalid("name", "at most 40 characters", nil)
	case !utf8.ValidString(ch.Name):
		return invalid("name", "not valid UTF-8", nil)
	}
	if ch.Kind == "" {
		return invalid("kind", "a channel needs a connector kind", nil)
	}
	if utf8.RuneCountInString(ch.CustomInfo) > MaxCustomInfo {
		return invalid("customInfo", "at most 10,000 characters", nil)
	}
	switch ch.State {
	case Active, Suspended:
	default:
		return invalid("state", `must be "active" or "suspended"`, nil)
	}
	if ch.Routing != nil {
		if err := ch.Routing.Validate(); err != nil {
			return invalid("routing", err.Error(), err)
		}
	}
	if _, err := ch.AutoMessages.Compile(); err != nil {
		return invalid("autoMessages", err.Error(), err)
	}
	return nil
}

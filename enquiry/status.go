package enquiry

import (
	"context"
	"time"
)

// StatusReport is what a platform reported about a message the desk sent:
// that it was delivered, read, or failed after all.
type StatusReport struct {
	// RequestID names the message: the Receipt.RequestID of its send.
	RequestID string
	// State is Delivered, Read or Failed.
	State DeliveryState
	// Reason says why it failed, in the platform's words.
	Reason string
	At     time.Time
}

// statusRank orders delivery states: a report never moves a message back.
var statusRank = map[DeliveryState]int{Pending: 0, Sent: 1, Delivered: 2, Read: 3}

// DeliveryStatus records r on the customer's message whose send had
// r.RequestID, among their newest enquiries on the channel; live views
// learn it from a MessageUpdated event. A report never moves a message
// back (a late "delivered" after "read" changes nothing), and Failed
// applies only to a message that was Sent or Delivered. ErrNotFound when
// no such message is recorded (yet: the status may come before the desk
// recorded the send's receipt). It is safe for concurrent use.
func (d *Desk) DeliveryStatus(ctx context.Context, channel, customer string, r StatusReport) error {
	if r.RequestID == "" {
		return invalid("requestId", "a status report needs the request ID of the send", nil)
	}
	es, err := d.store.Enquiries(ctx, Filter{Channel: channel, Customer: customer, Limit: 3})
	if err != nil {
		return err
	}
	for _, e := range es {
		var found *Message
		err := d.eachMessage(ctx, e.ID, func(m *Message) bool {
			if m.Direction == Out && m.Delivery != nil && m.Delivery.RequestID == r.RequestID {
				c := *m
				found = &c
			}
			return true
		})
		if err != nil {
			return err
		}
		if found == nil {
			continue
		}
		del := *found.Delivery
		switch {
		case r.State == Failed && (del.State == Sent || del.State == Delivered):
			del.State, del.Reason = Failed, r.Reason
		case r.State != Failed && statusRank[del.State] >= statusRank[Sent] && statusRank[r.State] > statusRank[del.State]:
			del.State = r.State
		default:
			return nil // nothing new
		}
		if !r.At.IsZero() {
			del.At = r.At
		}
		if err := d.store.SetDelivery(ctx, found.ID, del); err != nil {
			return err
		}
		found.Delivery = &del
		d.publish(MessageUpdated, channel, nil, found)
		return nil
	}
	return ErrNotFound
}

package enquiry

import "time"

// Reply is a platform's leave to answer a customer's message freely,
// given with the message: Handle is what the connector needs to use it
// (an opaque string that is good for one send; empty when the platform
// gives none) and At is when the message that carried it was received.
// The desk keeps the latest unused Reply of an enquiry, hands it to one
// send only (EnquiryStore.TakeReply) and never reads the handle; how long
// it stays good is the rule of the channel's kind (Kind.ReplyWindow), or
// else the sender's own. A Reply is a plain value.
type Reply struct {
	Handle string
	At     time.Time
}

// IsZero reports whether r holds no handle.
func (r Reply) IsZero() bool { return r.Handle == "" }

package enquiry

import "slices"

// The desk hands out copies: what a store returns and what the sink
// publishes never shares memory with the values the desk or the store
// keep working on.

// clone returns a copy of e that shares no slices with it.
func (e Enquiry) clone() Enquiry {
	e.Invited = slices.Clone(e.Invited)
	e.Ringing = slices.Clone(e.Ringing)
	e.Plan.Steps = slices.Clone(e.Plan.Steps)
	return e
}

// clone returns a copy of m whose delivery state and quote are its own.
func (m Message) clone() Message {
	if m.Delivery != nil {
		d := *m.Delivery
		m.Delivery = &d
	}
	if m.Content.Quote != nil {
		q := *m.Content.Quote
		m.Content.Quote = &q
	}
	return m
}

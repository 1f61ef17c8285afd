package postgres

import (
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

// The columns of an enquiry as the Go type sees it, in the order
// enquiryRow.dest scans them. last_seq and lease_until stay in the store.
const enquiryColumns = "id, channel, customer, customer_name, state, staff, invited, direct, plan, step, ringing, deadline, timer, read_only, reply_handle, reply_at, opened, updated, closed, last_activity, version"

// The columns of a message, in the order messageRow.dest scans them.
const messageColumns = "id, enquiry, channel, seq, direction, author_kind, author_id, at, content, external_id, batch, delivery_state, delivery_reason, delivery_request_id, delivery_at, delivery_attempts, lease_until, unsent, lease_owner, reply_handle, reply_at, author_via"

// qualify prefixes each of the comma-separated columns with p, e.g.
// qualify(enquiryColumns, "e.").
func qualify(columns, p string) string {
	return p + strings.ReplaceAll(columns, ", ", ", "+p)
}

// tz encodes t for a timestamptz column: the zero time is NULL.
func tz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// goTime decodes a timestamptz: NULL is the zero time, others are in UTC.
func goTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// enquiryRow scans one enquiry.
type enquiryRow struct {
	e                                                    enquiry.Enquiry
	deadline, replyAt, opened, updated, closed, activity pgtype.Timestamptz
}

func (r *enquiryRow) dest() []any {
	e := &r.e
	return []any{&e.ID, &e.Channel, &e.Customer.ID, &e.Customer.Name, &e.State, &e.Staff,
		&e.Invited, &e.Direct, &e.Plan, &e.Step, &e.Ringing, &r.deadline, &e.Timer, &e.ReadOnly,
		&e.Reply.Handle, &r.replyAt, &r.opened, &r.updated, &r.closed, &r.activity, &e.Version}
}

func (r *enquiryRow) value() enquiry.Enquiry {
	e := r.e
	e.Deadline = goTime(r.deadline)
	e.Reply.At = goTime(r.replyAt)
	e.Opened = goTime(r.opened)
	e.Updated = goTime(r.updated)
	e.Closed = goTime(r.closed)
	e.LastActivity = goTime(r.activity)
	return e
}

// enquiryArgs are e's values for the columns of enquiryColumns from
// customer to last_activity (all but id, channel and version), in order.
func enquiryArgs(e *enquiry.Enquiry) []any {
	return []any{e.Customer.ID, cleanText(e.Customer.Name), string(e.State), e.Staff, e.Invited, e.Direct,
		jsonb(e.Plan), e.Step, e.Ringing, tz(e.Deadline), string(e.Timer), e.ReadOnly, e.Reply.Handle,
		tz(e.Reply.At), tz(e.Opened), tz(e.Updated), tz(e.Closed), tz(e.LastActivity)}
}

// messageRow scans one message.
type messageRow struct {
	m                            enquiry.Message
	at                           pgtype.Timestamptz
	d                            enquiry.Delivery
	deliveryAt, leaseAt, replyAt pgtype.Timestamptz
}

func (r *messageRow) dest() []any {
	m, d := &r.m, &r.d
	return []any{&m.ID, &m.Enquiry, &m.Channel, &m.Seq, &m.Direction, &m.Author.Kind, &m.Author.ID,
		&r.at, &m.Content, &m.ExternalID, &m.Batch, &d.State, &d.Reason, &d.RequestID,
		&r.deliveryAt, &d.Attempts, &r.leaseAt, &m.Unsent, &d.Owner, &d.Reply.Handle, &r.replyAt, &m.Author.Via}
}

func (r *messageRow) value() enquiry.Message {
	m := r.m
	m.Time = goTime(r.at)
	if r.d.State != "" {
		d := r.d
		d.At = goTime(r.deliveryAt)
		d.LeaseUntil = goTime(r.leaseAt)
		d.Reply.At = goTime(r.replyAt)
		m.Delivery = &d
	}
	return m
}

// messageArgs are m's values for the columns of messageColumns from
// direction to unsent, in order (socialdesk_receive's message arguments).
func messageArgs(m *enquiry.Message) []any {
	var d enquiry.Delivery
	if m.Delivery != nil {
		d = *m.Delivery
	}
	return []any{string(m.Direction), string(m.Author.Kind), m.Author.ID, tz(m.Time), jsonb(m.Content),
		m.ExternalID, m.Batch, string(d.State), d.Reason, d.RequestID, tz(d.At), d.Attempts,
		tz(d.LeaseUntil), m.Unsent}
}

// leaseArgs are m's values for the columns of messageColumns after
// unsent: the lease's owner and a held reply handle.
func leaseArgs(m *enquiry.Message) []any {
	var d enquiry.Delivery
	if m.Delivery != nil {
		d = *m.Delivery
	}
	return []any{d.Owner, d.Reply.Handle, tz(d.Reply.At)}
}

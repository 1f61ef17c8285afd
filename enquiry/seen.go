package enquiry

import "context"

// What staff have seen.
//
// The enquiry list shows each enquiry's newest message and, for the staff
// member looking, how many of the customer's messages came after the last
// they saw: a staff member "sees" an enquiry's transcript when they open
// its room (Seen), whether they attend it or not.

// Summary is what a list of enquiries shows of one beside its fields.
type Summary struct {
	// Enquiry is the enquiry's ID.
	Enquiry string
	// Last is the enquiry's newest message; nil when it has none.
	Last *Message
	// Unread counts the customer's messages after the last one the staff
	// member saw (SeenStore.SetSeen); 0 when no staff member was named.
	Unread int
}

// SeenStore keeps, per staff member and enquiry, how far they have seen
// its transcript.
type SeenStore interface {
	// SetSeen records that staff has seen the enquiry's messages up to
	// the one with Seq upTo; upTo <= 0, or past the newest message,
	// means up to the newest now. What a staff member has seen never
	// moves back: a smaller upTo changes nothing. ErrNotFound when there
	// is no such enquiry.
	SetSeen(ctx context.Context, enquiry, staff string, upTo int64) error
	// Summaries returns the Summary of each enquiry of ids that exists,
	// by enquiry ID, counting Unread for staff ("" counts none). IDs of
	// no enquiry are left out.
	Summaries(ctx context.Context, staff string, ids []string) (map[string]Summary, error)
}

// Seen records that staff has seen the enquiry's transcript up to the
// message with Seq upTo (0: all of it so far), so that only the
// customer's later messages count as unread for them (Summaries). Any
// staff member may see any enquiry, attended by them or not.
// ErrNotFound when there is no such enquiry.
func (d *Desk) Seen(ctx context.Context, id, staff string, upTo int64) error {
	if staff == "" {
		return invalid("staff", "who has seen the enquiry?", nil)
	}
	return d.store.SetSeen(ctx, id, staff, upTo)
}

// Summaries returns, for each enquiry of ids that exists, its newest
// message and how many of the customer's messages staff has not seen
// ("" counts none). Each Last is a copy the caller may keep.
func (d *Desk) Summaries(ctx context.Context, staff string, ids []string) (map[string]Summary, error) {
	if len(ids) == 0 {
		return map[string]Summary{}, nil
	}
	return d.store.Summaries(ctx, staff, ids)
}

// unreadBy reports whether m counts as unread for staff who have not
// seen it: the customer's own messages do.
func unreadBy(m *Message) bool { return m.Direction == In && m.Author.Kind == AuthorCustomer }

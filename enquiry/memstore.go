package enquiry

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// MemStore is a Store in memory: the default for demos, tests and
// single-process hosts that can afford to lose everything on restart. It
// is safe for concurrent use. The zero value is not usable; call
// NewMemStore.
type MemStore struct {
	// mu guards the desk's state: everything below but chans, inbox and
	// staff. Webhook intake (inbox) and channel look-ups (chans) do not
	// wait for it, nor it for them.
	mu sync.Mutex
	// chans is the channels, replaced whole (under mu) at every change,
	// so that looking one up takes no lock: every webhook request and
	// every event looks its channel up. Read under mu, it is the current
	// set, as only holders of mu replace it.
	chans     atomic.Pointer[memChannels]
	inbox     memInbox // the webhooks' inbox, under its own lock (meminbox.go)
	enquiries map[string]*memEnquiry
	order     []*memEnquiry        // by opening, oldest first
	open      map[[2]string]string // (channel, customer) → open enquiry ID
	messages  map[string]msgRef    // message ID → message
	outbox    map[string]msgRef    // pending outbound messages
	served    map[[2]string]stamp  // (channel, customer) → last closed enquiry's staff
	engaged   map[[2]string]stamp
	friends   map[[2]string]friendStamp // (channel, customer) → friendship; nil until the first
	names     map[[2]string]string      // (channel, customer) → display name; nil until the first
	late      map[string]msgRef         // inbound messages whose content is pending (later_memstore.go)

	// external maps (channel, external ID) to its messages: one per
	// customer who used the ID (normally one customer).
	external map[[2]string][]msgRef

	staff  memAccounts // staff accounts and tokens, under their own lock
	canned memCanned   // canned replies, under their own lock (canned_memstore.go)
}

// Format prints the store as "&enquiry.MemStore{[redacted]}" with every
// verb (%p still prints its address): it keeps staff accounts with their
// password hashes and the hashes of their tokens and sessions, which fmt
// would print raw from unexported fields. A log line through log/slog's
// text handler prints the same.
func (s *MemStore) Format(f fmt.State, verb rune) {
	io.WriteString(f, "&enquiry.MemStore{[redacted]}")
}

// memChannels is one version of a MemStore's channels; it is never
// changed once published.
type memChannels struct {
	byID     map[string]Channel
	accounts map[[2]string]string // (kind, account) → channel ID
}

// editChannels returns a copy of the channels to change and publish with
// s.chans.Store. s.mu is held.
func (s *MemStore) editChannels() *memChannels {
	c := s.chans.Load()
	return &memChannels{byID: maps.Clone(c.byID), accounts: maps.Clone(c.accounts)}
}

// channelExists reports whether the channel exists.
func (s *MemStore) channelExists(id string) bool {
	_, ok := s.chans.Load().byID[id]
	return ok
}

type memEnquiry struct {
	e           Enquiry
	msgs        []*Message // pointers: appends copy 8 bytes, not whole messages
	transitions []Transition
	lease       time.Time // ClaimDue's lease, held by leaseOwner
	leaseOwner  string
	seen        map[string]int64 // staff ID → the Seq they have seen up to (seen.go)
}

type msgRef struct {
	e *memEnquiry
	m *Message
}

type stamp struct {
	staff string
	at    time.Time
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	s := &MemStore{
		inbox:     newMemInbox(),
		enquiries: map[string]*memEnquiry{},
		open:      map[[2]string]string{},
		external:  map[[2]string][]msgRef{},
		messages:  map[string]msgRef{},
		outbox:    map[string]msgRef{},
		served:    map[[2]string]stamp{},
		engaged:   map[[2]string]stamp{},
	}
	s.chans.Store(&memChannels{byID: map[string]Channel{}, accounts: map[[2]string]string{}})
	return s
}

// CreateChannel implements ChannelStore.
func (s *MemStore) CreateChannel(ctx context.Context, ch Channel) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channelExists(ch.ID) {
		return ErrChannelExists
	}
	c := s.editChannels()
	if err := c.claimAccount(ch); err != nil {
		return err
	}
	c.byID[ch.ID] = ch
	s.chans.Store(c)
	return nil
}

// UpdateChannel implements ChannelStore.
func (s *MemStore) UpdateChannel(ctx context.Context, ch Channel) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.chans.Load().byID[ch.ID]
	if !ok {
		return ErrNotFound
	}
	c := s.editChannels()
	if err := c.claimAccount(ch); err != nil {
		return err
	}
	if old.Account != "" && (old.Account != ch.Account || old.Kind != ch.Kind) {
		delete(c.accounts, [2]string{old.Kind, old.Account})
	}
	c.byID[ch.ID] = ch
	s.chans.Store(c)
	return nil
}

func (c *memChannels) claimAccount(ch Channel) error {
	if ch.Account == "" {
		return nil
	}
	k := [2]string{ch.Kind, ch.Account}
	if holder, ok := c.accounts[k]; ok && holder != ch.ID {
		return &AccountTakenError{Kind: ch.Kind, Account: ch.Account, Channel: holder}
	}
	c.accounts[k] = ch.ID
	return nil
}

// DeleteChannel implements ChannelStore.
func (s *MemStore) DeleteChannel(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.chans.Load().byID[id]
	if !ok {
		return ErrNotFound
	}
	c := s.editChannels()
	delete(c.byID, id)
	if ch.Account != "" {
		delete(c.accounts, [2]string{ch.Kind, ch.Account})
	}
	s.chans.Store(c)
	s.canned.drop(id) // after the channel is gone: see CreateCanned
	s.order = slices.DeleteFunc(s.order, func(m *memEnquiry) bool {
		if m.e.Channel != id {
			return false
		}
		delete(s.enquiries, m.e.ID)
		delete(s.open, [2]string{id, m.e.Customer.ID})
		for _, msg := range m.msgs {
			delete(s.messages, msg.ID)
			delete(s.outbox, msg.ID)
			delete(s.late, msg.ID)
			if msg.ExternalID != "" {
				delete(s.external, [2]string{id, msg.ExternalID})
			}
		}
		return true
	})
	s.inbox.deleteChannel(id)
	for k := range s.served {
		if k[0] == id {
			delete(s.served, k)
		}
	}
	for k := range s.engaged {
		if k[0] == id {
			delete(s.engaged, k)
		}
	}
	for k := range s.friends {
		if k[0] == id {
			delete(s.friends, k)
		}
	}
	for k := range s.names {
		if k[0] == id {
			delete(s.names, k)
		}
	}
	return nil
}

// Channel implements ChannelStore. It takes no lock.
func (s *MemStore) Channel(ctx context.Context, id string) (Channel, error) {
	ch, ok := s.chans.Load().byID[id]
	if !ok {
		return Channel{}, ErrNotFound
	}
	return ch, nil
}

// ChannelByAccount implements ChannelStore.
func (s *MemStore) ChannelByAccount(ctx context.Context, kind, account string) (Channel, error) {
	c := s.chans.Load()
	id, ok := c.accounts[[2]string{kind, account}]
	if !ok {
		return Channel{}, ErrNotFound
	}
	return c.byID[id], nil
}

// Channels implements ChannelStore.
func (s *MemStore) Channels(ctx context.Context) ([]Channel, error) {
	c := s.chans.Load()
	out := make([]Channel, 0, len(c.byID))
	for _, ch := range c.byID {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Receive implements EnquiryStore.
func (s *MemStore) Receive(ctx context.Context, a Arrival) (Received, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.channelExists(a.Enquiry.Channel) {
		return Received{}, ErrNotFound
	}
	ext := [2]string{a.Enquiry.Channel, a.Message.ExternalID}
	var same []msgRef // the messages with this external ID, of any customer
	if a.Message.ExternalID != "" {
		same = s.external[ext]
		if ref, seen := customerMessage(same, a.Enquiry.Customer.ID); seen {
			return Received{Enquiry: ref.e.e.clone(), Message: ref.m.clone(), Duplicate: true}, nil
		}
	}
	m, opened := s.findOrOpen(a.Enquiry)
	e := &m.e
	if r := a.Enquiry.Reply; r.Handle != "" {
		e.Reply = r
	}
	e.ReadOnly = a.Enquiry.ReadOnly
	if n := a.Enquiry.Customer.Name; n != "" {
		e.Customer.Name = n
	}
	if a.Enquiry.LastActivity.After(e.LastActivity) {
		e.LastActivity = a.Enquiry.LastActivity
	}
	msg, ref := s.appendMessage(m, a.Message)
	if a.Message.ExternalID != "" {
		s.external[ext] = append(same, ref)
	}
	return Received{Enquiry: e.clone(), Message: msg, Opened: opened, ReusedID: len(same) > 0}, nil
}

// customerMessage returns the customer's message among refs.
func customerMessage(refs []msgRef, customer string) (msgRef, bool) {
	for _, ref := range refs {
		if ref.e.e.Customer.ID == customer {
			return ref, true
		}
	}
	return msgRef{}, false
}

func (s *MemStore) findOrOpen(e Enquiry) (*memEnquiry, bool) {
	k := [2]string{e.Channel, e.Customer.ID}
	if id, ok := s.open[k]; ok {
		return s.enquiries[id], false
	}
	e = e.clone()
	e.Version = 1
	m := &memEnquiry{e: e}
	s.enquiries[e.ID] = m
	s.order = append(s.order, m)
	s.open[k] = e.ID
	if e.State != "" {
		by := ByCustomer
		if e.Staff != "" {
			by = e.Staff // staff started the conversation
		}
		m.transitions = append(m.transitions, Transition{Enquiry: e.ID, To: e.State, By: by, At: e.Opened, Note: "opened"})
	}
	return m, true
}

func (s *MemStore) appendMessage(m *memEnquiry, msg Message) (Message, msgRef) {
	msg.Enquiry = m.e.ID
	msg.Channel = m.e.Channel
	msg.Seq = int64(len(m.msgs)) + 1
	if msg.Delivery != nil {
		d := *msg.Delivery
		msg.Delivery = &d
	}
	stored := &msg
	m.msgs = append(m.msgs, stored)
	ref := msgRef{m, stored}
	if msg.Content.State == ContentPending {
		s.awaitContent(ref)
	}
	if msg.Delivery != nil { // only outbound messages are looked up by ID
		s.messages[msg.ID] = ref
		if msg.Delivery.State == Pending {
			s.outbox[msg.ID] = ref
		}
	}
	return msg.clone(), ref
}

// Open implements EnquiryStore.
func (s *MemStore) Open(ctx context.Context, e Enquiry) (Enquiry, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.channelExists(e.Channel) {
		return Enquiry{}, false, ErrNotFound
	}
	m, opened := s.findOrOpen(e)
	return m.e.clone(), opened, nil
}

// Update implements EnquiryStore.
func (s *MemStore) Update(ctx context.Context, c Change) (Enquiry, []Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[c.Enquiry.ID]
	if !ok {
		return Enquiry{}, nil, ErrNotFound
	}
	if m.e.Version != c.Enquiry.Version {
		return Enquiry{}, nil, ErrConflict
	}
	n, old := c.Enquiry.clone(), m.e
	// Fields Receive owns stay as stored.
	n.Customer, n.Reply, n.ReadOnly = old.Customer, old.Reply, old.ReadOnly
	n.Channel, n.Opened = old.Channel, old.Opened
	if old.LastActivity.After(n.LastActivity) {
		n.LastActivity = old.LastActivity
	}
	n.Version = old.Version + 1
	m.e, m.lease, m.leaseOwner = n, time.Time{}, ""
	k := [2]string{n.Channel, n.Customer.ID}
	if n.State == Closed && old.State != Closed {
		if s.open[k] == n.ID {
			delete(s.open, k)
		}
		if n.Staff != "" {
			s.served[k] = stamp{n.Staff, n.Closed}
		}
	}
	if c.Transition != nil {
		t := *c.Transition
		t.Enquiry = n.ID
		m.transitions = append(m.transitions, t)
	}
	var msgs []Message
	for _, msg := range c.Append {
		stored, _ := s.appendMessage(m, msg)
		msgs = append(msgs, stored)
	}
	return n.clone(), msgs, nil
}

// Enquiry implements EnquiryStore.
func (s *MemStore) Enquiry(ctx context.Context, id string) (Enquiry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[id]
	if !ok {
		return Enquiry{}, ErrNotFound
	}
	return m.e.clone(), nil
}

// Enquiries implements EnquiryStore.
func (s *MemStore) Enquiries(ctx context.Context, f Filter) ([]Enquiry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Enquiry
	for i := len(s.order) - 1; i >= 0 && len(out) < limit; i-- {
		e := &s.order[i].e
		if f.matches(e) {
			out = append(out, e.clone())
		}
	}
	return out, nil
}

func (f *Filter) matches(e *Enquiry) bool {
	return (f.Channel == "" || e.Channel == f.Channel) &&
		(f.Customer == "" || e.Customer.ID == f.Customer) &&
		(f.Staff == "" || e.Staff == f.Staff) &&
		(len(f.States) == 0 || slices.Contains(f.States, e.State)) &&
		(f.Before.IsZero() || e.Opened.Before(f.Before))
}

// Transitions implements EnquiryStore.
func (s *MemStore) Transitions(ctx context.Context, id string) ([]Transition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[id]
	if !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(m.transitions), nil
}

// ClaimDue implements EnquiryStore.
func (s *MemStore) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Enquiry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*memEnquiry
	for _, id := range s.open {
		m := s.enquiries[id]
		if m.e.Timer != NoTimer && !m.e.Deadline.After(now) && !m.lease.After(now) {
			due = append(due, m)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].e.Deadline.Before(due[j].e.Deadline) })
	if limit > 0 && len(due) > limit {
		due = due[:limit]
	}
	out := make([]Enquiry, len(due))
	for i, m := range due {
		m.lease, m.leaseOwner = now.Add(lease), owner
		out[i] = m.e.clone()
	}
	return out, nil
}

// TakeReply implements EnquiryStore.
func (s *MemStore) TakeReply(ctx context.Context, id string) (Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[id]
	if !ok {
		return Reply{}, ErrNotFound
	}
	r := m.e.Reply
	m.e.Reply = Reply{}
	return r, nil
}

// LastServed implements EnquiryStore.
func (s *MemStore) LastServed(ctx context.Context, channel, customer string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.served[[2]string{channel, customer}]
	return st.staff, st.at, nil
}

// Engage implements EnquiryStore.
func (s *MemStore) Engage(ctx context.Context, channel, customer, staff string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.engaged[[2]string{channel, customer}] = stamp{staff, at}
	return nil
}

// Engagement implements EnquiryStore.
func (s *MemStore) Engagement(ctx context.Context, channel, customer string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.engaged[[2]string{channel, customer}]
	return st.staff, st.at, nil
}

// Messages implements MessageStore.
func (s *MemStore) Messages(ctx context.Context, enquiry string, after int64, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.enquiries[enquiry]
	if !ok {
		return nil, ErrNotFound
	}
	if after < 0 {
		after = 0
	}
	if after >= int64(len(m.msgs)) {
		return nil, nil
	}
	page := m.msgs[after:min(int64(len(m.msgs)), after+int64(limit))]
	out := make([]Message, len(page))
	for i := range page {
		out[i] = page[i].clone()
	}
	return out, nil
}

// SetDelivery implements MessageStore.
func (s *MemStore) SetDelivery(ctx context.Context, id string, d Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.messages[id]
	if !ok {
		return ErrNotFound
	}
	ref.m.Delivery = &d
	if d.State == Pending {
		s.outbox[id] = ref
	} else {
		delete(s.outbox, id)
	}
	return nil
}

// ClaimPending implements MessageStore.
func (s *MemStore) ClaimPending(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var refs []msgRef
	for _, ref := range s.outbox {
		if d := ref.m.Delivery; !d.LeaseUntil.After(now) {
			refs = append(refs, ref)
		}
	}
	sort.Slice(refs, func(i, j int) bool {
		a, b := refs[i].m, refs[j].m
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Enquiry != b.Enquiry {
			return a.Enquiry < b.Enquiry
		}
		return a.Seq < b.Seq
	})
	if limit > 0 && len(refs) > limit {
		refs = refs[:limit]
	}
	out := make([]Message, len(refs))
	for i, ref := range refs {
		msg := ref.m
		d := *msg.Delivery
		d.LeaseUntil, d.Owner = now.Add(lease), owner
		msg.Delivery = &d
		out[i] = msg.clone()
	}
	return out, nil
}

// EndLeases implements EnquiryStore.
func (s *MemStore) EndLeases(ctx context.Context, owner string) error {
	if owner == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.enquiries {
		if m.leaseOwner == owner {
			m.lease, m.leaseOwner = time.Time{}, ""
		}
	}
	for _, ref := range s.outbox {
		if d := ref.m.Delivery; d.Owner == owner {
			n := *d
			n.LeaseUntil, n.Owner = time.Time{}, ""
			ref.m.Delivery = &n
		}
	}
	return nil
}

// Unsend implements MessageStore.
func (s *MemStore) Unsend(ctx context.Context, channel, customer, externalID string) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := customerMessage(s.external[[2]string{channel, externalID}], customer)
	if !ok {
		return Message{}, ErrNotFound
	}
	ref.m.Unsent = true
	return ref.m.clone(), nil
}

type friendStamp struct {
	f  Friendship
	at time.Time
}

// SetFriendship implements CustomerStore.
func (s *MemStore) SetFriendship(ctx context.Context, channel, customer string, f Friendship, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{channel, customer}
	if old, ok := s.friends[k]; ok && old.at.After(at) {
		return nil // a later change is kept
	}
	if s.friends == nil {
		s.friends = map[[2]string]friendStamp{}
	}
	s.friends[k] = friendStamp{f, at}
	return nil
}

// Friendship implements CustomerStore.
func (s *MemStore) Friendship(ctx context.Context, channel, customer string) (Friendship, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.friends[[2]string{channel, customer}]
	return st.f, st.at, nil
}

package enquiry

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

// maxUpdateRetries bounds optimistic-concurrency retries of one operation.
const maxUpdateRetries = 8

// start routes a newly opened enquiry and records its Welcome message
// (and, when nobody can answer, the Away message) for the outbox to send.
func (d *Desk) start(ctx context.Context, c *deskChannel, e Enquiry) (Enquiry, error) {
	now := d.clock.Now()
	var out []Message
	tr := &Transition{From: e.State, By: BySystem, At: now}
	if c.ch.State == Suspended {
		e.State, e.Timer, e.Deadline, e.Updated = Missed, NoTimer, time.Time{}, now
		tr.To, tr.Note = Missed, "channel suspended: recorded, nothing sent"
		n, _, err := d.store.Update(ctx, Change{Enquiry: e, Transition: tr})
		if err == nil {
			d.publish(EnquiryChanged, e.Channel, &n, nil)
		}
		return n, err
	}
	if c.ch.Routing != nil {
		req := routing.Request{Customer: e.Customer.ID, Now: now}
		var err error
		if req.LastStaff, req.LastServed, err = d.store.LastServed(ctx, e.Channel, e.Customer.ID); err != nil {
			return e, err
		}
		var engagedAt time.Time
		if req.EngagedBy, engagedAt, err = d.store.Engagement(ctx, e.Channel, e.Customer.ID); err != nil {
			return e, err
		}
		if req.EngagedBy != "" && engagedAt.Before(req.LastServed) {
			req.EngagedBy = "" // an enquiry was served since: the engagement is spent
		}
		e.Plan = c.ch.Routing.Route(req, d.dir)
	}
	botStep, exhausted := d.ring(c, &e, 0, now)
	// The Welcome follows routing's first decision, so that it can name
	// the staff member auto pick-up assigned.
	if !e.ReadOnly {
		out = d.botMessage(out, c, &e, automsg.Welcome, now)
	}
	if exhausted {
		out = d.missed(out, c, &e, now)
	}
	tr.To = e.State
	if e.State == Attending {
		tr.Note = "auto-assigned"
	}
	if tr.To == tr.From {
		tr = nil // ringing as opened
	}
	n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Transition: tr, Append: out})
	if err != nil {
		return e, err
	}
	if lt, ok := d.dir.(LoadTracker); ok && n.State == Attending {
		lt.Assigned(n.Staff, now)
	}
	d.after(ctx, c, n, msgs, botStep)
	return n, nil
}

// ring moves e to the first step at or after `from` that has someone to
// ring (or a bot), and arms its timer. It reports the bot to hand over to,
// if any, and whether the plan is exhausted (e is then Missed).
func (d *Desk) ring(c *deskChannel, e *Enquiry, from int, now time.Time) (bot string, exhausted bool) {
	e.Updated = now
	for i := from; i < len(e.Plan.Steps); i++ {
		st := e.Plan.Steps[i]
		timeout := st.Timeout
		if timeout <= 0 {
			timeout = routing.DefaultRingTimeout
		}
		var ring []string
		switch {
		case st.Bot != "":
			if d.bot == nil {
				continue
			}
		case c.ch.Routing != nil:
			ring = c.ch.Routing.Ring(st, d.dir)
		case st.Staff != "":
			// No rule to resolve teams with (a transfer on a channel
			// without routing): ring the staff member if available.
			if s, ok := d.dir.Staff(st.Staff); ok && s.Presence == routing.Available {
				ring = []string{st.Staff}
			}
		}
		if st.Bot == "" && len(ring) == 0 {
			continue
		}
		e.Step, e.State, e.Staff, e.Ringing = i, Ringing, "", ring
		e.Timer, e.Deadline = RingTimer, now.Add(timeout)
		if st.Bot != "" {
			return st.Bot, false
		}
		if d.autoAssign {
			e.State, e.Staff, e.Ringing = Attending, ring[0], nil
			e.Timer, e.Deadline = d.idleTimer(e, now)
		}
		return "", false
	}
	e.Step, e.State, e.Staff, e.Ringing = len(e.Plan.Steps), Missed, "", nil
	e.Timer, e.Deadline = NoTimer, time.Time{}
	return "", true
}

// missed adds the Away message (if on, and the customer may be sent to)
// and the channel's custom info note for staff to out.
func (d *Desk) missed(out []Message, c *deskChannel, e *Enquiry, now time.Time) []Message {
	if !e.ReadOnly {
		out = d.botMessage(out, c, e, automsg.Away, now)
	}
	if info := customInfo(c.ch, *e); info != "" {
		// A note in the room, for staff: it has no Delivery, so no
		// sender ever sees it (the procedure is the channel's, not the
		// customer's, and would cost pushes of the account's quota).
		out = append(out, Message{
			ID: uuid.New(), Direction: Out, Author: Author{Kind: AuthorBot, ID: "custom-info"},
			Time: now, Content: Content{Kind: Note, Text: info},
		})
	}
	return out
}

// customInfo returns the channel's custom info for staff serving e, or ""
// when it does not apply: switched off, empty, or e was addressed to one
// staff member directly.
func customInfo(ch Channel, e Enquiry) string {
	if !ch.CustomInfoOn || e.Direct {
		return ""
	}
	return ch.CustomInfo
}

// CustomInfo returns the custom info staff serving the enquiry see beside
// the conversation: the channel's, when it is switched on and the enquiry
// was not addressed to one staff member directly; otherwise "". It is
// never sent to the customer.
func (d *Desk) CustomInfo(ctx context.Context, id string) (string, error) {
	e, err := d.store.Enquiry(ctx, id)
	if err != nil {
		return "", err
	}
	ch, err := d.store.Channel(ctx, e.Channel)
	if err != nil {
		return "", err
	}
	return customInfo(ch, e), nil
}

// botMessage appends auto-message k, if switched on, to out.
func (d *Desk) botMessage(out []Message, c *deskChannel, e *Enquiry, k automsg.Kind, now time.Time) []Message {
	text, on := c.msgs.Render(k, d.vars(c, e, now))
	if !on || text == "" {
		return out
	}
	m := d.outMessage(Author{Kind: AuthorBot, ID: k.String()}, Content{Kind: Text, Text: text}, now)
	if len(out) > 0 {
		m.Batch = out[len(out)-1].Batch
	}
	return append(out, m)
}

func (d *Desk) vars(c *deskChannel, e *Enquiry, now time.Time) automsg.Vars {
	v := automsg.Vars{Customer: e.Customer.Name, Channel: c.ch.Name}
	if e.Staff != "" {
		v.Staff, _ = d.dir.Name(e.Staff)
	}
	if c.ch.Routing != nil {
		if at, ok := c.ch.Routing.Opens(now); ok {
			v.Back = backPhrase(at, now)
		}
	}
	return v
}

// backPhrase says when office hours begin at `at`, in their zone, to
// follow "we will get back to you": "today at 13:00 (Asia/Tokyo time)",
// "tomorrow at …", "on Monday at …", or "on Monday 4 January at …" when
// it is a week or more away.
func backPhrase(at, now time.Time) string {
	here := now.In(at.Location())
	days := 0
	for d := here; d.Year() != at.Year() || d.YearDay() != at.YearDay(); d = d.AddDate(0, 0, 1) {
		days++
		if days > 7 {
			break
		}
	}
	var when string
	switch {
	case days == 0:
		when = "today"
	case days == 1:
		when = "tomorrow"
	case days < 7:
		when = "on " + at.Format("Monday")
	default:
		when = "on " + at.Format("Monday 2 January")
	}
	return when + " at " + at.Format("15:04") + " (" + at.Location().String() + " time)"
}

// outMessage makes a pending outbound message that is its own batch.
func (d *Desk) outMessage(a Author, content Content, now time.Time) Message {
	id := uuid.New()
	return Message{
		ID: id, Direction: Out, Author: a, Time: now, Content: content, Batch: id,
		Delivery: &Delivery{State: Pending, LeaseUntil: now.Add(d.sendLease), Owner: d.instance},
	}
}

// after publishes a stored change and does its side effects: it queues
// new outbound messages for the outbox's senders (they are recorded as
// pending: nothing is sent here) and does the bot hand-off.
func (d *Desk) after(ctx context.Context, c *deskChannel, e Enquiry, msgs []Message, bot string) {
	d.publish(EnquiryChanged, e.Channel, &e, nil)
	var out []Message
	for i := range msgs {
		d.publish(MessageAdded, e.Channel, &e, &msgs[i])
		if m := msgs[i]; m.Direction == Out && m.Content.Kind != Note && m.Delivery != nil && m.Delivery.State == Pending {
			out = append(out, m)
		}
	}
	d.outbox.put(outWork{enquiry: e.ID, c: c, e: e, msgs: out})
	if bot != "" && d.bot != nil {
		if err := d.bot(ctx, bot, e); err != nil {
			d.log.WarnContext(ctx, "bot hand-off failed; routing continues at the step's timeout", "channel", e.Channel, "enquiry", e.ID, "bot", bot, "err", err)
		}
	}
}

// mutate applies f to the current enquiry and stores the result,
// retrying when a concurrent change won. f may return an error to abort.
func (d *Desk) mutate(ctx context.Context, id string, f func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error)) (Enquiry, []Message, *deskChannel, error) {
	for range maxUpdateRetries {
		e, err := d.store.Enquiry(ctx, id)
		if err != nil {
			return Enquiry{}, nil, nil, err
		}
		c, err := d.channel(ctx, e.Channel)
		if err != nil {
			return Enquiry{}, nil, nil, err
		}
		now := d.clock.Now()
		tr, out, err := f(c, &e, now)
		if err != nil {
			return e, nil, c, err
		}
		if tr != nil {
			tr.At = now
		}
		e.Updated = now
		n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Transition: tr, Append: out})
		if errors.Is(err, ErrConflict) {
			continue
		}
		return n, msgs, c, err
	}
	return Enquiry{}, nil, nil, ErrConflict
}

// Attend gives an open enquiry to staff: the first to attend wins; a later
// attempt by another staff member fails with *AttendedError. Attending an
// enquiry one already attends is a no-op. A missed enquiry may be attended.
func (d *Desk) Attend(ctx context.Context, id, staff string) (Enquiry, error) {
	if staff == "" {
		return Enquiry{}, invalid("staff", "who attends?", nil)
	}
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		switch {
		case e.State == Closed:
			return nil, nil, ErrClosed
		case e.State == Attending && e.Staff == staff:
			return nil, nil, errNoop
		case e.State == Attending:
			return nil, nil, &AttendedError{Enquiry: e.ID, Staff: e.Staff}
		}
		tr := &Transition{From: e.State, To: Attending, By: staff}
		e.State, e.Staff, e.Ringing = Attending, staff, nil
		e.Timer, e.Deadline = d.idleTimer(e, now)
		return tr, nil, nil
	})
	if errors.Is(err, errNoop) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	if lt, ok := d.dir.(LoadTracker); ok {
		lt.Assigned(staff, e.Updated)
	}
	d.after(ctx, c, e, msgs, "")
	mctx, cancel := context.WithTimeout(ctx, attendReadTimeout)
	defer cancel()
	if err := d.markRead(mctx, c, e); err != nil {
		// The enquiry is attended; the read mark waits for the room to be
		// opened again.
		d.log.WarnContext(ctx, "marking the customer's messages read failed", "channel", e.Channel, "enquiry", e.ID, "err", err)
	}
	return e, nil
}

var errNoop = errors.New("no change")

// idleTimer arms the auto-close timer of an attended enquiry, if on.
func (d *Desk) idleTimer(e *Enquiry, now time.Time) (Timer, time.Time) {
	ac := d.autoClose
	if ac.After <= 0 {
		return NoTimer, time.Time{}
	}
	last := e.LastActivity
	if last.Before(now) {
		last = now // attending counts as activity
	}
	if ac.Before > 0 && ac.Before < ac.After {
		return WarnTimer, last.Add(ac.After - ac.Before)
	}
	return IdleTimer, last.Add(ac.After)
}

func (d *Desk) mayWrite(e *Enquiry, staff string) bool { return e.MayWrite(staff) }

// MayWrite reports whether staff may send messages in the enquiry: it is
// attended, by staff or with staff invited into it. Send refuses others
// with ErrNotOwner; a caller may ask first, before costly work such as
// storing an upload.
func (e Enquiry) MayWrite(staff string) bool {
	return e.State == Attending && (e.Staff == staff || slices.Contains(e.Invited, staff))
}

// MediaPolicy returns the media policy content sent in enquiry id is
// judged by: that of its channel's kind (Kind.Policy). A host checks an
// upload with it before storing it; Send checks again.
func (d *Desk) MediaPolicy(ctx context.Context, id string) (media.Policy, error) {
	e, err := d.store.Enquiry(ctx, id)
	if err != nil {
		return media.Policy{}, err
	}
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return media.Policy{}, err
	}
	return d.kind(c.ch.Kind).Policy, nil
}

// Send sends content to the enquiry's customer on behalf of staff, who
// must attend the enquiry (or be invited into it). The content is checked
// against the media policy first: a refusal is a *media.Error and nothing
// is recorded or sent; so is ErrBlocked when the customer blocked the
// account. The message is recorded as pending and returned at once;
// Run's senders send it (a MessageUpdated event tells its delivery
// state), retrying a retryable failure, with the same retry key.
func (d *Desk) Send(ctx context.Context, id, staff string, content Content) (Message, error) {
	// Quotes and platform tokens come only from the desk (SendQuote).
	content.Quote, content.ReadToken, content.QuoteToken = nil, "", ""
	if err := d.checkFor(ctx, id, &content); err != nil {
		return Message{}, err
	}
	return d.send(ctx, id, staff, content)
}

// checkFor checks content by the rules of enquiry id's channel kind, and
// that the kind's reply window is open.
func (d *Desk) checkFor(ctx context.Context, id string, content *Content) error {
	e, err := d.store.Enquiry(ctx, id)
	if err != nil {
		return err
	}
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return err
	}
	k := d.kind(c.ch.Kind)
	if err := d.check(ctx, k, content); err != nil {
		return err
	}
	return d.windowOpen(ctx, k, e)
}

// send is Send for content already checked.
func (d *Desk) send(ctx context.Context, id, staff string, content Content) (Message, error) {
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		switch {
		case e.State == Closed:
			return nil, nil, ErrClosed
		case !d.mayWrite(e, staff):
			return nil, nil, ErrNotOwner
		case c.ch.State == Suspended:
			return nil, nil, ErrSuspended
		case e.ReadOnly:
			return nil, nil, ErrReadOnly
		}
		if err := d.blocked(ctx, e.Channel, e.Customer.ID); err != nil {
			return nil, nil, err // refused up front: nothing recorded, nothing sent
		}
		e.LastActivity = now
		return nil, []Message{d.outMessage(Author{Kind: AuthorStaff, ID: staff, Via: viaFrom(ctx)}, content, now)}, nil
	})
	if err != nil {
		return Message{}, err
	}
	d.after(ctx, c, e, msgs, "")
	return msgs[0], nil
}

// check validates outbound content with the media policy of kind k.
func (d *Desk) check(ctx context.Context, k Kind, c *Content) error {
	switch c.Kind {
	case Text:
		return k.Policy.CheckText(c.Text)
	case Sticker:
		if c.Sticker == nil || c.Sticker.Package == "" || c.Sticker.ID == "" {
			return invalid("sticker", "a sticker needs a package and a sticker ID", nil)
		}
		return nil
	case Image, Video, Audio:
		if c.Media == nil || c.Media.Key == "" {
			return invalid("media", "media content needs the key of its stored content", nil)
		}
		if d.blobs == nil {
			return invalid("media", "this desk has no blob store configured for media", nil)
		}
		b, err := d.blobs.Open(ctx, c.Media.Key)
		if err != nil {
			return err
		}
		defer b.Close()
		v, err := k.Policy.Check(b, b.Size())
		if err != nil {
			return err
		}
		if string(v.Kind) != string(c.Kind) {
			return &media.Error{Code: media.CodeUnsupportedFormat, Kind: v.Kind, Format: v.Format, Reason: "The file is " + string(v.Kind) + " content, not " + string(c.Kind) + "."}
		}
		c.Media.Kind, c.Media.Format, c.Media.Size = v.Kind, v.Format, v.Size
		return nil
	default:
		if err := media.CheckKind(string(c.Kind)); err != nil {
			return err
		}
		return &media.Error{Code: media.CodeUnsupportedKind, Reason: "Messages of kind " + string(c.Kind) + " cannot be sent."}
	}
}

// Close closes an enquiry on behalf of staff (its owner, or anyone while
// it is not attended) or of the system (by = BySystem), and records the
// Close Enquiry message, if on, for Run's senders to send.
func (d *Desk) Close(ctx context.Context, id, by string) (Enquiry, error) {
	var owner string
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		switch {
		case e.State == Closed:
			return nil, nil, ErrClosed
		case by != BySystem && e.State == Attending && !d.mayWrite(e, by):
			return nil, nil, ErrNotOwner
		}
		tr := &Transition{From: e.State, To: Closed, By: by}
		if e.State != Attending && by != BySystem {
			e.Staff = by // whoever closes an unattended enquiry served it
		}
		owner = e.Staff
		var out []Message
		if c.ch.State == Active && !e.ReadOnly {
			out = d.botMessage(out, c, e, automsg.Close, now)
		}
		e.State, e.Ringing, e.Closed = Closed, nil, now
		e.Timer, e.Deadline = NoTimer, time.Time{}
		return tr, out, nil
	})
	if err != nil {
		return e, err
	}
	if lt, ok := d.dir.(LoadTracker); ok && owner != "" {
		lt.Released(owner, e.Closed)
	}
	d.after(ctx, c, e, msgs, "")
	return e, nil
}

// Transfer hands an attended enquiry from its owner (by) to another
// destination — a staff member or a team — and routing starts again for
// it. When nobody there is available it goes to the missed queue (without
// an Away message: the customer has been served).
func (d *Desk) Transfer(ctx context.Context, id, by string, to routing.Step) (Enquiry, error) {
	if to.Staff == "" && to.Team == "" && to.Bot == "" {
		return Enquiry{}, invalid("to", "transfer to a staff member, a team or a bot", nil)
	}
	var prev, bot string
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		switch {
		case e.State == Closed:
			return nil, nil, ErrClosed
		case by != BySystem && !d.mayWrite(e, by):
			return nil, nil, ErrNotOwner
		}
		prev = e.Staff
		tr := &Transition{From: e.State, By: by, Note: "transferred to " + describe(to)}
		e.Plan, e.Invited = routing.Plan{Steps: []routing.Step{to}}, nil
		bot, _ = d.ring(c, e, 0, now)
		tr.To = e.State
		return tr, nil, nil
	})
	if err != nil {
		return e, err
	}
	if lt, ok := d.dir.(LoadTracker); ok && prev != "" {
		lt.Released(prev, e.Updated)
	}
	d.after(ctx, c, e, msgs, bot)
	return e, nil
}

func describe(s routing.Step) string {
	switch {
	case s.Staff != "":
		return "staff " + s.Staff
	case s.Team != "":
		return "team " + s.Team
	default:
		return "bot " + s.Bot
	}
}

// Invite lets a colleague into an attended enquiry's room: they can read
// and send in it. Only the owner (by) may invite.
func (d *Desk) Invite(ctx context.Context, id, by, colleague string) (Enquiry, error) {
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		switch {
		case e.State == Closed:
			return nil, nil, ErrClosed
		case e.State != Attending || e.Staff != by:
			return nil, nil, ErrNotOwner
		case colleague == "" || colleague == by:
			return nil, nil, invalid("colleague", "invite another staff member", nil)
		case slices.Contains(e.Invited, colleague):
			return nil, nil, errNoop
		}
		e.Invited = append(e.Invited, colleague)
		return nil, nil, nil
	})
	if errors.Is(err, errNoop) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	d.after(ctx, c, e, msgs, "")
	return e, nil
}

// Handover passes an enquiry a bot holds to the next step of its routing
// plan. Bots call it when a person should take over.
func (d *Desk) Handover(ctx context.Context, id string) (Enquiry, error) {
	var bot string
	e, msgs, c, err := d.mutate(ctx, id, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		if e.State != Ringing || e.Step >= len(e.Plan.Steps) || e.Plan.Steps[e.Step].Bot == "" {
			return nil, nil, invalid("enquiry", "no bot holds this enquiry", nil)
		}
		from := e.State
		var exhausted bool
		bot, exhausted = d.ring(c, e, e.Step+1, now)
		var out []Message
		if exhausted {
			out = d.missed(out, c, e, now)
		}
		if e.State == from {
			return nil, out, nil
		}
		return &Transition{From: from, To: e.State, By: BySystem, Note: "bot handed over"}, out, nil
	})
	if err != nil {
		return e, err
	}
	d.after(ctx, c, e, msgs, bot)
	return e, nil
}

// Engage starts a conversation from staff's side: staff sends content to a
// customer who has no open enquiry. The enquiry opens attended by staff
// and addressed to them (Direct), and if it is closed before the customer
// answers, routing offers the answer to that staff member first (through
// a routing rule's engagement branch). It fails with ErrBlocked, opening
// nothing, when the customer blocked the account, and with
// ErrWindowClosed on a channel whose kind has a Kind.ReplyWindow: a new
// enquiry holds no customer message, so its window is closed.
func (d *Desk) Engage(ctx context.Context, channel string, customer Customer, staff string, content Content) (Enquiry, Message, error) {
	if customer.ID == "" || staff == "" {
		return Enquiry{}, Message{}, invalid("customer", "engage needs a customer and a staff member", nil)
	}
	c, err := d.channel(ctx, channel)
	if err != nil {
		return Enquiry{}, Message{}, err
	}
	k := d.kind(c.ch.Kind)
	if err := d.check(ctx, k, &content); err != nil {
		return Enquiry{}, Message{}, err
	}
	if k.ReplyWindow > 0 && !k.PushAfterWindow {
		// A new enquiry holds no customer message: its window is closed.
		return Enquiry{}, Message{}, ErrWindowClosed
	}
	if err := d.blocked(ctx, channel, customer.ID); err != nil {
		return Enquiry{}, Message{}, err
	}
	now := d.clock.Now()
	e, opened, err := d.store.Open(ctx, Enquiry{
		ID: uuid.NewOrdered(), Channel: channel, Customer: customer, State: Attending, Staff: staff,
		Direct: true, Opened: now, Updated: now, LastActivity: now,
	})
	if err != nil {
		return Enquiry{}, Message{}, err
	}
	if opened {
		d.publish(EnquiryOpened, channel, &e, nil)
		if lt, ok := d.dir.(LoadTracker); ok {
			lt.Assigned(staff, now)
		}
	}
	if err := d.store.Engage(ctx, channel, customer.ID, staff, now); err != nil {
		return e, Message{}, err
	}
	m, err := d.send(ctx, e.ID, staff, content) // checked above
	return e, m, err
}

// Unsend records that the customer unsent their message with the platform
// ID externalID.
func (d *Desk) Unsend(ctx context.Context, channel, customer, externalID string) error {
	m, err := d.store.Unsend(ctx, channel, customer, externalID)
	if errors.Is(err, ErrNotFound) {
		return nil // never recorded (e.g. refused group message): nothing to mark
	}
	if err != nil {
		return err
	}
	d.publish(MessageUpdated, channel, nil, &m)
	return nil
}

// Notice adds a system note for staff to the customer's open enquiry on
// the channel, if there is one; it sends nothing to the customer.
func (d *Desk) Notice(ctx context.Context, channel, customer, text string) error {
	open, err := d.store.Enquiries(ctx, Filter{Channel: channel, Customer: customer, States: []State{Ringing, Attending, Missed}, Limit: 1})
	if err != nil || len(open) == 0 {
		return err
	}
	e, msgs, c, err := d.mutate(ctx, open[0].ID, func(c *deskChannel, e *Enquiry, now time.Time) (*Transition, []Message, error) {
		if e.State == Closed {
			return nil, nil, errNoop
		}
		return nil, []Message{{ID: uuid.New(), Direction: In, Author: Author{Kind: AuthorSystem}, Time: now, Content: Content{Kind: Note, Text: text}}}, nil
	})
	if errors.Is(err, errNoop) {
		return nil
	}
	if err != nil {
		return err
	}
	d.after(ctx, c, e, msgs, "")
	return nil
}

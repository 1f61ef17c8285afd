package enquiry

import (
	"context"
	"errors"
)

// CreateChannel validates and stores a new channel. An empty State means
// Active; Created and Updated are set by the desk.
func (d *Desk) CreateChannel(ctx context.Context, ch Channel) (Channel, error) {
	if ch.State == "" {
		ch.State = Active
	}
	if err := ch.Validate(); err != nil {
		return Channel{}, err
	}
	ch.Created = d.clock.Now()
	ch.Updated = ch.Created
	if err := d.store.CreateChannel(ctx, ch); err != nil {
		return Channel{}, err
	}
	d.publish(ChannelChanged, ch.ID, nil, nil)
	return ch, nil
}

// UpdateChannel validates and stores an edited channel, keeping its
// creation time. Edits take effect for enquiries routed after it.
func (d *Desk) UpdateChannel(ctx context.Context, ch Channel) (Channel, error) {
	old, err := d.store.Channel(ctx, ch.ID)
	if err != nil {
		return Channel{}, err
	}
	if ch.State == "" {
		ch.State = old.State
	}
	if err := ch.Validate(); err != nil {
		return Channel{}, err
	}
	ch.Created = old.Created
	ch.Updated = d.clock.Now()
	if !ch.Updated.After(old.Updated) {
		ch.Updated = old.Updated.Add(1) // a distinct version even with a frozen clock
	}
	if err := d.store.UpdateChannel(ctx, ch); err != nil {
		return Channel{}, err
	}
	d.forget(ch.ID)
	d.publish(ChannelChanged, ch.ID, nil, nil)
	return ch, nil
}

// SuspendChannel suspends a channel: it keeps its data and goes on
// recording customer messages, but sends nothing and rings nobody.
func (d *Desk) SuspendChannel(ctx context.Context, id string) (Channel, error) {
	return d.setState(ctx, id, Suspended)
}

// ResumeChannel makes a suspended channel active again. Enquiries opened
// while it was suspended wait in the missed queue.
func (d *Desk) ResumeChannel(ctx context.Context, id string) (Channel, error) {
	return d.setState(ctx, id, Active)
}

func (d *Desk) setState(ctx context.Context, id string, s ChannelState) (Channel, error) {
	ch, err := d.store.Channel(ctx, id)
	if err != nil {
		return Channel{}, err
	}
	ch.State = s
	return d.UpdateChannel(ctx, ch)
}

// DeleteChannel deletes a channel and everything of it. While it has open
// enquiries it is refused with ErrOpenEnquiries, unless force is set: then
// they are closed first (by the system, without Close messages: the
// channel is going away).
func (d *Desk) DeleteChannel(ctx context.Context, id string, force bool) error {
	if _, err := d.store.Channel(ctx, id); err != nil {
		return err
	}
	for {
		open, err := d.store.Enquiries(ctx, Filter{Channel: id, States: []State{Ringing, Attending, Missed}, Limit: 100})
		if err != nil {
			return err
		}
		if len(open) == 0 {
			break
		}
		if !force {
			return ErrOpenEnquiries
		}
		// Suspend first so no Close message goes out, then close each.
		if _, err := d.setState(ctx, id, Suspended); err != nil {
			return err
		}
		for _, e := range open {
			if _, err := d.Close(ctx, e.ID, BySystem); err != nil && !errors.Is(err, ErrClosed) {
				return err
			}
		}
	}
	if err := d.store.DeleteChannel(ctx, id); err != nil {
		return err
	}
	d.forget(id)
	d.publish(ChannelChanged, id, nil, nil)
	return nil
}

// ChannelLookup looks channels up by ID, as a connector does for each
// request and each fetch; Store and *Desk implement it. It returns
// ErrNotFound for an unknown channel. Its methods must be safe for
// concurrent use.
type ChannelLookup interface {
	Channel(ctx context.Context, id string) (Channel, error)
}

var _ ChannelLookup = (*Desk)(nil)

// Channel returns a channel.
func (d *Desk) Channel(ctx context.Context, id string) (Channel, error) {
	return d.store.Channel(ctx, id)
}

// Channels returns every channel, ordered by ID.
func (d *Desk) Channels(ctx context.Context) ([]Channel, error) { return d.store.Channels(ctx) }

// Enquiry returns an enquiry.
func (d *Desk) Enquiry(ctx context.Context, id string) (Enquiry, error) {
	return d.store.Enquiry(ctx, id)
}

// Enquiries returns enquiries matching f, newest first: open ones by
// channel, state or staff; the missed queue is Filter{States: []State{Missed}}.
func (d *Desk) Enquiries(ctx context.Context, f Filter) ([]Enquiry, error) {
	return d.store.Enquiries(ctx, f)
}

// Transcript returns a page of an enquiry's messages after seq `after`
// (0 for the first page), at most limit (0 means 100). Pass the last
// message's Seq to get the next page. A customer message that quotes
// another of the enquiry has its Content.Quote filled in (Message, Text).
func (d *Desk) Transcript(ctx context.Context, id string, after int64, limit int) ([]Message, error) {
	ms, err := d.store.Messages(ctx, id, after, limit)
	if err == nil {
		err = d.quotes(ctx, id, ms)
	}
	return ms, err
}

// History returns a customer's enquiries on a channel, newest first.
func (d *Desk) History(ctx context.Context, channel, customer string, limit int) ([]Enquiry, error) {
	return d.store.Enquiries(ctx, Filter{Channel: channel, Customer: customer, Limit: limit})
}

// Transitions returns an enquiry's recorded state changes, oldest first.
func (d *Desk) Transitions(ctx context.Context, id string) ([]Transition, error) {
	return d.store.Transitions(ctx, id)
}

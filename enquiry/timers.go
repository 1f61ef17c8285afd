package enquiry

import (
	"context"
	"errors"
	"time"
)

// fire handles one due timer. It works on the claimed copy: if anything
// changed meanwhile the conditional update fails and the timer is left
// to the new state.
func (d *Desk) fire(ctx context.Context, e Enquiry) error {
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return err
	}
	now := d.clock.Now()
	switch e.Timer {
	case RouteTimer:
		_, err := d.start(ctx, c, e)
		return err
	case RingTimer:
		from := e.State
		bot, exhausted := d.ring(c, &e, e.Step+1, now)
		var out []Message
		tr := &Transition{From: from, To: e.State, By: BySystem, At: now, Note: "ring timeout"}
		if exhausted {
			out = d.missed(out, c, &e, now)
		} else if e.State == from {
			tr = nil // the next step rings: same state
		}
		n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Transition: tr, Append: out})
		if err != nil {
			return err
		}
		d.after(ctx, c, n, msgs, bot)
		return nil
	case WarnTimer, IdleTimer:
		return d.idle(ctx, c, e, now)
	}
	return nil
}

// idle handles the auto-close timers of an attended enquiry.
func (d *Desk) idle(ctx context.Context, c *deskChannel, e Enquiry, now time.Time) error {
	ac := d.autoClose
	if e.State != Attending || ac.After <= 0 {
		e.Timer, e.Deadline = NoTimer, time.Time{}
		_, _, err := d.store.Update(ctx, Change{Enquiry: e})
		return err
	}
	var out []Message
	spokeSince := now.Before(e.LastActivity.Add(ac.After - ac.Before)) // warning (or close) not yet due
	if e.Timer == IdleTimer && ac.Before > 0 {
		spokeSince = e.LastActivity.After(e.Deadline.Add(-ac.Before)) // someone spoke after the warning
	}
	switch {
	case spokeSince:
		// Someone spoke since the timer was armed: re-arm from then.
		e.Timer, e.Deadline = d.idleTimer(&e, e.LastActivity)
	case e.Timer == WarnTimer:
		if c.ch.State == Active && !e.ReadOnly {
			out = append(out, d.outMessage(Author{Kind: AuthorBot, ID: "warning"}, Content{Kind: Text, Text: ac.Warning}, now))
		}
		e.Timer, e.Deadline = IdleTimer, now.Add(ac.Before)
	default:
		_, err := d.Close(ctx, e.ID, BySystem)
		if errors.Is(err, ErrClosed) {
			return nil
		}
		return err
	}
	e.Updated = now
	n, msgs, err := d.store.Update(ctx, Change{Enquiry: e, Append: out})
	if err != nil {
		return err
	}
	d.after(ctx, c, n, msgs, "")
	return nil
}

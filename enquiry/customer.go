package enquiry

import (
	"context"
	"time"
)

// Friendship is whether a customer has the channel's account as a friend
// on the platform, as its follow and unfollow (block) events say. It is
// kept per customer of a channel, whether or not an enquiry is open.
type Friendship string

// Friendships. The zero value means no event has said either way: the
// customer is sent to as usual.
const (
	// Friend: the customer added the account as a friend, or unblocked it.
	Friend Friendship = "friend"
	// Blocked: the customer blocked the account (on some platforms,
	// unfollowing is blocking). Nothing can be delivered to them: the desk refuses to
	// send, up front, until they add the account again.
	Blocked Friendship = "blocked"
)

// CustomerStore keeps what the desk knows of customers beyond their
// enquiries.
type CustomerStore interface {
	// SetFriendship records the customer's friendship as of `at`, unless
	// one recorded as of a later time is kept already (a redelivered old
	// event changes nothing).
	SetFriendship(ctx context.Context, channel, customer string, f Friendship, at time.Time) error
	// Friendship returns the customer's recorded friendship and as of
	// when ("" and the zero time when none is recorded).
	Friendship(ctx context.Context, channel, customer string) (Friendship, time.Time, error)
}

// SetFriendship records that the customer added (Friend) or blocked
// (Blocked) the channel's account at `at`; connectors call it for the
// platform's follow and unfollow events. It is kept on the customer, so it
// counts even when no enquiry is open: while a customer is Blocked, Send
// and Engage fail with ErrBlocked and pending messages to them fail with
// ErrBlocked as their delivery reason, without a request to the platform.
func (d *Desk) SetFriendship(ctx context.Context, channel, customer string, f Friendship, at time.Time) error {
	switch {
	case customer == "":
		return invalid("customer", "a friendship needs a customer ID", nil)
	case f != Friend && f != Blocked:
		return invalid("friendship", `must be "friend" or "blocked"`, nil)
	}
	if at.IsZero() {
		at = d.clock.Now()
	}
	if err := d.store.SetFriendship(ctx, channel, customer, f, at); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "customer friendship recorded", "channel", channel, "friendship", string(f))
	return nil
}

// Friendship returns the customer's friendship with the channel's account
// ("" when no follow or block event was seen).
func (d *Desk) Friendship(ctx context.Context, channel, customer string) (Friendship, error) {
	f, _, err := d.store.Friendship(ctx, channel, customer)
	return f, err
}

// blocked returns ErrBlocked when the customer blocked the account.
func (d *Desk) blocked(ctx context.Context, channel, customer string) error {
	f, _, err := d.store.Friendship(ctx, channel, customer)
	if err != nil {
		return err
	}
	if f == Blocked {
		return ErrBlocked
	}
	return nil
}

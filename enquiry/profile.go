package enquiry

import (
	"context"
	"time"
)

// Profile is what the desk can tell staff about a customer of a channel:
// the customer panel of a room.
type Profile struct {
	// ID is the platform's user ID of the customer.
	ID string
	// Name is the customer's display name: the one the desk recorded
	// (Desk.SetCustomerName), else the platform's, else "".
	Name string
	// PictureURL is the customer's profile picture on the platform, when
	// the channel's Sender is a Profiler that knows one. It points at the
	// platform, not at the desk.
	PictureURL string
	// Friendship is the customer's recorded friendship with the
	// channel's account ("" when no follow or block event was seen), and
	// FriendshipAt as of when.
	Friendship   Friendship
	FriendshipAt time.Time
}

// Profiler is implemented by a Sender whose platform gives customers'
// profiles. CustomerProfile returns what the platform shows of the
// customer: their Name and PictureURL (ID and the friendship are the
// desk's). A customer the platform gives no profile for is not an error:
// the Profile is empty.
type Profiler interface {
	CustomerProfile(ctx context.Context, ch Channel, customer string) (Profile, error)
}

// profileTimeout bounds the platform's look-up of a profile: a slow
// platform costs the panel its picture, not its history.
const profileTimeout = 3 * time.Second

// Profile returns what the desk knows of the customer of the channel:
// the recorded name and friendship and, when the channel's Sender is a
// Profiler, the platform's picture (and its name, when the desk has
// none). A failed platform look-up is logged and leaves the picture out.
// ErrNotFound for an unknown channel.
func (d *Desk) Profile(ctx context.Context, channel, customer string) (Profile, error) {
	c, err := d.channel(ctx, channel)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{ID: customer}
	if p.Name, err = d.store.CustomerName(ctx, channel, customer); err != nil {
		return Profile{}, err
	}
	if p.Friendship, p.FriendshipAt, err = d.store.Friendship(ctx, channel, customer); err != nil {
		return Profile{}, err
	}
	pr, ok := d.kind(c.ch.Kind).Sender.(Profiler)
	if !ok || p.Friendship == Blocked {
		return p, nil // a platform shows nothing of a customer who blocked the account
	}
	lctx, cancel := context.WithTimeout(ctx, profileTimeout)
	defer cancel()
	got, err := pr.CustomerProfile(lctx, c.ch, customer)
	if err != nil {
		if ctx.Err() == nil {
			d.log.WarnContext(ctx, "customer profile not looked up", "channel", channel, "err", err)
		}
		return p, nil
	}
	p.PictureURL = got.PictureURL
	if p.Name == "" {
		p.Name = got.Name
	}
	return p, nil
}

package enquiry

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/internal/uuid"
)

// Canned replies.
//
// A channel's canned replies are texts its staff insert into their
// messages instead of typing them: an admin keeps them, staff pick one by
// its name. Their text has the auto-messages' placeholders ({customer},
// {staff}, {channel}, {back}, {if …}) and limits (automsg.Parse), filled in
// as the auto-messages are, for the enquiry at hand (Desk.RenderCanned).
// Inserting one only fills the staff member's message box: what is sent
// is the staff member's message, checked and sent as any other.

// MaxCannedName is the most characters (Unicode code points) of a canned
// reply's name.
const MaxCannedName = 40

// ErrCannedExists: the channel has a canned reply of that name, in some
// case of its letters, or of that ID.
var ErrCannedExists = errors.New("enquiry: the channel already has a canned reply of that name")

// CannedReply is a text staff insert into a message, kept per channel. A
// CannedReply is a value.
type CannedReply struct {
	// ID names the reply; the desk gives a new one a UUID.
	ID string `json:"id"`
	// Channel is the ID of the channel whose staff use it.
	Channel string `json:"channel"`
	// Name is what staff type after "/" to find it, e.g. "thanks": 1 to
	// MaxCannedName letters, digits, marks and . _ -, unique in the channel
	// whatever the case of its letters.
	Name string `json:"name"`
	// Text is what is inserted, with the auto-messages' placeholders: it
	// must compile with automsg.Parse.
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Validate reports the first field that is not acceptable, as a
// *ValidationError: an ID, a channel, a name of 1 to MaxCannedName
// letters, digits, marks and . _ -, and a text automsg.Parse accepts (the
// *ValidationError of the text wraps automsg's error, for errors.As).
// Stores call it before writing.
func (c *CannedReply) Validate() error {
	switch n := utf8.RuneCountInString(c.Name); {
	case c.ID == "":
		return invalid("id", "a canned reply needs an ID", nil)
	case c.Channel == "":
		return invalid("channel", "a canned reply needs its channel", nil)
	case n == 0:
		return invalid("name", "a canned reply needs a name, the word staff type after / to find it", nil)
	case n > MaxCannedName || !cannedName(c.Name):
		return invalid("name", "at most 40 letters, digits and . _ - (no spaces), as in /thanks", nil)
	}
	if _, err := automsg.Parse(c.Text); err != nil {
		return invalid("text", err.Error(), err)
	}
	return nil
}

// cannedName reports whether s is valid UTF-8 of letters, digits, marks
// and . _ - only.
func cannedName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsNumber(r), unicode.IsMark(r):
		case r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

// CannedKey is the form of a canned reply's name that is unique in its
// channel: its letters in lower case, so that "Thanks" and "thanks" are
// one name. Stores compare names by it.
func CannedKey(name string) string { return strings.ToLower(name) }

// CannedStore keeps the channels' canned replies. Deleting a channel
// (ChannelStore.DeleteChannel) deletes its canned replies.
type CannedStore interface {
	// CreateCanned stores a new canned reply: ErrNotFound if its channel
	// does not exist, ErrCannedExists if the channel has one with its ID
	// or its name (by CannedKey), a *ValidationError if Validate fails.
	CreateCanned(ctx context.Context, c CannedReply) error
	// UpdateCanned replaces the channel's canned reply c.ID (Created
	// included): ErrNotFound if the channel has none of that ID,
	// ErrCannedExists if another has its name, a *ValidationError if
	// Validate fails.
	UpdateCanned(ctx context.Context, c CannedReply) error
	// DeleteCanned removes the channel's canned reply id: ErrNotFound if
	// it has none of that ID.
	DeleteCanned(ctx context.Context, channel, id string) error
	// CannedReply returns the channel's canned reply id: ErrNotFound.
	CannedReply(ctx context.Context, channel, id string) (CannedReply, error)
	// CannedReplies returns the channel's canned replies ordered by
	// CannedKey of their names, none (and no error) for a channel that
	// does not exist.
	CannedReplies(ctx context.Context, channel string) ([]CannedReply, error)
}

// CannedReplies returns the channel's canned replies, ordered by name
// whatever the case: ErrNotFound if there is no such channel.
func (d *Desk) CannedReplies(ctx context.Context, channel string) ([]CannedReply, error) {
	if _, err := d.store.Channel(ctx, channel); err != nil {
		return nil, err
	}
	return d.store.CannedReplies(ctx, channel)
}

// CannedReply returns the channel's canned reply id: ErrNotFound.
func (d *Desk) CannedReply(ctx context.Context, channel, id string) (CannedReply, error) {
	return d.store.CannedReply(ctx, channel, id)
}

// CreateCanned validates and stores a new canned reply of c.Channel: the
// desk gives it an ID (when c has none) and sets Created and Updated. A
// text automsg.Parse refuses is a *ValidationError of field "text" that
// wraps automsg's error. ErrNotFound if there is no such channel,
// ErrCannedExists if the channel has a reply of that name.
func (d *Desk) CreateCanned(ctx context.Context, c CannedReply) (CannedReply, error) {
	if c.ID == "" {
		c.ID = uuid.New()
	}
	if err := c.Validate(); err != nil {
		return CannedReply{}, err
	}
	c.Created = d.clock.Now().UTC().Truncate(time.Microsecond) // as a database keeps it
	c.Updated = c.Created
	if err := d.store.CreateCanned(ctx, c); err != nil {
		return CannedReply{}, err
	}
	d.publish(ChannelChanged, c.Channel, nil, nil)
	return c, nil
}

// UpdateCanned validates and stores an edited canned reply, keeping its
// creation time: ErrNotFound if c.Channel has no reply c.ID, and the
// errors of CreateCanned.
func (d *Desk) UpdateCanned(ctx context.Context, c CannedReply) (CannedReply, error) {
	old, err := d.store.CannedReply(ctx, c.Channel, c.ID)
	if err != nil {
		return CannedReply{}, err
	}
	if err := c.Validate(); err != nil {
		return CannedReply{}, err
	}
	c.Created = old.Created
	c.Updated = d.clock.Now().UTC().Truncate(time.Microsecond)
	if !c.Updated.After(old.Updated) {
		c.Updated = old.Updated.Add(time.Microsecond) // a distinct version even with a frozen clock
	}
	if err := d.store.UpdateCanned(ctx, c); err != nil {
		return CannedReply{}, err
	}
	d.publish(ChannelChanged, c.Channel, nil, nil)
	return c, nil
}

// DeleteCanned deletes the channel's canned reply id: ErrNotFound if it
// has none of that ID.
func (d *Desk) DeleteCanned(ctx context.Context, channel, id string) error {
	if err := d.store.DeleteCanned(ctx, channel, id); err != nil {
		return err
	}
	d.publish(ChannelChanged, channel, nil, nil)
	return nil
}

// RenderCanned returns the texts of the canned replies, in their order,
// as staff would send them in the enquiry: the placeholders filled in as
// the enquiry's auto-messages are ({customer} the customer's name,
// {channel} the channel's, {back} from the channel's office hours), with
// {staff} the name of staff (the one who inserts the reply; "" means the
// staff member attending the enquiry) in the channel's display-name
// format. ErrNotFound if there is no such enquiry; a *ValidationError of
// field "channel" if a reply is of another channel than the enquiry's.
func (d *Desk) RenderCanned(ctx context.Context, enquiry, staff string, replies []CannedReply) ([]string, error) {
	e, err := d.store.Enquiry(ctx, enquiry)
	if err != nil {
		return nil, err
	}
	c, err := d.channel(ctx, e.Channel)
	if err != nil {
		return nil, err
	}
	if staff != "" {
		e.Staff = staff
	}
	v := d.vars(c, &e, d.clock.Now())
	out := make([]string, len(replies))
	for i, r := range replies {
		if r.Channel != e.Channel {
			return nil, invalid("channel", "canned reply "+r.ID+" is of channel "+r.Channel+", not of the enquiry's channel "+e.Channel, nil)
		}
		t, err := automsg.Parse(r.Text)
		if err != nil {
			return nil, invalid("text", err.Error(), err)
		}
		out[i] = t.Render(v, c.ch.AutoMessages.NameFormat)
	}
	return out, nil
}

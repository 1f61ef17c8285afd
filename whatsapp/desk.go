package whatsapp

import (
	"context"
	"errors"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// ChannelKind is the enquiry.Channel.Kind of WhatsApp channels. Such a
// channel's Account is its business phone number ID and its
// Credentials.Token the access token allowed to use it.
const ChannelKind = "whatsapp"

// DeskKind returns what the desk needs for channels of kind ChannelKind
// (enquiry.Config.Kinds[ChannelKind]): c as their sender, WhatsApp's media
// policy and text limit (media.WhatsApp), one message a request (the Cloud
// API takes one) and the 24-hour customer service window.
func DeskKind(c *Client) enquiry.Kind {
	return enquiry.Kind{Sender: DeskSender{c}, Policy: media.WhatsApp, MaxBatch: 1, ReplyWindow: ServiceWindow}
}

// DeskSender sends the desk's messages through a Client: it implements
// enquiry.Sender and enquiry.ReadMarker for channels of kind ChannelKind.
// It is a plain value, safe for concurrent use.
type DeskSender struct{ Client *Client }

// ErrMediaUnsupported: sending media from the desk needs an upload to the
// Cloud API, which the desk sender does not do yet; nothing was sent.
var ErrMediaUnsupported = errors.New("whatsapp: media_unsupported: the desk cannot send media to WhatsApp yet (it needs an upload); send text")

// Send sends out's one message (DeskKind sets batches of one) to its
// customer from the channel's phone number. A send after out.FreeUntil
// fails with an error matching both ErrWindowClosed and
// enquiry.ErrWindowClosed, before any request; a channel of another
// kind, or more than one message, fails with ErrInvalidMessage. The
// receipt's RequestID is the message's WhatsApp ID, which statuses name.
func (s DeskSender) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	if out.Channel.Kind != ChannelKind {
		return enquiry.Receipt{}, invalid("the channel is not a WhatsApp channel")
	}
	if len(out.Messages) != 1 {
		return enquiry.Receipt{}, invalid("one message a request")
	}
	if !out.FreeUntil.IsZero() && !s.Client.clock.Now().Before(out.FreeUntil) {
		return enquiry.Receipt{}, windowClosed{}
	}
	from := numberOf(out.Channel)
	c := out.Messages[0].Content
	replyTo := ""
	if c.Quote != nil {
		replyTo = c.Quote.ExternalID
	}
	switch c.Kind {
	case enquiry.Text:
		id, err := s.Client.SendText(ctx, from, out.Customer.ID, c.Text, replyTo)
		return enquiry.Receipt{RequestID: id}, err
	default:
		return enquiry.Receipt{}, notRetryable{ErrMediaUnsupported}
	}
}

// MarkRead marks the customer's messages up to the one whose WhatsApp ID
// is token (the Content.ReadToken the webhook records) as read.
func (s DeskSender) MarkRead(ctx context.Context, ch enquiry.Channel, customer, token string) error {
	return s.Client.MarkRead(ctx, numberOf(ch), token, false)
}

// numberOf is the phone number a WhatsApp channel sends from.
func numberOf(ch enquiry.Channel) Number {
	return Number{PhoneNumberID: ch.Account, Token: ch.Credentials.Token}
}

// windowClosed is the refusal of a send after the window.
type windowClosed struct{}

func (windowClosed) Error() string   { return ErrWindowClosed.Error() }
func (windowClosed) Unwrap() []error { return []error{ErrWindowClosed, enquiry.ErrWindowClosed} }
func (windowClosed) Retryable() bool { return false }

// notRetryable marks an error as permanent for the desk.
type notRetryable struct{ error }

func (e notRetryable) Unwrap() error { return e.error }
func (notRetryable) Retryable() bool { return false }

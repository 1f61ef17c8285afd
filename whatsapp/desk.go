package whatsapp

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// ChannelKind is the enquiry.Channel.Kind of WhatsApp channels. Such a
// channel's Account is its business phone number ID and its
// Credentials.Token the access token allowed to use it.
const ChannelKind = "whatsapp"

// DeskKind returns what the desk needs for channels of kind ChannelKind
// (enquiry.Config.Kinds[ChannelKind]): a DeskSender on c and blobs as
// their sender, WhatsApp's media policy and text limit (media.WhatsApp),
// one message a request (the Cloud API takes one) and the 24-hour
// customer service window. blobs is the desk's blob store (its
// Config.Blobs), from which staff's images, audio and video are
// uploaded; nil sends text only.
func DeskKind(c *Client, blobs enquiry.BlobStore) enquiry.Kind {
	return enquiry.Kind{Sender: DeskSender{Client: c, Blobs: blobs}, Policy: media.WhatsApp, MaxBatch: 1, ReplyWindow: ServiceWindow}
}

// DeskSender sends the desk's messages through a Client: it implements
// enquiry.Sender and enquiry.ReadMarker for channels of kind ChannelKind.
// It is a plain value, safe for concurrent use.
type DeskSender struct {
	Client *Client
	// Blobs holds the content of staff's media messages
	// (enquiry.MediaRef.Key); nil: media messages fail with
	// ErrMediaUnsupported.
	Blobs enquiry.BlobStore
}

// ErrMediaUnsupported: a media message the desk sender cannot send: it
// has no blob store to read it from, or the message is of a kind
// WhatsApp's desk sender does not carry (stickers); nothing was sent.
var ErrMediaUnsupported = errors.New("whatsapp: media_unsupported: this media cannot be sent to WhatsApp from the desk; send text, an image, audio or a video")

// Send sends out's one message (DeskKind sets batches of one) to its
// customer from the channel's phone number. A send after out.FreeUntil
// fails with an error matching both ErrWindowClosed and
// enquiry.ErrWindowClosed, before any request; a channel of another
// kind, or more than one message, fails with ErrInvalidMessage. The
// receipt's RequestID is the message's WhatsApp ID, which statuses name.
//
// An image, audio or video goes by its https MediaRef.URL when it has
// one; otherwise its content is read from Blobs, judged again by
// media.WhatsApp (a refusal is a *media.Error, and nothing is sent),
// uploaded to the Cloud API and sent by the media ID the upload gives.
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
	case enquiry.Image, enquiry.Audio, enquiry.Video:
		mm, err := s.media(ctx, from, c)
		if err != nil {
			return enquiry.Receipt{}, err
		}
		mm.ReplyTo = replyTo
		id, err := s.Client.SendMedia(ctx, from, out.Customer.ID, mm)
		return enquiry.Receipt{RequestID: id}, err
	default:
		return enquiry.Receipt{}, notRetryable{ErrMediaUnsupported}
	}
}

// media is the media message of c: by its https URL, or uploaded from
// Blobs after media.WhatsApp accepted its bytes.
func (s DeskSender) media(ctx context.Context, from Number, c enquiry.Content) (MediaMessage, error) {
	mm := MediaMessage{Kind: string(c.Kind)}
	switch {
	case c.Media == nil:
		return mm, notRetryable{invalid("the message has no media")}
	case strings.HasPrefix(c.Media.URL, "https://"):
		mm.Link = c.Media.URL
		return mm, nil
	case s.Blobs == nil || c.Media.Key == "":
		return mm, notRetryable{ErrMediaUnsupported}
	}
	b, err := s.Blobs.Open(ctx, c.Media.Key)
	if err != nil {
		return mm, err
	}
	defer b.Close()
	v, err := media.WhatsApp.Check(b, b.Size()) // reads only what it needs
	switch {
	case err != nil:
		return mm, notRetryable{err}
	case string(v.Kind) != string(c.Kind):
		return mm, notRetryable{&media.Error{Code: media.CodeUnsupportedFormat, Kind: v.Kind, Format: v.Format,
			Reason: "The file is " + string(v.Kind) + " content, not " + string(c.Kind) + "."}}
	}
	data := make([]byte, b.Size()) // at most WhatsApp's 16 MB: the policy refused more
	if _, err := b.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return mm, err
	}
	mm.ID, err = s.Client.Upload(ctx, from, MIMEType(v.Format), data)
	return mm, err
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

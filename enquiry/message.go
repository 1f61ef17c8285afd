package enquiry

import (
	"time"

	"github.com/socialdesk/socialdesk/media"
)

// Direction is which way a message went.
type Direction string

// Directions.
const (
	In  Direction = "in"  // from the customer
	Out Direction = "out" // to the customer
)

// AuthorKind is who wrote a message.
type AuthorKind string

// Author kinds.
const (
	AuthorCustomer AuthorKind = "customer"
	AuthorStaff    AuthorKind = "staff"
	// AuthorBot marks auto-messages (Welcome, Away, Close) and the note
	// with the channel's custom info added to a missed enquiry's room.
	AuthorBot AuthorKind = "bot"
	// AuthorSystem marks notes about events (the customer blocked the
	// account, unsent a message, …). They are never sent to the customer.
	AuthorSystem AuthorKind = "system"
)

// Author is who wrote a message.
type Author struct {
	Kind AuthorKind `json:"kind"`
	ID   string     `json:"id,omitempty"` // staff ID or customer ID; for bots, what it is: "welcome", "away", "close", "custom-info", "warning"
	// Via, for staff, is the credential the staff member acted through,
	// as the host names it ("service", "session", "token"): set with
	// WithVia on the context of the call that wrote the message.
	Via string `json:"via,omitempty"`
}

// ContentKind is what a message holds.
type ContentKind string

// Content kinds.
const (
	Text    ContentKind = "text"
	Image   ContentKind = "image"
	Video   ContentKind = "video"
	Audio   ContentKind = "audio"
	Sticker ContentKind = "sticker"
	// Unsupported content is recorded, never dropped, so staff know the
	// customer sent something; Content.Unsupported says what and why.
	Unsupported ContentKind = "unsupported"
	// Note is a note for staff in the room: a system note (In) or a bot
	// note such as the channel's custom info (Out). A note has no
	// Delivery and is never sent to the customer, whatever its Direction.
	Note ContentKind = "note"
)

// Content is a message's payload; Kind says which field is set.
type Content struct {
	Kind ContentKind `json:"kind"`
	// Text is a text's or a note's words; beside a customer's media (or
	// the note on content the desk does not show), the caption the
	// customer wrote with it, when the platform has captions.
	Text        string           `json:"text,omitempty"`
	Media       *MediaRef        `json:"media,omitempty"`
	Sticker     *StickerRef      `json:"sticker,omitempty"`
	Unsupported *UnsupportedNote `json:"unsupported,omitempty"`
	// State says where a customer's image, video or audio is: pending
	// while the connector fetches it after the message was recorded,
	// then available (Media.Key is in the blob store) or unavailable
	// (Kind becomes Unsupported and Unsupported says why). Empty for
	// every other message, and for media recorded with its content.
	// See Desk.AttachContent.
	State ContentState `json:"state,omitempty"`
	// OriginalLength, when set, says Text was cut on the way in (to the
	// desk's Config.MaxInboundText) and is how long the customer's text
	// was, in UTF-16 code units: staff see the beginning
	// and are told the rest was not kept.
	OriginalLength int `json:"originalLength,omitempty"`
	// Quote, when set, is the message this one quotes: on a customer's
	// message, what the platform said it quotes; on a staff message, the
	// customer message staff quoted (see Desk.SendQuote).
	Quote *Quote `json:"quote,omitempty"`
	// ReadToken and QuoteToken are the platform's handles on an inbound
	// message (opaque to the desk): ReadToken marks
	// the customer's messages up to this one read (Desk.MarkRead),
	// QuoteToken lets staff quote it. They are kept with the message and
	// never shown or logged; the desk's API views leave them out.
	ReadToken  string `json:"readToken,omitempty"`
	QuoteToken string `json:"quoteToken,omitempty"`
}

// Quote is what a message quotes.
type Quote struct {
	// Message is the desk's ID of the quoted message, when the desk has
	// it in the enquiry's transcript.
	Message string `json:"message,omitempty"`
	// ExternalID is the platform's ID of the quoted message, when known.
	ExternalID string `json:"externalId,omitempty"`
	// Text is the beginning of the quoted message's text (at most
	// MaxQuoteExcerpt UTF-16 units), or what kind of message it is.
	Text string `json:"text,omitempty"`
	// Token is the quoted message's quote token, which a staff message
	// carries to the platform. Never shown or logged.
	Token string `json:"token,omitempty"`
}

// MaxQuoteExcerpt is how much of a quoted message's text a quote keeps,
// in UTF-16 code units.
const MaxQuoteExcerpt = 100

// MediaRef points at media content kept in the host's blob storage.
type MediaRef struct {
	Kind   media.Kind   `json:"kind"`
	Format media.Format `json:"format"`
	Size   int64        `json:"size"`
	// Key names the content in the host's BlobStore.
	Key string `json:"key,omitempty"`
	// URL is where a platform or browser can fetch it, when known.
	URL string `json:"url,omitempty"`
	// PlatformID is the platform's own ID of the content, for connectors
	// that fetch it by ID: kept on a message whose content is pending, so
	// that a connector that restarted can fetch it again.
	PlatformID string `json:"platformId,omitempty"`
	// PreviewURL is a preview image (images and videos), when known.
	PreviewURL string `json:"previewUrl,omitempty"`
	// PreviewKey names a preview image of the content (JPEG or PNG) in
	// the host's BlobStore, when one was stored with it: a host's URL
	// signer hands it to platforms that show one (some show one with
	// every video, and with large images).
	PreviewKey string `json:"previewKey,omitempty"`
	// Duration of audio and video, when known.
	Duration time.Duration `json:"duration,omitempty"`
}

// StickerRef identifies a platform sticker. Sticker images are not
// downloaded.
type StickerRef struct {
	Package  string   `json:"package"`
	ID       string   `json:"id"`
	Keywords []string `json:"keywords,omitempty"`
}

// UnsupportedNote says what was received and why it is not shown.
type UnsupportedNote struct {
	Kind   string `json:"kind"`           // the platform's kind, e.g. "file", "location"
	Code   string `json:"code,omitempty"` // a media refusal code, when media caused it
	Reason string `json:"reason"`         // a sentence for staff
}

// Content is the content of a customer message the desk does not show,
// for the reason n gives: Kind Unsupported, with n as its Unsupported.
func (n UnsupportedNote) Content() Content { return Content{Kind: Unsupported, Unsupported: &n} }

// DeliveryState is where an outbound message is on its way out.
type DeliveryState string

// Delivery states.
const (
	Pending DeliveryState = "pending"
	Sent    DeliveryState = "sent"
	Failed  DeliveryState = "failed"
	// Delivered and Read: after Sent, the platform reported the message
	// reached the customer's device, and that the customer read it (see
	// Desk.DeliveryStatus). Platforms without such reports leave it Sent.
	Delivered DeliveryState = "delivered"
	Read      DeliveryState = "read"
	// QuotaExhausted: not sent, because the account's message quota for
	// the period was used up (ErrQuotaExhausted); a reply (free on some platforms)
	// was not possible. It is final, as Failed is, and is never retried
	// on its own: weeks later the message may no longer make sense. Staff
	// may send it again once the quota allows.
	QuotaExhausted DeliveryState = "quota_exhausted"
)

// Delivery is an outbound message's state; inbound messages have none.
type Delivery struct {
	State DeliveryState `json:"state"`
	// Reason says why it failed, in the platform's words.
	Reason string `json:"reason,omitempty"`
	// RequestID is the platform's ID for the request that sent (or
	// refused) it, for support tickets.
	RequestID string    `json:"requestId,omitempty"`
	At        time.Time `json:"at,omitzero"`
	Attempts  int       `json:"attempts,omitempty"`
	// LeaseUntil is set while a desk instance is sending it, or waits
	// to retry it: until then no other instance claims it.
	LeaseUntil time.Time `json:"-"`
	// Owner is the desk instance (Config.Instance) holding LeaseUntil. A
	// desk that starts under the same name takes the lease over at once.
	Owner string `json:"-"`
	// Reply is the reply handle the message's batch took from its
	// enquiry for a send whose outcome is not yet recorded: the sending
	// process died, or was stopped, mid-request. The next attempt uses
	// the same handle again instead of sending another way (see
	// Outbound.ReplyRetry), so the message reaches the customer once.
	// It is cleared once an outcome is recorded. Never shown.
	Reply Reply `json:"-"`
}

// Message is one entry of an enquiry's transcript.
type Message struct {
	ID        string    `json:"id"` // a UUID; also the platform retry key
	Enquiry   string    `json:"enquiry"`
	Channel   string    `json:"channel"`
	Seq       int64     `json:"seq"` // order within the enquiry, from 1
	Direction Direction `json:"direction"`
	Author    Author    `json:"author"`
	Time      time.Time `json:"time"`
	Content   Content   `json:"content"`
	// ExternalID is the platform's message ID (inbound); unique per
	// customer of a channel.
	ExternalID string `json:"externalId,omitempty"`
	// Batch groups outbound messages sent in one request: the ID of the
	// batch's first message, which is also the request's retry key. A
	// batch longer than its kind's Kind.MaxBatch is cut into requests; the
	// later ones are keyed by the ID of their own first message.
	Batch    string    `json:"batch,omitempty"`
	Delivery *Delivery `json:"delivery,omitempty"`
	// Unsent is set when the customer unsent the message on the platform.
	Unsent bool `json:"unsent,omitempty"`
}

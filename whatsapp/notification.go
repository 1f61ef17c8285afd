package whatsapp

import (
	"encoding/json"
	"time"
)

// ObjectWhatsApp is the "object" of every WhatsApp Business Account
// webhook body.
const ObjectWhatsApp = "whatsapp_business_account"

// FieldMessages is the webhook field that carries customers' messages and
// the statuses of the business's own messages.
const FieldMessages = "messages"

// Message types, as Meta names them in a message's "type". A message of
// any other type is parsed with Type as sent and Kind TypeUnsupported.
const (
	TypeText        = "text"
	TypeImage       = "image"
	TypeAudio       = "audio"
	TypeVideo       = "video"
	TypeDocument    = "document"
	TypeSticker     = "sticker"
	TypeLocation    = "location"
	TypeContacts    = "contacts"
	TypeInteractive = "interactive" // a reply to a button or list message
	TypeButton      = "button"      // a tap on a template's quick-reply button
	TypeReaction    = "reaction"
	TypeUnsupported = "unsupported"
)

// Delivery statuses of the business's messages, in the order they
// normally happen; StatusFailed may come at any point.
const (
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Notification is one webhook request body: every change of every entry,
// in the order Meta sent them. It is a plain value, safe to read from many
// goroutines once parsed.
type Notification struct {
	// Object is ObjectWhatsApp.
	Object  string
	Changes []Change
}

// Change is one entry's change. Only changes of FieldMessages have
// messages, statuses and contacts; others keep just their Raw value. Like
// every type of a Notification, it is a plain value, safe to read from
// many goroutines.
type Change struct {
	// Account is the entry's ID: the WhatsApp Business Account ID.
	Account string
	// Field is the webhook field ("messages", or another the app
	// subscribed to).
	Field string
	// PhoneNumberID and DisplayPhoneNumber are the business number the
	// change concerns (value.metadata).
	PhoneNumberID      string
	DisplayPhoneNumber string
	// Contacts are the customers named in the change, with the profile
	// names WhatsApp shows.
	Contacts []Contact
	// Messages are customers' messages; each has its sender's profile name.
	Messages []Message
	// Statuses are delivery statuses of the business's messages.
	Statuses []Status
	// Errors are problems Meta reports for the change as a whole.
	Errors []Problem
	// Raw is the change's value exactly as received.
	Raw json.RawMessage
}

// Contact is a customer a change names.
type Contact struct {
	// WaID is the customer's WhatsApp ID (their phone number, digits only).
	WaID string
	// Name is the customer's profile name, "" when they have none.
	Name string
}

// Message is one customer message. Fields other than those of its Kind are
// zero.
type Message struct {
	// ID is WhatsApp's message ID ("wamid.…"), kept across redeliveries,
	// which de-duplication keys on. When a message has none, ID is derived
	// from its content ("sha256:…").
	ID string
	// From is the sender's WhatsApp ID, which orders processing: one
	// customer's messages are handled in the order sent.
	From string
	// ProfileName is the sender's profile name from the change's contacts.
	ProfileName string
	// Time is when the customer sent the message (zero if absent).
	Time time.Time
	// Type is the message's "type" as sent.
	Type string
	// Kind is Type when the package knows it, else TypeUnsupported.
	Kind string
	// Text is a text message's body, a media message's caption, the title
	// of an interactive reply or the text of a button tap.
	Text string
	// Media is set for image, audio, video, document and sticker messages.
	Media *Media
	// Location is set for location messages.
	Location *Location
	// Contacts are the contact cards of a contacts message.
	Contacts []SharedContact
	// Reply is set for interactive replies and button taps.
	Reply *Reply
	// Reaction is set for reaction messages.
	Reaction *Reaction
	// Context is the message this one answers or quotes, if any.
	Context *Context
	// Errors are Meta's reasons for an unsupported message (e.g. code
	// 131051, "Message type unknown").
	Errors []Problem
	// Raw is the message's JSON exactly as received.
	Raw json.RawMessage
}

// Media describes the file of a media message. The bytes are fetched by
// ID from the Graph API.
type Media struct {
	ID       string
	MIMEType string
	// SHA256 is the file's checksum as Meta reports it.
	SHA256 string
	// Filename is a document's file name.
	Filename string
	// Voice is true for a voice note (audio recorded in the app).
	Voice bool
	// Animated is true for an animated sticker.
	Animated bool
}

// Location is a shared place.
type Location struct {
	Latitude, Longitude float64
	Name, Address, URL  string
}

// SharedContact is one contact card of a contacts message.
type SharedContact struct {
	// Name is the card's formatted name.
	Name string
	// Phones are its phone numbers as written on the card.
	Phones []string
}

// Reply is the customer's choice in an interactive message or a
// template's quick-reply button.
type Reply struct {
	// Type is "button_reply", "list_reply", or "button" for a template
	// button; other interactive types ("nfm_reply", …) keep their name.
	Type string
	// ID is the button's or row's ID (a template button's payload).
	ID string
	// Title is what the customer saw and tapped.
	Title string
	// Description is a list row's description.
	Description string
}

// Reaction is an emoji reaction to a message; an empty Emoji removes the
// reaction.
type Reaction struct {
	MessageID string
	Emoji     string
}

// Context is the message a customer message refers to.
type Context struct {
	// From is who sent the referred message, ID its message ID.
	From, ID string
	// Forwarded is true when the message was forwarded.
	Forwarded bool
}

// Status is a delivery status of one of the business's messages.
type Status struct {
	// ID is the message's ID, as the send answered it.
	ID string
	// Status is StatusSent, StatusDelivered, StatusRead or StatusFailed
	// (or another value Meta adds).
	Status string
	// RecipientID is the customer's WhatsApp ID.
	RecipientID string
	// Time is when the status happened (zero if absent).
	Time time.Time
	// Errors say why a failed message failed (e.g. 131047,
	// "Re-engagement message").
	Errors []Problem
	// Raw is the status's JSON exactly as received.
	Raw json.RawMessage
}

// EventID is the status's ID for de-duplication: one message has one
// status of each kind.
func (s *Status) EventID() string { return s.ID + "/" + s.Status }

// Problem is an error object in a webhook: a code and its title, the
// same as the Cloud API's error codes.
type Problem struct {
	Code    int
	Title   string
	Message string
	// Details is error_data.details, a longer explanation.
	Details string
}

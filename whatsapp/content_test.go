package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// TestEveryKindOfCustomerMessageReadsInTheTranscript posts one message of
// each kind the desk shows in its own way after the customer's first text
// and checks what the transcript holds: captions kept beside the media,
// shared contacts and reactions as texts, a sticker as a sticker, and a
// document as a note that names the file.
func TestEveryKindOfCustomerMessageReadsInTheTranscript(t *testing.T) {
	r := newDeskRig(t)
	r.platform.AddMedia("img-1", whatsapptest.Media{Data: jpegOf(t, 0), MIMEType: "image/jpeg", PhoneNumberID: phoneID})
	r.post(whatsapptest.Text(customer, "Hello"))
	r.eventually("the Welcome reaches the customer", func() bool { return len(r.platform.Received(customer)) == 1 })
	welcome := r.platform.Received(customer)[0].ID
	first := whatsapptest.Text(customer, "Is this the one?")

	tests := []struct {
		name string
		item whatsapptest.Item
		ok   func(c enquiry.Content) bool
	}{
		{"an image keeps its caption", whatsapptest.Image(customer, "img-1", "image/jpeg", whatsapptest.Caption("The blue one")),
			func(c enquiry.Content) bool { return c.Kind == enquiry.Image && c.Text == "The blue one" }},
		{"a video keeps its caption, also when its content is unavailable",
			whatsapptest.Video(customer, "no-such-media", "video/mp4", whatsapptest.Caption("It rattles")),
			func(c enquiry.Content) bool {
				return c.Text == "It rattles" && (c.Kind == enquiry.Video || c.Unsupported != nil && c.Unsupported.Kind == "video")
			}},
		{"a shared contact is a text with its name and phone numbers",
			whatsapptest.Contacts(customer, "Barbara J. Johnson", []string{"+1 (940) 555-1234", "+1 (940) 555-5678"}),
			func(c enquiry.Content) bool {
				return c.Kind == enquiry.Text && c.Text == "Contact: Barbara J. Johnson, +1 (940) 555-1234, +1 (940) 555-5678"
			}},
		{"a reaction to the Welcome is its emoji, quoting the Welcome", whatsapptest.Reaction(customer, welcome, "👍"),
			func(c enquiry.Content) bool {
				return c.Kind == enquiry.Text && c.Text == "Reacted with 👍" && c.Quote != nil && c.Quote.Text == "Welcome!"
			}},
		{"a reaction to the customer's own message quotes it", whatsapptest.Reaction(customer, first.ID(), "❤️"),
			func(c enquiry.Content) bool {
				return c.Text == "Reacted with ❤️" && c.Quote != nil && c.Quote.Text == "Is this the one?"
			}},
		{"a reaction taken back says so", whatsapptest.Reaction(customer, welcome, ""),
			func(c enquiry.Content) bool { return c.Kind == enquiry.Text && c.Text == "Removed a reaction" }},
		{"a sticker is a sticker named by its media ID", whatsapptest.Sticker(customer, "sticker-1", false),
			func(c enquiry.Content) bool {
				return c.Kind == enquiry.Sticker && c.Sticker != nil && c.Sticker.ID == "sticker-1" && c.State == ""
			}},
		{"a document is a note that names the file and keeps the caption",
			whatsapptest.Document(customer, "doc-1", "application/pdf", "invoice.pdf", whatsapptest.Caption("My invoice")),
			func(c enquiry.Content) bool {
				u := c.Unsupported
				return c.Kind == enquiry.Unsupported && u != nil && u.Kind == "document" && c.Text == "My invoice" &&
					strings.Contains(u.Reason, `"invoice.pdf"`) && strings.Contains(u.Reason, "does not show documents")
			}},
	}
	r.post(first)
	n := 3 // the customer's two texts and the Welcome
	r.eventually("the second text is recorded", func() bool { _, ms := r.transcript(); return len(ms) == n })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.post(tt.item)
			n++
			r.eventually("the message is recorded", func() bool { _, ms := r.transcript(); return len(ms) == n })
			_, ms := r.transcript()
			if c := ms[n-1].Content; !tt.ok(c) {
				t.Fatalf("recorded %+v (quote %+v, note %+v, sticker %+v)", c, c.Quote, c.Unsupported, c.Sticker)
			}
		})
	}
}

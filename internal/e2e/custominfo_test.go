package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Custom info is the channel's procedure for staff. Through the webhook,
// the desk and the LINE client, a missed enquiry gets it as a note in the
// room, and none of it ever reaches LINE: not by reply, not by push.
func TestCustomInfoNeverReachesLINE(t *testing.T) {
	r := newRig(t, rigConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// 10,000 characters, each line marked so any piece of it is recognised.
	var b strings.Builder
	for b.Len() < 9_000 {
		b.WriteString("STAFF-ONLY procedure step\n")
	}
	info := b.String()
	ch, err := r.desk().Channel(ctx, channelID)
	if err != nil {
		t.Fatal(err)
	}
	ch.CustomInfo, ch.CustomInfoOn = info, true
	if _, err := r.desk().UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}

	// The channel has no routing rule and nobody is on duty: missed at once.
	c := newCustomer(r, 1)
	m := c.compose(r, 1, 0)[0]
	if err := r.deliver(ctx, c.event(m, false)); err != nil {
		t.Fatal(err)
	}
	snap := r.settle(ctx, 1)
	conv := snap[c.id]
	if conv == nil || len(conv.enquiries) != 1 || conv.enquiries[0].State != enquiry.Missed {
		t.Fatalf("conversation %+v; want one missed enquiry", conv)
	}
	var note *enquiry.Message
	for i, msg := range conv.messages[0] {
		if msg.Author.ID == "custom-info" {
			note = &conv.messages[0][i]
		}
	}
	if note == nil || note.Content.Kind != enquiry.Note || note.Content.Text != info || note.Delivery != nil {
		t.Fatalf("custom info note %+v; want the whole text as a note for staff, with no delivery", note)
	}

	// What the customer got: Welcome and Away, nothing of the custom info.
	// Both went out as the message was recorded, before the customer's
	// name was looked up (off the customer's queue): they greet a new
	// customer with the placeholder's fallback.
	var got []string
	for _, msg := range r.platform.Received(c.id) {
		got = append(got, msg.Text)
		if strings.Contains(msg.Text, "STAFF-ONLY") {
			t.Fatalf("custom info reached LINE: %.60q…", msg.Text)
		}
	}
	want := []string{"Welcome valued customer!", "Away valued customer."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("the customer received %q; want %q", got, want)
	}
	// Nor was any request for it made and refused.
	for _, call := range r.platform.Calls() {
		if strings.Contains(call.Path, "/message/") && call.Status != 200 {
			t.Fatalf("a send was refused: %+v", call)
		}
	}
}

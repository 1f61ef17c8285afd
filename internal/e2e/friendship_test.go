package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// Follow and unfollow (block) events through the webhook are kept on the
// customer, open enquiry or not, and nothing is pushed to a customer who
// blocked the account until they add it again.
func TestABlockThroughTheWebhookStopsEveryPush(t *testing.T) {
	r := newRig(t, rigConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	desk := r.desk()

	// A customer in an attended enquiry blocks the account.
	c := newCustomer(r, 1)
	m := c.compose(r, 1, 0)[0]
	if err := r.deliver(ctx, c.event(m, false)); err != nil {
		t.Fatal(err)
	}
	id := r.settle(ctx, 1)[c.id].enquiries[0].ID
	if _, err := desk.Attend(ctx, id, "staff-1"); err != nil {
		t.Fatal(err)
	}
	received := len(r.platform.Received(c.id))
	if err := r.deliver(ctx, linetest.UnfollowEvent(c.id, linetest.At(m.at.Add(time.Second)))); err != nil {
		t.Fatal(err)
	}
	r.settle(ctx, 1)
	if f, err := desk.Friendship(ctx, channelID, c.id); err != nil || f != enquiry.Blocked {
		t.Fatalf("Friendship after the unfollow event = %q, %v; want blocked", f, err)
	}
	if _, err := desk.Send(ctx, id, "staff-1", enquiry.Content{Kind: enquiry.Text, Text: "Still there?"}); !errors.Is(err, enquiry.ErrBlocked) {
		t.Fatalf("Send after the block: %v; want ErrBlocked", err)
	}
	if _, err := desk.Close(ctx, id, "staff-1"); err != nil {
		t.Fatal(err)
	}
	snap := r.settle(ctx, 1)
	msgs := snap[c.id].messages[0]
	if bye := msgs[len(msgs)-1]; bye.Author.ID != "close" || bye.Delivery == nil || bye.Delivery.State != enquiry.Failed || !strings.Contains(bye.Delivery.Reason, "blocked") {
		t.Fatalf("the Close message %+v: delivery %+v; want failed as blocked", bye.Author, bye.Delivery)
	}
	if got := r.platform.Received(c.id); len(got) != received {
		t.Fatalf("LINE carried %d messages to the customer after the block: %+v", len(got)-received, got[received:])
	}

	// Another customer blocks with no enquiry open: staff cannot start one.
	other := newCustomer(r, 2)
	if err := r.deliver(ctx, linetest.UnfollowEvent(other.id, linetest.At(time.Now()))); err != nil {
		t.Fatal(err)
	}
	r.settle(ctx, 1)
	shipped := enquiry.Content{Kind: enquiry.Text, Text: "Your order shipped."}
	if _, _, err := desk.Engage(ctx, channelID, enquiry.Customer{ID: other.id}, "staff-1", shipped); !errors.Is(err, enquiry.ErrBlocked) {
		t.Fatalf("Engage after a block with no enquiry open: %v; want ErrBlocked", err)
	}
	// They add the account again: staff can write to them.
	if err := r.deliver(ctx, linetest.FollowEvent(other.id, true, linetest.At(time.Now().Add(time.Second)))); err != nil {
		t.Fatal(err)
	}
	r.settle(ctx, 1)
	_, msg, err := desk.Engage(ctx, channelID, enquiry.Customer{ID: other.id}, "staff-1", shipped)
	if err != nil {
		t.Fatalf("Engage after the customer unblocked: %v", err)
	}
	// Engage records the message; the desk's outbox sends it.
	var got *enquiry.Delivery
	for _, msgs := range r.settle(ctx, 1)[other.id].messages {
		for _, m := range msgs {
			if m.ID == msg.ID {
				got = m.Delivery
			}
		}
	}
	if got == nil || got.State != enquiry.Sent {
		t.Fatalf("Engage after the customer unblocked: delivery %+v; want sent", got)
	}
	if got := r.platform.Received(other.id); len(got) != 1 || got[0].Text != shipped.Text {
		t.Fatalf("the customer received %+v; want the one message", got)
	}
}

package enquiry_test

import (
	"context"
	"fmt"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// A host wires a desk from a store, a sender (a connector in
// production), and its staff directory; a connector hands it customer
// messages; staff attend, reply and close.
func Example() {
	ctx := context.Background()
	staff := &enquiry.Roster{}
	staff.Add("alice", automsg.Staff{First: "Alice", Last: "Chen"}, 0)
	staff.SetPresence("alice", routing.Available)

	printer := enquiry.SenderFunc(func(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
		for _, m := range out.Messages {
			fmt.Printf("to %s: %s\n", out.Customer.ID, m.Content.Text)
		}
		return enquiry.Receipt{RequestID: "r1"}, nil
	})
	desk, err := enquiry.New(enquiry.Config{Sender: printer, Directory: staff})
	if err != nil {
		panic(err)
	}
	_, err = desk.CreateChannel(ctx, enquiry.Channel{
		ID: "shop", Name: "Shop", Kind: "social",
		// Ring alice, the one staff member, for the default timeout.
		Routing: &routing.Rule{Node: routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice")}}},
		AutoMessages: automsg.Settings{
			Welcome: automsg.Message{On: true, Text: "Thanks for your message!"},
			Close:   automsg.Message{On: true, Text: "Glad we could help."},
		},
	})
	if err != nil {
		panic(err)
	}

	r, _ := desk.Receive(ctx, enquiry.Inbound{
		Channel: "shop", Customer: enquiry.Customer{ID: "U1", Name: "Yui"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "Where is my parcel?"},
	})
	// Receive only records: the Welcome is pending until the desk sends
	// it. A host runs desk.Run, which sends at once; this example sends
	// with Flush to keep its output in order.
	desk.Flush(ctx)
	fmt.Println(r.Enquiry.State, r.Enquiry.Ringing)

	desk.Attend(ctx, r.Enquiry.ID, "alice")
	desk.Send(ctx, r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "It ships today."})
	e, _ := desk.Close(ctx, r.Enquiry.ID, "alice")
	desk.Flush(ctx)
	fmt.Println(e.State)
	// Output:
	// to U1: Thanks for your message!
	// ringing [alice]
	// to U1: It ships today.
	// to U1: Glad we could help.
	// closed
}

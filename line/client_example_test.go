package line_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// A Client serves every channel; point it at LINE (the default) or, as
// here, at a fake platform.
func ExampleNewClient() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})

	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}

	info, err := client.BotInfo(context.Background(), ch)
	fmt.Println(info.UserID, err)
	// Output: Ubot <nil>
}

// Send replies while the customer's reply token is fresh, and pushes with
// the send's retry key otherwise.
func ExampleClient_Send() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}

	out := enquiry.Outbound{
		Channel:  ch,
		Customer: enquiry.Customer{ID: "Ucustomer"},
		Reply:    enquiry.Reply{Handle: p.IssueReplyToken("Ubot", "Ucustomer"), At: time.Now()}, // from the webhook event
		RetryKey: "0b6f3bd4-6a3c-4b0e-9d55-3a7c2f1e9a10",
		Messages: []enquiry.Message{{ID: "0b6f3bd4-6a3c-4b0e-9d55-3a7c2f1e9a10",
			Content: enquiry.Content{Kind: enquiry.Text, Text: "Hello! How can we help?"}}},
	}
	rec, err := client.Send(context.Background(), out)
	fmt.Println(rec.Replied, err)

	// The token is used: the next message is pushed.
	out.RetryKey = "7d1e0f2a-3b4c-4d5e-8f60-718293a4b5c6"
	out.Messages[0].Content.Text = "Anything else?"
	rec, err = client.Send(context.Background(), out)
	fmt.Println(rec.Replied, err)

	for _, m := range p.Received("Ucustomer") {
		fmt.Println(m.Text)
	}
	// Output:
	// true <nil>
	// false <nil>
	// Hello! How can we help?
	// Anything else?
}

// MarkRead marks the customer's messages read up to the one whose webhook
// event carried the token (its markAsReadToken).
func ExampleClient_MarkRead() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}

	token := p.IssueReadToken("Ubot", "Ucustomer") // from the webhook event
	err := client.MarkRead(context.Background(), ch, "Ucustomer", token)
	fmt.Println(err, len(p.Reads()))
	// Output: <nil> 1
}

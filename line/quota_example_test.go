package line_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// Quota tells how many pushes the month has left. Once LINE refuses a
// push for the monthly limit, the client pushes nothing more for the
// channel until the month turns or the quota is raised, and says so.
func ExampleClient_Quota() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	p.SetQuota("Ubot", linetest.Quota{Limited: true, Limit: 1})
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}
	push := func(key, text string) error {
		_, err := client.Send(context.Background(), enquiry.Outbound{
			Channel: ch, Customer: enquiry.Customer{ID: "Ucustomer"}, RetryKey: key,
			Messages: []enquiry.Message{{ID: key, Content: enquiry.Content{Kind: enquiry.Text, Text: text}}},
		})
		return err
	}

	q, err := client.Quota(context.Background(), ch)
	left, _ := q.Remaining()
	fmt.Println(left, err)

	fmt.Println(push("0b6f3bd4-6a3c-4b0e-9d55-3a7c2f1e9a10", "Your order shipped."))
	err = push("7d1e0f2a-3b4c-4d5e-8f60-718293a4b5c6", "It arrives tomorrow.")
	fmt.Println(errors.Is(err, enquiry.ErrQuotaExhausted))
	_, stopped := client.QuotaExhausted(ch.ID)
	fmt.Println(stopped)
	// Output:
	// 1 <nil>
	// <nil>
	// true
	// true
}

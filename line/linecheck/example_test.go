package linecheck_test

import (
	"context"
	"fmt"
	"github.com/socialdesk/socialdesk/setup"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linecheck"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// Run tells a user what is wrong with a channel's set-up, in words.
func ExampleRun() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", Secret: "0123456789abcdef0123456789abcdef", BotUserID: "Ubot", BasicID: "@shop", DisplayName: "Shop"})

	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token", Secret: "0123456789abcdef0123456789abcdef"}}
	cfg := linecheck.Config{
		Owner: func(botUserID string) (string, bool) { return "", false }, // from the host's store
		// A host sets WebhookURL to where it receives the channel's events,
		// e.g. "https://desk.example.com/webhook/line/support".
	}

	for _, c := range linecheck.Run(context.Background(), client, ch, cfg) {
		if c.Status == setup.Fail || c.Status == setup.Pass {
			fmt.Printf("%s: %s: %s\n", c.Name, c.Status, c.Detail)
			if c.Fix != "" {
				fmt.Printf("  fix: %s\n", c.Fix)
			}
		}
	}
	// Output:
	// access token: pass: The token works for the LINE Official Account "Shop" (@shop, bot user ID Ubot).
	// account: pass: Bot user ID Ubot is connected to no other channel.
	// webhook endpoint: fail: No webhook URL is set, so LINE sends no messages to the desk.
	//   fix: Set the Webhook URL to this desk's webhook URL in the LINE Developers Console (your channel → Messaging API tab).
	// message quota: pass: No monthly message limit is set; 0 messages were sent this month.
}

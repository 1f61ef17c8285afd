package line_test

import (
	"context"
	"fmt"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// Profile names the customer; a user LINE gives no profile for (blocked,
// not a friend) has an empty name and no error.
func ExampleClient_Profile() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	p.AddUser(linetest.User{ID: "Ufriend", DisplayName: "Mika"})

	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}

	friend, err := client.Profile(context.Background(), ch, "Ufriend")
	fmt.Printf("%q %v\n", friend.DisplayName, err)
	stranger, err := client.Profile(context.Background(), ch, "Ustranger")
	fmt.Printf("%q %v\n", stranger.DisplayName, err)
	// Output:
	// "Mika" <nil>
	// "" <nil>
}

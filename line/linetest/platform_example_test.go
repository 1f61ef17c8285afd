package linetest_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// A test registers a channel, points the code under test at p.URL() and
// p.DataURL(), and asserts on what the customer received.
func ExampleNew() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})

	req, _ := http.NewRequest("POST", p.URL()+"/v2/bot/message/push",
		strings.NewReader(`{"to":"Ucustomer","messages":[{"type":"text","text":"Hello"}]}`))
	req.Header.Set("Authorization", "Bearer access-token")
	req.Header.Set("X-Line-Retry-Key", "123e4567-e89b-42d3-a456-426614174000")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()

	fmt.Println(res.StatusCode, p.Received("Ucustomer")[0].Text, len(p.Pushes()))
	// Output: 200 Hello 1
}

// Faults make the platform fail on demand, the same way for one seed.
func ExamplePlatform_SetFaults() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	p.SetFaults(linetest.Faults{ServerErrors: 1})

	req, _ := http.NewRequest("GET", p.URL()+"/v2/bot/info", nil)
	req.Header.Set("Authorization", "Bearer access-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode, p.Calls()[0].Fault)
	// Output: 500 5xx
}

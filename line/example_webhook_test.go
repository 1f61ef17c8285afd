package line_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// A host serves LINE's webhook for every channel on one route and runs the
// workers beside it.
func ExampleNewWebhook() {
	ctx := context.Background()
	store := enquiry.NewMemStore()
	desk, _ := enquiry.New(enquiry.Config{Store: store, Sender: enquiry.SenderFunc(
		func(context.Context, enquiry.Outbound) (enquiry.Receipt, error) { return enquiry.Receipt{}, nil })})
	desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Secret: "channel-secret", Token: "access-token"}})

	hook := line.NewWebhook(line.WebhookConfig{Channels: desk, Events: store, Desk: desk})
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/line/{channel}", hook)
	go hook.Run(ctx)
	defer hook.Shutdown(ctx)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, linetest.NewWebhookRequest("channel-secret", "/webhook/line/shop",
		linetest.TextEvent("U4af4980629a0e4ea1c0a1b2c3d4e5f60", "Hello")))
	fmt.Println(rec.Code)
	// Output: 200
}

func ExampleVerifySignature() {
	body := []byte(`{"destination":"U1","events":[]}`)
	signature := linetest.SignBody("channel-secret", body) // what LINE sends in X-Line-Signature
	fmt.Println(line.VerifySignature("channel-secret", body, signature))
	fmt.Println(line.VerifySignature("another-secret", body, signature))
	// Output:
	// true
	// false
}

func ExampleParseEvents() {
	body := linetest.WebhookBody("U0123456789abcdef0123456789abcdef",
		linetest.TextEvent("U4af4980629a0e4ea1c0a1b2c3d4e5f60", "Hello", linetest.WithEventID("01J00000000000000000000001")),
		[]byte(`{"type":"somethingNew","webhookEventId":"01J00000000000000000000002"}`))
	batch, err := line.ParseEvents(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range batch.Events {
		fmt.Println(e.ID, e.Type, e.Source.UserID)
	}
	// Output:
	// 01J00000000000000000000001 message U4af4980629a0e4ea1c0a1b2c3d4e5f60
	// 01J00000000000000000000002 somethingNew
}

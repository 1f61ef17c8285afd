package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

func ExampleVerifySignature() {
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	signature := whatsapptest.SignBody("app-secret", body) // what Meta sends in X-Hub-Signature-256
	fmt.Println(whatsapp.VerifySignature("app-secret", body, signature))
	fmt.Println(whatsapp.VerifySignature("another-secret", body, signature))
	// Output:
	// true
	// false
}

func ExampleVerifySubscription() {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"my-verify-token"}, "hub.challenge": {"1158201444"}}
	challenge, err := whatsapp.VerifySubscription(q, "my-verify-token")
	fmt.Println(challenge, err)
	_, err = whatsapp.VerifySubscription(q, "another-token")
	fmt.Println(err)
	// Output:
	// 1158201444 <nil>
	// whatsapp: verification request: wrong verify token
}

func ExampleParseNotification() {
	body := whatsapptest.Body(whatsapptest.Business{Account: "102290129340398", PhoneNumberID: "106540352242922"},
		whatsapptest.Text("16505551234", "Does it come in blue?", whatsapptest.WithName("Sheena"), whatsapptest.WithID("wamid.1")),
		whatsapptest.StatusFailed("wamid.0", "16505551234", 131047, "Re-engagement message"))
	n, err := whatsapp.ParseNotification(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ch := range n.Changes {
		for _, m := range ch.Messages {
			fmt.Println(m.ID, m.Kind, m.ProfileName, m.Text)
		}
		for _, s := range ch.Statuses {
			fmt.Println(s.ID, s.Status, s.Errors[0].Code)
		}
	}
	// Output:
	// wamid.1 text Sheena Does it come in blue?
	// wamid.0 failed 131047
}

func ExampleClient_SendText() {
	p := whatsapptest.New()
	defer p.Close()
	p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: "106540352242922", Token: "token"})
	p.Deliver("106540352242922", whatsapptest.Text("16505551234", "Hi")) // the customer writes first

	wa := whatsapp.NewClient(whatsapp.Config{APIBase: p.URL()})
	from := whatsapp.Number{PhoneNumberID: "106540352242922", Token: "token"}
	_, err := wa.SendText(context.Background(), from, "16505551234", "How can I help?", "")
	fmt.Println(err, p.Received("16505551234")[0].Text)

	_, err = wa.SendText(context.Background(), from, "16315551181", "Hello?", "") // never wrote
	fmt.Println(errors.Is(err, whatsapp.ErrWindowClosed))
	// Output:
	// <nil> How can I help?
	// true
}

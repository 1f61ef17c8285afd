package whatsapp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// oneApp is the host's store of WhatsApp apps: here one channel, "wa".
type oneApp struct{ app whatsapp.App }

func (a oneApp) App(_ context.Context, ch string) (whatsapp.App, error) {
	if ch != "wa" {
		return whatsapp.App{}, enquiry.ErrNotFound
	}
	return a.app, nil
}

// printRecorder stands for the host's durable store of webhook bodies:
// it prints the messages it is given.
type printRecorder struct{}

func (printRecorder) Record(_ context.Context, ch string, n whatsapp.Notification, _ time.Time) error {
	for _, c := range n.Changes {
		for _, m := range c.Messages {
			fmt.Println(ch, m.From, m.Text)
		}
	}
	return nil
}

// A host serves every WhatsApp channel on one route: Meta's GET
// handshake and its signed POSTs.
func ExampleNewIntake() {
	in := whatsapp.NewIntake(whatsapp.IntakeConfig{
		Apps:     oneApp{whatsapp.App{AppSecret: "app-secret", VerifyToken: "my-verify-token"}},
		Recorder: printRecorder{},
	})
	mux := http.NewServeMux()
	mux.Handle("/webhook/whatsapp/{channel}", in)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, whatsapptest.NewVerificationRequest("/webhook/whatsapp/wa", "my-verify-token", "1158201444"))
	fmt.Println(rec.Code, rec.Body.String())

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, whatsapptest.NewWebhookRequest("app-secret", "/webhook/whatsapp/wa",
		whatsapptest.Business{PhoneNumberID: "106540352242922"}, whatsapptest.Text("16505551234", "Hello")))
	fmt.Println(rec.Code)
	// Output:
	// 200 1158201444
	// wa 16505551234 Hello
	// 200
}

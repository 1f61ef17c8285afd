package whatsapptest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// A test registers a business number, has a customer write (which opens
// the 24-hour window) and checks what the customer received.
func ExampleNew() {
	p := whatsapptest.New()
	defer p.Close()
	p.AddPhoneNumber(whatsapptest.PhoneNumber{ID: "106540352242922", Token: "token", AppSecret: "app-secret"})

	// What Meta would POST to the webhook, signed with the app secret.
	req := p.DeliverRequest("106540352242922", "/webhook/whatsapp/wa", whatsapptest.Text("16505551234", "Hi"))
	fmt.Println(req.Header.Get("X-Hub-Signature-256")[:7])

	// The business answers through the Graph API.
	body, _ := json.Marshal(map[string]any{"messaging_product": "whatsapp", "to": "16505551234", "type": "text",
		"text": map[string]any{"body": "How can I help?"}})
	r, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, p.URL()+"/106540352242922/messages", bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer token")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, p.Received("16505551234")[0].Text)
	// Output:
	// sha256=
	// 200 How can I help?
}

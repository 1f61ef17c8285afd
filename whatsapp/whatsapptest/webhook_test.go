package whatsapptest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// The bodies have the reference's shape, checked on the JSON itself.
func TestBodyHasMetasShape(t *testing.T) {
	at := time.Unix(1749416383, 0)
	body := whatsapptest.Body(whatsapptest.Business{Account: "waba", PhoneNumberID: "pn", DisplayPhoneNumber: "15550783881"},
		whatsapptest.Text("111", "hi", whatsapptest.WithName("Ann"), whatsapptest.WithID("wamid.1"), whatsapptest.At(at)),
		whatsapptest.Text("111", "again"),
		whatsapptest.StatusDelivered("wamid.out", "111", whatsapptest.At(at)))
	var b struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      string `json:"id"`
			Changes []struct {
				Field string `json:"field"`
				Value struct {
					MessagingProduct string `json:"messaging_product"`
					Metadata         struct {
						DisplayPhoneNumber string `json:"display_phone_number"`
						PhoneNumberID      string `json:"phone_number_id"`
					} `json:"metadata"`
					Contacts []struct {
						Profile struct {
							Name string `json:"name"`
						} `json:"profile"`
						WaID string `json:"wa_id"`
					} `json:"contacts"`
					Messages []map[string]any `json:"messages"`
					Statuses []map[string]any `json:"statuses"`
				} `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Object != "whatsapp_business_account" || len(b.Entry) != 1 || b.Entry[0].ID != "waba" || len(b.Entry[0].Changes) != 1 {
		t.Fatalf("envelope %s", body)
	}
	ch := b.Entry[0].Changes[0]
	v := ch.Value
	if ch.Field != "messages" || v.MessagingProduct != "whatsapp" || v.Metadata.PhoneNumberID != "pn" || v.Metadata.DisplayPhoneNumber != "15550783881" {
		t.Fatalf("change %s", body)
	}
	if len(v.Contacts) != 1 || v.Contacts[0].WaID != "111" || v.Contacts[0].Profile.Name != "Ann" {
		t.Fatalf("contacts: one per sender, with the profile name: %s", body)
	}
	m := v.Messages[0]
	if m["id"] != "wamid.1" || m["from"] != "111" || m["timestamp"] != "1749416383" || m["type"] != "text" ||
		m["text"].(map[string]any)["body"] != "hi" {
		t.Fatalf("message %v", m)
	}
	if v.Messages[1]["id"] == m["id"] {
		t.Fatal("two messages share an ID")
	}
	s := v.Statuses[0]
	if s["id"] != "wamid.out" || s["status"] != "delivered" || s["recipient_id"] != "111" || s["timestamp"] != "1749416383" {
		t.Fatalf("status %v", s)
	}
}

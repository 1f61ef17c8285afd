package whatsapp_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// FuzzVerifySignature checks VerifySignature against any secret, body and
// header value: Meta's signature of the body is accepted, and so is
// nothing else — not another body's, not another secret's, not the
// signature with one digit changed.
func FuzzVerifySignature(f *testing.F) {
	f.Add("app-secret", []byte(`{"object":"whatsapp_business_account","entry":[]}`), "")
	f.Add("s", []byte{}, "sha256=")
	f.Add("secret", []byte("\x00\xff body"), "sha256="+strings.Repeat("0", 64))
	f.Add("secret", []byte("{}"), "sha256="+strings.Repeat("G", 64))
	f.Add("", []byte("{}"), "")
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		good := whatsapptest.SignBody(secret, body)
		if got := whatsapp.VerifySignature(secret, body, good); got != (secret != "") {
			t.Fatalf("Meta's signature: %v (secret %q)", got, secret)
		}
		if !strings.EqualFold(header, good) && whatsapp.VerifySignature(secret, body, header) {
			t.Fatalf("accepted %q, which is not the signature %q", header, good)
		}
		if whatsapp.VerifySignature(secret, append(bytes.Clone(body), 'x'), good) {
			t.Fatal("accepted the signature of another body")
		}
		if whatsapp.VerifySignature(secret+"x", body, good) {
			t.Fatal("accepted the signature under another secret")
		}
		flipped := []byte(good)
		flipped[len(flipped)-1] ^= 1
		if whatsapp.VerifySignature(secret, body, string(flipped)) {
			t.Fatal("accepted a changed signature")
		}
	})
}

// FuzzParseNotification parses any body: it never panics, an error is
// always ErrMalformed and never quotes the body, and every message it
// returns has an ID and a Kind.
func FuzzParseNotification(f *testing.F) {
	for _, name := range []string{"messages.json", "statuses.json"} {
		f.Add(readFixture(f, name))
	}
	b := whatsapptest.Business{Account: "1", PhoneNumberID: "2"}
	f.Add(whatsapptest.Body(b, whatsapptest.Text("1", "hi"), whatsapptest.Sticker("1", "m", true), whatsapptest.Unsupported("1"),
		whatsapptest.StatusDelivered("wamid.1", "1")))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"text","text":{"body":1}}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"timestamp":"-1"}],"statuses":[7]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":null}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := whatsapp.ParseNotification(body)
		if err != nil {
			if n.Object != "" || n.Changes != nil {
				t.Fatal("a failed parse returned changes")
			}
			if !strings.Contains(err.Error(), "whatsapp: malformed webhook body") {
				t.Fatalf("error %v is not ErrMalformed's", err)
			}
			if len(body) > 8 && strings.Contains(err.Error(), string(body)) {
				t.Fatal("the error quotes the body")
			}
			return
		}
		for _, ch := range n.Changes {
			for _, m := range ch.Messages {
				if m.ID == "" || m.Kind == "" || len(m.Raw) == 0 {
					t.Fatalf("message %+v lacks an ID, a Kind or Raw", m)
				}
			}
		}
	})
}

// FuzzParseNotificationFast checks ParseNotification's fast path against
// its encoding/json path: wherever the fast path answers, the answer is
// the one the encoding/json path gives, Raw values included.
func FuzzParseNotificationFast(f *testing.F) {
	for _, name := range []string{"messages.json", "statuses.json"} {
		f.Add(readFixture(f, name))
	}
	b := whatsapptest.Business{Account: "1", PhoneNumberID: "2", DisplayPhoneNumber: "3"}
	f.Add(whatsapptest.Body(b, whatsapptest.Text("1", "hi", whatsapptest.WithName("Ann")), whatsapptest.Text("2", "hé \\u00e9 \"x\""),
		whatsapptest.StatusDelivered("wamid.1", "1"), whatsapptest.StatusFailed("wamid.2", "1", 131047, "Re-engagement message")))
	f.Add(whatsapptest.Body(b, whatsapptest.Text("1", "a", whatsapptest.WithID("w")), whatsapptest.Text("1", "b", whatsapptest.WithID("w"))))
	value := func(v string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":` + v + `,"field":"messages"}],"id":"9"}]}`)
	}
	f.Add(value(`{"contacts":[{"wa_id":"1","profile":{"name":"A"}},{"wa_id":"1","profile":{"name":"B"}}],"messages":[{"from":"1","type":"text","text":{"body":"x"},"timestamp":1700000000}]}`))
	f.Add(value(`{"messages":[{"from":"1","type":"text","text":{"body":"x"},"timestamp":"017"},{"type":"text","text":{"body":"x"},"context":{"id":"w","from":"2","forwarded":true}}]}`))
	f.Add(value(`{"messages":[{"id":"1","ID":"2","type":"text","text":{"body":"x"}}]}`))
	f.Add(value(`{"messages":[{"id":"1","type":"text","text":{"body":"x"},"timestamp":"\u0031"}]}`))
	f.Add(value(`{"messages":[{"id":"1","type":"text","text":{"body":"x"},"timestamp":"99999999999999999999"}]}`))
	f.Add(value(`{"statuses":[{"id":"w","status":"failed","errors":[{"code":1.5}]}],"errors":[{"code":1,"title":"t","error_data":{"details":"d"}}]}`))
	f.Add(value(`null`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"a":[1,2.5e3,true,null]}}]}],"object":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := whatsapp.ParseFast(body)
		if !ok {
			return
		}
		slow, err := whatsapp.ParseSlow(body)
		if err != nil {
			t.Fatalf("the fast path read a body the encoding/json path refuses (%v)", err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast path:\n%+v\nencoding/json path:\n%+v", fast, slow)
		}
	})
}

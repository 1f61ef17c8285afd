package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestReadMarksAndQuotesAgainstFakeLINE follows read marks and quotes from
// LINE's webhook through the desk's API back to LINE.
func TestReadMarksAndQuotesAgainstFakeLINE(t *testing.T) {
	d := startRealMode(t)
	const user = "U-cust-1"
	r1, q1 := d.platform.IssueReadToken(testBot, user), d.platform.IssueQuoteToken(testBot, user)
	r2, q2 := d.platform.IssueReadToken(testBot, user), d.platform.IssueQuoteToken(testBot, user)
	d.send(linetest.TextEvent(user, "My order number is 42", linetest.WithMessageID("m-1"),
		linetest.WithReadToken(r1), linetest.WithQuoteToken(q1), linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user))))
	eventually(t, "the enquiry", func() bool { return len(d.enquiries("?state=open")) == 1 })
	id := d.enquiries("?state=open")[0]["id"].(string)
	d.send(linetest.TextEvent(user, "As I said", linetest.WithMessageID("m-2"), linetest.Quoting("m-1"),
		linetest.WithReadToken(r2), linetest.WithQuoteToken(q2)))
	customer := func() []map[string]any {
		var out []map[string]any
		for _, m := range d.messages(id) {
			if m["author"] == "customer" {
				out = append(out, m)
			}
		}
		return out
	}
	eventually(t, "both customer messages", func() bool { return len(customer()) == 2 })
	first, second := customer()[0], customer()[1]

	t.Run("a customer's quote shows what it quotes", func(t *testing.T) {
		q, _ := second["quote"].(map[string]any)
		if q == nil || q["id"] != first["id"] || q["text"] != "My order number is 42" {
			t.Fatalf("the second message's quote is %v, want the first message", second["quote"])
		}
		if first["quotable"] != true || second["quotable"] != true {
			t.Errorf("customer messages with quote tokens are not quotable: %v %v", first["quotable"], second["quotable"])
		}
	})
	t.Run("the API never shows the platform's tokens", func(t *testing.T) {
		res, err := http.Get(d.ts.URL + "/api/enquiries/" + id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, tok := range []string{r1, q1, r2, q2} {
			if strings.Contains(string(b), tok) {
				t.Errorf("token %s is in the enquiry's JSON", tok)
			}
		}
	})

	if n := len(d.platform.Reads()); n != 0 {
		t.Fatalf("%d read marks before anyone attended", n)
	}
	if st, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); st != http.StatusOK {
		t.Fatalf("attend: %d %v", st, v)
	}
	reads := func() []string {
		var out []string
		for _, r := range d.platform.Reads() {
			out = append(out, r.User+" "+r.Token)
		}
		return out
	}
	t.Run("attending marks the messages read once, with the newest token", func(t *testing.T) {
		if got := reads(); len(got) != 1 || got[0] != user+" "+r2 {
			t.Fatalf("read marks %v, want one with the second message's token", got)
		}
		if st, v := d.api("POST", "/api/enquiries/"+id+"/read", `{"staff":"alice"}`); st != http.StatusNoContent {
			t.Fatalf("read: %d %v", st, v)
		}
		if got := reads(); len(got) != 1 {
			t.Fatalf("opening the room again marked %v", got)
		}
		if st, _ := d.api("POST", "/api/enquiries/"+id+"/read", `{"staff":"bob"}`); st != http.StatusForbidden {
			t.Errorf("read by bob, who does not attend: %d, want 403", st)
		}
		if st, _ := d.api("POST", "/api/enquiries/"+id+"/read", `{}`); st != http.StatusUnprocessableEntity {
			t.Errorf("read without staff: %d, want 422", st)
		}
	})
	t.Run("a quoted reply reaches LINE with the quoted message's token", func(t *testing.T) {
		st, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Order 42 left today.","quote":"`+first["id"].(string)+`"}`)
		if st != http.StatusOK && st != http.StatusAccepted {
			t.Fatalf("send: %d %v", st, v)
		}
		m, _ := v["message"].(map[string]any)
		if q, _ := m["quote"].(map[string]any); q == nil || q["id"] != first["id"] || q["text"] != "My order number is 42" {
			t.Errorf("the reply's quote is %v", m["quote"])
		}
		eventually(t, "the quoted reply on LINE", func() bool {
			for _, del := range append(d.platform.Replies(), d.platform.Pushes()...) {
				for _, lm := range del.Messages {
					if lm.Text == "Order 42 left today." {
						return lm.QuoteToken == q1
					}
				}
			}
			return false
		})
	})
	t.Run("a quote of a message the enquiry does not have is refused", func(t *testing.T) {
		st, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"x","quote":"no-such-message"}`)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("send: %d %v, want 422", st, v)
		}
	})
}

// TestDemoPhoneShowsAQuotedReply checks the customer's side of a quote in
// demo mode: the phone shows the staff reply with what it quotes, and the
// customer's messages are marked read when staff attend.
func TestDemoPhoneShowsAQuotedReply(t *testing.T) {
	ts, srv := demoDesk(t)
	const user = "U-demo-ken"
	if st, v := call(t, ts, "POST", "/demo/customers/"+user+"/messages", `{"text":"Is the blue one in stock?"}`); st != 202 || v["ok"] != true {
		t.Fatalf("send: %d %v", st, v)
	}
	var id, quoted string
	eventually(t, "the customer's message on the desk", func() bool {
		_, v := call(t, ts, "GET", "/api/enquiries?channel=demo&customer="+user, "")
		list, _ := v["enquiries"].([]any)
		if len(list) == 0 {
			return false
		}
		id = list[0].(map[string]any)["id"].(string)
		_, e := call(t, ts, "GET", "/api/enquiries/"+id, "")
		for _, m := range e["messages"].([]any) {
			if m := m.(map[string]any); m["author"] == "customer" && m["quotable"] == true {
				quoted = m["id"].(string)
			}
		}
		return quoted != ""
	})
	if st, v := call(t, ts, "POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); st != 200 {
		t.Fatalf("attend: %d %v", st, v)
	}
	if n := len(srv.demo.Platform.Reads()); n != 1 {
		t.Errorf("%d read marks after attending, want 1", n)
	}
	if st, v := call(t, ts, "POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Yes, two left.","quote":"`+quoted+`"}`); st != 200 && st != 202 {
		t.Fatalf("send: %d %v", st, v)
	}
	eventually(t, "the quoted reply on the phone", func() bool {
		_, v := call(t, ts, "GET", "/demo/customers/"+user+"/messages", "")
		for _, m := range v["messages"].([]any) {
			if m := m.(map[string]any); m["text"] == "Yes, two left." {
				return m["quote"] == "Is the blue one in stock?"
			}
		}
		return false
	})
}

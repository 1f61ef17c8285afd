package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// With a quota of two pushes a month, the third staff message ends
// quota_exhausted (not failed and retried, not pending), no further push
// is asked of LINE, a reply with a fresh token still goes out, and staff
// see it all: on the message and on the channel.
func TestAPushBeyondTheMonthlyQuotaEndsQuotaExhaustedAndRepliesStillGo(t *testing.T) {
	d := startRealMode(t)
	const user = "U-cust-1"
	d.platform.SetQuota(testBot, linetest.Quota{Limited: true, Limit: 2})
	pushCalls := func() int {
		n := 0
		for _, c := range d.platform.Calls() {
			if c.Path == "/v2/bot/message/push" {
				n++
			}
		}
		return n
	}
	d.send(linetest.TextEvent(user, "Hello", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user))))
	var id string
	eventually(t, "the enquiry and its Welcome reply", func() bool {
		if list := d.enquiries(""); len(list) == 1 {
			id = list[0]["id"].(string)
		}
		return id != "" && len(d.platform.Replies()) == 1
	})
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("attend: %d %v", code, v)
	}
	// A staff message is recorded (202, pending) and the desk's outbox
	// sends it; say waits for its delivery to leave pending.
	say := func(text string) map[string]any {
		t.Helper()
		code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"`+text+`"}`)
		if code != http.StatusOK && code != http.StatusAccepted {
			t.Fatalf("send %q: %d %v; want 200 or 202", text, code, v)
		}
		msgID := v["message"].(map[string]any)["id"]
		var m map[string]any
		eventually(t, "the delivery of "+text, func() bool {
			for _, got := range d.messages(id) {
				if got["id"] == msgID && got["delivery"] != "pending" {
					m = got
				}
			}
			return m != nil
		})
		return m
	}
	for _, text := range []string{"one", "two"} {
		if m := say(text); m["delivery"] != "sent" {
			t.Fatalf("%q: delivery %v, want sent", text, m["delivery"])
		}
	}
	third := say("three")
	if third["delivery"] != "quota_exhausted" || !strings.Contains(third["deliveryReason"].(string), "monthly limit") {
		t.Fatalf("third push: delivery %v (%v); want quota_exhausted, the reason naming the monthly limit", third["delivery"], third["deliveryReason"])
	}
	if n := pushCalls(); n != 3 {
		t.Fatalf("%d push requests, want 3: the refused one asked once, not retried", n)
	}
	if m := say("four"); m["delivery"] != "quota_exhausted" {
		t.Fatalf("fourth: delivery %v, want quota_exhausted", m["delivery"])
	}
	if n := pushCalls(); n != 3 {
		t.Fatalf("%d push requests, want 3: none while the quota is used up", n)
	}

	// The customer writes again: the reply token is fresh, and free.
	d.send(linetest.TextEvent(user, "Still there?", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user))))
	eventually(t, "the customer's second message", func() bool {
		msgs := d.messages(id)
		return msgs[len(msgs)-1]["text"] == "Still there?"
	})
	if m := say("yes, by reply"); m["delivery"] != "sent" {
		t.Fatalf("with a fresh reply token: delivery %v (%v), want sent", m["delivery"], m["deliveryReason"])
	}
	if got, want := d.received(user), "reply:yes, by reply"; !slices.Contains(got, want) {
		t.Fatalf("the customer received %q; want %q among them", got, want)
	}
	if n := pushCalls(); n != 3 {
		t.Fatalf("%d push requests, want 3", n)
	}

	var states []string
	for _, m := range d.messages(id) {
		if m["direction"] == "out" && m["kind"] == "text" && m["author"] == "staff" {
			states = append(states, m["text"].(string)+":"+m["delivery"].(string))
		}
	}
	if want := "one:sent two:sent three:quota_exhausted four:quota_exhausted yes, by reply:sent"; strings.Join(states, " ") != want {
		t.Fatalf("the room shows %q; want %q", strings.Join(states, " "), want)
	}

	code, v := d.api("GET", "/api/channels/main/quota", "")
	q, _ := v["quota"].(map[string]any)
	if code != http.StatusOK || q["exhausted"] != true || q["limit"] != 2.0 || q["used"] != 2.0 || q["remaining"] != 0.0 || q["pushesStoppedUntil"] == nil {
		t.Fatalf("channel quota: %d %v; want exhausted, limit 2, used 2, remaining 0, and when pushes start again", code, v)
	}
	if n := strings.Count(d.logs.String(), "monthly message quota is used up"); n != 1 {
		t.Fatalf("%d warnings of the used-up quota, want 1; logs:\n%s", n, d.logs.String())
	}
	if !strings.Contains(d.logs.String(), "monthly message quota is used up: pushes stop until the month turns or the quota is raised; replies still go out\" channel=main") {
		t.Fatalf("the warning does not name the channel; logs:\n%s", d.logs.String())
	}
}

package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// A customer who blocks the account through LINE: the room says so, and a
// staff message is refused with 409 blocked, never pushed.
func TestRoomShowsABlockAndRefusesToSend(t *testing.T) {
	d := startRealMode(t)
	const user = "U-cust-1"
	d.send(linetest.TextEvent(user, "Hello", linetest.WithReplyToken(d.platform.IssueReplyToken(testBot, user))))
	var id string
	eventually(t, "the enquiry", func() bool {
		if list := d.enquiries(""); len(list) == 1 {
			id = list[0]["id"].(string)
		}
		return id != ""
	})
	if code, v := d.api("POST", "/api/enquiries/"+id+"/attend", `{"staff":"alice"}`); code != http.StatusOK {
		t.Fatalf("attend: %d %v", code, v)
	}
	_, room := d.api("GET", "/api/enquiries/"+id, "")
	if _, shown := room["friendship"]; shown {
		t.Fatalf("friendship = %v before any follow or block event; want none", room["friendship"])
	}
	if got := d.send(linetest.UnfollowEvent(user, linetest.At(time.Now()))); got != http.StatusOK {
		t.Fatalf("unfollow event: %d", got)
	}
	eventually(t, "the block in the room", func() bool {
		_, room = d.api("GET", "/api/enquiries/"+id, "")
		return room["friendship"] == "blocked"
	})
	pushes := len(d.platform.Pushes())
	code, v := d.api("POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Are you there?"}`)
	if code != http.StatusConflict || errCode(v) != "blocked" {
		t.Fatalf("sending to a customer who blocked the account: %d %v; want 409 blocked", code, v)
	}
	if n := len(d.platform.Pushes()); n != pushes {
		t.Fatalf("%d pushes after the block; want none", n-pushes)
	}
}

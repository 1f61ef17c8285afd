package main

import (
	"strings"
	"testing"
)

// The room shows the channel's custom info to staff only while it is
// switched on; a missed enquiry holds it as an internal note, and the
// customer never receives it.
func TestRoomShowsCustomInfoToStaffOnlyWhileSwitchedOn(t *testing.T) {
	ts, srv := demoDesk(t)
	const info = "Demo Shop is open 9:00–18:00 (JST)"
	for _, staff := range []string{"alice", "bob"} { // nobody can answer: the enquiry is missed at once
		if status, v := call(t, ts, "POST", "/api/staff/"+staff+"/presence", `{"presence":"offline"}`); status != 200 {
			t.Fatalf("presence of %s: %d %v", staff, status, v)
		}
	}
	call(t, ts, "POST", "/demo/customers/U-demo-yui/messages", `{"text":"hi"}`)
	var id string
	eventually(t, "the missed enquiry", func() bool {
		_, v := call(t, ts, "GET", "/api/enquiries?state=missed", "")
		list, _ := v["enquiries"].([]any)
		if len(list) == 1 {
			id = list[0].(map[string]any)["id"].(string)
		}
		return id != ""
	})
	_, room := call(t, ts, "GET", "/api/enquiries/"+id, "")
	if got, _ := room["customInfo"].(string); !strings.HasPrefix(got, info) {
		t.Fatalf("customInfo = %q; want the channel's while it is on", got)
	}
	var note map[string]any
	for _, m := range room["messages"].([]any) {
		if m := m.(map[string]any); m["authorId"] == "custom-info" {
			note = m
		}
	}
	if note == nil || note["internal"] != true || note["kind"] != "note" || note["delivery"] != nil {
		t.Fatalf("custom info in the transcript: %v; want an internal note without delivery", note)
	}
	for _, m := range srv.demo.Platform.Received("U-demo-yui") {
		if strings.Contains(m.Text, info) {
			t.Fatalf("the customer received the custom info: %q", m.Text)
		}
	}

	if status, v := call(t, ts, "PATCH", "/api/channels/demo", `{"customInfoOn":false}`); status != 200 {
		t.Fatalf("switching custom info off: %d %v", status, v)
	}
	_, room = call(t, ts, "GET", "/api/enquiries/"+id, "")
	if _, shown := room["customInfo"]; shown {
		t.Fatalf("customInfo = %v although switched off; want none", room["customInfo"])
	}
}

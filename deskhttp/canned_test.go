package deskhttp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
)

func TestCannedRepliesOverTheAPI(t *testing.T) {
	d := serveDesk(t, Config{Auth: roleAuth})
	ctx := context.Background()
	id := openEnquiry(t, d)
	ch, _ := d.desk.Channel(ctx, "shop")
	ch.AutoMessages.NameFormat = automsg.NameFull
	if _, err := d.desk.UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := d.desk.SetCustomerName(ctx, "shop", mustEnquiry(t, d, id).Customer.ID, "Kim"); err != nil {
		t.Fatal(err)
	}
	status, v := d.call(t, "POST", "/api/channels/shop/replies", `{"name":"thanks","text":"Thank you, {customer}! {staff} of {channel}"}`, as("admin-session")...)
	if status != 201 {
		t.Fatalf("an admin adds a reply: %d %v", status, v)
	}
	reply := v["reply"].(map[string]any)
	rid := reply["id"].(string)

	t.Run("staff cannot add, edit or delete a canned reply, and are told the role", func(t *testing.T) {
		for _, tc := range []struct{ method, path, body string }{
			{"POST", "/api/channels/shop/replies", `{"name":"x","text":"x"}`},
			{"PATCH", "/api/channels/shop/replies/" + rid, `{"text":"changed"}`},
			{"DELETE", "/api/channels/shop/replies/" + rid, ""},
		} {
			for _, cred := range []string{"alice-session", "alice-token"} {
				status, v := d.call(t, tc.method, tc.path, tc.body, as(cred)...)
				e, _ := v["error"].(map[string]any)
				if status != 403 || e["code"] != "forbidden" || e["role"] != "admin" {
					t.Errorf("%s %s as %s: %d %v; want 403 naming the admin role", tc.method, tc.path, cred, status, v)
				}
			}
		}
		if c, err := d.desk.CannedReply(ctx, "shop", rid); err != nil || c.Text != "Thank you, {customer}! {staff} of {channel}" {
			t.Fatalf("after the refusals the reply is %+v, %v; want it unchanged", c, err)
		}
	})
	t.Run("staff list the replies previewed in the enquiry, as themselves", func(t *testing.T) {
		status, v := d.call(t, "GET", "/api/channels/shop/replies?enquiry="+id, "", as("alice-token")...)
		list, _ := v["replies"].([]any)
		if status != 200 || len(list) != 1 {
			t.Fatalf("GET replies: %d %v", status, v)
		}
		if got := list[0].(map[string]any)["preview"]; got != "Thank you, Kim! Alice Test of Shop" {
			t.Fatalf("preview %q, want the customer's, alice's (full name) and the channel's names", got)
		}
		if status, v := d.call(t, "GET", "/api/channels/shop/replies?enquiry="+id+"&staff=bob", "", as("alice-token")...); status != 403 || errCode(v) != "not_yourself" {
			t.Fatalf("alice previewing as bob: %d %v; want 403 not_yourself", status, v)
		}
		status, v = d.call(t, "GET", "/api/channels/shop/replies?enquiry="+id+"&staff=bob", "", as("service")...)
		if list, _ := v["replies"].([]any); status != 200 || list[0].(map[string]any)["preview"] != "Thank you, Kim! Bob Test of Shop" {
			t.Fatalf("the service credential previewing as bob: %d %v", status, v)
		}
		if status, _ := d.call(t, "GET", "/api/channels/shop/replies?enquiry=no-such", "", as("alice-token")...); status != 404 {
			t.Fatalf("preview in an unknown enquiry: %d, want 404", status)
		}
		status, v = d.call(t, "GET", "/api/channels/shop/replies", "", as("alice-token")...)
		if list, _ := v["replies"].([]any); status != 200 || list[0].(map[string]any)["preview"] != nil {
			t.Fatalf("without an enquiry: %d %v; want no preview", status, v)
		}
	})
	t.Run("a reply of one channel is not previewed in another's enquiry", func(t *testing.T) {
		if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "other", Name: "Other", Kind: "line"}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.desk.CreateCanned(ctx, enquiry.CannedReply{Channel: "other", Name: "x", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		if status, v := d.call(t, "GET", "/api/channels/other/replies?enquiry="+id, "", as("alice-token")...); status != 422 {
			t.Fatalf("other's replies in shop's enquiry: %d %v; want 422", status, v)
		}
	})
	t.Run("a text that does not compile is refused with automsg's error", func(t *testing.T) {
		for _, tc := range []struct{ method, path string }{{"POST", "/api/channels/shop/replies"}, {"PATCH", "/api/channels/shop/replies/" + rid}} {
			status, v := d.call(t, tc.method, tc.path, `{"name":"bad","text":"Hi {nmae}"}`, as("admin-session")...)
			e, _ := v["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if status != 422 || e["code"] != "invalid_template" || e["field"] != "text" || !strings.HasPrefix(msg, `automsg: canned reply, line 1, column 4: unknown placeholder "{nmae}"`) {
				t.Errorf("%s with {nmae}: %d %v; want 422 invalid_template with automsg's error", tc.method, status, v)
			}
		}
		status, v := d.call(t, "POST", "/api/channels/shop/replies/preview", `{"text":"`+strings.Repeat("x", 4900)+`{customer}"}`, as("alice-token")...)
		if status != 422 || errCode(v) != "invalid_template" {
			t.Errorf("preview of a text too long with the longest name: %d %v; want 422 invalid_template", status, v)
		}
	})
	t.Run("a name is one per channel, a bad one is refused", func(t *testing.T) {
		if status, v := d.call(t, "POST", "/api/channels/shop/replies", `{"name":"Thanks","text":"x"}`, as("admin-session")...); status != 409 || errCode(v) != "reply_exists" {
			t.Errorf("a second Thanks: %d %v; want 409 reply_exists", status, v)
		}
		status, v := d.call(t, "POST", "/api/channels/shop/replies", `{"name":"two words","text":"x"}`, as("admin-session")...)
		if e, _ := v["error"].(map[string]any); status != 422 || e["field"] != "name" {
			t.Errorf("a name with a space: %d %v; want 422 naming the field", status, v)
		}
		if status, _ := d.call(t, "POST", "/api/channels/no-such/replies", `{"name":"x","text":"x"}`, as("admin-session")...); status != 404 {
			t.Errorf("a reply of an unknown channel: %d, want 404", status)
		}
	})
	t.Run("an admin edits and deletes a reply", func(t *testing.T) {
		status, v := d.call(t, "PATCH", "/api/channels/shop/replies/"+rid, `{"name":"ty"}`, as("admin-session")...)
		if r, _ := v["reply"].(map[string]any); status != 200 || r["name"] != "ty" || r["text"] != reply["text"] {
			t.Fatalf("PATCH name: %d %v; want the new name and the old text", status, v)
		}
		if status, _ := d.call(t, "PATCH", "/api/channels/other/replies/"+rid, `{"name":"z"}`, as("admin-session")...); status != 404 {
			t.Fatalf("PATCH of shop's reply under another channel: %d, want 404", status)
		}
		if status, _ := d.call(t, "DELETE", "/api/channels/shop/replies/"+rid, "", as("admin-session")...); status != 204 {
			t.Fatalf("DELETE: %d", status)
		}
		if status, _ := d.call(t, "DELETE", "/api/channels/shop/replies/"+rid, "", as("admin-session")...); status != 404 {
			t.Fatalf("DELETE again: %d, want 404", status)
		}
		status, v = d.call(t, "GET", "/api/channels/shop/replies", "", as("alice-token")...)
		if list, _ := v["replies"].([]any); status != 200 || len(list) != 0 {
			t.Fatalf("after the delete: %d %v; want none", status, v)
		}
	})
}

func mustEnquiry(t *testing.T, d *servedDesk, id string) enquiry.Enquiry {
	t.Helper()
	e, err := d.desk.Enquiry(context.Background(), id)
	if err != nil {
		t.Fatal(fmt.Errorf("enquiry %s: %w", id, err))
	}
	return e
}

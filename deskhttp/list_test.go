package deskhttp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// listed returns the enquiry id as GET /api/enquiries lists it for the
// credential cred, with the query q.
func listed(t *testing.T, d *servedDesk, cred, q, id string) map[string]any {
	t.Helper()
	status, body := d.call(t, "GET", "/api/enquiries?state=open"+q, "", as(cred)...)
	if status != 200 {
		t.Fatalf("listing for %s: %d %v", cred, status, body)
	}
	for _, e := range body["enquiries"].([]any) {
		if e := e.(map[string]any); e["id"] == id {
			return e
		}
	}
	t.Fatalf("enquiry %s is not listed for %s", id, cred)
	return nil
}

// receive records a customer's text in the enquiry's channel.
func receiveIn(t *testing.T, d *servedDesk, id string, c enquiry.Content) {
	t.Helper()
	e, err := d.desk.Enquiry(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Receive(context.Background(), enquiry.Inbound{Channel: e.Channel, Customer: e.Customer, Time: time.Now(), Content: c}); err != nil {
		t.Fatal(err)
	}
}

func TestTheListShowsTheChannelNameTheLastMessageAndUnreadCounts(t *testing.T) {
	d := serveDesk(t, Config{Auth: roleAuth})
	id := openEnquiry(t, d) // one customer message, "hello"

	t.Run("a row has the channel's name, the last message and the reader's unread count", func(t *testing.T) {
		e := listed(t, d, "alice-session", "", id)
		last, _ := e["last"].(map[string]any)
		if e["channelName"] != "Shop" || e["channel"] != "shop" || last["text"] != "hello" || last["kind"] != "text" || last["author"] != "customer" || last["at"] == nil {
			t.Fatalf("listed as %v; want channel Shop, last text hello from the customer", e)
		}
		if e["unread"] != 1.0 {
			t.Fatalf("unread = %v, want 1", e["unread"])
		}
	})
	t.Run("a service credential's list counts unread for the reader it names, and for nobody without one", func(t *testing.T) {
		if e := listed(t, d, "service", "&reader=bob", id); e["unread"] != 1.0 {
			t.Fatalf("unread for bob = %v, want 1", e["unread"])
		}
		if e := listed(t, d, "service", "", id); e["unread"] != nil {
			t.Fatalf("unread for nobody = %v, want absent", e["unread"])
		}
	})
	t.Run("a staff credential cannot read another's unread counts", func(t *testing.T) {
		status, body := d.call(t, "GET", "/api/enquiries?reader=bob", "", as("alice-session")...)
		if status != 403 || errCode(body) != "not_yourself" {
			t.Fatalf("alice reading bob's: %d %v; want 403 not_yourself", status, body)
		}
	})
	t.Run("a media message is listed by its kind, without text", func(t *testing.T) {
		receiveIn(t, d, id, enquiry.Content{Kind: enquiry.Sticker, Sticker: &enquiry.StickerRef{Package: "1", ID: "2"}})
		e := listed(t, d, "alice-session", "", id)
		last := e["last"].(map[string]any)
		if last["kind"] != "sticker" || last["text"] != nil || e["unread"] != 2.0 {
			t.Fatalf("after a sticker: last %v, unread %v; want a sticker without text, 2 unread", last, e["unread"])
		}
	})
	t.Run("opening the room clears the unread count of who opened it only", func(t *testing.T) {
		if status, body := d.call(t, "POST", "/api/enquiries/"+id+"/seen", "", as("alice-session")...); status != 204 {
			t.Fatalf("alice's seen: %d %v", status, body)
		}
		if e := listed(t, d, "alice-session", "", id); e["unread"] != 0.0 {
			t.Fatalf("alice's unread after seen = %v, want 0", e["unread"])
		}
		if e := listed(t, d, "service", "&reader=bob", id); e["unread"] != 2.0 {
			t.Fatalf("bob's unread after alice's seen = %v, want 2", e["unread"])
		}
		receiveIn(t, d, id, enquiry.Content{Kind: enquiry.Text, Text: strings.Repeat("long ", 100)})
		e := listed(t, d, "alice-session", "", id)
		if e["unread"] != 1.0 || len(e["last"].(map[string]any)["text"].(string)) != maxLastText {
			t.Fatalf("after one more message: unread %v, last %v; want 1, its first %d units", e["unread"], e["last"], maxLastText)
		}
	})
	t.Run("seen up to a message counts the later ones", func(t *testing.T) {
		if status, body := d.call(t, "POST", "/api/enquiries/"+id+"/seen", `{"staff":"bob","seq":1}`, as("service")...); status != 204 {
			t.Fatalf("bob's seen up to 1: %d %v", status, body)
		}
		if e := listed(t, d, "service", "&reader=bob", id); e["unread"] != 2.0 {
			t.Fatalf("bob's unread after seeing the first = %v, want 2", e["unread"])
		}
	})
	t.Run("seen is refused as it should be", func(t *testing.T) {
		for _, c := range []struct {
			name, cred, path, body string
			status                 int
			code                   string
		}{
			{"a service credential names nobody", "service", "/api/enquiries/" + id + "/seen", `{}`, 422, "missing_staff"},
			{"a staff credential names another", "alice-session", "/api/enquiries/" + id + "/seen", `{"staff":"bob"}`, 403, "not_yourself"},
			{"a negative seq", "alice-session", "/api/enquiries/" + id + "/seen", `{"seq":-1}`, 422, "invalid"},
			{"no such enquiry", "alice-session", "/api/enquiries/nope/seen", ``, 404, "not_found"},
			{"not JSON", "alice-session", "/api/enquiries/" + id + "/seen", `{`, 400, "bad_json"},
		} {
			status, body := d.call(t, "POST", c.path, c.body, append(as(c.cred), "Content-Type", "application/json")...)
			if status != c.status || errCode(body) != c.code {
				t.Errorf("%s: %d %v; want %d %s", c.name, status, body, c.status, c.code)
			}
		}
	})
}

package deskhttp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// pastCustomer is a desk where customer U1 of channel main has a closed
// enquiry about a refund and writes again; it returns the two enquiries.
func pastCustomer(t *testing.T, d *servedDesk) (closed, open enquiry.Enquiry) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Main", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	say := func(id, text string) enquiry.Enquiry {
		got, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1", Name: "Kim"}, ExternalID: id, Content: enquiry.Content{Kind: enquiry.Text, Text: text}, Time: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return got.Enquiry
	}
	first := say("m1", "I would like a refund for order 77")
	if _, err := d.desk.Attend(ctx, first.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := d.desk.Notice(ctx, "main", "U1", "Refund policy: ask for the order number"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Send(ctx, first.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your refund is on its way"}); err != nil {
		t.Fatal(err)
	}
	closed, err := d.desk.Close(ctx, first.ID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.desk.SetFriendship(ctx, "main", "U1", enquiry.Friend, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return closed, say("m2", "Thanks, it arrived")
}

func TestTheCustomerPanelShowsTheProfileStateAndEarlierTranscripts(t *testing.T) {
	d := serveDesk(t, Config{})
	closed, open := pastCustomer(t, d)
	code, body := d.call(t, "GET", "/api/enquiries/"+open.ID+"/customer", "")
	if code != http.StatusOK {
		t.Fatalf("GET customer: %d %v", code, body)
	}
	cust, _ := body["customer"].(map[string]any)
	if cust["id"] != "U1" || cust["name"] != "Kim" || body["friendship"] != "friend" || body["friendshipSince"] != "2026-12-01T09:00:00Z" || body["more"] != false {
		t.Fatalf("panel = %v, want Kim (U1), a friend since 1 December, nothing more", body)
	}
	past, _ := body["enquiries"].([]any)
	if len(past) != 1 {
		t.Fatalf("enquiries = %v, want the closed one alone (not the open one itself)", past)
	}
	p := past[0].(map[string]any)
	e := p["enquiry"].(map[string]any)
	var texts []string
	internal := map[string]bool{}
	for _, m := range p["messages"].([]any) {
		m := m.(map[string]any)
		text, _ := m["text"].(string)
		texts = append(texts, text)
		internal[text] = m["internal"] == true
	}
	if e["id"] != closed.ID || e["state"] != "closed" || p["more"] != false {
		t.Fatalf("past enquiry = %v, want %s, closed, whole", p, closed.ID)
	}
	if texts[0] != "I would like a refund for order 77" || !internal["Refund policy: ask for the order number"] || internal["Your refund is on its way"] {
		t.Fatalf("past transcript = %q (internal %v), want the customer's message first and the note marked internal", texts, internal)
	}

	// From the closed enquiry, the open one is the other.
	_, body = d.call(t, "GET", "/api/enquiries/"+closed.ID+"/customer", "")
	if past := body["enquiries"].([]any); len(past) != 1 || past[0].(map[string]any)["enquiry"].(map[string]any)["id"] != open.ID {
		t.Fatalf("panel of the closed enquiry lists %v, want the open one", past)
	}
}

func TestTheCustomerPanelIsBounded(t *testing.T) {
	d := serveDesk(t, Config{})
	ctx := context.Background()
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Main", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	var last enquiry.Enquiry
	for i := range panelEnquiries + 2 {
		for j := range panelMessages + 1 {
			got, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: fmt.Sprintf("m%d-%d", i, j), Content: enquiry.Content{Kind: enquiry.Text, Text: "again"}})
			if err != nil {
				t.Fatal(err)
			}
			last = got.Enquiry
		}
		if i < panelEnquiries+1 {
			if _, err := d.desk.Close(ctx, last.ID, enquiry.BySystem); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, body := d.call(t, "GET", "/api/enquiries/"+last.ID+"/customer", "")
	past := body["enquiries"].([]any)
	if len(past) != panelEnquiries || body["more"] != true {
		t.Fatalf("%d enquiries, more %v; want %d and more", len(past), body["more"], panelEnquiries)
	}
	for _, p := range past {
		p := p.(map[string]any)
		if n := len(p["messages"].([]any)); n != panelMessages || p["more"] != true {
			t.Fatalf("a past enquiry has %d messages, more %v; want %d and more", n, p["more"], panelMessages)
		}
	}
}

func TestSearchFindsEarlierMessagesAndPages(t *testing.T) {
	d := serveDesk(t, Config{})
	closed, open := pastCustomer(t, d)
	code, body := d.call(t, "GET", "/api/search?q=REFUND", "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/search: %d %v", code, body)
	}
	hits := body["hits"].([]any)
	var texts []string
	for _, h := range hits {
		h := h.(map[string]any)
		m, e := h["message"].(map[string]any), h["enquiry"].(map[string]any)
		if e["id"] != closed.ID || m["enquiry"] != closed.ID {
			t.Fatalf("hit %v is not of the closed enquiry %s", h, closed.ID)
		}
		if (m["text"] == "Refund policy: ask for the order number") != (m["internal"] == true) {
			t.Fatalf("hit %v: only the note is internal", m)
		}
		texts = append(texts, m["text"].(string))
	}
	want := []string{"Your refund is on its way", "Refund policy: ask for the order number", "I would like a refund for order 77"}
	if len(texts) != len(want) || texts[0] != want[0] || texts[1] != want[1] || texts[2] != want[2] {
		t.Fatalf("hits %q, want newest first %q", texts, want)
	}
	if _, ok := body["next"]; ok {
		t.Fatalf("next %v on a page that is not full", body["next"])
	}

	// Pages of one follow next.
	var paged []string
	next := ""
	for range 5 {
		path := "/api/search?q=refund&limit=1"
		if next != "" {
			path += "&before=" + url.QueryEscape(next)
		}
		_, body := d.call(t, "GET", path, "")
		for _, h := range body["hits"].([]any) {
			paged = append(paged, h.(map[string]any)["message"].(map[string]any)["text"].(string))
		}
		next, _ = body["next"].(string)
		if next == "" {
			break
		}
	}
	if len(paged) != 3 || paged[0] != want[0] || paged[2] != want[2] {
		t.Fatalf("paged %q, want %q", paged, want)
	}

	if _, body := d.call(t, "GET", "/api/search?q=arrived&channel=other", ""); len(body["hits"].([]any)) != 0 {
		t.Fatalf("a search of another channel found %v", body["hits"])
	}
	if _, body := d.call(t, "GET", "/api/search?q=arrived&channel=main", ""); len(body["hits"].([]any)) != 1 ||
		body["hits"].([]any)[0].(map[string]any)["enquiry"].(map[string]any)["id"] != open.ID {
		t.Fatalf("a search of main = %v, want the open enquiry's message", body["hits"])
	}
	for _, tc := range []struct {
		path string
		code int
		err  string
	}{
		{"/api/search", 422, "invalid"},
		{"/api/search?q=a+b+c+d+e+f+g+h+i+j+k", 422, "invalid"},
		{"/api/search?q=refund&before=nonsense", 400, "bad_cursor"},
		{"/api/search?q=refund&limit=0", 400, "bad_limit"},
	} {
		if code, body := d.call(t, "GET", tc.path, ""); code != tc.code || errCode(body) != tc.err {
			t.Errorf("GET %s: %d %v, want %d %s", tc.path, code, body, tc.code, tc.err)
		}
	}
}

func TestSearchNeedsTheStaffRole(t *testing.T) {
	d := serveDesk(t, Config{Auth: tokens{"viewer": {Staff: "vic", Role: "viewer", Via: ViaToken}, "alice": {Staff: "alice", Role: RoleStaff, Via: ViaToken}}})
	if code, body := d.call(t, "GET", "/api/search?q=refund", "", "Authorization", "Bearer viewer"); code != http.StatusForbidden || errCode(body) != "forbidden" {
		t.Fatalf("a search without the staff role: %d %v, want 403 forbidden", code, body)
	}
	if code, body := d.call(t, "GET", "/api/search?q=refund", "", "Authorization", "Bearer alice"); code != http.StatusOK {
		t.Fatalf("alice's search: %d %v, want 200", code, body)
	}
}

// TestTheHistoryScriptIsServedAndFindsItsElements: the console loads
// history.js, and every element it looks up by ID is one it makes or one
// index.html has.
func TestTheHistoryScriptIsServedAndFindsItsElements(t *testing.T) {
	d := serveDesk(t, Config{})
	res, err := http.Get(d.url + "/history.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("GET /history.js: %s %q, want 200 JavaScript", res.Status, res.Header.Get("Content-Type"))
	}
	html, _ := web.ReadFile("web/index.html")
	script, _ := web.ReadFile("web/history.js")
	if !strings.Contains(string(html), `<script src="history.js" defer></script>`) {
		t.Fatal("index.html does not load history.js")
	}
	lookups := regexp.MustCompile(`byId\('([a-z0-9-]+)'\)`).FindAllStringSubmatch(string(script), -1)
	if len(lookups) < 10 {
		t.Fatalf("history.js looks up %d elements: the pattern is out of date", len(lookups))
	}
	for _, m := range lookups {
		made := strings.Contains(string(script), `id: '`+m[1]+`'`)
		if !made && !strings.Contains(string(html), `id="`+m[1]+`"`) {
			t.Errorf("history.js looks up #%s, which neither it nor index.html makes", m[1])
		}
	}
	for _, sel := range []string{`id="room"`, `class="room-body"`, `id="view-enquiries"`, `class="list-pane"`, `id="transcript"`} {
		if !strings.Contains(string(html), sel) {
			t.Errorf("index.html has no %s, which history.js builds on", sel)
		}
	}
}

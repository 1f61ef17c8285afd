package deskhttp

import (
	"context"
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// TestTheConsoleLearnsEachKindFromItsConnector: GET /api/config lists the
// connectors in their order with what the console shows of them, and an
// enquiry names its channel's kind, so that the console says nothing of
// a platform itself.
func TestTheConsoleLearnsEachKindFromItsConnector(t *testing.T) {
	ctx := context.Background()
	chat := Connector{Kind: "chat", Name: "Chat", MaxTextUnits: 2000,
		Check: func(context.Context, enquiry.Channel) CheckReport { return CheckReport{} },
		Quota: func(context.Context, enquiry.Channel) Quota { return Quota{} },
		Words: Words{Webhook: "Webhook URL for Chat's settings:", Credentials: "chat key or token", Blocked: "The customer blocked you on Chat."}}
	d := serveDesk(t, Config{Connectors: []Connector{chat, {Kind: "plain"}}})

	status, v := d.call(t, "GET", "/api/config", "")
	got, _ := json.Marshal(v["kinds"])
	const want = `[{"checks":true,"kind":"chat","name":"Chat","quota":true,"textLimit":2000,"words":{"blocked":"The customer blocked you on Chat.","credentials":"chat key or token","webhook":"Webhook URL for Chat's settings:"}},` +
		`{"checks":false,"kind":"plain","name":"plain","quota":false,"words":{}}]`
	if status != 200 || string(got) != want {
		t.Fatalf("GET /api/config: %d, kinds %s;\nwant %s", status, got, want)
	}

	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "c", Name: "C", Kind: "chat"}); err != nil {
		t.Fatal(err)
	}
	rec, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "c", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1", Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if status, v := d.call(t, "GET", "/api/enquiries/"+rec.Enquiry.ID, ""); status != 200 || v["kind"] != "chat" {
		t.Fatalf("GET the enquiry: %d, kind %v; want chat", status, v["kind"])
	}
}

// TestTheConsoleNamesNoPlatform: the console's pages and scripts leave
// every platform's name and words to the connectors.
func TestTheConsoleNamesNoPlatform(t *testing.T) {
	platform := regexp.MustCompile(`\bLINE\b|(?i:whatsapp)|\bMeta for\b|==\s*['"]line['"]`)
	err := fs.WalkDir(web, "web", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".html")) {
			return err
		}
		b, err := fs.ReadFile(web, path)
		for i, line := range strings.Split(string(b), "\n") {
			if m := platform.FindString(line); m != "" {
				t.Errorf("%s:%d names a platform (%q): %s", path, i+1, m, strings.TrimSpace(line))
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

package deskhttp

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// tokens is an Authenticator of fixed bearer tokens, for the tour.
type tokens map[string]Principal

func (ts tokens) Authenticate(_ context.Context, c Credential) (Principal, error) {
	p, ok := ts[c.Bearer.Reveal()]
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	return p, nil
}

// TestEveryOperationAnswersAsDocumented calls every operation of the
// document through call, which checks each answer against the
// document, and fails when an operation was not called.
func TestEveryOperationAnswersAsDocumented(t *testing.T) {
	const (
		service = "Bearer service-token"
		alice   = "Bearer alice-token"
	)
	ctx := context.Background()
	accts := newFakeAccounts()
	if _, err := accts.CreateAccount(ctx, Account{ID: "alice", First: "Alice", Last: "Chen", Role: RoleStaff}, alicePassword); err != nil {
		t.Fatal(err)
	}
	d := serveDesk(t, Config{Auth: tokens{
		"service-token": {Role: RoleAdmin, Via: ViaService},
		"alice-token":   {Staff: "alice", Role: RoleStaff, Via: ViaToken},
	}, Accounts: accts})
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Main", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	got, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1", Name: "Kim"}, ExternalID: "m1", Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	for _, key := range []string{"photo-1", "line/main/m2"} {
		if _, err := d.h.cfg.Blobs.Put(ctx, key, bytes.NewReader(png)); err != nil {
			t.Fatal(err)
		}
	}
	enq := "/api/enquiries/" + got.Enquiry.ID
	if _, err := d.desk.CreateCanned(ctx, enquiry.CannedReply{ID: "r1", Channel: "main", Name: "thanks", Text: "Thank you, {customer}!"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, method, path, body, auth string
		want                           int
	}{
		{"the reference is read without a credential", "GET", "/api/openapi.json", "", "", 200},
		{"the console reads its settings", "GET", "/api/config", "", service, 200},
		{"a request without a credential is refused", "GET", "/api/config", "", "", 401},
		{"the enquiries are listed", "GET", "/api/enquiries?state=open&limit=10", "", service, 200},
		{"an unknown state is refused", "GET", "/api/enquiries?state=lost", "", service, 400},
		{"an enquiry is read with its transcript", "GET", enq, "", service, 200},
		{"an unknown enquiry is not found", "GET", "/api/enquiries/no-such", "", service, 404},
		{"a service credential must name the staff member", "POST", enq + "/attend", `{}`, service, 422},
		{"a staff token may not act as another", "POST", enq + "/attend", `{"staff":"bob"}`, alice, 403},
		{"a body that is not JSON is refused", "POST", enq + "/attend", `{`, service, 400},
		{"alice attends with her own token", "POST", enq + "/attend", "", alice, 200},
		{"bob is too late", "POST", enq + "/attend", `{"staff":"bob"}`, service, 409},
		{"alice answers", "POST", enq + "/messages", `{"text":"Hi Kim"}`, alice, 200},
		{"alice sends an image", "POST", enq + "/media", string(fixture(t, "ok.png")), alice, 200},
		{"a video LINE does not take is refused", "POST", enq + "/media", string(fixture(t, "bad-vp9.webm")), alice, 422},
		{"a message over the limit is refused", "POST", enq + "/messages", `{"text":"` + strings.Repeat("x", 5000) + `"}`, alice, 422},
		{"alice marks the messages read", "POST", enq + "/read", "", alice, 204},
		{"alice records that she has seen the room", "POST", enq + "/seen", "", alice, 204},
		{"the enquiries are listed with alice's unread counts", "GET", "/api/enquiries?state=open&reader=alice", "", service, 200},
		{"alice invites bob", "POST", enq + "/invite", `{"colleague":"bob"}`, alice, 200},
		{"alice transfers the enquiry to bob", "POST", enq + "/transfer", `{"to":{"staff":"bob"}}`, alice, 200},
		{"bob closes it", "POST", enq + "/close", `{"staff":"bob"}`, service, 200},
		{"the customer panel shows the customer and their other enquiries", "GET", enq + "/customer", "", alice, 200},
		{"the customer panel of an unknown enquiry is not found", "GET", "/api/enquiries/no-such/customer", "", alice, 404},
		{"transcripts are searched", "GET", "/api/search?q=hello&limit=1", "", alice, 200},
		{"a search needs a word", "GET", "/api/search?q=%20", "", alice, 422},
		{"a search's limit is bounded", "GET", "/api/search?q=hello&limit=101", "", alice, 400},
		{"a closed enquiry is not closed again", "POST", enq + "/close", `{"staff":"bob"}`, service, 409},
		{"the channels are listed", "GET", "/api/channels", "", service, 200},
		{"staff may not create a channel", "POST", "/api/channels", `{"name":"Second"}`, alice, 403},
		{"an admin creates a channel", "POST", "/api/channels", `{"name":"Second","secret":"s3cret","token":"t0ken"}`, service, 201},
		{"a channel's ID is taken once", "POST", "/api/channels", `{"name":"Second","secret":"s3cret","token":"t0ken"}`, service, 409},
		{"a channel without a name is refused", "POST", "/api/channels", `{"id":"third"}`, service, 422},
		{"a channel is read", "GET", "/api/channels/second", "", service, 200},
		{"an unknown channel is not found", "GET", "/api/channels/no-such", "", service, 404},
		{"a channel is renamed", "PATCH", "/api/channels/second", `{"name":"Second desk"}`, service, 200},
		{"a channel is edited with PUT", "PUT", "/api/channels/second", `{"customInfo":"Ask for the order number","customInfoOn":true}`, service, 200},
		{"a channel is suspended", "POST", "/api/channels/second/suspend", "", service, 200},
		{"a channel is resumed", "POST", "/api/channels/second/resume", "", service, 200},
		{"a kind without set-up checks has none to run", "POST", "/api/channels/second/check", "", service, 422},
		{"a kind without a quota has none to show", "GET", "/api/channels/second/quota", "", service, 404},
		{"staff list the canned replies, previewed in an enquiry", "GET", "/api/channels/main/replies?enquiry=" + got.Enquiry.ID, "", alice, 200},
		{"an unknown channel has no canned replies", "GET", "/api/channels/no-such/replies", "", alice, 404},
		{"staff may not add a canned reply", "POST", "/api/channels/main/replies", `{"name":"hi","text":"Hi"}`, alice, 403},
		{"an admin adds a canned reply", "POST", "/api/channels/main/replies", `{"name":"hours","text":"We open at 9, {customer}."}`, service, 201},
		{"a canned reply's name is taken once", "POST", "/api/channels/main/replies", `{"name":"HOURS","text":"x"}`, service, 409},
		{"a canned reply's text must compile", "POST", "/api/channels/main/replies", `{"name":"bad","text":"Hi {nmae}"}`, service, 422},
		{"a canned reply's text is previewed", "POST", "/api/channels/main/replies/preview", `{"text":"Hi {customer}","customer":"Kim"}`, alice, 200},
		{"a text that does not compile has no preview", "POST", "/api/channels/main/replies/preview", `{"text":"Hi {"}`, alice, 422},
		{"an admin edits a canned reply", "PATCH", "/api/channels/main/replies/r1", `{"text":"Many thanks, {customer}!"}`, service, 200},
		{"an admin deletes a canned reply", "DELETE", "/api/channels/main/replies/r1", "", service, 204},
		{"a channel is deleted", "DELETE", "/api/channels/second?force=true", "", service, 200},
		{"an auto-message is previewed", "POST", "/api/preview", `{"settings":{"welcome":{"on":true,"text":"Hello {customer}"},"away":{"on":false},"close":{"on":false},"nameFormat":"first"},"kind":"welcome","customer":"Kim"}`, service, 200},
		{"an unknown display-name format is refused", "POST", "/api/preview", `{"settings":{"nameFormat":"nick"},"kind":"welcome"}`, service, 422},
		{"alice signs in", "POST", "/api/session", `{"staff":"alice","password":"` + alicePassword + `"}`, "", 200},
		{"a wrong password is refused", "POST", "/api/session", `{"staff":"alice","password":"nope"}`, "", 401},
		{"a sign-in without a password is refused", "POST", "/api/session", `{"staff":"alice"}`, "", 422},
		{"a credential says whom it acts as", "GET", "/api/session", "", alice, 200},
		{"signing out without a session clears the cookie", "DELETE", "/api/session", "", "", 204},
		{"an admin creates a staff member", "POST", "/api/staff", `{"id":"dave","first":"Dave","last":"Lee","role":"staff","password":"a long enough password"}`, service, 201},
		{"a staff ID is taken once", "POST", "/api/staff", `{"id":"dave","first":"Dave"}`, service, 409},
		{"a staff member needs a first name", "POST", "/api/staff", `{"id":"erin"}`, service, 422},
		{"staff may not create staff", "POST", "/api/staff", `{"id":"erin","first":"Erin"}`, alice, 403},
		{"an admin edits a staff member", "PATCH", "/api/staff/dave", `{"role":"admin","disabled":true}`, service, 200},
		{"an unknown role is refused", "PATCH", "/api/staff/dave", `{"role":"owner"}`, service, 422},
		{"an unknown staff member is not found", "PATCH", "/api/staff/no-such", `{"first":"No"}`, service, 404},
		{"an admin makes a token", "POST", "/api/staff/dave/tokens", "", service, 201},
		{"staff may not make tokens", "POST", "/api/staff/alice/tokens", "", alice, 403},
		{"an admin revokes the token", "DELETE", "/api/staff/dave/tokens/t1", "", service, 204},
		{"a revoked token is revoked once", "DELETE", "/api/staff/dave/tokens/t1", "", service, 404},
		{"an admin lists dave's tokens, the revoked one included", "GET", "/api/staff/dave/tokens", "", service, 200},
		{"staff may not list tokens", "GET", "/api/staff/alice/tokens", "", alice, 403},
		{"an unknown staff member has no tokens to list", "GET", "/api/staff/no-such/tokens", "", service, 404},
		{"the staff are listed", "GET", "/api/staff", "", alice, 200},
		{"alice sets her presence", "POST", "/api/staff/alice/presence", `{"presence":"busy"}`, alice, 200},
		{"alice may not set bob's", "POST", "/api/staff/bob/presence", `{"presence":"busy"}`, alice, 403},
		{"an unknown presence is refused", "POST", "/api/staff/alice/presence", `{"presence":"asleep"}`, alice, 422},
		{"an admin reads a report by channel", "GET", "/api/reports?by=channel&tz=Asia/Tokyo", "", service, 200},
		{"alice reads her own report by staff", "GET", "/api/reports?by=staff", "", alice, 200},
		{"a report downloads as CSV", "GET", "/api/reports?format=csv", "", service, 200},
		{"a report in an unknown time zone is refused", "GET", "/api/reports?tz=Mars/Olympus", "", service, 400},
		{"media are served", "GET", "/api/media/photo-1", "", service, 200},
		{"media under a key with slashes, as connectors name them, are served", "GET", "/api/media/line/main/m2", "", service, 200},
		{"unknown media are not found", "GET", "/api/media/no-such", "", service, 404},
		{"media are served at a signed URL without a credential", "GET", d.h.signer.sign("line/main/m2"), "", "", 200},
		{"a signed URL whose signature does not match is refused", "GET", "/media/photo-1?expires=1&sig=" + strings.Repeat("A", 43), "", "", 403},
		{"a path no route serves is a JSON 404", "GET", "/api/nowhere", "", service, 404},
		{"a method no route takes is a JSON 404", "DELETE", "/api/staff", "", service, 404},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var header []string
			if s.auth != "" {
				header = []string{"Authorization", s.auth}
			}
			if code, body := d.call(t, s.method, s.path, s.body, header...); code != s.want {
				t.Fatalf("%s %s: %d %v, want %d", s.method, s.path, code, body, s.want)
			}
		})
	}
	t.Run("a client that has the reference is not sent it again", func(t *testing.T) {
		if code, _ := d.call(t, "GET", "/api/openapi.json", "", "If-None-Match", openAPIETag); code != http.StatusNotModified {
			t.Fatalf("GET /api/openapi.json with its ETag: %d, want 304", code)
		}
	})
	t.Run("the event stream opens", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", d.url+"/api/events", nil)
		req.Header.Set("Authorization", service)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/events: %s, want 200", res.Status)
		}
		checkResponse(t, req, res, nil)
		if _, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U2"}, ExternalID: "m3", Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}}); err != nil {
			t.Fatal(err)
		}
		c, err := apiReference()
		if err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(res.Body)
		for desk := false; lines.Scan(); {
			line := lines.Text()
			if data, ok := strings.CutPrefix(line, "data: "); ok && desk {
				if err := c.checkSchema("DeskEvent", []byte(data)); err != nil {
					t.Fatalf("the first desk event: %v", err)
				}
				return
			}
			desk = line == "event: desk"
		}
		t.Fatalf("the stream ended without a desk event: %v", lines.Err())
	})
	t.Run("every documented operation had an answer checked", func(t *testing.T) {
		for _, op := range documentedOperations(t, openAPIDocument) {
			if !slices.Contains(checkedOperations(), op) {
				t.Errorf("no answer of %s was checked: add a step that calls it", op)
			}
		}
	})
}

package deskhttp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// fakeAuth knows credentials by their value: a bearer token or a session.
type fakeAuth map[string]Principal

func (f fakeAuth) Authenticate(_ context.Context, c Credential) (Principal, error) {
	for _, v := range []enquiry.Secret{c.Bearer, c.Session} {
		if p, ok := f[v.Reveal()]; ok && !v.IsZero() {
			return p, nil
		}
	}
	return Principal{}, ErrUnauthenticated
}

// The credentials of the role tests.
var roleAuth = fakeAuth{
	"service":       {Role: RoleAdmin, Via: ViaService},
	"alice-session": {Staff: "alice", Role: RoleStaff, Via: ViaSession},
	"alice-token":   {Staff: "alice", Role: RoleStaff, Via: ViaToken},
	"admin-session": {Staff: "carol", Role: RoleAdmin, Via: ViaSession},
}

// openEnquiry opens an enquiry on channel shop (made if need be) from a
// new customer and returns its ID.
func openEnquiry(t *testing.T, d *servedDesk) string {
	t.Helper()
	ctx := context.Background()
	if _, err := d.desk.Channel(ctx, "shop"); err != nil {
		if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "line"}); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "shop", Customer: enquiry.Customer{ID: fmt.Sprint("U", time.Now().UnixNano())},
		Time: time.Now(), Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	return rec.Enquiry.ID
}

// as returns the header of a credential: a bearer token, or a session
// cookie for the names ending in "-session".
func as(cred string) []string {
	if len(cred) > 8 && cred[len(cred)-8:] == "-session" {
		return []string{"Cookie", SessionCookie + "=" + cred}
	}
	return []string{"Authorization", "Bearer " + cred}
}

func TestAStaffCredentialActsOnlyAsItsOwnStaffMember(t *testing.T) {
	d := serveDesk(t, Config{Auth: roleAuth})
	for _, cred := range []string{"alice-session", "alice-token"} {
		for _, tc := range []struct{ name, method, path, body string }{
			{"attend", "POST", "/api/enquiries/{id}/attend", `{"staff":"bob"}`},
			{"send", "POST", "/api/enquiries/{id}/messages", `{"staff":"bob","text":"hi"}`},
			{"mark read", "POST", "/api/enquiries/{id}/read", `{"staff":"bob"}`},
			{"close", "POST", "/api/enquiries/{id}/close", `{"staff":"bob"}`},
			{"transfer", "POST", "/api/enquiries/{id}/transfer", `{"staff":"bob","to":{"staff":"alice"}}`},
			{"invite", "POST", "/api/enquiries/{id}/invite", `{"staff":"bob","colleague":"alice"}`},
			{"set presence", "POST", "/api/staff/bob/presence", `{"presence":"busy"}`},
		} {
			t.Run(fmt.Sprintf("%s cannot %s as bob", cred, tc.name), func(t *testing.T) {
				id := openEnquiry(t, d)
				path := replaceID(tc.path, id)
				status, v := d.call(t, tc.method, path, tc.body, as(cred)...)
				if status != 403 || errCode(v) != "not_yourself" {
					t.Fatalf("%s %s as %s naming bob: %d %v; want 403 not_yourself", tc.method, path, cred, status, v)
				}
				if e, _ := d.desk.Enquiry(context.Background(), id); e.Staff == "bob" {
					t.Fatal("the enquiry went to bob anyway")
				}
			})
		}
	}
	t.Run("a staff session that names no one acts as its own staff member", func(t *testing.T) {
		id := openEnquiry(t, d)
		status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", "", as("alice-session")...)
		if e, _ := v["enquiry"].(map[string]any); status != 200 || e["staff"] != "alice" {
			t.Fatalf("attend with an empty body: %d %v; want 200 attended by alice", status, v)
		}
		status, v = d.call(t, "POST", "/api/enquiries/"+id+"/messages", `{"staff":"alice","text":"Hello"}`, as("alice-session")...)
		if m, _ := v["message"].(map[string]any); status != 200 || m["staff"] != "alice" {
			t.Fatalf("send naming herself: %d %v; want 200 from alice", status, v)
		}
	})
	t.Run("a staff token sets its own presence", func(t *testing.T) {
		if status, v := d.call(t, "POST", "/api/staff/alice/presence", `{"presence":"busy"}`, as("alice-token")...); status != 200 {
			t.Fatalf("own presence: %d %v", status, v)
		}
	})
	t.Run("the service credential acts for the staff member it names", func(t *testing.T) {
		id := openEnquiry(t, d)
		status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", `{"staff":"bob"}`, as("service")...)
		if e, _ := v["enquiry"].(map[string]any); status != 200 || e["staff"] != "bob" {
			t.Fatalf("service attending for bob: %d %v; want 200 attended by bob", status, v)
		}
	})
	t.Run("the service credential must name someone", func(t *testing.T) {
		id := openEnquiry(t, d)
		if status, v := d.call(t, "POST", "/api/enquiries/"+id+"/attend", `{}`, as("service")...); status != 422 || errCode(v) != "missing_staff" {
			t.Fatalf("service attending for no one: %d %v; want 422 missing_staff", status, v)
		}
	})
}

func replaceID(path, id string) string {
	const p = "{id}"
	for i := 0; i+len(p) <= len(path); i++ {
		if path[i:i+len(p)] == p {
			return path[:i] + id + path[i+len(p):]
		}
	}
	return path
}

func TestAStaffRoleCannotTouchChannels(t *testing.T) {
	d := serveDesk(t, Config{Auth: roleAuth})
	if _, err := d.desk.CreateChannel(context.Background(), enquiry.Channel{ID: "shop", Name: "Shop", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	creds := `"secret":"0123456789abcdef0123456789abcdef","token":"tok"`
	for _, tc := range []struct{ name, method, path, body string }{
		{"create a channel", "POST", "/api/channels", `{"id":"new","name":"New",` + creds + `}`},
		{"edit a channel with PATCH", "PATCH", "/api/channels/shop", `{"name":"Mine"}`},
		{"edit a channel with PUT", "PUT", "/api/channels/shop", `{"name":"Mine"}`},
		{"change its credentials", "PATCH", "/api/channels/shop", `{"token":"stolen"}`},
		{"suspend a channel", "POST", "/api/channels/shop/suspend", ``},
		{"resume a channel", "POST", "/api/channels/shop/resume", ``},
		{"delete a channel", "DELETE", "/api/channels/shop?force=true", ``},
		{"run its set-up checks", "POST", "/api/channels/shop/check", ``},
	} {
		for _, cred := range []string{"alice-session", "alice-token"} {
			t.Run(fmt.Sprintf("%s cannot %s", cred, tc.name), func(t *testing.T) {
				status, v := d.call(t, tc.method, tc.path, tc.body, as(cred)...)
				e, _ := v["error"].(map[string]any)
				if status != 403 || e["code"] != "forbidden" || e["role"] != "admin" {
					t.Fatalf("%s %s: %d %v; want 403 naming the admin role", tc.method, tc.path, status, v)
				}
			})
		}
	}
	ch, err := d.desk.Channel(context.Background(), "shop")
	if err != nil || ch.Name != "Shop" || ch.State == enquiry.Suspended {
		t.Fatalf("after the refused requests the channel is %+v, %v; want it unchanged", ch, err)
	}
	t.Run("an admin session may", func(t *testing.T) {
		if status, v := d.call(t, "PATCH", "/api/channels/shop", `{"name":"Shop 2"}`, as("admin-session")...); status != 200 {
			t.Fatalf("admin PATCH: %d %v", status, v)
		}
	})
	t.Run("staff may still read the channels", func(t *testing.T) {
		if status, v := d.call(t, "GET", "/api/channels", "", as("alice-token")...); status != 200 {
			t.Fatalf("GET /api/channels: %d %v", status, v)
		}
	})
}

package deskhttp

import (
	"context"
	"testing"
)

func TestOpenLetsAnonymousRequestsInAndChecksCredentials(t *testing.T) {
	accts := newFakeAccounts()
	accts.CreateAccount(context.Background(), Account{ID: "alice", First: "Alice", Role: RoleStaff}, alicePassword)
	d := serveDesk(t, Config{Auth: Open(), Accounts: accts})
	t.Run("a request without a credential acts as an admin service credential", func(t *testing.T) {
		if status, v := d.call(t, "GET", "/api/session", ""); status != 200 || v["role"] != "admin" || v["via"] != "service" || v["staff"] != "" {
			t.Fatalf("GET /api/session: %d %v", status, v)
		}
	})
	t.Run("a wrong token is refused", func(t *testing.T) {
		if status, v := d.call(t, "GET", "/api/enquiries", "", "Authorization", "Bearer nope"); status != 401 {
			t.Fatalf("GET /api/enquiries with a wrong token: %d %v; want 401", status, v)
		}
	})
	t.Run("a signed-in staff member acts as themself only", func(t *testing.T) {
		alice := d.signIn(t, "alice", alicePassword)
		if status, v := d.call(t, "GET", "/api/session", "", alice...); status != 200 || v["staff"] != "alice" || v["via"] != "session" {
			t.Fatalf("GET /api/session as alice: %d %v", status, v)
		}
		if status, v := d.call(t, "POST", "/api/staff/bob/presence", `{"presence":"available"}`, alice...); status != 403 {
			t.Fatalf("alice setting bob's presence: %d %v; want 403", status, v)
		}
	})
}

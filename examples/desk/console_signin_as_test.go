package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
)

// TestDemoPageSignsInAsADemoStaffMemberInOneClick opens the demo's
// customer phone, clicks "Sign in as Alice Chen" and finds the console
// signed in as alice, with "You are" fixed to her.
func TestDemoPageSignsInAsADemoStaffMemberInOneClick(t *testing.T) {
	url, browserCtx, dir, _ := browserTestServer(t, config{})
	c, closeTab := openPage(t, browserCtx, "signin-as", dir)
	defer closeTab()
	c.do("open the demo page", chromedp.Navigate(url+"/phone.html"))
	c.waitFor("it offers to sign in as each demo staff member",
		`!!document.getElementById('sign-in-as-alice') && !!document.getElementById('sign-in-as-bob')`)
	c.screenshot("signin-as-01-demo-page.png")
	c.do("sign in as alice", chromedp.Click(chromedp.ID("sign-in-as-alice")))
	c.waitFor("the demo page says she is signed in", `document.getElementById('staff-sign-in').dataset.signedIn === 'alice'`)
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the console acts as alice only", `document.getElementById('me').value === 'alice' && document.getElementById('me').disabled`)
	c.screenshot("signin-as-02-console.png")
	c.check()
}

// TestDemoStaffPasswordsAreServedInDemoModeOnly: the demo page's list
// of staff passwords is a demo route; a real desk has no such route.
func TestDemoStaffPasswordsAreServedInDemoModeOnly(t *testing.T) {
	ts, _ := demoDesk(t)
	code, v := call(t, ts, "GET", "/demo/staff", "")
	if code != http.StatusOK {
		t.Fatalf("GET /demo/staff in demo mode: %d %v", code, v)
	}
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), demo.Password("alice")) {
		t.Fatalf("GET /demo/staff = %s, want alice's demo password", b)
	}
	real := startLINE(t, nil)
	if code, v := real.api("GET", "/demo/staff", ""); code != http.StatusNotFound {
		t.Fatalf("GET /demo/staff in real mode: %d %v, want 404", code, v)
	}
}

// TestDemoStaffKeptInTheStore: on a store that already has the demo's
// staff IDs, the demo resets only an account that still has the demo
// password published before each process drew its own, and offers
// one-click sign-in only as the accounts it added or reset; a real
// staff member who happens to be called alice is left alone.
func TestDemoStaffKeptInTheStore(t *testing.T) {
	ctx := t.Context()
	store := enquiry.NewMemStore()
	accounts := &deskhttp.StoreAccounts{Store: store}
	legacy, err := enquiry.HashPassword("alice-demo-password")
	if err != nil {
		t.Fatal(err)
	}
	real, err := enquiry.HashPassword("bob-real-password-kept")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, a := range []enquiry.Account{
		{ID: "alice", First: "Alice", Role: enquiry.RoleStaff, PasswordHash: legacy, Created: now, Updated: now},
		{ID: "bob", First: "Bob", Last: "Real", Role: enquiry.RoleAdmin, PasswordHash: real, Created: now, Updated: now},
	} {
		if err := store.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	session, err := accounts.New(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	d := demo.New()
	t.Cleanup(d.Close)
	if err := d.AddStaff(ctx, accounts, &enquiry.Roster{}); err != nil {
		t.Fatal(err)
	}
	alice, _ := store.Account(ctx, "alice")
	if enquiry.CheckPassword(alice.PasswordHash, "alice-demo-password") || !enquiry.CheckPassword(alice.PasswordHash, demo.Password("alice")) {
		t.Fatal("alice, a demo account with the published password, does not have this run's password instead")
	}
	if _, err := accounts.Staff(ctx, session); err == nil {
		t.Fatal("a session alice began with the published password still works")
	}
	bob, _ := store.Account(ctx, "bob")
	if bob.Role != enquiry.RoleAdmin || bob.Last != "Real" || !enquiry.CheckPassword(bob.PasswordHash, "bob-real-password-kept") {
		t.Fatalf("the real bob was changed: %+v", bob)
	}
	mux := http.NewServeMux()
	d.Routes(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/demo/staff", nil))
	if body := rec.Body.String(); !strings.Contains(body, demo.Password("alice")) || strings.Contains(body, `"bob"`) {
		t.Fatalf("GET /demo/staff = %s; want alice with this run's password and not bob", body)
	}
	if demo.Password("alice") == "alice-demo-password" || demo.Password("alice") == demo.Password("bob") {
		t.Fatalf("demo passwords %q and %q: want them drawn by the process, one per staff member", demo.Password("alice"), demo.Password("bob"))
	}
}

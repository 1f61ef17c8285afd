package main

import (
	"encoding/json"
	"net/http"
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

// TestDemoPasswordsAreThisProcesssOwn: a demo account kept in the store
// from an earlier run (a database that ran the demo) no longer signs in
// with that run's password, only with this run's.
func TestDemoPasswordsAreThisProcesssOwn(t *testing.T) {
	ctx := t.Context()
	store := enquiry.NewMemStore()
	old, err := enquiry.HashPassword("alice-demo-password") // the one published before
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := store.CreateAccount(ctx, enquiry.Account{ID: "alice", First: "Alice", Role: enquiry.RoleStaff, PasswordHash: old, Created: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	if err := demo.AddStaff(ctx, &deskhttp.StoreAccounts{Store: store}, &enquiry.Roster{}); err != nil {
		t.Fatal(err)
	}
	a, err := store.Account(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if enquiry.CheckPassword(a.PasswordHash, "alice-demo-password") {
		t.Fatal("alice still signs in with the earlier run's demo password")
	}
	if !enquiry.CheckPassword(a.PasswordHash, demo.Password("alice")) {
		t.Fatal("alice does not sign in with this run's demo password")
	}
	if demo.Password("alice") == "alice-demo-password" || demo.Password("alice") == demo.Password("bob") {
		t.Fatalf("demo passwords %q and %q: want them drawn by the process, one per staff member", demo.Password("alice"), demo.Password("bob"))
	}
}

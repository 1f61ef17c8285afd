package deskhttp

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleAdminManagesAStaffMemberInBrowser: on the Staff page an
// admin makes alice an admin and back, sets her a new password, sees the
// API token made for her elsewhere listed, creates another (its value
// shown once, to copy), which is listed and works until it is revoked,
// then listed as revoked, and disables her, which ends her session at
// once.
func TestConsoleAdminManagesAStaffMemberInBrowser(t *testing.T) {
	d, accts, _ := accountsDesk(t, Config{})
	ctx := context.Background()
	alice := d.signIn(t, "alice", alicePassword) // her own session, elsewhere
	shots := screenshotDir(t)
	c := browser(t)
	c.expect("401")
	const row = `#staff-list li[data-id="alice"] `
	inRow := func(sel string) string { return row + sel }

	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("sign in as carol", chromedp.SetValue(chromedp.ID("signin-staff"), "carol"), chromedp.SetValue(chromedp.ID("signin-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("carol is signed in", `!document.getElementById('token-dialog').open && !document.getElementById('nav-staff').hidden`)
	older, _, err := accts.NewToken(ctx, "alice") // made elsewhere, before the page opens
	if err != nil {
		t.Fatal(err)
	}
	listed := func(id string) string { return inRow(`.token-list li[data-token="` + id + `"]`) }
	c.do("open the Staff page", chromedp.Click(chromedp.ID("nav-staff")))
	c.waitFor("alice is listed", `document.querySelector('`+row+`') !== null`)
	c.do("open alice's Manage panel", chromedp.Click(chromedp.CSS(inRow(".staff-manage summary"))))
	c.waitFor("the token made elsewhere is listed, to revoke", `document.querySelector('`+listed(older.ID)+` .token-revoke') !== null`)
	c.waitFor("carol may not disable herself", `document.querySelector('#staff-list li[data-id="carol"] .staff-toggle').disabled`)

	role := func(want Role) {
		t.Helper()
		// chromedp's SetValue fires input and change itself: a change
		// dispatched again here made two edits and two redraws, and the
		// later redraw could replace the select of the next step.
		c.do("make alice "+string(want), chromedp.SetValue(chromedp.CSS(inRow(".staff-role")), string(want)))
		c.waitFor("alice is listed as "+string(want), `document.querySelector('`+inRow(".meta")+`').textContent.includes(`+js(" · "+string(want))+`)`)
		if a, err := accts.Account(ctx, "alice"); err != nil || a.Role != want {
			t.Fatalf("alice's account: %+v, %v; want role %s", a, err, want)
		}
	}
	role(RoleAdmin)
	role(RoleStaff)

	const newPassword = "a new password for alice 7f3"
	c.do("set alice a new password", chromedp.SendKeys(chromedp.CSS(inRow(".staff-newpass")), newPassword), chromedp.Click(chromedp.CSS(inRow(".staff-setpass"))))
	c.waitFor("the change is announced", `document.getElementById('announce').textContent.includes('password of Alice Chen is changed')`)
	if _, err := accts.CheckPassword(ctx, "alice", newPassword); err != nil {
		t.Fatalf("the new password: %v", err)
	}

	c.do("create a token for alice", chromedp.Click(chromedp.CSS(inRow(".staff-newtoken"))))
	c.waitFor("the token is shown once, to copy", `document.querySelector('`+inRow(".token-value")+`') && document.querySelector('`+inRow(".token-value")+`').value.length > 20 && document.querySelector('`+inRow(".token-once")+`').textContent.includes('shown only once') && document.querySelector('`+inRow(".token-copy")+`') !== null`)
	c.screenshot(shots, "staff-1-new-token.png")
	token := c.eval(`document.querySelector('` + inRow(".token-value") + `').value`)
	if res, body := d.send(t, "GET", "/api/session", "", "Authorization", "Bearer "+token); res.StatusCode != 200 {
		t.Fatalf("the new token: %s %s; want 200", res.Status, body)
	}
	list, err := accts.Tokens(ctx, "alice")
	if err != nil || len(list) != 2 {
		t.Fatalf("alice's tokens: %+v, %v; want two", list, err)
	}
	made := list[1]
	c.waitFor("the new token is listed after the older one, to revoke", `document.querySelector('`+listed(made.ID)+` .token-revoke') !== null && document.querySelector('`+listed(older.ID)+`').nextElementSibling === document.querySelector('`+listed(made.ID)+`')`)
	c.do("revoke it", chromedp.Click(chromedp.CSS(listed(made.ID)+" .token-revoke")))
	c.waitFor("it is listed as revoked, no longer shown, and the older one is still in force", `document.querySelector('`+listed(made.ID)+` .token-revoked') !== null && document.querySelector('`+listed(made.ID)+` .token-revoked').textContent.startsWith('revoked ') && document.querySelector('`+listed(made.ID)+` .token-revoke') === null && document.querySelector('`+inRow(".token-value")+`') === null && document.querySelector('`+listed(older.ID)+` .token-revoke') !== null`)
	c.screenshot(shots, "staff-1b-revoked-token.png")
	if res, _ := d.send(t, "GET", "/api/session", "", "Authorization", "Bearer "+token); res.StatusCode != 401 {
		t.Fatalf("the revoked token: %s; want 401", res.Status)
	}

	if res, body := d.send(t, "GET", "/api/session", "", alice...); res.StatusCode != 200 {
		t.Fatalf("alice's session before she is disabled: %s %s; want 200", res.Status, body)
	}
	c.do("disable alice", chromedp.Click(chromedp.CSS(inRow(".staff-toggle"))))
	c.waitFor("alice is listed as disabled, to enable", `document.querySelector('`+inRow(".meta")+`').textContent.includes('disabled') && document.querySelector('`+inRow(".staff-toggle")+`').textContent === 'Enable'`)
	c.screenshot(shots, "staff-2-disabled.png")
	if res, _ := d.send(t, "GET", "/api/session", "", alice...); res.StatusCode != 401 {
		t.Fatalf("alice's session once she is disabled: %s; want 401", res.Status)
	}
}

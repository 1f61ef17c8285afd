package deskhttp

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests of the console on deskhttp alone; examples/desk has
// those of the whole host (demo phone, LINE).

// chromiumPath finds Debian's chromium, or "" when it is not installed.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// page is one browser tab under test. It records every console error and
// uncaught exception of the page; check fails the test on any.
type page struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
	expected []string // network errors the test causes on purpose
}

// browser starts headless Chromium with a fresh profile and opens a tab,
// stopped when the test ends; it skips the test without Chromium.
func browser(t *testing.T) *page {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("chromium is not installed (Debian: apt-get install -y chromium); skipping the browser test of the console")
	}
	allocCtx, stopAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 860),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
	)
	ctx, stop := chromedp.NewContext(allocCtx)
	p := &page{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && !m.IsException() {
				continue
			}
			p.mu.Lock()
			ok := false
			for _, e := range p.expected {
				ok = ok || m.Source == "network" && strings.Contains(m.Text, e)
			}
			if !ok {
				p.problems = append(p.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
			}
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() { stop(); stopAlloc() })
	return p
}

// expect lets the page log a failed request whose message contains text.
func (p *page) expect(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = append(p.expected, text)
}

// do runs steps, bounded so that a missing element fails the test.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	p.check()
}

// waitFor polls a JavaScript predicate until it is true.
func (p *page) waitFor(what, predicate string) {
	p.t.Helper()
	p.do("wait until "+what, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))(ctx, t)
		if err != nil {
			text, _ := chromedp.TextContent(chromedp.CSS("body"))(ctx, t)
			return chromedp.Void{}, fmt.Errorf("%w; the page says: %.1500s", err, strings.Join(strings.Fields(text), " "))
		}
		return chromedp.Void{}, nil
	})
}

// waitAcrossReload is waitFor while the page may be reloading: a poll
// that the navigation cuts short is tried again.
func (p *page) waitAcrossReload(what, predicate string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // safety only
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
		cancel()
		if err == nil {
			p.check()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("wait until %s: %v", what, err)
		}
	}
}

func (p *page) check() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.problems) > 0 {
		p.t.Fatalf("the page reported errors:\n%s", strings.Join(p.problems, "\n"))
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string { return strconv.Quote(s) }

// TestConsoleSignInInBrowser walks a staff member's day in the console
// with their own account: a wrong password is refused, the right one
// signs in, and as herself alone alice attends, replies and closes.
func TestConsoleSignInInBrowser(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	id := openEnquiry(t, d)
	c := browser(t)
	c.expect("401") // the console's first requests, and the wrong password

	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("enter a wrong password", chromedp.SendKeys(chromedp.ID("signin-staff"), "alice"), chromedp.SendKeys(chromedp.ID("signin-password"), "wrong"),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the wrong password is refused", `document.getElementById('token-dialog').open && document.getElementById('token-error').textContent.includes('did not accept')`)
	c.do("enter the right password", chromedp.SendKeys(chromedp.ID("signin-password"), alicePassword), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live, as alice only", `!document.getElementById('token-dialog').open && document.getElementById('live').classList.contains('on') && document.getElementById('me').value === 'alice' && document.getElementById('me').disabled`)

	c.do("open the enquiry", chromedp.Navigate(d.url+"/#/enquiries/"+id))
	c.waitFor("the room is open", `!document.getElementById('attend').hidden`)
	c.do("attend", chromedp.Click(chromedp.ID("attend")))
	c.waitFor("alice attends", `document.getElementById('room-meta').textContent.includes('attended by Alice')`)
	const answer = "Hello, this is Alice."
	c.do("reply", chromedp.SendKeys(chromedp.ID("reply"), answer), chromedp.Click(chromedp.ID("send")))
	c.waitFor("the reply is in the transcript", `[...document.querySelectorAll('#transcript .msg.staff')].some(m => m.textContent.includes(`+js(answer)+`))`)
	c.do("close", chromedp.Click(chromedp.ID("close-enquiry")))
	c.waitFor("the confirmation dialog is open", `document.getElementById('confirm').open`)
	c.do("confirm", chromedp.Click(chromedp.ID("confirm-ok")))
	c.waitFor("the room says closed", `document.getElementById('room-meta').textContent.includes('closed')`)

	_, room := d.call(t, "GET", "/api/enquiries/"+id, "", "Authorization", "Bearer service")
	if room["state"] != "closed" || room["staff"] != "alice" {
		t.Fatalf("the enquiry is %v, by %v; want closed by alice", room["state"], room["staff"])
	}
	for _, m := range room["messages"].([]any) {
		if m := m.(map[string]any); m["text"] == answer && (m["staff"] != "alice" || m["via"] != "session") {
			t.Fatalf("the reply is %v via %v; want alice via session", m["staff"], m["via"])
		}
	}
	res, _ := http.Get(d.url + "/api/enquiries")
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("without the browser's cookie: %s; want 401", res.Status)
	}
}

// TestConsoleAdminPageCreatesAStaffMemberInBrowser: an admin signed in
// sees the Staff page and adds a staff member, who can then sign in; a
// staff member sees no Staff page, and signing out asks to sign in again.
func TestConsoleAdminPageCreatesAStaffMemberInBrowser(t *testing.T) {
	d, accts, _ := accountsDesk(t, Config{})
	c := browser(t)
	c.expect("401")
	signIn := func(staff, password string) {
		t.Helper()
		c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
		c.do("sign in as "+staff, chromedp.SetValue(chromedp.ID("signin-staff"), staff), chromedp.SetValue(chromedp.ID("signin-password"), password),
			chromedp.Click(chromedp.CSS("#token-form button")))
		c.waitFor(staff+" is signed in", `!document.getElementById('token-dialog').open && document.getElementById('me').value === `+js(staff))
	}
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	signIn("carol", adminPassword)
	c.waitFor("the admin sees the Staff page's link", `!document.getElementById('nav-staff').hidden`)
	c.do("open the Staff page", chromedp.Click(chromedp.ID("nav-staff")))
	c.waitFor("it lists the staff", `[...document.querySelectorAll('#staff-list li')].some(li => li.dataset.id === 'alice')`)
	const davePassword = "dave-password-91c"
	c.do("add dave", chromedp.SendKeys(chromedp.ID("staff-id"), "dave"), chromedp.SendKeys(chromedp.ID("staff-first"), "Dave"),
		chromedp.SendKeys(chromedp.ID("staff-last"), "Lee"), chromedp.SendKeys(chromedp.ID("staff-password"), davePassword),
		chromedp.Click(chromedp.ID("staff-add")))
	c.waitFor("dave is listed", `[...document.querySelectorAll('#staff-list li')].some(li => li.dataset.id === 'dave' && li.textContent.includes('Dave Lee'))`)
	if a, err := accts.Account(context.Background(), "dave"); err != nil || a.Role != RoleStaff || a.First != "Dave" {
		t.Fatalf("dave's account: %+v, %v; want a staff account", a, err)
	}

	c.do("sign out", chromedp.Click(chromedp.ID("sign-out")))
	c.waitAcrossReload("the reloaded console asks to sign in", `document.getElementById('token-dialog').open`)
	signIn("dave", davePassword)
	c.waitFor("a staff member sees no Staff page", `document.getElementById('nav-staff').hidden && !document.getElementById('sign-out').hidden`)
}

func TestConsoleShowsNoStaffPageWithoutAccounts(t *testing.T) {
	d := serveDesk(t, Config{Auth: ServiceToken("service")})
	c := browser(t)
	c.expect("401")
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("the token is asked for", `document.getElementById('token-dialog').open`)
	c.do("enter the service token", chromedp.SendKeys(chromedp.ID("token"), "service"), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live, choosing whom it acts for", `document.getElementById('live').classList.contains('on') && !document.getElementById('me').disabled`)
	c.waitFor("there is no Staff page and no Sign out", `document.getElementById('nav-staff').hidden && document.getElementById('sign-out').hidden`)
}

package deskhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/socialdesk/socialdesk/automsg"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

// screenshotDir is where browser tests save their screenshots:
// $SOCIALDESK_SCREENSHOTS (CI keeps it as an artifact), else a temporary
// directory of the test.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("SOCIALDESK_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot directory: %v", err)
	}
	return dir
}

// screenshot saves the page as dir/file.
func (p *page) screenshot(dir, file string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", file, err)
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// eval runs a JavaScript expression and returns its value as a string.
func (p *page) eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(`+expr+`)`))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shift is an agent's shift in the console, walked step by step: each
// step is a function of it, and a screenshot of the console follows each
// step, numbered in order. Add a step by adding to shiftSteps.
type shift struct {
	t    *testing.T
	d    *servedDesk
	c    *page
	dir  string
	step int
	// customers are the enquiry IDs of the customers who wrote, by name:
	// their open enquiry's.
	customers map[string]string
	// earlier is the ID of Yui's enquiry before this shift, closed.
	earlier string
	// line is the fake LINE platform the customers' phones are on.
	line *linetest.Platform
}

// write records a text from the customer called name (a new enquiry on
// channel shop for a customer not seen before) and returns its enquiry.
func (s *shift) write(name, text string) string {
	s.t.Helper()
	rec, err := s.d.desk.Receive(context.Background(), enquiry.Inbound{Channel: "shop",
		Customer: enquiry.Customer{ID: "U-" + strings.ToLower(name), Name: name}, Time: time.Now(), Content: enquiry.Content{Kind: enquiry.Text, Text: text}})
	if err != nil {
		s.t.Fatal(err)
	}
	s.customers[name] = rec.Enquiry.ID
	return rec.Enquiry.ID
}

// row is the JavaScript for the list's link of the customer's enquiry.
func (s *shift) row(name string) string {
	return `document.querySelector('#enquiry-list a[data-enquiry=` + js(s.customers[name]) + `]')`
}

// unread is the customer's enquiry's unread count for alice, as the API
// says.
func (s *shift) unread(name string) any {
	s.t.Helper()
	_, body := s.d.call(s.t, "GET", "/api/enquiries?state=open&reader=alice", "", "Authorization", "Bearer service")
	for _, e := range body["enquiries"].([]any) {
		if e := e.(map[string]any); e["id"] == s.customers[name] {
			return e["unread"]
		}
	}
	s.t.Fatalf("%s's enquiry is not listed", name)
	return nil
}

// waitUnread waits until the desk counts want unread messages for alice
// in the customer's enquiry: the console's POST …/seen is not awaited.
func (s *shift) waitUnread(name string, want float64) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second) // a bound, not a speed goal
	for s.unread(name) != want {
		if time.Now().After(deadline) {
			s.t.Fatalf("the desk counts %v unread for alice in %s's enquiry, want %v", s.unread(name), name, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// enquiry returns the customer's enquiry as the desk has it.
func (s *shift) enquiry(name string) enquiry.Enquiry {
	s.t.Helper()
	e, err := s.d.desk.Enquiry(context.Background(), s.customers[name])
	if err != nil {
		s.t.Fatal(err)
	}
	return e
}

func (s *shift) tab(state string) {
	s.t.Helper()
	s.c.do("choose the "+state+" tab", chromedp.Click(chromedp.ID("tab-"+state)))
}

func (s *shift) open(name string) {
	s.t.Helper()
	s.c.do("open "+name+"'s room", chromedp.Click(chromedp.CSS(`#enquiry-list a[data-enquiry="`+s.customers[name]+`"]`)))
	s.c.waitFor(name+"'s room is open", inRoom(name))
}

// inRoom is JavaScript that is true when the room of the customer called
// name is open and its transcript loaded.
func inRoom(name string) string {
	return `document.getElementById('room-title').textContent === ` + js(name) + ` && document.getElementById('transcript').getAttribute('aria-busy') === 'false'`
}

// waitReceived waits until the customer's phone on p has received a
// message that is what want says, and returns it: the desk's outbox sends
// after the request that queued the message has been answered.
func waitReceived(t testing.TB, p *linetest.Platform, customer string, want func(linetest.Message) bool) linetest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // a bound, not a speed goal
	for {
		if i := slices.IndexFunc(p.Received(customer), want); i >= 0 {
			return p.Received(customer)[i]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the phone of %s received %+v, not the message the test waits for", customer, p.Received(customer))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shiftSteps is the walk, in order: a name (the screenshot's) and what
// the agent does and the test checks.
var shiftSteps = []struct {
	name string
	run  func(s *shift)
}{
	{"Yui wrote before, and that enquiry is closed", func(s *shift) {
		s.earlier = s.write("Yui", "My last parcel arrived broken, the box was crushed.")
		ctx := context.Background()
		if _, err := s.d.desk.Attend(ctx, s.earlier, "alice"); err != nil {
			s.t.Fatal(err)
		}
		if _, err := s.d.desk.Send(ctx, s.earlier, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Sorry! A new one is on its way."}); err != nil {
			s.t.Fatal(err)
		}
		if _, err := s.d.desk.Close(ctx, s.earlier, "alice"); err != nil {
			s.t.Fatal(err)
		}
		s.tab("closed")
		s.c.waitFor("the earlier enquiry is under Closed", `document.querySelector('#enquiry-list a[data-enquiry=`+js(s.earlier)+`]') !== null`)
		s.tab("ringing")
	}},
	{"two customers write", func(s *shift) {
		s.c.waitFor("Ringing is the tab of an agent who attends nothing", `document.getElementById('tab-ringing').getAttribute('aria-selected') === 'true'`)
		s.write("Yui", "Hello! Has my order #1042 shipped?")
		s.write("Ken", "Can I change my delivery address?")
		s.tab("open")
		for _, name := range []string{"Yui", "Ken"} {
			s.c.waitFor(name+" is listed with the channel's name, the last message and 1 unread",
				`(() => { const a = `+s.row(name)+`; return a && a.querySelector('.meta').textContent.startsWith('Shop ·') && a.querySelector('.last').textContent.length > 0 && a.querySelector('.badge.unread') && a.querySelector('.badge.unread').textContent === '1'; })()`)
		}
		s.c.waitFor("the page title counts the unread messages", `document.title.startsWith('(2) socialdesk')`)
		s.c.waitFor("the quiet badge counts them", `document.getElementById('unread-badge').textContent === '2' && !document.getElementById('unread-badge').hidden`)
		if got := s.c.eval(s.row("Yui") + `.querySelector('.last').textContent`); got != "Hello! Has my order #1042 shipped?" {
			s.t.Fatalf("Yui's row shows %q as the last message", got)
		}
	}},
	{"the agent attends Yui, who is under Mine", func(s *shift) {
		s.open("Yui")
		s.c.waitFor("Yui's unread count clears on open", `!`+s.row("Yui")+`.querySelector('.badge.unread') && document.title.startsWith('(1) socialdesk')`)
		if n := s.unread("Yui"); n != 0.0 {
			s.t.Fatalf("after opening the room the desk counts %v unread for alice, want 0", n)
		}
		s.c.do("attend", chromedp.Click(chromedp.ID("attend")))
		s.c.waitFor("alice attends, under Mine", `document.getElementById('room-meta').textContent.includes('attended by Alice') && document.getElementById('tab-mine').getAttribute('aria-selected') === 'true' && `+s.row("Yui")+` !== null && document.querySelector('[data-count=mine]').textContent === '1'`)
		s.c.waitFor("Ken is not under Mine", s.row("Ken")+` === null`)
	}},
	{"the agent reloads the console, which opens on Mine", func(s *shift) {
		s.c.do("reload the console in Yui's room", chromedp.Reload())
		s.c.waitFor("Yui's room is open again", inRoom("Yui"))
		// The console opens the room once the list is loaded and its
		// default tab chosen, so the tab is the default one by now.
		if got := s.c.eval(`document.querySelector('[role=tab][aria-selected=true]').id`); got != "tab-mine" {
			s.t.Fatalf("the reloaded console shows %s, want tab-mine: alice attends Yui", got)
		}
		s.c.waitFor("Yui is listed under Mine", s.row("Yui")+` !== null && `+s.row("Ken")+` === null`)
	}},
	{"Yui writes again while the agent is elsewhere", func(s *shift) {
		s.c.do("go back to the list", chromedp.Navigate(s.d.url+"/#/"))
		s.c.waitFor("no room is open", `document.getElementById('room').hidden`)
		s.write("Yui", "It is a birthday present, so it matters.")
		s.c.waitFor("Yui's row under Mine shows the new message and 1 unread",
			`(() => { const a = `+s.row("Yui")+`; return a && a.querySelector('.last').textContent.startsWith('It is a birthday') && a.querySelector('.badge.unread') && a.querySelector('.badge.unread').textContent === '1'; })()`)
		s.c.waitFor("the title counts Ken's and Yui's", `document.title.startsWith('(2) socialdesk')`)
		if n := s.unread("Yui"); n != 1.0 {
			s.t.Fatalf("the desk counts %v unread for alice, want 1", n)
		}
	}},
	{"opening the room clears the unread count", func(s *shift) {
		s.open("Yui")
		s.c.waitFor("Yui's badge is gone", `!`+s.row("Yui")+`.querySelector('.badge.unread') && document.title.startsWith('(1) socialdesk')`)
		s.waitUnread("Yui", 0)
	}},
	{"a message in the open room counts while the console is in the background", func(s *shift) {
		s.c.eval(`(() => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }); document.dispatchEvent(new Event('visibilitychange')); return ''; })()`)
		s.write("Yui", "Are you still there?")
		s.c.waitFor("the message is in the room", `[...document.querySelectorAll('#transcript .msg.customer')].some(m => m.textContent.includes('Are you still there?'))`)
		s.c.waitFor("it counts as unread, in the title too", `(() => { const b = `+s.row("Yui")+`.querySelector('.badge.unread'); return b && b.textContent === '1' && document.title.startsWith('(2) socialdesk'); })()`)
		if n := s.unread("Yui"); n != 1.0 {
			s.t.Fatalf("while the console is in the background the desk counts %v unread for alice, want 1", n)
		}
		s.c.eval(`(() => { delete document.visibilityState; document.dispatchEvent(new Event('visibilitychange')); return ''; })()`)
		s.c.waitFor("looking again clears it", `!`+s.row("Yui")+`.querySelector('.badge.unread') && document.title.startsWith('(1) socialdesk')`)
		s.waitUnread("Yui", 0)
	}},
	{"the agent answers Yui with a canned reply, typed as / and a word", func(s *shift) {
		ctx := context.Background()
		ch, err := s.d.desk.Channel(ctx, "shop")
		if err != nil {
			s.t.Fatal(err)
		}
		ch.AutoMessages.NameFormat = automsg.NameFirst // {staff} is the first name
		if _, err := s.d.desk.UpdateChannel(ctx, ch); err != nil {
			s.t.Fatal(err)
		}
		if _, err := s.d.desk.CreateCanned(ctx, enquiry.CannedReply{Channel: "shop", Name: "thanks", Text: "Thank you, {customer}! {staff} of {channel}"}); err != nil {
			s.t.Fatal(err)
		}
		const want = "Thank you, Yui! Alice of Shop"
		s.c.do("type / and a word", chromedp.SendKeys(chromedp.ID("reply"), "/than"))
		s.c.waitFor("the reply is offered, previewed for Yui and alice", `document.getElementById('canned-preview') && document.getElementById('canned-preview').textContent === `+js(want))
		s.c.do("insert it with Enter", enterKey)
		s.c.waitFor("the reply box holds the rendered text", `document.getElementById('reply').value === `+js(want))
		s.c.do("send it", chromedp.Click(chromedp.ID("send")))
		waitReceived(s.t, s.line, "U-yui", func(m linetest.Message) bool { return m.Text == want })
	}},
	{"the agent sends Yui a photo, which reaches her phone on LINE", func(s *shift) {
		s.c.waitFor("alice may attach media", `!document.getElementById('attach').disabled && !document.getElementById('attach').hidden`)
		img, err := filepath.Abs("testdata/media/ok.png")
		if err != nil {
			s.t.Fatal(err)
		}
		s.c.do("attach an image", chromedp.SetUploadFiles(chromedp.ID("attach-file"), []string{img}))
		s.c.waitFor("the image is in the transcript", `[...document.querySelectorAll('#transcript .msg.staff img')].length === 1`)
		got := waitReceived(s.t, s.line, "U-yui", func(m linetest.Message) bool { return m.Type == "image" })
		if res, body := s.d.fetch(s.t, got.OriginalContentURL); res.StatusCode != http.StatusOK || !bytes.Equal(body, fixture(s.t, "ok.png")) {
			s.t.Fatalf("GET the image's URL LINE was given: %s, %d bytes, want 200 and the image", res.Status, len(body))
		}
		s.c.waitFor("Yui's row shows the image's label and its time",
			`(() => { const a = `+s.row("Yui")+`; const at = a && a.querySelector('time.last-at');
				return a && a.querySelector('.last.label')?.textContent === 'Image' && at.textContent.trim().length > 0 && at.getAttribute('datetime').length > 0; })()`)
	}},
	{"the agent invites bob into Yui's room", func(s *shift) {
		s.c.do("open the invite picker", chromedp.Click(chromedp.ID("invite")))
		s.c.waitFor("the picker offers Bob and Carol, not alice", `document.getElementById('staff-picker').open && document.querySelector('#picker-list li[data-staff=bob]') && document.querySelector('#picker-list li[data-staff=carol]') && !document.querySelector('#picker-list li[data-staff=alice]')`)
		s.c.do("search for bob", chromedp.SendKeys(chromedp.ID("picker-search"), "bo"))
		s.c.waitFor("the search leaves Bob alone", `document.querySelectorAll('#picker-list li').length === 1 && document.querySelector('#picker-list li[data-staff=bob]').textContent.includes('available')`)
		s.c.waitFor("an invitation offers no team", `!document.querySelector('#picker-list li[data-team]')`)
		s.c.do("choose bob", chromedp.Click(chromedp.CSS(`#picker-list li[data-staff=bob] input`)), chromedp.Click(chromedp.ID("picker-ok")))
		s.c.waitFor("the picker closes", `!document.getElementById('staff-picker').open`)
		if e := s.enquiry("Yui"); len(e.Invited) != 1 || e.Invited[0] != "bob" || e.Staff != "alice" {
			s.t.Fatalf("Yui's enquiry: staff %q, invited %v; want alice with bob invited", e.Staff, e.Invited)
		}
	}},
	{"the agent attends Ken and opens the transfer picker", func(s *shift) {
		s.tab("open")
		s.open("Ken")
		s.c.do("attend", chromedp.Click(chromedp.ID("attend")))
		s.c.waitFor("alice attends Ken", `document.getElementById('room-meta').textContent.includes('attended by Alice') && !document.getElementById('transfer').hidden`)
		s.c.do("open the transfer picker", chromedp.Click(chromedp.ID("transfer")))
		s.c.waitFor("the picker offers the channel's team and bob", `document.getElementById('staff-picker').open && document.getElementById('picker-ok').textContent === 'Transfer' && document.querySelector('#picker-list li[data-team=support]') && document.querySelector('#picker-list li[data-staff=bob]')`)
		s.c.do("choose bob", chromedp.Click(chromedp.CSS(`#picker-list li[data-staff=bob] input`)))
	}},
	{"the agent transfers Ken to bob", func(s *shift) {
		s.c.do("transfer", chromedp.Click(chromedp.ID("picker-ok")))
		s.c.waitFor("Ken rings bob, and alice may no longer write", `!document.getElementById('staff-picker').open && document.getElementById('room-meta').textContent.includes('ringing Bob') && document.getElementById('transfer').hidden && document.getElementById('reply').disabled`)
		e := s.enquiry("Ken")
		if e.State != enquiry.Ringing || len(e.Ringing) != 1 || e.Ringing[0] != "bob" {
			s.t.Fatalf("Ken's enquiry is %s ringing %v; want ringing bob", e.State, e.Ringing)
		}
		s.tab("mine")
		s.c.waitFor("Mine has Yui, not Ken", s.row("Yui")+` !== null && `+s.row("Ken")+` === null`)
	}},
	{"the agent searches the transcripts for Yui's earlier parcel", func(s *shift) {
		s.c.do("search for broken", chromedp.SendKeys(chromedp.ID("search-q"), "broken"), chromedp.Click(chromedp.ID("search-go")))
		s.c.waitFor("one hit, Yui's earlier message, the word marked",
			`(() => { const hits = [...document.querySelectorAll('#search-list .search-hit')]; return hits.length === 1 &&
				hits[0].querySelector('.name')?.textContent === 'Yui' && hits[0].textContent.includes('arrived broken') &&
				hits[0].querySelector('mark')?.textContent === 'broken'; })()`)
	}},
	{"the agent opens the hit", func(s *shift) {
		s.c.do("open the hit", chromedp.Click(chromedp.CSS(`#search-list .search-hit`)))
		s.c.waitFor("the earlier enquiry's room is open at the message",
			`location.hash === '#/enquiries/' + `+js(s.earlier)+` && document.getElementById('room-meta').textContent.includes('closed') &&
				[...document.querySelectorAll('#transcript .msg.found')].some(m => m.textContent.includes('arrived broken'))`)
		s.c.do("clear the search", chromedp.Click(chromedp.ID("search-clear")))
		s.c.waitFor("the enquiry list is back", `document.getElementById('search-results').hidden && document.getElementById('enquiry-panel').offsetParent !== null`)
	}},
	{"the agent opens the Reports page", func(s *shift) {
		s.c.do("open the Reports page", chromedp.Click(chromedp.ID("nav-reports")))
		s.c.waitFor("the charts have a point for the shop, and its row counts alice's enquiries",
			`document.querySelectorAll('#rep-charts svg.rep-chart').length === 3 &&
			 ['first', 'handling', 'missed'].every(m => document.querySelector('svg[data-metric="'+m+'"] circle[data-key="shop"]')) &&
			 (() => { const r = document.querySelector('#rep-rows tr[data-key="shop"]'); return r && r.cells[0].textContent === 'Shop' && Number(r.cells[1].textContent) > 0; })() &&
			 document.getElementById('nav-reports').getAttribute('aria-current') === 'page'`)
	}},
	{"the agent downloads the report as CSV", func(s *shift) {
		lines := s.c.downloadCSV("socialdesk-report-channel-*.csv")
		if got := strings.Join(lines[0][:4], ","); got != "day,channel,name,enquiries" {
			s.t.Fatalf("the CSV's header is %q, want day,channel,name,enquiries,…", lines[0])
		}
		if len(lines) != 2 || lines[1][1] != "shop" || lines[1][2] != "Shop" || lines[1][3] == "0" {
			s.t.Fatalf("the CSV's rows are %q, want one for the shop, counting alice's enquiries", lines[1:])
		}
	}},
}

// TestConsoleShiftInBrowser walks an agent's shift in the console,
// signed in as alice: shiftSteps, with a screenshot after each.
func TestConsoleShiftInBrowser(t *testing.T) {
	// The customers are on a fake LINE platform, reached through the real
	// LINE client, which takes media URLs from the Handler's signer.
	p := linetest.New()
	t.Cleanup(p.Close)
	p.AddChannel(linetest.Channel{Token: "line-token", Secret: "line-secret", BotUserID: "Ubot", DisplayName: "Shop"})
	var handler atomic.Pointer[Handler]
	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL(), BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
		MediaURL: func(ctx context.Context, ref enquiry.MediaRef) (string, string, error) {
			return handler.Load().MediaURL(ctx, ref)
		}})
	d, accts, _ := accountsDeskOn(t, Config{Media: MediaLinks{PublicURL: publicURL, Key: "a key the replicas share, 32 bytes or more"}},
		map[string]enquiry.Kind{"line": {Sender: client, Policy: media.LINE}})
	handler.Store(d.h)
	ctx := context.Background()
	accts.CreateAccount(ctx, Account{ID: "bob", First: "Bob", Last: "Test", Role: RoleStaff}, "bob-password-1234")
	if err := d.h.LoadAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	d.roster.SetPresence("bob", routing.Available)
	var rule routing.Rule
	if err := json.Unmarshal([]byte(`{"teams":[{"name":"support","members":["alice","bob"]}],"alternative":[{"staff":"alice"}]}`), &rule); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "line", Routing: &rule,
		Account: "Ubot", Credentials: enquiry.Credentials{Secret: "line-secret", Token: "line-token"}}); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	c.expect("401") // the console's first requests, before sign-in
	s := &shift{t: t, d: d, c: c, dir: screenshotDir(t), customers: map[string]string{}, line: p}

	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("sign in as alice", chromedp.SendKeys(chromedp.ID("signin-staff"), "alice"), chromedp.SendKeys(chromedp.ID("signin-password"), alicePassword),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live, as alice", `!document.getElementById('token-dialog').open && document.getElementById('live').classList.contains('on') && document.getElementById('me').value === 'alice'`)

	slug := regexp.MustCompile(`[^a-z0-9]+`)
	for _, step := range shiftSteps {
		s.step++
		t.Logf("step %d: %s", s.step, step.name)
		step.run(s)
		s.c.screenshot(s.dir, fmt.Sprintf("shift-%02d-%s.png", s.step, strings.Trim(slug.ReplaceAllString(strings.ToLower(step.name), "-"), "-")))
	}
	c.check()
}

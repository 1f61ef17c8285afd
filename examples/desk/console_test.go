package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line/linetest"
)

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

// artifactDir is where screenshots go: $SOCIALDESK_ARTIFACTS, or a
// temporary directory of the test.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("SOCIALDESK_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifact directory: %v", err)
	}
	return dir
}

// page is one browser tab under test. It records every console error and
// uncaught exception of the page; check fails the test on any.
type page struct {
	t    *testing.T
	name string
	ctx  context.Context
	dir  string

	mu       sync.Mutex
	problems []string
	expected []string // network errors the test causes on purpose
}

// expect lets the page log a failed request whose message contains text,
// such as a 422 the test provokes.
func (p *page) expect(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = append(p.expected, text)
}

func openPage(t *testing.T, parent context.Context, name, dir string) (*page, context.CancelFunc) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	p := &page{t: t, name: name, ctx: ctx, dir: dir}
	// Console starts the tab (and the browser, for the first one) and
	// subscribes before anything loads, so nothing the page says is lost.
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
	return p, cancel
}

// do runs steps, each action bounded so a missing element fails the test
// instead of hanging it.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
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

func (p *page) eval(expr string, opts ...chromedp.EvaluateOption) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, opts...))
	if err != nil {
		p.t.Fatalf("%s: evaluate %q: %v", p.name, expr, err)
	}
	return v
}

func (p *page) screenshot(file string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 45*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	path := filepath.Join(p.dir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

func (p *page) check() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.problems) > 0 {
		p.t.Fatalf("%s: the page reported errors:\n%s", p.name, strings.Join(p.problems, "\n"))
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string { return strconv.Quote(s) }

// browserTest starts the demo desk on a test server and headless
// Chromium with a fresh profile, and stops both when the test ends. It
// skips the test when Chromium is not installed.
func browserTest(t *testing.T, cfg config) (url string, browser context.Context, dir string) {
	t.Helper()
	url, browser, dir, _ = browserTestServer(t, cfg)
	return url, browser, dir
}

// browserTestServer is browserTest that also returns the desk, for tests
// that reach into it (such as its demo platform).
func browserTestServer(t *testing.T, cfg config) (url string, browser context.Context, dir string, s *server) {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("chromium is not installed (Debian: apt-get install -y chromium); skipping the browser test of the web console")
	}
	dir = artifactDir(t)

	// The desk in demo mode, as `go run ./examples/desk` starts it.
	logs := &syncBuffer{}
	ctx := context.Background()
	cfg.Demo, cfg.Addr = true, "127.0.0.1:0"
	var err error
	s, err = newServer(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	s.baseURL = ts.URL
	if err := s.start(ctx); err != nil {
		ts.Close()
		s.Close()
		t.Fatal(err)
	}

	allocCtx, stopAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 860),
		// There is no network to reach: nothing but the test server.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Two tabs work at once: neither may be throttled as a background tab.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("lang", "en-US"),
	)
	browser, stopBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// The browser first, so its event streams end before the server.
		stopBrowser()
		stopAlloc()
		s.http.EndStreams()
		ts.Close()
		s.Close()
		if t.Failed() {
			t.Logf("desk logs:\n%s", logs.String())
		}
	})
	// Start the browser here, so that the tabs of the test share it.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	setUpDemoChannel(t, ts.URL, cfg.Token.Reveal())
	return ts.URL, browser, dir, s
}

// setUpDemoChannel gives the demo channel what the tests expect, whatever
// the demo's defaults: alice then bob are rung, Welcome and Close are on,
// and staff see custom info.
func setUpDemoChannel(t *testing.T, url, token string) {
	t.Helper()
	body := `{
		"routing": {"alternative": [{"staff": "alice"}, {"staff": "bob"}]},
		"autoMessages": {"welcome": {"on": true}, "away": {"on": true}, "close": {"on": true}, "nameFormat": "none"},
		"customInfo": "Opening hours: 9:00–18:00 JST.\nReturns within 30 days with the receipt.",
		"customInfoOn": true
	}`
	req, err := http.NewRequest(http.MethodPatch, url+"/api/channels/demo", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("set up the demo channel: %s: %s", res.Status, msg)
	}
}

// TestConsoleInBrowser drives the staff console and the demo customer
// phone in headless Chromium: a customer writes, the enquiry appears live,
// alice attends and replies, the customer sees the reply, alice closes and
// the customer gets the Close message.
func TestConsoleInBrowser(t *testing.T) {
	url, browserCtx, dir := browserTest(t, config{})
	console, closeConsole := openPage(t, browserCtx, "console", dir)
	defer closeConsole()

	// 1. The console, live.
	console.do("open the console", chromedp.Navigate(url+"/"))
	console.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)
	console.waitFor("the staff selector is filled", `document.getElementById('me').options.length >= 2`)
	console.do("choose alice", chromedp.SetValue(chromedp.ID("me"), "alice"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('me').dispatchEvent(new Event('change'))`))
	console.eval(`window.notReloaded = 'yes'`)
	console.screenshot("01-console-empty.png")

	// 2. The customer phone, in a second tab at a phone's width.
	phone, closePhone := openPage(t, browserCtx, "phone", dir)
	defer closePhone()
	phone.do("open the customer phone",
		chromedp.EmulateViewport(390, 760),
		chromedp.Navigate(url+"/phone.html?customer=U-demo-yui"))
	phone.waitFor("the customer list is filled", `document.getElementById('customer').value === 'U-demo-yui'`)

	// 3. The customer writes.
	const question = "Hello! Has my order #1042 shipped yet?"
	phone.do("send a message as the customer",
		chromedp.SendKeys(chromedp.ID("phone-text"), question),
		chromedp.Click(chromedp.ID("phone-send")))
	phone.waitFor("the sent message is on the phone",
		`[...document.querySelectorAll('#chat .bubble.mine')].some(b => b.textContent.includes(`+js(question)+`))`)
	phone.do("send a photo and a sticker",
		chromedp.Click(chromedp.ID("sample-photo")),
		chromedp.Click(chromedp.ID("sticker-toggle")),
		chromedp.Click(chromedp.CSS(".sticker-button")))
	phone.waitFor("the photo and the sticker are on the phone", `document.querySelectorAll('#chat .bubble.mine').length >= 3`)
	phone.screenshot("02-phone-sent.png")

	// 4. The enquiry appears in the console without a reload, and is
	// announced to screen readers.
	console.waitFor("the new enquiry is listed",
		`[...document.querySelectorAll('#enquiry-list a')].some(a => a.textContent.includes('Yui Sato'))`)
	console.waitFor("the new enquiry is announced",
		`document.getElementById('announce').textContent.includes('New enquiry from Yui Sato')`)
	if got := console.eval(`window.notReloaded || 'reloaded'`); got != "yes" {
		t.Fatalf("the console reloaded to show the enquiry (%q)", got)
	}
	console.screenshot("03-console-enquiry-ringing.png")

	// 5. alice opens the room and attends.
	console.do("open the room", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	console.waitFor("the room shows the customer's message",
		`[...document.querySelectorAll('#transcript .msg.customer')].some(m => m.textContent.includes(`+js(question)+`))`)
	console.waitFor("the channel's custom info is beside the conversation",
		`!document.getElementById('custom-info').hidden && document.getElementById('custom-info-text').textContent.length > 0`)
	console.waitFor("the customer's photo is shown from the desk's media store",
		`[...document.querySelectorAll('#transcript .msg.customer img')].some(i => i.complete && i.naturalWidth > 0 && i.src.includes('/api/media/'))`)
	console.waitFor("the customer's sticker is shown as a sticker",
		`document.querySelector('#transcript .msg.customer .sticker') !== null`)
	console.do("attend", chromedp.Click(chromedp.ID("attend")))
	console.waitFor("alice attends", `document.getElementById('room-meta').textContent.includes('attended by Alice')`)
	console.screenshot("04-console-attended.png")

	// 6. The text box counts UTF-16 units: 2,500 emoji are 5,000 units,
	// one over LINE's limit, and cannot be sent.
	console.eval(`(() => { const r = document.getElementById('reply'); r.value = '😀'.repeat(2500); r.dispatchEvent(new Event('input')); return ''; })()`)
	if got := console.eval(`document.getElementById('reply-count').textContent`); !strings.HasPrefix(got, "5,000 / 4,999") {
		t.Errorf("counter for 2,500 emoji = %q, want 5,000 UTF-16 units of 4,999", got)
	}
	if got := console.eval(`String(document.getElementById('send').disabled)`); got != "true" {
		t.Errorf("Send is enabled for a message over 4,999 units")
	}
	console.screenshot("05-console-too-long.png")

	// 7. alice replies.
	const answer = "Yes — it shipped this morning 😀 You will get a tracking number by email."
	console.eval(`(() => { const r = document.getElementById('reply'); r.value = ''; r.dispatchEvent(new Event('input')); return ''; })()`)
	console.do("write the reply", chromedp.SendKeys(chromedp.ID("reply"), answer))
	if got := console.eval(`document.getElementById('reply-count').textContent`); !strings.HasPrefix(got, strconv.Itoa(len([]rune(answer))+1)+" / 4,999") {
		t.Errorf("counter = %q, want %d UTF-16 units (the emoji counts 2)", got, len([]rune(answer))+1)
	}
	console.do("send the reply", chromedp.Click(chromedp.ID("send")))
	console.waitFor("the reply is in the transcript, sent",
		`[...document.querySelectorAll('#transcript .msg.staff')].some(m => m.textContent.includes(`+js(answer)+`) && m.querySelector('.delivery.sent'))`)
	console.screenshot("06-console-replied.png")

	// 8. The customer receives it.
	phone.waitFor("the reply reaches the phone",
		`[...document.querySelectorAll('#chat .bubble.theirs')].some(b => b.textContent.includes(`+js(answer)+`))`)
	phone.screenshot("07-phone-reply.png")

	// 9. alice closes the enquiry, confirming in the dialog.
	console.do("close", chromedp.Click(chromedp.ID("close-enquiry")))
	console.waitFor("the confirmation dialog is open", `document.getElementById('confirm').open`)
	console.screenshot("08-console-confirm-close.png")
	console.do("confirm", chromedp.Click(chromedp.ID("confirm-ok")))
	console.waitFor("the room says closed", `document.getElementById('room-meta').textContent.includes('closed')`)
	console.waitFor("the Closed tab counts it", `document.querySelector('[data-count=closed]').textContent === '1'`)
	console.screenshot("09-console-closed.png")

	// 10. The customer gets the Close message.
	phone.waitFor("the Close message reaches the phone",
		`[...document.querySelectorAll('#chat .bubble.theirs')].some(b => /closed/i.test(b.textContent))`)
	phone.screenshot("10-phone-closed.png")

	// 11. The console at a phone's width, with the demo phone panel on a
	// laptop's.
	console.do("show the customer phone panel", chromedp.Click(chromedp.ID("phone-toggle")))
	console.waitFor("the panel's phone has loaded", `(() => { const f = document.querySelector('#phone-panel iframe'); return f && f.contentDocument && f.contentDocument.querySelectorAll('#chat .bubble').length > 0; })()`)
	console.waitFor("the narrower transcript still shows its last message", `(() => { const l = document.getElementById('transcript'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2; })()`)
	console.screenshot("11-console-with-phone-panel.png")
	console.do("hide the panel", chromedp.Click(chromedp.ID("phone-toggle")), chromedp.EmulateViewport(390, 844))
	console.screenshot("12-console-phone-width.png")
	console.do("go back to the list", chromedp.Click(chromedp.CSS(".room-head .back")))
	console.do("look at closed enquiries", chromedp.Click(chromedp.ID("tab-closed")))
	console.waitFor("the list shows the closed enquiry", `document.querySelector('#enquiry-list a') !== null && document.getElementById('room').offsetParent === null`)
	console.screenshot("13-console-list-phone-width.png")

	console.eval(`''`) // let late console messages arrive
	phone.eval(`''`)
	console.check()
	phone.check()
}

// TestConsoleChannelSettingsInBrowser edits the demo channel in the
// console: live auto-message previews in each display-name format, a
// template error, the routing editor and its validation, the custom info
// limit, saving, and suspending with confirmation.
func TestConsoleChannelSettingsInBrowser(t *testing.T) {
	url, browserCtx, dir := browserTest(t, config{})
	c, closeTab := openPage(t, browserCtx, "settings", dir)
	defer closeTab()

	set := func(id, value string) { // set a field as typing would
		c.eval(`(() => { const f = document.getElementById(` + js(id) + `); f.value = ` + js(value) + `; f.dispatchEvent(new Event('input')); f.dispatchEvent(new Event('change')); return ''; })()`)
	}
	text := func(sel string) string {
		return c.eval(`(document.querySelector(` + js(sel) + `) || {}).textContent || ''`)
	}

	c.do("open the channel settings", chromedp.EmulateViewport(1280, 1600), chromedp.Navigate(url+"/#/channels"))
	c.waitFor("the demo channel is loaded", `document.getElementById('ch-name').value !== ''`)
	c.waitFor("the Close message has a preview in each of the three formats", `document.querySelectorAll('#am-close-preview dd').length === 3`)

	// The display-name format changes what the preview marks as chosen.
	c.do("show full names", chromedp.SetValue(chromedp.ID("name-format"), "full"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('name-format').dispatchEvent(new Event('change'))`))
	c.waitFor("the chosen preview names alice in full", `(document.querySelector('#am-close-preview dd.chosen') || {}).textContent?.includes('Alice')`)

	// A custom text with placeholders, previewed live.
	set("am-welcome-text", "Hello {customer}! {staff} from {channel} here.")
	c.waitFor("the Welcome preview fills the placeholders", `[...document.querySelectorAll('#am-welcome-preview dd')].some(d => d.textContent.includes('Hello Yui Sato!'))`)
	// A broken template: the desk's error is shown, not a preview.
	c.expect("422")
	set("am-away-text", "Sorry {nobody}")
	c.waitFor("the Away preview shows the template error", `document.querySelector('#am-away-preview dd.error') !== null`)
	if got := text("#am-away-preview dd.error"); !strings.Contains(got, "nobody") {
		t.Errorf("template error = %q, want it to name the bad placeholder", got)
	}
	set("am-away-text", "")

	// The routing editor: the demo rule, ring alice then bob, is shown as
	// a form; moving alice down rewrites the JSON.
	value := func(id string) string {
		return c.eval(`(document.getElementById(` + js(id) + `) || {}).value ?? 'missing'`)
	}
	choose := func(id, v string) {
		c.do("choose "+v+" in #"+id, chromedp.SetValue(chromedp.ID(id), v),
			chromedp.Evaluate[chromedp.Void](`document.getElementById(`+js(id)+`).dispatchEvent(new Event('change'))`))
	}
	c.waitFor("the rule editor shows alice then bob", `document.getElementById('rule-kind')?.value === 'alternative' && document.getElementById('rule-d0-id')?.value === 'alice' && document.getElementById('rule-d1-id')?.value === 'bob'`)
	c.do("move alice down", chromedp.Click(chromedp.ID("rule-d0-down")))
	if got := c.eval(`JSON.stringify(JSON.parse(document.getElementById('routing-json').value))`); got != `{"alternative":[{"staff":"bob"},{"staff":"alice"}]}` {
		t.Errorf("routing JSON after moving alice down = %s", got)
	}
	if got := c.eval(`document.activeElement.id`); got != "rule-d1-up" {
		t.Errorf("after moving alice to the end the focus is on %q, want her Move up button", got)
	}
	set("routing-json", `{"alternative": [`)
	if got := text("#routing-status"); !strings.HasPrefix(got, "Not valid JSON") {
		t.Errorf("routing status for broken JSON = %q", got)
	}
	if got := c.eval(`String(document.getElementById('rule-editor').disabled && !document.getElementById('rule-off').hidden)`); got != "true" {
		t.Errorf("the rule form is not locked while the JSON is broken")
	}
	set("routing-json", `{"alternative":[{"staff":"alice"}],"percentage":[{"percent":1,"staff":"bob"}]}`)
	if got := text("#routing-status"); !strings.Contains(got, "exactly one of") {
		t.Errorf("routing status for two rule kinds = %q", got)
	}
	set("routing-json", `{"percentage":[{"percent":70,"staff":"alice"},{"percent":50,"staff":"bob"}]}`)
	if got := text("#routing-status"); !strings.Contains(got, "total 120%") {
		t.Errorf("routing status for percentages totalling 120 = %q", got)
	}
	c.do("show the rule", chromedp.ScrollIntoView(chromedp.ID("rule")))
	c.screenshot("settings-01-routing-error.png")
	set("routing-json", `{"teams":["sales"],"time":{"zone":"UTC","holidays":"2026-01-01"}}`)
	if got := c.eval(`String(document.getElementById('rule-editor').disabled && !document.getElementById('rule-off').hidden)`); got != "true" {
		t.Errorf("the rule form is not locked for a rule of the wrong shape")
	}
	c.check() // and the page did not throw
	// Typed JSON is read back into the form, nested rules and teams too,
	// and an edit in the form changes only what it edits.
	officeJSON, err := os.ReadFile("../../routing/testdata/office.json")
	if err != nil {
		t.Fatal(err)
	}
	set("routing-json", string(officeJSON))
	for id, want := range map[string]string{
		"team0-name": "sales", "team0-method": "round_robin", "team0-members": "ann, bob, cai", "team0-timeout": "30s",
		"team2-method": "simultaneous", "rule-kind": "engagement", "rule-then-kind": "sticky",
		"rule-then-window": "168h", "rule-then-timeout": "20s", "rule-then-then-kind": "time",
		"rule-then-then-zone": "Asia/Tokyo", "rule-then-then-c1-to": "14:00", "rule-then-then-c0-then-d2-timeout": "45s",
		"rule-then-then-holidays": "2026-01-01\n2026-05-05", "rule-then-then-holiday-d0-type": "bot",
		"rule-then-then-other-d0-timeout": "2m", "rule-then-then-other-d1-type": "rule",
		"rule-then-then-other-d1-rule-kind": "percentage", "rule-then-then-other-d1-rule-d1-percent": "0",
	} {
		if got := value(id); got != want {
			t.Errorf("office rule in the form: #%s = %q, want %q", id, got, want)
		}
	}
	if got := c.eval(`[...document.querySelectorAll('#rule-then-then-c1 input[type=checkbox]')].filter(b => b.checked).map(b => b.id).join()`); got != "rule-then-then-c1-sat" {
		t.Errorf("office rule's Saturday hours tick %q", got)
	}
	choose("team0-method", "fixed_order")
	wantOffice := strings.Replace(string(officeJSON), `"method": "round_robin"`, `"method": "fixed_order"`, 1)
	if got := c.eval(`document.getElementById('routing-json').value`); !sameJSON(t, got, wantOffice) {
		t.Errorf("office rule after changing a team's method in the form:\n%s", got)
	}
	c.do("show the rule", chromedp.ScrollIntoView(chromedp.ID("rule")))
	c.screenshot("settings-02-office-rule.png")

	// A team of everyone, a new desk's routing, shows ticked with its
	// members locked; unticked, it takes members; ticked, it drops them.
	set("routing-json", `{"teams":[{"name":"everyone","method":"simultaneous","everyone":true}],"alternative":[{"team":"everyone"}]}`)
	if got := c.eval(`String(document.getElementById('team0-everyone')?.checked === true && document.getElementById('team0-members').disabled)`); got != "true" {
		t.Errorf("a team of everyone in the form is not ticked with its members locked")
	}
	teams := func() string {
		return c.eval(`JSON.stringify(JSON.parse(document.getElementById('routing-json').value).teams)`)
	}
	c.do("untick everyone", chromedp.Click(chromedp.ID("team0-everyone")))
	set("team0-members", "alice, bob")
	if got := teams(); got != `[{"name":"everyone","method":"simultaneous","members":["alice","bob"]}]` {
		t.Errorf("teams after unticking everyone and naming members = %s", got)
	}
	c.do("tick everyone", chromedp.Click(chromedp.ID("team0-everyone")))
	if got := teams(); got != `[{"name":"everyone","method":"simultaneous","everyone":true}]` {
		t.Errorf("teams after ticking everyone = %s", got)
	}

	// Typed JSON is read back into the form, nested rules too.
	set("routing-json", `{"sticky":{"window":"168h","then":{"percentage":[{"percent":70,"staff":"alice","timeout":"30s"},{"percent":30,"staff":"bob"}]}}}`)
	if got := text("#routing-status"); !strings.HasPrefix(got, "Looks right") {
		t.Errorf("routing status for a nested rule = %q", got)
	}
	if got := value("rule-kind") + " " + value("rule-then-kind") + " " + value("rule-then-d1-id") + " " + value("rule-then-d1-percent"); got != "sticky percentage bob 30" {
		t.Errorf("the form after typing a Sticky → Percentage rule shows %q", got)
	}

	// Custom info: at most 10,000 characters, counted as characters.
	set("ci-text", strings.Repeat("😀", 10001))
	if got := text("#ci-count"); !strings.HasPrefix(got, "10,001 / 10,000") {
		t.Errorf("custom info counter = %q", got)
	}
	c.do("try to save", chromedp.Click(chromedp.ID("ch-save")))
	c.waitFor("saving is refused", `document.getElementById('ch-status').textContent.includes('10,000')`)
	set("ci-text", "Returns: within 30 days.")

	c.do("save", chromedp.Click(chromedp.ID("ch-save")))
	c.waitFor("it is saved", `document.getElementById('ch-status').textContent === 'Saved.'`)
	c.screenshot("settings-03-saved.png")
	saved := c.eval(`(async () => JSON.stringify((await (await fetch('/api/channels/demo')).json()).channel))()`, chromedp.EvalAwaitPromise)
	for _, want := range []string{`"sticky":{"window":"168h0m0s"`, `"percent":70`, `"nameFormat":"full"`, `"text":"Hello {customer}! {staff} from {channel} here."`, `"customInfo":"Returns: within 30 days."`, `"customInfoOn":true`} {
		if !strings.Contains(saved, want) {
			t.Errorf("saved channel lacks %s:\n%s", want, saved)
		}
	}

	// A channel whose rule is nested loads into the form.
	c.eval(`window.notReloaded = 'yes'`)
	c.do("reload the settings", chromedp.Reload())
	c.waitFor("the demo channel is loaded again", `!window.notReloaded && document.getElementById('rule-kind')?.value === 'sticky'`)
	for id, want := range map[string]string{
		"rule-window": "168h", "rule-then-kind": "percentage",
		"rule-then-d0-type": "staff", "rule-then-d0-id": "alice", "rule-then-d0-percent": "70", "rule-then-d0-timeout": "30s",
		"rule-then-d1-id": "bob", "rule-then-d1-percent": "30", "rule-then-d1-timeout": "",
	} {
		if got := value(id); got != want {
			t.Errorf("loaded Sticky → Percentage rule: #%s = %q, want %q", id, got, want)
		}
	}
	if got := c.eval(`document.querySelector('#rule-then legend').textContent`); got != "Then, otherwise and after that" {
		t.Errorf("the nested rule's legend = %q", got)
	}
	c.do("show the rule", chromedp.ScrollIntoView(chromedp.ID("rule")))
	c.screenshot("settings-04-nested-rule-loaded.png")

	// Build office hours in the form alone: in Tokyo, Monday to Friday
	// 9:00–18:00 split 70/30 between alice and bob; other times bob.
	choose("rule-kind", "time")
	set("rule-zone", "Mars/Olympus")
	c.do("add office hours", chromedp.Click(chromedp.ID("rule-add-cond")))
	if got := c.eval(`document.activeElement.id`); got != "rule-c0-mon" {
		t.Errorf("after adding office hours the focus is on %q, want Monday", got)
	}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		c.do("tick "+d, chromedp.Click(chromedp.ID("rule-c0-"+d)))
	}
	set("rule-c0-from", "09:00")
	set("rule-c0-to", "18:00")
	choose("rule-c0-then-kind", "percentage")
	set("rule-c0-then-d0-id", "alice")
	set("rule-c0-then-d0-percent", "70")
	c.do("add a share", chromedp.Click(chromedp.ID("rule-c0-then-add")))
	if got := c.eval(`document.activeElement.id`); got != "rule-c0-then-d1-id" {
		t.Errorf("after adding a share the focus is on %q, want its staff ID", got)
	}
	c.do("type bob", chromedp.SendKeys(chromedp.ID("rule-c0-then-d1-id"), "bob"))
	set("rule-c0-then-d1-percent", "30")
	choose("rule-other-kind", "alternative")
	set("rule-other-d0-id", "bob")
	const office = `{"time":{"zone":"Asia/Tokyo","conditions":[{"days":["mon","tue","wed","thu","fri"],"from":"09:00","to":"18:00",` +
		`"then":{"percentage":[{"percent":70,"staff":"alice"},{"percent":30,"staff":"bob"}]}}],"other":{"alternative":[{"staff":"bob"}]}}}`
	// The desk checks the rule fully on save; its message is shown.
	c.do("save with an unknown zone", chromedp.Click(chromedp.ID("ch-save")))
	c.waitFor("the desk's message is shown with the rule", `document.getElementById('routing-status').textContent.includes('Mars/Olympus')`)
	if got := text("#routing-status"); !strings.Contains(got, "IANA") || !strings.Contains(c.eval(`document.getElementById('routing-status').className`), "error") {
		t.Errorf("routing status after the desk refused the zone = %q", got)
	}
	c.do("show the rule", chromedp.ScrollIntoView(chromedp.ID("rule")))
	c.screenshot("settings-05-time-rule-refused.png")
	set("rule-zone", "Asia/Tokyo")
	if got := c.eval(`JSON.stringify(JSON.parse(document.getElementById('routing-json').value))`); !sameJSON(t, got, office) {
		t.Errorf("routing JSON built by the form = %s, want %s", got, office)
	}
	c.do("save the office hours", chromedp.Click(chromedp.ID("ch-save")))
	c.waitFor("they are saved", `document.getElementById('ch-status').textContent === 'Saved.'`)
	c.do("show the rule", chromedp.ScrollIntoView(chromedp.ID("rule")))
	c.screenshot("settings-06-time-rule-saved.png")
	c.do("narrow the window to a phone's", chromedp.EmulateViewport(390, 1600), chromedp.ScrollIntoView(chromedp.ID("rule")))
	if got := c.eval(`String(document.documentElement.scrollWidth <= 390)`); got != "true" {
		t.Errorf("the rule form is wider than a phone: %s", c.eval(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`))
	}
	c.screenshot("settings-06-time-rule-phone-width.png")
	c.do("widen the window again", chromedp.EmulateViewport(1280, 1600))
	res, err := http.Get(url + "/api/channels/demo")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Channel struct {
			Routing json.RawMessage `json:"routing"`
		} `json:"channel"`
	}
	err = json.NewDecoder(res.Body).Decode(&got)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, string(got.Channel.Routing), office) {
		t.Errorf("stored rule = %s, want %s", got.Channel.Routing, office)
	}
	if got := value("rule-c0-then-d0-percent") + " " + value("rule-other-d0-id") + " " + value("rule-zone"); got != "70 bob Asia/Tokyo" {
		t.Errorf("the form after saving shows %q", got)
	}

	// Suspend asks first; cancelling changes nothing.
	c.do("suspend", chromedp.Click(chromedp.ID("ch-suspend")))
	c.waitFor("a confirmation is asked", `document.getElementById('confirm').open`)
	c.screenshot("settings-07-confirm-suspend.png")
	c.do("confirm", chromedp.Click(chromedp.ID("confirm-ok")))
	c.waitFor("the channel is suspended", `document.getElementById('channel-state').textContent === 'suspended'`)
	c.do("resume", chromedp.Click(chromedp.ID("ch-suspend")))
	c.waitFor("the channel is active again", `document.getElementById('channel-state').textContent === 'active'`)
	c.do("delete", chromedp.Click(chromedp.ID("ch-delete")))
	c.waitFor("deleting asks first", `document.getElementById('confirm').open`)
	c.do("cancel", chromedp.Click(chromedp.CSS(`#confirm button[value=cancel]`)))
	c.waitFor("the dialog is closed", `!document.getElementById('confirm').open`)
	if got := c.eval(`document.getElementById('ch-name').value`); got == "" {
		t.Errorf("the channel is gone after cancelling its deletion")
	}
	c.eval(`''`)
	c.check()
}

// TestConsoleTokenInBrowser runs the console against a desk started with
// DESK_TOKEN: it asks for the token, refuses a wrong one, and with the
// right one loads, follows live events and shows media.
func TestConsoleTokenInBrowser(t *testing.T) {
	const token = "s3cret-desk-token"
	url, browserCtx, dir := browserTest(t, config{Token: token})
	c, closeTab := openPage(t, browserCtx, "token", dir)
	defer closeTab()
	c.expect("401") // the console's first requests, before it has the token

	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the token is asked for", `document.getElementById('token-dialog').open`)
	c.do("enter a wrong token", chromedp.SendKeys(chromedp.ID("token"), "wrong"), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the wrong token is refused", `document.getElementById('token-dialog').open && document.getElementById('token-error').textContent.includes('did not accept')`)
	c.screenshot("token-01-refused.png")
	c.do("enter the token", chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live", `!document.getElementById('token-dialog').open && document.getElementById('live').classList.contains('on')`)

	// A customer writes, with a photo: the enquiry arrives over the event
	// stream and the photo loads, both authorised by the token in the URL.
	send := func(body string) {
		res, err := http.Post(url+"/demo/customers/U-demo-ken/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("demo customer message: %s", res.Status)
		}
	}
	send(`{"text":"Is the shop open on Saturday?"}`)
	send(`{"image":"` + samplePNG + `"}`)
	c.waitFor("the enquiry arrives live", `[...document.querySelectorAll('#enquiry-list a')].some(a => a.textContent.includes('Ken Ito'))`)
	c.do("open it", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("the photo loads", `[...document.querySelectorAll('#transcript img')].some(i => i.complete && i.naturalWidth > 0)`)
	c.screenshot("token-02-console.png")
	c.eval(`''`)
	c.check()
}

// TestConsoleIsolatesBidiControls shows a customer whose name and text
// hold U+202E (RIGHT-TO-LEFT OVERRIDE), which would otherwise reverse what
// follows it on screen: the name is shown without bidi controls, in the
// list, the room header and announcements, and names and texts are each
// isolated in their own element, so nothing beside them is reordered.
func TestConsoleIsolatesBidiControls(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	const (
		user = "U-demo-eve"
		name = "Eve \u202Egnp.exe"
		text = "Refund for \u202Eorder 1042 please"
	)
	s.demo.Platform.AddUser(linetest.User{ID: user, DisplayName: name})
	c, closeTab := openPage(t, browserCtx, "bidi", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)

	postDemoEvents(t, url, linetest.TextEvent(user, text, linetest.WithReplyToken(s.demo.Platform.IssueReplyToken(demo.Bot, user))))

	// Page helpers: whether an element's text has a bidi control, and
	// whether its visible characters are laid out left to right.
	c.eval(`(() => {
		window.hasBidi = (e) => /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/.test(e.textContent);
		window.leftToRight = (e) => {
			const r = document.createRange();
			let last = -Infinity;
			for (const n of [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)) {
				for (let i = 0; i < n.length; i++) {
					if (n.data[i] === ' ') continue;
					r.setStart(n, i); r.setEnd(n, i + 1);
					const box = r.getBoundingClientRect();
					if (box.width === 0) continue;
					if (box.left <= last) return false;
					last = box.left;
				}
			}
			return last > -Infinity;
		};
		return '';
	})()`)
	c.waitFor("the enquiry is listed", `[...document.querySelectorAll('#enquiry-list .name')].some((n) => n.textContent.startsWith('Eve'))`)
	row := `[...document.querySelectorAll('#enquiry-list a')].find((a) => a.querySelector('.name').textContent.startsWith('Eve'))`
	check := func(what, expr, want string) {
		t.Helper()
		if got := c.eval(expr); got != want {
			t.Errorf("%s: %s, want %s", what, got, want)
		}
	}
	check("the listed name", row+`.querySelector('.name').textContent`, "Eve gnp.exe")
	check("the listed name is laid out left to right", `String(leftToRight(`+row+`.querySelector('.name')))`, "true")
	check("the listed name is isolated", `getComputedStyle(`+row+`.querySelector('.name')).unicodeBidi`, "isolate")
	check("the text after the name is laid out left to right", `String(leftToRight(`+row+`.querySelector('.meta')))`, "true")
	c.waitFor("the enquiry is announced", `document.getElementById('announce').textContent.includes('Eve')`)
	check("the announcement has a bidi control", `String(hasBidi(document.getElementById('announce')))`, "false")
	c.screenshot("bidi-01-list.png")

	c.do("open the room", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("the room shows the message", `document.querySelector('#transcript .msg.customer .text') !== null`)
	check("the room header", `document.getElementById('room-title').textContent`, "Eve gnp.exe")
	check("the room header is laid out left to right", `String(leftToRight(document.getElementById('room-title')))`, "true")
	check("the room header is isolated", `getComputedStyle(document.getElementById('room-title')).unicodeBidi`, "isolate")
	msg := `document.querySelector('#transcript .msg.customer')`
	check("the message's author has a bidi control", `String(hasBidi(`+msg+`.querySelector('.who')))`, "false")
	check("the message's text is shown as sent", msg+`.querySelector('.text').textContent`, text)
	check("the message's text is isolated", `getComputedStyle(`+msg+`.querySelector('.text')).unicodeBidi`, "isolate")
	check("the message's author is isolated", `getComputedStyle(`+msg+`.querySelector('.who')).unicodeBidi`, "isolate")
	check("the time after the text is laid out left to right", `String(leftToRight(`+msg+`.querySelector('.when time')))`, "true")
	c.screenshot("bidi-02-room.png")
	c.eval(`''`)
	c.check()
}

// TestConsoleReloadsAfterItsStreamIsDropped drops the console's event
// stream, as the desk does when a console does not keep up, and opens an
// enquiry while the console has no stream: the console reconnects by
// itself and reloads, so it shows the enquiry it was never sent.
func TestConsoleReloadsAfterItsStreamIsDropped(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	c, closeTab := openPage(t, browserCtx, "dropped", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)
	eventually(t, "the desk has the console's stream", func() bool { return s.http.Streams() == 1 })

	s.http.DropStreams()
	eventually(t, "the stream is closed", func() bool { return s.http.Streams() == 0 })
	res, err := http.Post(url+"/demo/customers/U-demo-ana/messages", "application/json", strings.NewReader(`{"text":"Do you ship to Brazil?"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	eventually(t, "the enquiry is open", func() bool {
		list, err := s.desk.Enquiries(context.Background(), enquiry.Filter{Customer: "U-demo-ana"})
		return err == nil && len(list) == 1
	})
	if s.http.Streams() != 0 {
		t.Skip("the console reconnected before the enquiry opened, so it may have been sent the enquiry: nothing shows it reloads")
	}
	c.waitFor("the console shows the enquiry it missed", `[...document.querySelectorAll('#enquiry-list a')].some(a => a.textContent.includes('Ana Souza'))`)
	c.waitFor("the console is live again", `document.getElementById('live').classList.contains('on')`)
	c.eval(`''`)
	c.check()
}

// TestConsoleRetriesAStreamTheDeskRefused fills the desk's streams for
// the console's address, so its event stream is refused with 503, which
// ends an EventSource for good; once a slot is free, the console opens a
// stream again by itself.
func TestConsoleRetriesAStreamTheDeskRefused(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{limits: deskhttp.Limits{Streams: deskhttp.StreamLimits{PerIdentity: 1}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the stream that fills the slot: %s", res.Status)
	}

	c, closeTab := openPage(t, browserCtx, "refused", dir)
	defer closeTab()
	c.expect("503")
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the stream is refused", `document.getElementById('live').classList.contains('off')`)
	cancel() // frees the slot
	eventually(t, "the slot is free", func() bool { return s.http.Streams() == 0 })
	c.waitFor("the console is live again", `document.getElementById('live').classList.contains('on')`)
	c.eval(`''`)
	c.check()
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Errorf("not JSON: %v: %s", err, a)
		return false
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// samplePNG is a 2×2 PNG, base64.
const samplePNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4EaABRAwQCgAljgUBqTNxyAAAAABJRU5ErkJggg=="

// postDemoEvents posts events to the demo channel's webhook at url, signed
// as LINE signs them, and fails the test unless the desk answers 200.
func postDemoEvents(t *testing.T, url string, events ...json.RawMessage) {
	t.Helper()
	body := linetest.WebhookBody(demo.Bot, events...)
	req, _ := http.NewRequest(http.MethodPost, url+"/webhook/line/"+demo.ChannelID, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", linetest.SignBody(demo.Secret, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %s", res.Status)
	}
}

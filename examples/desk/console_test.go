package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.problems = append(p.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				p.mu.Unlock()
			}
		}
	}()
	return p, cancel
}

// do runs steps, each action bounded so a missing element fails the test
// instead of hanging it.
func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
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
		_, err := chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))(ctx, t)
		if err != nil {
			text, _ := chromedp.TextContent(chromedp.CSS("body"))(ctx, t)
			return chromedp.Void{}, fmt.Errorf("%w; the page says: %.1500s", err, strings.Join(strings.Fields(text), " "))
		}
		return chromedp.Void{}, nil
	})
}

func (p *page) eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("%s: evaluate %q: %v", p.name, expr, err)
	}
	return v
}

func (p *page) screenshot(file string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
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

// TestConsoleInBrowser drives the staff console and the demo customer
// phone in headless Chromium: a customer writes, the enquiry appears live,
// alice attends and replies, the customer sees the reply, alice closes and
// the customer gets the Close message.
func TestConsoleInBrowser(t *testing.T) {
	exe := chromiumPath()
	if exe == "" {
		t.Skip("chromium is not installed (Debian: apt-get install -y chromium); skipping the browser test of the web console")
	}
	dir := artifactDir(t)

	srvCtx, stopServer := context.WithCancel(context.Background())
	defer stopServer()
	s, err := newFakeServer(srvCtx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer ts.CloseClientConnections() // the console's event stream stays open

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
	defer stopAlloc()
	browserCtx, stopBrowser := chromedp.NewContext(allocCtx)
	defer stopBrowser()
	// Start the browser here, so that the tabs below share it.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	console, closeConsole := openPage(t, browserCtx, "console", dir)
	defer closeConsole()

	// 1. The console, live.
	console.do("open the console", chromedp.Navigate(ts.URL+"/"))
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
		chromedp.Navigate(ts.URL+"/phone.html?customer=U-demo-yui"))
	phone.waitFor("the customer list is filled", `document.getElementById('customer').value === 'U-demo-yui'`)

	// 3. The customer writes.
	const question = "Hello! Has my order #1042 shipped yet?"
	phone.do("send a message as the customer",
		chromedp.SendKeys(chromedp.ID("phone-text"), question),
		chromedp.Click(chromedp.ID("phone-send")))
	phone.waitFor("the sent message is on the phone",
		`[...document.querySelectorAll('#chat .bubble.mine')].some(b => b.textContent.includes(`+js(question)+`))`)
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
	console.screenshot("11-console-with-phone-panel.png")
	console.do("hide the panel", chromedp.Click(chromedp.ID("phone-toggle")), chromedp.EmulateViewport(390, 844))
	console.screenshot("12-console-phone-width.png")

	console.eval(`''`) // let late console messages arrive
	phone.eval(`''`)
	console.check()
	phone.check()
}

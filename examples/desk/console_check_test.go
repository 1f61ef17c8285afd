package main

import (
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleSetUpCheckInBrowser: the channel settings page checks a
// channel never checked before and shows the result as a checklist; a
// failing check says its fix, the channel list marks the channel, and
// "Check again" shows the repair. New credentials are checked at once.
func TestConsoleSetUpCheckInBrowser(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	p := s.demo.Platform
	p.SetWebhook(demo.Bot, s.demo.Webhook, false) // "Use webhook" off on LINE

	c, closeTab := openPage(t, browserCtx, "set-up check", dir)
	defer closeTab()
	item := func(name string) string {
		return `document.querySelector('#check-list li[data-check=` + js(name) + `]')`
	}
	statusOf := func(name, status string) string {
		return `(` + item(name) + ` || {}).dataset?.status === ` + js(status)
	}
	text := func(expr string) string { return c.eval(`(` + expr + ` || {}).textContent || ''`) }

	c.do("open the channel settings", chromedp.EmulateViewport(1280, 1600), chromedp.Navigate(url+"/#/channels"))
	c.waitFor("the new channel's check shows the webhook endpoint failing", statusOf("webhook endpoint", "error"))
	got := text(item("webhook endpoint"))
	for _, want := range []string{`"Use webhook" is off`, `Fix: Turn on "Use webhook"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the webhook endpoint item says %q, want %q", got, want)
		}
	}
	c.waitFor("the other checks of a good set-up pass", statusOf("access token", "ok")+` && `+statusOf("webhook test", "ok")+` && `+statusOf("channel secret", "ok"))
	c.waitFor("the channel list marks the channel", `(document.querySelector('#channel-list a[data-channel="demo"] .check-failed') || {}).textContent === 'Set-up problem'`)
	if got := text(`document.getElementById('check-status')`); !strings.Contains(got, "1 problem found") {
		t.Errorf("check status = %q, want it to count 1 problem", got)
	}
	c.screenshot("setup-check-failing.png")

	// The admin turns "Use webhook" on in the LINE Developers Console.
	p.SetWebhook(demo.Bot, s.demo.Webhook, true)
	c.do("check again", chromedp.Click(chromedp.ID("ch-check")))
	c.waitFor("the webhook endpoint passes", statusOf("webhook endpoint", "ok"))
	c.waitFor("the channel list no longer marks the channel", `document.querySelector('#channel-list a[data-channel="demo"]') !== null && document.querySelector('#channel-list .check-failed') === null`)
	if got := text(`document.getElementById('check-status')`); !strings.Contains(got, "No problems found") {
		t.Errorf("check status = %q, want no problems", got)
	}

	// A secret that is not LINE's, saved: the check runs at once and fails it.
	c.do("save a wrong channel secret",
		chromedp.Click(chromedp.CSS("#setup-check details summary")),
		chromedp.SendKeys(chromedp.ID("ch-secret"), "00000000000000000000000000000000"),
		chromedp.Click(chromedp.ID("ch-creds")))
	c.waitFor("the channel secret fails with its fix", statusOf("channel secret", "error"))
	if got := text(item("channel secret")); !strings.Contains(got, "Fix: Copy the channel secret again") {
		t.Errorf("the channel secret item says %q, want its fix", got)
	}
	if v := c.eval(`document.getElementById('ch-secret').value`); v != "" {
		t.Errorf("the secret field keeps %q after saving", v)
	}
	c.screenshot("setup-check-secret.png")
}

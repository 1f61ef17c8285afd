package main

import (
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// A message not sent because the monthly quota is used up says so in the
// room, in words staff understand, not as a plain failure; the channel's
// settings say pushes have stopped, and until when.
func TestConsoleShowsTheUsedUpMonthlyQuotaOnTheMessageAndTheChannel(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	const user = "U-demo-quota"
	s.demo.Platform.AddUser(linetest.User{ID: user, DisplayName: "Quinn"})
	s.demo.Platform.SetQuota(demo.Bot, linetest.Quota{Limited: true, Limit: 0})
	c, closeTab := openPage(t, browserCtx, "quota", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)

	// No reply token: the Welcome message must be pushed, and LINE refuses.
	postDemoEvents(t, url, linetest.TextEvent(user, "Is my order on its way?"))
	c.waitFor("the enquiry is listed", `[...document.querySelectorAll('#enquiry-list .name')].some((n) => n.textContent.startsWith('Quinn'))`)
	c.do("open the room", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("the Welcome message is marked not sent for the quota",
		`[...document.querySelectorAll('#transcript .msg.bot .delivery.quota_exhausted')].some((d) => d.textContent === 'not sent: monthly message quota reached')`)
	c.screenshot("quota-01-room.png")

	c.do("open the channel", chromedp.Navigate(url+"/#/channels/"+demo.ChannelID))
	c.waitFor("the channel says pushes have stopped",
		`document.getElementById('ch-quota').classList.contains('quota-exhausted') && document.getElementById('ch-quota').textContent.startsWith('Monthly message quota: 0 of 0 pushes used this month') && document.getElementById('ch-quota').textContent.includes('Pushes have stopped until')`)
	c.screenshot("quota-02-channel.png")
	c.check()
}

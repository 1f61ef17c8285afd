package main

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestConsoleShowsContentPendingThenItsState sends two videos that LINE
// is still preparing: the console shows each as "content pending" at
// once, and without a reload, from the desk's events, the one LINE then
// prepares as a video and the one it fails to prepare as "content
// unavailable".
func TestConsoleShowsContentPendingThenItsState(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	mp4, err := os.ReadFile("../../media/testdata/fixtures/ok-h264-aac.mp4")
	if err != nil {
		t.Fatal(err)
	}
	const user = "U-demo-ken"
	s.demo.Platform.AddUser(linetest.User{ID: user, DisplayName: "Ken Ito"})
	ready, broken := linetest.NewMessageID(), linetest.NewMessageID()
	for _, id := range []string{ready, broken} {
		s.demo.Platform.AddContent(id, linetest.Content{Data: mp4, ContentType: "video/mp4"})
		s.demo.Platform.SetTranscoding(id, "processing")
	}
	c, closeTab := openPage(t, browserCtx, "content", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)

	postDemoEvents(t, url,
		linetest.VideoEvent(user, 3*time.Second, linetest.WithMessageID(ready), linetest.WithReplyToken(s.demo.Platform.IssueReplyToken(demo.Bot, user))),
		linetest.VideoEvent(user, 3*time.Second, linetest.WithMessageID(broken)))
	c.waitFor("the enquiry is listed", `[...document.querySelectorAll('#enquiry-list a')].some(a => a.textContent.includes('Ken Ito'))`)
	c.do("open the room", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("both videos are shown as pending",
		`[...document.querySelectorAll('#transcript .content-pending')].filter(p => p.textContent === 'A video: content pending…').length === 2`)
	if got := c.eval(`String(document.querySelectorAll('#transcript video').length)`); got != "0" {
		t.Fatalf("%s videos are playable before their content arrived", got)
	}
	c.screenshot("content-01-pending.png")

	s.demo.Platform.SetTranscoding(ready, "succeeded")
	s.demo.Platform.SetTranscoding(broken, "failed")
	c.waitFor("the prepared video is shown", `document.querySelectorAll('#transcript video').length === 1`)
	c.waitFor("the other is unavailable, and says why",
		`[...document.querySelectorAll('#transcript .content-unavailable')].some(p => p.textContent.startsWith('The customer sent a video: content unavailable.'))`)
	if got := c.eval(`String(document.querySelectorAll('#transcript .content-pending').length)`); got != "0" {
		t.Fatalf("%s messages still shown as pending", got)
	}
	c.screenshot("content-02-settled.png")
	c.eval(`''`)
	c.check()
}

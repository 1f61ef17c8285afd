package main

import (
	"github.com/socialdesk/socialdesk/examples/desk/internal/demo"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestConsoleQuotesInBrowser has alice attend an enquiry (which marks the
// customer's messages read on LINE), quote the customer's message in her
// reply, and see the customer's own quote of an earlier message.
func TestConsoleQuotesInBrowser(t *testing.T) {
	url, browserCtx, dir, s := browserTestServer(t, config{})
	const (
		user     = "U-demo-quoter"
		question = "Can I change my delivery address?"
		reply    = "Yes: tell me the new address."
	)
	p := s.demo.Platform
	p.AddUser(linetest.User{ID: user, DisplayName: "Quinn"})
	readTok, quoteTok := p.IssueReadToken(demo.Bot, user), p.IssueQuoteToken(demo.Bot, user)

	c, closeTab := openPage(t, browserCtx, "quotes", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the event stream is connected", `document.getElementById('live').classList.contains('on')`)
	c.waitFor("the staff selector is filled", `document.getElementById('me').options.length >= 2`)
	c.do("choose alice", chromedp.SetValue(chromedp.ID("me"), "alice"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('me').dispatchEvent(new Event('change'))`))

	postDemoEvents(t, url, linetest.TextEvent(user, question, linetest.WithMessageID("q-1"), linetest.WithReadToken(readTok),
		linetest.WithQuoteToken(quoteTok), linetest.WithReplyToken(p.IssueReplyToken(demo.Bot, user))))
	c.waitFor("the enquiry is listed", `[...document.querySelectorAll('#enquiry-list .name')].some((n) => n.textContent.startsWith('Quinn'))`)
	c.do("open the room", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("the room shows the question", `[...document.querySelectorAll('#transcript .msg.customer .text')].some((n) => n.textContent === `+js(question)+`)`)
	if n := len(p.Reads()); n != 0 {
		t.Fatalf("%d read marks before alice attended", n)
	}
	c.do("attend", chromedp.Click(chromedp.ID("attend")))
	c.waitFor("alice attends", `document.getElementById('room-meta').textContent.includes('attended by Alice')`)
	eventually(t, "the read mark on LINE", func() bool { return len(p.Reads()) == 1 })
	if r := p.Reads()[0]; r.Token != readTok || r.User != user {
		t.Errorf("read mark %+v, want the question's token", r)
	}

	c.do("quote the question", chromedp.Click(chromedp.CSS(`#transcript .msg.customer .quote-button`)))
	c.waitFor("the composer says what the reply quotes",
		`!document.getElementById('quoting').hidden && document.getElementById('quoting-text').textContent.includes(`+js(question)+`)`)
	c.screenshot("quotes-01-quoting.png")
	c.do("write and send the reply", chromedp.SendKeys(chromedp.ID("reply"), reply), chromedp.Click(chromedp.ID("send")))
	c.waitFor("the reply shows the quote",
		`[...document.querySelectorAll('#transcript .msg.staff')].some((m) => m.textContent.includes(`+js(reply)+`) && (m.querySelector('blockquote.quote') || {}).textContent === 'Quoting: ' + `+js(question)+`)`)
	c.waitFor("the composer no longer quotes", `document.getElementById('quoting').hidden`)
	eventually(t, "the quoted reply on LINE", func() bool {
		for _, del := range append(p.Replies(), p.Pushes()...) {
			for _, m := range del.Messages {
				if m.Text == reply {
					return m.QuoteToken == quoteTok
				}
			}
		}
		return false
	})

	postDemoEvents(t, url, linetest.TextEvent(user, "About that:", linetest.Quoting("q-1"),
		linetest.WithReadToken(p.IssueReadToken(demo.Bot, user)), linetest.WithQuoteToken(p.IssueQuoteToken(demo.Bot, user))))
	c.waitFor("the customer's quote shows what it quotes",
		`[...document.querySelectorAll('#transcript .msg.customer')].some((m) => m.textContent.includes('About that:') && (m.querySelector('blockquote.quote') || {}).textContent === 'Quoting: ' + `+js(question)+`)`)
	eventually(t, "the new message is marked read while the room is open", func() bool { return len(p.Reads()) == 2 })
	c.screenshot("quotes-02-quoted.png")
	c.check()
}

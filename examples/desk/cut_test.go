package main

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestLongTextIsShownCutWithItsLength: a signed text of 100,000 characters
// (LINE's apps send at most 5,000) reaches staff cut to 5,000, and the API
// says how long it was, for the console's note.
func TestLongTextIsShownCutWithItsLength(t *testing.T) {
	d := startRealMode(t)
	const user = "U-cust-1"
	if got := d.send(linetest.TextEvent(user, strings.Repeat("é", 100000))); got != 200 {
		t.Fatalf("webhook: %d, want 200", got)
	}
	var msg map[string]any
	eventually(t, "the customer's message", func() bool {
		list := d.enquiries("?customer=" + user)
		if len(list) != 1 {
			return false
		}
		for _, m := range d.messages(list[0]["id"].(string)) {
			if m["author"] == "customer" {
				msg = m
				return true
			}
		}
		return false
	})
	text, _ := msg["text"].(string)
	if n := len(utf16.Encode([]rune(text))); n != 5000 || text != strings.Repeat("é", 5000) {
		t.Fatalf("the API shows %d units of text, want the first 5000", n)
	}
	if got := msg["originalLength"]; got != float64(100000) {
		t.Fatalf("originalLength = %v, want 100000", got)
	}
}

// TestConsoleShowsACutTextInBrowser: staff see the beginning of a text
// too long for LINE, and a note that says it was cut and how long it was.
func TestConsoleShowsACutTextInBrowser(t *testing.T) {
	url, browserCtx, dir := browserTest(t, config{})
	c, closeTab := openPage(t, browserCtx, "cut", dir)
	defer closeTab()
	c.do("open the console", chromedp.Navigate(url+"/"))
	c.waitFor("the console is live", `document.getElementById('live').classList.contains('on')`)

	res, err := http.Post(url+"/demo/customers/U-demo-ken/messages", "application/json",
		strings.NewReader(`{"text":"`+strings.Repeat("x", 100000)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("demo customer message: %s", res.Status)
	}
	c.waitFor("the enquiry arrives", `[...document.querySelectorAll('#enquiry-list a')].some(a => a.textContent.includes('Ken Ito'))`)
	c.do("open it", chromedp.Click(chromedp.CSS(`#enquiry-list a`)))
	c.waitFor("the note says the text was cut",
		`[...document.querySelectorAll('#transcript .msg.customer .note.cut')].some(n => n.textContent === `+
			js("Cut: the customer sent 100,000 characters; the first 5,000 are shown.")+`)`)
	if got := c.eval(`String(document.querySelector('#transcript .msg.customer .text').textContent.length)`); got != "5000" {
		t.Fatalf("the console shows %s characters of the text, want 5000", got)
	}
	c.screenshot("cut-01-note.png")
	c.check()
}

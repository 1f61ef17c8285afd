package deskhttp

import (
	"bytes"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/line/linetest"
)

// TestConsoleAttachesMediaInBrowser: alice attaches an image in the room
// and it reaches the customer on LINE; a WebM video is refused with the
// reason, in the room, and nothing is sent.
func TestConsoleAttachesMediaInBrowser(t *testing.T) {
	d := serveLINEDesk(t)
	c := browser(t)
	c.expect("401") // the console's first requests, before the token
	c.expect("422") // the WebM video, refused on purpose
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("the token is asked for", `document.getElementById('token-dialog').open`)
	c.do("enter alice's token", chromedp.SendKeys(chromedp.ID("token"), "alice-token"), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live, as alice", `document.getElementById('live').classList.contains('on') && document.getElementById('me').value === 'alice'`)
	c.do("open the room", chromedp.Navigate(d.url+"/#/enquiries/"+d.enq))
	c.waitFor("alice may attach media", `!document.getElementById('attach').disabled && !document.getElementById('attach').hidden`)

	img, err := filepath.Abs("testdata/media/ok.png")
	if err != nil {
		t.Fatal(err)
	}
	c.do("attach an image", chromedp.SetUploadFiles(chromedp.ID("attach-file"), []string{img}))
	c.waitFor("the image is in the transcript", `[...document.querySelectorAll('#transcript .msg.staff img')].length === 1`)
	got := waitReceived(t, d.p, "U1", func(m linetest.Message) bool { return m.Type == "image" })
	if n := len(d.received()); n != 1 {
		t.Fatalf("the customer received %+v, want the image alone", d.received())
	}
	if res, body := d.fetch(t, got.OriginalContentURL); res.StatusCode != http.StatusOK || !bytes.Equal(body, fixture(t, "ok.png")) {
		t.Fatalf("GET the image's URL: %s, %d bytes, want 200 and the image", res.Status, len(body))
	}

	webm, err := filepath.Abs("testdata/media/bad-vp9.webm")
	if err != nil {
		t.Fatal(err)
	}
	c.do("attach a WebM video", chromedp.SetUploadFiles(chromedp.ID("attach-file"), []string{webm}))
	c.waitFor("the room says why it was not sent", `document.getElementById('room-error').textContent.includes('bad-vp9.webm was not sent') && document.getElementById('room-error').textContent.includes('WebM')`)
	if n := len(d.received()); n != 1 {
		t.Fatalf("the customer received %d messages, want only the image", n)
	}
}

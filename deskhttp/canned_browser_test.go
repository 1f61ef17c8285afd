package deskhttp

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
)

// TestConsoleCannedRepliesInBrowser: an admin adds a canned reply on the
// channel's page, seeing its preview; in a room, typing "/" and a word
// lists it previewed for the enquiry, Enter inserts it, and it is sent.
func TestConsoleCannedRepliesInBrowser(t *testing.T) {
	d := serveDesk(t, Config{Auth: ServiceToken("service")})
	ctx := context.Background()
	id := openEnquiry(t, d)
	e, _ := d.desk.Enquiry(ctx, id)
	ch, _ := d.desk.Channel(ctx, "shop")
	ch.AutoMessages.NameFormat = automsg.NameFirst // {staff} is the first name
	if _, err := d.desk.UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := d.desk.SetCustomerName(ctx, "shop", e.Customer.ID, "Kim"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.CreateCanned(ctx, enquiry.CannedReply{Channel: "shop", Name: "hours", Text: "We open at 9."}); err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	shots := screenshotDir(t)
	c.expect("401")
	c.expect("422") // the channel page's set-up check (no checks in this test), and the refused text
	c.expect("404") // the channel page's quota (none in this test)
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("the token is asked for", `document.getElementById('token-dialog').open`)
	c.do("enter the service token", chromedp.SendKeys(chromedp.ID("token"), "service"), chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live", `document.getElementById('live').classList.contains('on')`)
	c.do("act as alice", chromedp.SetValue(chromedp.ID("me"), "alice"), chromedp.Evaluate[chromedp.Void](`document.getElementById('me').dispatchEvent(new Event('change'))`))

	c.do("open the channel's page", chromedp.Navigate(d.url+"/#/channels/shop"))
	c.waitFor("the editor lists the reply", `[...document.querySelectorAll('#canned-rows li')].some(li => li.dataset.name === 'hours')`)
	c.do("write a canned reply", chromedp.SendKeys(chromedp.ID("canned-name"), "thanks"),
		chromedp.SendKeys(chromedp.ID("canned-text"), "Thank you, {customer}! {staff} of {channel}"))
	c.waitFor("its preview shows", `document.getElementById('canned-edit-preview').textContent === 'Thank you, Yui Sato! Alice of Shop'`)
	c.screenshot(shots, "canned-1-editor.png")
	c.do("add it", chromedp.Click(chromedp.ID("canned-save")))
	c.waitFor("it is listed", `[...document.querySelectorAll('#canned-rows li')].some(li => li.dataset.name === 'thanks')`)
	c.do("write a text that does not compile", chromedp.SendKeys(chromedp.ID("canned-name"), "bad"), chromedp.SendKeys(chromedp.ID("canned-text"), "Hi {nmae}"))
	c.waitFor("the preview says what is wrong", `document.getElementById('canned-edit-preview').textContent.includes('unknown placeholder "{nmae}"')`)
	c.do("try to add it", chromedp.Click(chromedp.ID("canned-save")))
	c.waitFor("it is refused with automsg's error", `document.getElementById('canned-status').textContent.includes('canned reply, line 1, column 4')`)

	c.do("open the enquiry", chromedp.Navigate(d.url+"/#/enquiries/"+id))
	c.waitFor("the room is open", `!document.getElementById('attend').hidden`)
	c.do("attend", chromedp.Click(chromedp.ID("attend")))
	c.waitFor("alice attends", `document.getElementById('room-meta').textContent.includes('attended by Alice') && !document.getElementById('reply').disabled`)
	c.do("type / and a word", chromedp.SendKeys(chromedp.ID("reply"), "/than"))
	c.waitFor("the list shows thanks alone, previewed for Kim and alice", `(() => {
		const box = document.getElementById('canned-pick');
		const opts = [...document.querySelectorAll('#canned-list [role=option]')];
		return box && !box.hidden && opts.length === 1 && opts[0].dataset.name === 'thanks' &&
			document.getElementById('canned-preview').textContent === 'Thank you, Kim! Alice of Shop';
	})()`)
	c.screenshot(shots, "canned-2-pick.png")
	c.do("insert it with Enter", enterKey) // the focus is in the reply box
	c.waitFor("the reply box holds the rendered text", `document.getElementById('reply').value === 'Thank you, Kim! Alice of Shop' && document.getElementById('canned-pick').hidden && !document.getElementById('send').disabled`)
	c.do("send it", chromedp.Click(chromedp.ID("send")))
	c.waitFor("it is in the transcript", `[...document.querySelectorAll('#transcript .msg.staff')].some(m => m.textContent.includes('Thank you, Kim! Alice of Shop'))`)

	msgs, err := d.desk.Transcript(ctx, id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if m := msgs[len(msgs)-1]; m.Content.Text != "Thank you, Kim! Alice of Shop" || m.Author.ID != "alice" {
		t.Fatalf("the last message is %q by %s; want the canned reply by alice", m.Content.Text, m.Author.ID)
	}
}

// enterKey presses Enter as a keyboard does when a keydown handler
// cancels it: SendKeys's "\r" sends a char event after the keydown, which
// inserts a line break a cancelled keydown would not have.
var enterKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		}); err != nil {
			return err
		}
	}
	return nil
})

package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/enquiry"
)

// TestConsoleWithLINEAndWhatsAppInBrowser: the demo as it starts, with a
// LINE channel and a WhatsApp channel. The channel page lists both and
// opens the first; the WhatsApp channel's set-up check runs against the
// fake Cloud API; the phone offers the LINE customers and the WhatsApp
// customer apart, and the WhatsApp customer's message opens an enquiry of
// channel wa in the console, where the Welcome's delivery states, as
// WhatsApp reports them, read in words.
func TestConsoleWithLINEAndWhatsAppInBrowser(t *testing.T) {
	url, browserCtx, dir, srv := browserTestServer(t, config{})
	c, closeTab := openPage(t, browserCtx, "two channels", dir)
	defer closeTab()
	item := func(name string) string {
		return `(document.querySelector('#check-list li[data-check=` + js(name) + `]') || {}).dataset?.status`
	}

	c.do("open the channel page", chromedp.EmulateViewport(1280, 1600), chromedp.Navigate(url+"/#/channels"))
	c.waitFor("both channels listed", `document.querySelectorAll('#channel-list a[data-channel]').length === 2 && document.querySelector('#channel-list a[data-channel="wa"]') !== null`)
	c.waitFor("the first channel opened by itself", `!document.getElementById('channel-form').hidden && document.getElementById('channel-none').hidden && document.getElementById('ch-name').value !== ''`)
	if first := c.eval(`document.querySelector('#channel-list a[data-channel]').dataset.channel`); first != "demo" {
		t.Errorf("the first channel listed is %q, want demo", first)
	}
	c.do("open the WhatsApp channel", chromedp.Click(chromedp.CSS(`#channel-list a[data-channel="wa"]`)))
	c.waitFor("the WhatsApp channel shown in WhatsApp's words", `document.getElementById('ch-name').value === 'WhatsApp' && document.getElementById('check-legend').textContent === 'WhatsApp set-up check'`)
	c.do("check its set-up", chromedp.Click(chromedp.ID("ch-check")))
	c.waitFor("WhatsApp's checks pass", item("access token")+` === 'ok' && `+item("phone number")+` === 'ok' && `+item("webhook subscription")+` === 'ok' && `+item("app secret")+` === 'ok'`)
	c.screenshot("two-channels-whatsapp-check.png")
	c.do("back to the LINE channel", chromedp.Click(chromedp.CSS(`#channel-list a[data-channel="demo"]`)))
	c.waitFor("LINE's words again", `document.getElementById('check-legend').textContent === 'LINE set-up check' && document.getElementById('ch-webhook-where').textContent.includes('LINE Developers')`)

	phone, closePhone := openPage(t, browserCtx, "phone", dir)
	defer closePhone()
	phone.do("open the customer phone", chromedp.EmulateViewport(390, 760), chromedp.Navigate(url+"/phone.html"))
	phone.waitFor("the customers grouped by platform", `[...document.querySelectorAll('#customer optgroup')].map((g) => g.label).join() === 'LINE,WhatsApp'`)
	if n := phone.eval(`String(document.querySelectorAll('#customer optgroup[label="WhatsApp"] option').length)`); n != "1" {
		t.Fatalf("%s WhatsApp customers on the phone, want 1", n)
	}
	phone.do("chat as the WhatsApp customer",
		chromedp.SetValue(chromedp.ID("customer"), "15550100001"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('customer').dispatchEvent(new Event('change'))`))
	phone.waitFor("stickers and photos put away: the WhatsApp customer sends text", `document.getElementById('sticker-toggle').hidden && document.getElementById('sample-photo').hidden`)
	phone.do("write", chromedp.SendKeys(chromedp.ID("phone-text"), "Hola from WhatsApp"), chromedp.Click(chromedp.ID("phone-send")))
	phone.waitFor("the message on the phone", `[...document.querySelectorAll('#chat .bubble.mine')].some((b) => b.textContent.includes('Hola from WhatsApp'))`)
	phone.waitFor("the Welcome on the phone, after the message", `document.querySelector('#chat .bubble:last-child')?.classList.contains('theirs')`)
	phone.screenshot("two-channels-phone.png")

	c.do("open the enquiries", chromedp.Navigate(url+"/"))
	c.waitFor("an enquiry of channel wa listed", `(async () => (await (await fetch('/api/enquiries')).json()).enquiries.some((e) => e.channel === 'wa'))()`)
	c.waitFor("the console lists it", `document.querySelectorAll('#enquiry-list li').length >= 1`)
	c.do("open its room", chromedp.Click(chromedp.CSS(`#enquiry-list li a, #enquiry-list li button, #enquiry-list li`)))
	c.waitFor("the reply counts by WhatsApp's limit", `(document.getElementById('reply-count')?.textContent || '').includes('/ 4,096')`)
	es, err := srv.desk.Enquiries(t.Context(), enquiry.Filter{Channel: "wa"})
	if err != nil || len(es) != 1 {
		t.Fatalf("%d enquiries of channel wa (%v), want 1", len(es), err)
	}
	ms, err := srv.desk.Transcript(t.Context(), es[0].ID, 0, 10)
	if err != nil || len(ms) != 2 || ms[1].Delivery == nil {
		t.Fatalf("transcript %+v (%v), want the message and the Welcome", ms, err)
	}
	for _, st := range []struct {
		state enquiry.DeliveryState
		words string
	}{{enquiry.Delivered, "delivered to the customer"}, {enquiry.Read, "read by the customer"}} {
		if err := srv.desk.DeliveryStatus(t.Context(), "wa", es[0].Customer.ID, enquiry.StatusReport{RequestID: ms[1].Delivery.RequestID, State: st.state}); err != nil {
			t.Fatal(err)
		}
		c.waitFor("the Welcome shown "+st.words, `document.querySelector('#transcript .msg.bot .delivery.`+string(st.state)+`')?.textContent === `+js(st.words))
	}
	// A document, as package whatsapp records it, shows its caption.
	doc := enquiry.UnsupportedNote{Kind: "document", Reason: `The customer sent the document "invoice.pdf". The desk does not show documents; ask for its content another way.`}.Content()
	doc.Text = "My invoice"
	if _, err := srv.desk.Receive(t.Context(), enquiry.Inbound{Channel: "wa", Customer: es[0].Customer, ExternalID: "wamid.doc", Time: time.Now(), Content: doc}); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the document's note with its caption", `[...document.querySelectorAll('#transcript .msg.customer')].some((m) => m.querySelector('.unsupported')?.textContent.includes('invoice.pdf') && m.querySelector('.caption')?.textContent === 'My invoice')`)
	c.screenshot("two-channels-console.png")
}

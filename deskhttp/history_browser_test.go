package deskhttp

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/enquiry"
)

// TestConsoleCustomerPanelAndSearchInBrowser: in the room of a customer
// who wrote before, the panel shows who they are, that they follow the
// account, and their earlier enquiry with its transcript; a search finds
// the earlier messages, the note for staff marked, and opening a hit opens
// its enquiry at the message; the panel of a customer who blocked the
// account says so.
func TestConsoleCustomerPanelAndSearchInBrowser(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	ctx := context.Background()
	if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: "shop", Name: "Shop", Kind: "line"}); err != nil {
		t.Fatal(err)
	}
	say := func(customer, name, id, text string) enquiry.Enquiry {
		t.Helper()
		got, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: "shop", Customer: enquiry.Customer{ID: customer, Name: name}, ExternalID: id, Time: time.Now(),
			Content: enquiry.Content{Kind: enquiry.Text, Text: text}})
		if err != nil {
			t.Fatal(err)
		}
		return got.Enquiry
	}
	first := say("Ukim", "Kim", "m1", "Where is my parcel? Order 5521")
	if _, err := d.desk.Attend(ctx, first.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := d.desk.Notice(ctx, "shop", "Ukim", "Parcel policy: check the tracking number first"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Send(ctx, first.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your parcel left the warehouse today"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Close(ctx, first.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := d.desk.SetFriendship(ctx, "shop", "Ukim", enquiry.Friend, time.Now()); err != nil {
		t.Fatal(err)
	}
	now := say("Ukim", "Kim", "m2", "Hello again, a question about returns")
	say("Unok", "Nok", "m3", "ยังไม่ได้รับพัสดุเลยค่ะ")
	if err := d.desk.SetFriendship(ctx, "shop", "Unok", enquiry.Blocked, time.Now()); err != nil {
		t.Fatal(err)
	}

	dir := screenshotDir(t)
	c := browser(t)
	c.expect("401")
	c.do("open the console at Kim's new enquiry", chromedp.Navigate(d.url+"/#/enquiries/"+now.ID))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("sign in as alice", chromedp.SendKeys(chromedp.ID("signin-staff"), "alice"), chromedp.SendKeys(chromedp.ID("signin-password"), alicePassword),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the customer panel shows Kim, following, with one earlier enquiry",
		`(() => { const p = document.getElementById('customer-panel'); return p && !p.hidden &&
			p.querySelector('.customer-name')?.textContent === 'Kim' && p.querySelector('.badge.following') &&
			document.getElementById('customer-past-title').textContent === 'Earlier enquiries' &&
			p.querySelectorAll('.past-item').length === 1 && p.querySelector('.past-item')?.dataset.enquiry === `+js(first.ID)+`; })()`)
	c.do("expand the earlier enquiry", chromedp.Click(chromedp.CSS("#customer-past .past-item summary")))
	c.waitFor("its transcript shows, the note marked internal",
		`(() => { const d = document.querySelector('#customer-past .past-item details'); return d?.open &&
			[...d.querySelectorAll('.past-msg.customer')].some(m => m.textContent.includes('Where is my parcel?')) &&
			[...d.querySelectorAll('.past-msg.internal')].some(m => m.textContent.includes('(internal)') && m.textContent.includes('Parcel policy')) &&
			[...d.querySelectorAll('.past-msg.staff')].some(m => m.textContent.includes('Alice Chen')); })()`)
	c.screenshot(dir, "history-1-customer-panel.png")

	c.do("search for parcel", chromedp.SendKeys(chromedp.ID("search-q"), "PARCEL"), chromedp.Click(chromedp.ID("search-go")))
	c.waitFor("three hits, newest first, the note marked, the words marked",
		`(() => { const hits = [...document.querySelectorAll('#search-list .search-hit')]; return hits.length === 3 &&
			hits[0].textContent.includes('Your parcel left') && hits[1].querySelector('.badge.internal') && hits[2].textContent.includes('Where is my parcel?') &&
			hits.every(h => h.querySelector('mark')?.textContent.toLowerCase() === 'parcel') &&
			document.getElementById('enquiry-panel').offsetParent === null &&
			document.getElementById('search-status').textContent.includes('3 messages'); })()`)
	c.screenshot(dir, "history-2-search-results.png")

	c.do("open the hit for the question", chromedp.Click(chromedp.CSS(`#search-list li:nth-child(3) .search-hit`)))
	c.waitFor("the earlier enquiry's room is open at the question",
		`location.hash === '#/enquiries/' + `+js(first.ID)+` && document.getElementById('room-meta').textContent.includes('closed') &&
			[...document.querySelectorAll('#transcript .msg.found')].some(m => m.textContent.includes('Where is my parcel?'))`)
	c.waitFor("its panel lists the newer enquiry as another", `document.getElementById('customer-past-title').textContent === 'Other enquiries' &&
		document.querySelector('#customer-past .past-item')?.dataset.enquiry === `+js(now.ID))
	c.screenshot(dir, "history-3-hit-opened.png")

	c.do("search in Thai", chromedp.SetValue(chromedp.ID("search-q"), "พัสดุ"), chromedp.Click(chromedp.ID("search-go")))
	c.waitFor("Nok's message is found inside its run of Thai letters", `(() => { const hits = [...document.querySelectorAll('#search-list .search-hit')];
		return hits.length === 1 && hits[0].querySelector('.name')?.textContent === 'Nok' && hits[0].querySelector('mark')?.textContent === 'พัสดุ'; })()`)
	c.do("open Nok's hit", chromedp.Click(chromedp.CSS(`#search-list .search-hit`)))
	c.waitFor("the panel shows that Nok blocked the account, and no earlier enquiry",
		`(() => { const p = document.getElementById('customer-panel'); return p && !p.hidden &&
			p.querySelector('.customer-name')?.textContent === 'Nok' && p.querySelector('.badge.blocked')?.textContent === 'Blocked the account' &&
			!p.querySelector('.badge.following') && p.querySelectorAll('.past-item').length === 0; })()`)
	c.screenshot(dir, "history-4-blocked.png")
	c.do("clear the search", chromedp.Click(chromedp.ID("search-clear")))
	c.waitFor("the enquiry list is back", `document.getElementById('search-results').hidden && document.getElementById('enquiry-panel').offsetParent !== null`)

	// At 390 px the panel sits between the room's head and the
	// conversation, within the screen.
	c.do("narrow the window to a phone's", chromedp.EmulateViewport(390, 844), chromedp.Navigate(d.url+"/#/enquiries/"+now.ID))
	c.waitFor("the panel is above the transcript, within the width",
		`(() => { const p = document.getElementById('customer-panel'), tr = document.getElementById('transcript');
			if (!p || p.hidden || !p.querySelector('.past-item')) return false;
			const a = p.getBoundingClientRect(), b = tr.getBoundingClientRect();
			return a.bottom <= b.top + 1 && a.left >= 0 && a.right <= 391 && b.height > 100; })()`)
	c.screenshot(dir, "history-5-narrow-room.png")
}

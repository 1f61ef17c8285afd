package deskhttp

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// uncovered is JavaScript that is true when the element with the ID is
// shown and is what a click at its centre reaches (itself or what is
// inside it), not something laid over it.
func uncovered(id string) string {
	return fmt.Sprintf(`(() => {
		const n = document.getElementById(%q);
		if (!n) return false;
		const r = n.getBoundingClientRect();
		if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.right <= 0 || r.left >= innerWidth || r.top >= innerHeight) return false;
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return hit !== null && n.contains(hit);
	})()`, id)
}

// TestConsoleAtAPhonesWidthWithThePhoneOpenInBrowser: at 390×844 with
// the demo's customer phone open, the navigation (an admin's, with Staff
// and Reports) and the phone's Hide button stay visible and clickable
// (nothing covers their centres), and both work; the same on a small
// laptop's width, where the panel lies over the console below the top
// bar.
func TestConsoleAtAPhonesWidthWithThePhoneOpenInBrowser(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{Console: Console{Demo: true}})
	openEnquiry(t, d)
	c := browser(t)
	c.expect("401") // the console's first requests, before sign-in
	c.expect("404") // the demo phone (phone.html and its /demo/… API) is examples/desk's, not deskhttp's: the panel is measured, not its page
	c.expect("422") // the channels page checks channel shop, which has no LINE credentials
	dir := screenshotDir(t)
	// Carol is an admin, whose navigation is the longest: it has Staff.
	nav := []string{"nav-enquiries", "nav-channels", "nav-staff", "nav-reports", "phone-toggle"}

	c.do("open the console at a phone's width", chromedp.EmulateViewport(390, 844), chromedp.Navigate(d.url+"/"))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("sign in as carol", chromedp.SendKeys(chromedp.ID("signin-staff"), "carol"), chromedp.SendKeys(chromedp.ID("signin-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("the console is live, with the Staff page", `document.getElementById('live').classList.contains('on') && !document.getElementById('nav-staff').hidden`)
	c.waitFor("the Show phone button is there", uncovered("phone-toggle"))
	c.do("show the phone", chromedp.Click(chromedp.ID("phone-toggle")))
	c.waitFor("the phone is open", `!document.getElementById('phone-panel').hidden && document.getElementById('phone-toggle').textContent === 'Hide phone'`)
	for _, id := range nav {
		c.waitFor(id+" is visible and not covered by the phone", uncovered(id))
	}
	if got := c.eval(`document.getElementById('phone-panel').getBoundingClientRect().top >= document.querySelector('header.top').getBoundingClientRect().bottom - 1`); got != "true" {
		t.Errorf("the phone panel starts above the top bar's bottom")
	}
	if got := c.eval(`document.documentElement.scrollWidth <= 390`); got != "true" {
		t.Errorf("the page is wider than the phone's 390 px: %s px", c.eval(`document.documentElement.scrollWidth`))
	}
	c.screenshot(dir, "narrow-01-phone-open-390.png")

	c.do("hide the phone with its own button", chromedp.Click(chromedp.ID("phone-toggle")))
	c.waitFor("the phone is hidden and the list is back", `document.getElementById('phone-panel').hidden && document.querySelector('.list-pane').getBoundingClientRect().height > 0 && document.getElementById('tab-mine').getBoundingClientRect().height > 0`)
	c.screenshot(dir, "narrow-02-phone-hidden-390.png")

	c.do("show the phone again", chromedp.Click(chromedp.ID("phone-toggle")))
	c.waitFor("the phone is open", `!document.getElementById('phone-panel').hidden`)
	c.do("go to the channels with the navigation", chromedp.Click(chromedp.ID("nav-channels")))
	c.waitFor("the channels page shows, the phone out of its way", `location.hash === '#/channels' && document.getElementById('phone-panel').hidden && document.getElementById('view-channels').getBoundingClientRect().height > 0`)
	c.screenshot(dir, "narrow-03-channels-390.png")

	c.do("go back to the enquiries on a small laptop's width", chromedp.Click(chromedp.ID("nav-enquiries")), chromedp.EmulateViewport(900, 700))
	c.do("show the phone", chromedp.Click(chromedp.ID("phone-toggle")))
	c.waitFor("the phone is open", `!document.getElementById('phone-panel').hidden`)
	for _, id := range nav {
		c.waitFor(id+" is visible and not covered by the phone at 900 px", uncovered(id))
	}
	c.screenshot(dir, "narrow-04-phone-open-900.png")
	c.do("narrow the window to a phone's with the phone open", chromedp.EmulateViewport(390, 844))
	for _, id := range nav {
		c.waitFor(id+" is visible and not covered by the phone after narrowing", uncovered(id))
	}
	c.do("hide the phone", chromedp.Click(chromedp.ID("phone-toggle")))
	c.waitFor("the phone is hidden", `document.getElementById('phone-panel').hidden`)
	c.check()
}

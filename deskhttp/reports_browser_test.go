package deskhttp

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/enquiry"
)

// run evaluates a JavaScript statement in the tab.
func (p *page) run(what, expr string) {
	p.t.Helper()
	p.do(what, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr)(ctx, t)
		return err
	}))
}

// TestConsoleReportsPageInBrowser: an admin opens the Reports page, sees
// the day's figures drawn per channel and per staff member, and downloads
// them as CSV.
func TestConsoleReportsPageInBrowser(t *testing.T) {
	d, _, _ := accountsDesk(t, Config{})
	ctx := context.Background()
	served := openEnquiry(t, d) // channel shop misses both at once: it has no routing rule
	openEnquiry(t, d)
	if _, err := d.desk.Attend(ctx, served, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Send(ctx, served, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Hello!"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.desk.Close(ctx, served, "alice"); err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)

	c := browser(t)
	c.expect("401") // the console's first requests, before signing in
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("sign-in is asked for", `document.getElementById('token-dialog').open`)
	c.do("sign in as carol, an admin", chromedp.SetValue(chromedp.ID("signin-staff"), "carol"), chromedp.SetValue(chromedp.ID("signin-password"), adminPassword),
		chromedp.Click(chromedp.CSS("#token-form button")))
	c.waitFor("carol is signed in", `!document.getElementById('token-dialog').open && document.getElementById('me').value === 'carol'`)

	c.do("open the Reports page", chromedp.Click(chromedp.ID("nav-reports")))
	c.waitFor("three charts have a point for the shop, and the totals say 2 enquiries, both missed",
		`document.querySelectorAll('#rep-charts svg.rep-chart').length === 3 &&
		 ['first', 'handling', 'missed'].every(m => document.querySelector('svg[data-metric="'+m+'"] circle[data-key="shop"]')) &&
		 (() => { const r = document.querySelector('#rep-rows tr[data-key="shop"]'); return r && r.cells[0].textContent === 'Shop' && r.cells[1].textContent === '2' && r.cells[4].textContent === '2 (100%)'; })() &&
		 document.getElementById('nav-reports').getAttribute('aria-current') === 'page' && document.getElementById('view-enquiries').hidden`)
	c.screenshot(shots, "reports-by-channel.png")

	c.run("group by staff member", `const s = document.getElementById('rep-by'); s.value = 'staff'; s.dispatchEvent(new Event('change'))`)
	c.waitFor("the totals are alice's and the one nobody attended",
		`(() => { const a = document.querySelector('#rep-rows tr[data-key="alice"]'), n = document.querySelector('#rep-rows tr[data-key=""]');
		  return a && n && a.cells[0].textContent === 'Alice Chen' && a.cells[1].textContent === '1' && n.cells[0].textContent === 'Not attended' &&
		    document.getElementById('rep-key-head').textContent === 'Staff member'; })()`)
	c.screenshot(shots, "reports-by-staff.png")
	c.do("narrow the window to a phone's", chromedp.EmulateViewport(390, 1400))
	if wide := c.eval(`[...document.querySelectorAll('body *')].filter(e => e.getClientRects().length && e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`); wide != "" {
		t.Errorf("the Reports page is wider than a phone: %s", wide)
	}
	c.screenshot(shots, "reports-phone-width.png")
	c.do("widen the window again", chromedp.EmulateViewport(1360, 860))

	lines := c.downloadCSV("socialdesk-report-staff-*.csv")
	byKey := map[string][]string{}
	for _, l := range lines[1:] {
		byKey[l[1]] = l
	}
	switch {
	case strings.Join(lines[0][:4], ",") != "day,staff,name,enquiries":
		t.Errorf("header %q, want day,staff,name,enquiries,…", lines[0])
	case len(byKey) != 2 || byKey["alice"] == nil || byKey["alice"][2] != "Alice Chen" || byKey["alice"][6] != "1" || byKey[""] == nil || byKey[""][8] != "1":
		t.Errorf("rows %q, want alice's (1 handled) and the one nobody attended (missed)", lines[1:])
	}
}

// downloadCSV clicks the Reports page's CSV download and answers the
// downloaded file, named as glob says, read as CSV.
func (p *page) downloadCSV(glob string) [][]string {
	p.t.Helper()
	downloads := p.t.TempDir()
	p.do("download the CSV", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
		})
		return err
	}), chromedp.Click(chromedp.ID("rep-csv")))
	p.waitFor("the page says it downloaded", `document.getElementById('rep-status').textContent.startsWith('Downloaded socialdesk-report-')`)
	var file string
	for deadline := time.Now().Add(30 * time.Second); file == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) { // safety only: the file lands as the download ends
		names, _ := filepath.Glob(filepath.Join(downloads, glob))
		if len(names) == 1 {
			file = names[0]
		}
	}
	if file == "" {
		entries, _ := os.ReadDir(downloads)
		p.t.Fatalf("no %s was downloaded into %s: %v", glob, downloads, entries)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		p.t.Fatal(err)
	}
	lines, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil || len(lines) == 0 {
		p.t.Fatalf("the download is not CSV: %v\n%s", err, raw)
	}
	p.t.Logf("downloaded %s", filepath.Base(file))
	return lines
}

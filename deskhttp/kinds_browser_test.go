package deskhttp

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/socialdesk/socialdesk/enquiry"
)

// TestConsoleSpeaksOfEachKindInItsConnectorsWordsInBrowser: the room of
// a customer who blocked the channel and the channel page say what the
// channel kind's connector says, and neutral words for a kind no
// connector describes.
func TestConsoleSpeaksOfEachKindInItsConnectorsWordsInBrowser(t *testing.T) {
	ctx := context.Background()
	chat := Connector{Kind: "chat", Name: "Chat", Webhook: "/webhook/chat/{channel}",
		Check: func(context.Context, enquiry.Channel) CheckReport { return CheckReport{Checked: time.Now()} },
		Words: Words{Webhook: "Webhook URL for Chat's settings:", Check: "The desk asks Chat.", Credentials: "chat key or bot token",
			Secret: "Chat key", Token: "Bot token", Blocked: "The customer blocked you on Chat: ask them to unblock you."}}
	d := serveDesk(t, Config{Connectors: []Connector{chat}}) // none for kind plain
	rooms := map[string]string{}
	for _, kind := range []string{"chat", "plain"} {
		if _, err := d.desk.CreateChannel(ctx, enquiry.Channel{ID: kind, Name: "The " + kind + " channel", Kind: kind}); err != nil {
			t.Fatal(err)
		}
		rec, err := d.desk.Receive(ctx, enquiry.Inbound{Channel: kind, Customer: enquiry.Customer{ID: "U-" + kind}, ExternalID: "m-" + kind, Time: time.Now(),
			Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.desk.SetFriendship(ctx, kind, "U-"+kind, enquiry.Blocked, time.Now()); err != nil {
			t.Fatal(err)
		}
		if status, v := d.call(t, "POST", "/api/enquiries/"+rec.Enquiry.ID+"/attend", `{"staff":"alice"}`); status != 200 {
			t.Fatalf("attend: %d %v", status, v)
		}
		rooms[kind] = rec.Enquiry.ID
	}
	c := browser(t)
	c.do("open the console", chromedp.Navigate(d.url+"/"))
	c.waitFor("the console is live", `document.getElementById('live').classList.contains('on')`)
	c.do("act as alice", chromedp.SetValue(chromedp.ID("me"), "alice"), chromedp.Evaluate[chromedp.Void](`document.getElementById('me').dispatchEvent(new Event('change'))`))

	for _, tc := range []struct{ kind, meta, note string }{
		{"chat", "the customer blocked this account on Chat", chat.Words.Blocked},
		{"plain", "the customer blocked this account on the platform", "The customer blocked this account: nothing can be sent until they unblock it."},
	} {
		c.do("open the "+tc.kind+" room", chromedp.Navigate(d.url+"/#/enquiries/"+rooms[tc.kind]))
		c.waitFor("the "+tc.kind+" room says why nothing can be sent", `document.getElementById('room-meta').textContent.includes(`+js(tc.meta)+`) && document.getElementById('composer-note').textContent === `+js(tc.note))
	}
	for _, tc := range []struct{ kind, webhook, legend, summary, secret string }{
		{"chat", chat.Words.Webhook, "Chat set-up check", "Change the chat key or bot token", "Chat key"},
		{"plain", "Webhook URL, to enter on the platform:", "Set-up check", "Change the secret or access token", "Secret"},
	} {
		c.do("open the "+tc.kind+" channel", chromedp.Navigate(d.url+"/#/channels/"+tc.kind))
		c.waitFor("the "+tc.kind+" channel's page is in its words", `document.getElementById('ch-name').value === `+js("The "+tc.kind+" channel")+
			` && document.getElementById('ch-webhook-where').textContent === `+js(tc.webhook)+
			` && document.getElementById('check-legend').textContent === `+js(tc.legend)+
			` && document.getElementById('creds-summary').textContent === `+js(tc.summary)+
			` && document.querySelector('label[for="ch-secret"]').textContent === `+js(tc.secret))
	}
}

// Package linecheck diagnoses a LINE channel's set-up, as the product
// guide asks users to check by hand: the access token, the account, the
// webhook URL and "Use webhook", LINE's webhook test, the channel secret,
// the response settings and the monthly message quota. Each Check says
// in words what was found and what to do, and never holds a secret.
//
//	client := line.NewClient(line.Config{})
//	checks := linecheck.Run(ctx, client, ch, linecheck.Config{WebhookURL: "https://desk.example.com/webhook/line/" + ch.ID})
package linecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/socialdesk/socialdesk/setup"
	"net/http"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

// API is the part of the LINE API client the checks ask; *line.Client
// implements it.
type API interface {
	// BotInfo, WebhookEndpoint, TestWebhook and Quota are *line.Client's.
	BotInfo(ctx context.Context, ch enquiry.Channel) (line.BotInfo, error)
	WebhookEndpoint(ctx context.Context, ch enquiry.Channel) (line.WebhookEndpoint, error)
	TestWebhook(ctx context.Context, ch enquiry.Channel, endpoint string) (line.WebhookTest, error)
	Quota(ctx context.Context, ch enquiry.Channel) (line.Quota, error)
}

var _ API = (*line.Client)(nil)

// Names of Run's checks, in the order it reports them.
const (
	// CheckToken: the channel access token works (GET /v2/bot/info).
	CheckToken = "access token"
	// CheckAccount: the LINE Official Account is connected to no other channel.
	CheckAccount = "account"
	// CheckEndpoint: the webhook URL is this desk's and "Use webhook" is on.
	CheckEndpoint = "webhook endpoint"
	// CheckTest: LINE's test request reaches the webhook and is answered 200.
	CheckTest = "webhook test"
	// CheckSecret: the saved channel secret verifies LINE's signed test request.
	CheckSecret = "channel secret"
	// CheckResponse: response settings that would answer customers too.
	CheckResponse = "response settings"
	// CheckQuota: the monthly message quota has room for pushes (GET
	// /v2/bot/message/quota and its consumption).
	CheckQuota = "message quota"
)

// quotaLow is the share of a limited monthly quota left below which
// Run warns: pushes will soon be refused.
const quotaLow = 0.1

// Config says what Run compares LINE's settings with. The zero
// value skips both comparisons.
type Config struct {
	// Owner reports which channel holds a bot user ID, to find a LINE
	// Official Account connected twice; nil skips that check.
	Owner func(botUserID string) (channelID string, found bool)
	// WebhookURL is the URL where this desk receives the channel's
	// events, e.g. "https://desk.example.com/webhook/line/main". When
	// set, the webhook URL on LINE must equal it, and LINE's test request
	// is sent to it, so that its signature is checked by this desk with
	// the saved secret. "" accepts any URL and tests the one set on LINE.
	WebhookURL string
}

// Messages of Run that more than one check gives.
const (
	fixToken   = "Issue a new long-lived channel access token in the LINE Developers Console (your channel → Messaging API tab) and save it on the channel."
	fixSecret  = "Copy the channel secret again from the LINE Developers Console (your channel → Basic settings tab) and save it on the channel; the access token is a different value."
	skipNoAuth = "Not checked: the access token must work first."
)

// Run checks what a channel needs to work, as the product guide asks
// users to check by hand: the access token is valid (and which LINE
// Official Account it belongs to), the account is not connected to
// another channel, the webhook URL is this desk's and "Use webhook" is
// on, LINE's own webhook test reaches the desk, the saved channel secret
// verifies the signature of that test request, and the response
// settings that would answer customers besides staff.
//
// LINE cannot be asked whether a secret is right. What Run can prove
// is this: LINE signs its test request with the channel's real secret,
// and the desk's webhook answers 401 to a request whose signature does
// not verify with the saved secret. So the secret is proved right by a
// 200 from the desk, wrong by a 401, and not proved when the test went
// to another URL or did not reach a signature check; the Check says
// which. Run is safe for concurrent use when api is.
func Run(ctx context.Context, api API, ch enquiry.Channel, cfg Config) []setup.Check {
	var checks []setup.Check
	add := func(name string, s setup.Status, detail, fix string) {
		checks = append(checks, setup.Check{Name: name, Status: s, Detail: detail, Fix: fix})
	}
	secretForm := secretFormFault(ch.Credentials.Secret.Reveal())

	info, err := api.BotInfo(ctx, ch)
	switch {
	case errors.Is(err, line.ErrNoToken):
		add(CheckToken, setup.Fail, "No channel access token is saved.", fixToken)
	case errors.Is(err, line.ErrUnauthorized):
		add(CheckToken, setup.Fail, "LINE refused the channel access token: it is wrong, revoked or expired.", fixToken)
	case err != nil:
		add(CheckToken, setup.Fail, fmt.Sprintf("Could not ask LINE about the bot: %s.", err), "Check this server's connection to api.line.me and check again.")
	default:
		id := "bot user ID " + info.UserID
		if info.BasicID != "" {
			id = info.BasicID + ", " + id
		}
		add(CheckToken, setup.Pass, fmt.Sprintf("The token works for the LINE Official Account %q (%s).", info.DisplayName, id), "")
	}
	if err != nil {
		for _, n := range []string{CheckAccount, CheckEndpoint, CheckTest} {
			add(n, setup.Skip, skipNoAuth, "")
		}
		if secretForm != "" {
			add(CheckSecret, setup.Fail, secretForm, fixSecret)
		} else {
			add(CheckSecret, setup.Skip, "The channel secret has the right form; whether it matches was not checked: the access token must work first.", "")
		}
		add(CheckResponse, setup.Skip, skipNoAuth, "")
		add(CheckQuota, setup.Skip, skipNoAuth, "")
		return checks
	}

	switch holder, found := lookup(cfg.Owner, info.UserID); {
	case ch.Account != "" && ch.Account != info.UserID:
		add(CheckAccount, setup.Fail, fmt.Sprintf("The token belongs to bot user ID %s, but this channel was connected to %s.", info.UserID, ch.Account), "Save the access token of the LINE Official Account this channel was connected to, or create a new channel for this one.")
	case found && holder != ch.ID:
		add(CheckAccount, setup.Fail, fmt.Sprintf("This LINE Official Account (bot user ID %s) is already connected to channel %q.", info.UserID, holder), "An account can serve one channel: delete it there first, or use that channel.")
	default:
		add(CheckAccount, setup.Pass, fmt.Sprintf("Bot user ID %s is connected to no other channel.", info.UserID), "")
	}

	wh, err := api.WebhookEndpoint(ctx, ch)
	setURL := "Set the Webhook URL to " + orThis(cfg.WebhookURL) + " in the LINE Developers Console (your channel → Messaging API tab)."
	switch {
	case err != nil:
		add(CheckEndpoint, setup.Fail, fmt.Sprintf("Could not read the webhook settings: %s.", err), "Check this server's connection to api.line.me and check again.")
	case wh.URL == "":
		add(CheckEndpoint, setup.Fail, "No webhook URL is set, so LINE sends no messages to the desk.", setURL)
	case cfg.WebhookURL != "" && !sameURL(wh.URL, cfg.WebhookURL):
		add(CheckEndpoint, setup.Fail, fmt.Sprintf("The webhook URL is %s, not this desk's, so LINE sends this channel's messages elsewhere.", wh.URL), setURL)
	case !wh.Active:
		add(CheckEndpoint, setup.Fail, fmt.Sprintf("The webhook URL is %s but \"Use webhook\" is off, so LINE sends no messages.", wh.URL), "Turn on \"Use webhook\" in the LINE Developers Console (your channel → Messaging API tab).")
	default:
		add(CheckEndpoint, setup.Pass, fmt.Sprintf("The webhook URL is %s and in use.", wh.URL), "")
	}

	target := cfg.WebhookURL // test this desk, where the secret is checked
	if target == "" && err == nil {
		target = wh.URL
	}
	var secret setup.Check
	if target == "" {
		add(CheckTest, setup.Skip, "Not tested: no webhook URL is set.", "")
		secret = setup.Check{Status: setup.Warn, Detail: "The channel secret has the right form, but whether it matches was not checked: LINE's signed test request was not sent.", Fix: "Set the webhook URL, then check again."}
	} else {
		secret = webhookTest(ctx, api, ch, target, cfg.WebhookURL != "", add)
	}
	if secretForm != "" {
		secret = setup.Check{Status: setup.Fail, Detail: secretForm, Fix: fixSecret}
	}
	add(CheckSecret, secret.Status, secret.Detail, secret.Fix)

	if info.ChatMode == "chat" {
		add(CheckResponse, setup.Warn, "Chat is on in LINE Official Account Manager: replies made there bypass the desk and do not appear in enquiries.", "Check Response settings in LINE Official Account Manager by hand: switch off Chat, Greeting message and Auto-response messages, or customers get answers besides your staff's.")
	} else {
		add(CheckResponse, setup.Warn, "Chat is off. LINE does not tell whether Greeting message or Auto-response messages are on.", "Check Response settings in LINE Official Account Manager by hand and switch them off, or customers get automatic answers besides your staff's.")
	}
	quotaCheck(ctx, api, ch, add)
	return checks
}

// quotaCheck adds CheckQuota: how much of this month's message quota is
// used, failing when pushes are refused for it and warning when less than
// quotaLow of it is left.
func quotaCheck(ctx context.Context, api API, ch enquiry.Channel, add func(name string, s setup.Status, detail, fix string)) {
	const fixQuota = "Raise the message limit or change the plan in LINE Official Account Manager (Settings → Plan), or wait for next month. Replies to a customer's new message are free and still go out."
	q, err := api.Quota(ctx, ch)
	left, limited := q.Remaining()
	switch {
	case err != nil:
		add(CheckQuota, setup.Warn, fmt.Sprintf("Could not read the monthly message quota: %s.", err), "Check again later.")
	case !limited:
		add(CheckQuota, setup.Pass, fmt.Sprintf("No monthly message limit is set; %d messages were sent this month.", q.Used), "")
	case q.Exhausted():
		add(CheckQuota, setup.Fail, fmt.Sprintf("This month's message quota is used up (%d of %d): LINE refuses every push until the month turns.", q.Used, q.Limit), fixQuota)
	case float64(left) < quotaLow*float64(q.Limit):
		add(CheckQuota, setup.Warn, fmt.Sprintf("Only %d of this month's %d messages are left: pushes will soon be refused.", left, q.Limit), fixQuota)
	default:
		add(CheckQuota, setup.Pass, fmt.Sprintf("%d of this month's %d messages are used.", q.Used, q.Limit), "")
	}
}

// webhookTest runs LINE's webhook test against target, adds its Check and
// returns the channel secret's, which the test's answer decides. desk
// reports that target is this desk's webhook, which verifies signatures
// with the saved secret.
func webhookTest(ctx context.Context, api API, ch enquiry.Channel, target string, desk bool, add func(name string, s setup.Status, detail, fix string)) setup.Check {
	unproved := setup.Check{Status: setup.Warn, Fix: "Fix the webhook test, then check again."}
	unproved.Detail = "The channel secret has the right form, but whether it matches was not checked: LINE's signed test request did not reach the desk's signature check."
	t, err := api.TestWebhook(ctx, ch, target)
	switch {
	case err != nil:
		add(CheckTest, setup.Fail, fmt.Sprintf("LINE could not run the webhook test of %s: %s.", target, err), "Check this server's connection to api.line.me and check again.")
		return unproved
	case t.Success:
		add(CheckTest, setup.Pass, fmt.Sprintf("LINE reached %s and it answered %d.", target, t.StatusCode), "")
		if !desk {
			return setup.Check{Status: setup.Pass, Detail: "The webhook accepted LINE's test request, which LINE signs with the channel's secret; if the webhook is this desk, the saved secret matches."}
		}
		return setup.Check{Status: setup.Pass, Detail: "LINE signed a test request with the channel's secret and this desk's webhook verified it with the saved secret."}
	case t.StatusCode == http.StatusUnauthorized || t.StatusCode == http.StatusForbidden:
		add(CheckTest, setup.Fail, fmt.Sprintf("The webhook at %s refused LINE's test request (%d).", target, t.StatusCode), "See the channel secret check.")
		return setup.Check{Status: setup.Fail, Detail: fmt.Sprintf("LINE's test request, signed with the channel's secret, did not verify with the saved secret (the webhook answered %d).", t.StatusCode), Fix: fixSecret}
	case t.StatusCode == http.StatusNotFound:
		add(CheckTest, setup.Fail, fmt.Sprintf("The webhook at %s answered 404: the path is wrong, or names a channel this desk does not know.", target), "Set the Webhook URL to "+orThis(target)+" exactly, with the channel's ID at the end.")
	case t.StatusCode <= 0:
		add(CheckTest, setup.Fail, fmt.Sprintf("LINE could not reach %s (%s: %s).", target, t.Reason, t.Detail), "Make sure the host is public, serves HTTPS with a valid certificate and is running, then check again.")
	default:
		add(CheckTest, setup.Fail, fmt.Sprintf("The webhook at %s answered %d (%s) to LINE's test request; it must answer 200.", target, t.StatusCode, t.Reason), "Look at the log of the server behind the URL for the failed request, then check again.")
	}
	return unproved
}

// secretFormFault says what is wrong with the form of a channel secret,
// or "" when it has LINE's form (32 hexadecimal characters).
func secretFormFault(s string) string {
	switch {
	case s == "":
		return "No channel secret is saved: webhook requests cannot be verified."
	case !isHex(s, 32):
		return "The saved channel secret does not look like a LINE channel secret (32 hexadecimal characters)."
	}
	return ""
}

func orThis(url string) string {
	if url == "" {
		return "this desk's webhook URL"
	}
	return url
}

// sameURL reports whether two webhook URLs are the same, ignoring a
// trailing slash and the case of the scheme and host.
func sameURL(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(s, "/")
		if i := strings.Index(s, "://"); i >= 0 {
			rest := s[i+3:]
			host, path, _ := strings.Cut(rest, "/")
			s = strings.ToLower(s[:i+3]+host) + "/" + path
		}
		return s
	}
	return norm(a) == norm(b)
}

func lookup(owner func(string) (string, bool), botUserID string) (string, bool) {
	if owner == nil {
		return "", false
	}
	return owner(botUserID)
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	return bytes.IndexFunc([]byte(s), func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F')
	}) < 0
}

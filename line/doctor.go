package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

const (
	endpointBotInfo     = "GET /v2/bot/info"
	endpointGetWebhook  = "GET /v2/bot/channel/webhook/endpoint"
	endpointSetWebhook  = "PUT /v2/bot/channel/webhook/endpoint"
	endpointTestWebhook = "POST /v2/bot/channel/webhook/test"
)

// BotInfo is what LINE tells about a channel's bot (GET /v2/bot/info).
type BotInfo struct {
	// UserID is the bot user ID: the webhook's destination, and
	// enquiry.Channel.Account for LINE.
	UserID      string `json:"userId"`
	BasicID     string `json:"basicId"`
	PremiumID   string `json:"premiumId,omitempty"`
	DisplayName string `json:"displayName"`
	PictureURL  string `json:"pictureUrl,omitempty"`
	// ChatMode is "chat" (chats in LINE Official Account Manager are on)
	// or "bot".
	ChatMode string `json:"chatMode"`
	// MarkAsReadMode is "auto" or "manual".
	MarkAsReadMode string `json:"markAsReadMode"`
}

// BotInfo returns the channel's bot information; it also proves the access
// token is valid. It is safe for concurrent use.
func (c *Client) BotInfo(ctx context.Context, ch enquiry.Channel) (BotInfo, error) {
	if ch.Credentials.Token.IsZero() {
		return BotInfo{}, ErrNoToken
	}
	var b BotInfo
	k := &call{op: "bot info", endpoint: endpointBotInfo, method: http.MethodGet, url: c.cfg.APIBase + "/v2/bot/info", channel: ch.ID, token: ch.Credentials.Token}
	_, err := c.getJSON(ctx, k, &b)
	return b, err
}

// WebhookEndpoint is a channel's webhook setting on LINE.
type WebhookEndpoint struct {
	URL string `json:"endpoint"`
	// Active reports "Use webhook" is on: LINE sends events only then.
	Active bool `json:"active"`
}

// WebhookEndpoint returns the channel's webhook URL and whether LINE uses
// it. It is safe for concurrent use.
func (c *Client) WebhookEndpoint(ctx context.Context, ch enquiry.Channel) (WebhookEndpoint, error) {
	if ch.Credentials.Token.IsZero() {
		return WebhookEndpoint{}, ErrNoToken
	}
	var w WebhookEndpoint
	k := &call{op: "webhook endpoint", endpoint: endpointGetWebhook, method: http.MethodGet, url: c.cfg.APIBase + "/v2/bot/channel/webhook/endpoint", channel: ch.ID, token: ch.Credentials.Token}
	_, err := c.getJSON(ctx, k, &w)
	return w, err
}

// SetWebhookEndpoint sets the channel's webhook URL (an https URL). It does
// not switch "Use webhook" on; that is done in the LINE Developers Console.
// It is safe for concurrent use.
func (c *Client) SetWebhookEndpoint(ctx context.Context, ch enquiry.Channel, endpoint string) error {
	if ch.Credentials.Token.IsZero() {
		return ErrNoToken
	}
	body, _ := json.Marshal(map[string]string{"endpoint": endpoint})
	k := &call{op: "set webhook endpoint", endpoint: endpointSetWebhook, method: http.MethodPut, url: c.cfg.APIBase + "/v2/bot/channel/webhook/endpoint", channel: ch.ID, token: ch.Credentials.Token, body: body}
	var ignored json.RawMessage
	_, err := c.getJSON(ctx, k, &ignored)
	return err
}

// WebhookTest is LINE's report of sending a test request to a webhook.
type WebhookTest struct {
	Success bool `json:"success"`
	// StatusCode is the webhook's answer; 0 or less when none came.
	StatusCode int       `json:"statusCode"`
	Reason     string    `json:"reason"`
	Detail     string    `json:"detail"`
	Timestamp  time.Time `json:"timestamp"`
}

// TestWebhook asks LINE to send a test request to endpoint, or to the
// channel's webhook URL when endpoint is "". It is safe for concurrent use.
func (c *Client) TestWebhook(ctx context.Context, ch enquiry.Channel, endpoint string) (WebhookTest, error) {
	if ch.Credentials.Token.IsZero() {
		return WebhookTest{}, ErrNoToken
	}
	body := []byte("{}")
	if endpoint != "" {
		body, _ = json.Marshal(map[string]string{"endpoint": endpoint})
	}
	var t WebhookTest
	k := &call{op: "webhook test", endpoint: endpointTestWebhook, method: http.MethodPost, url: c.cfg.APIBase + "/v2/bot/channel/webhook/test", channel: ch.ID, token: ch.Credentials.Token, body: body, timeout: 2 * c.cfg.RequestTimeout}
	_, err := c.getJSON(ctx, k, &t)
	return t, err
}

// CheckStatus is the outcome of one diagnostic check.
type CheckStatus string

// Check outcomes.
const (
	// Pass: the check found nothing wrong.
	Pass CheckStatus = "pass"
	// Warn: it works, but something needs a look by hand.
	Warn CheckStatus = "warn"
	// Fail: something is wrong; Detail says what to do.
	Fail CheckStatus = "fail"
	// Skip: not run, because an earlier check failed.
	Skip CheckStatus = "skip"
)

// Check is one diagnostic: what was checked, the outcome, and in words
// what it means and what to do. It never contains a secret.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
}

// Names of Doctor's checks, in the order it runs them.
const (
	// CheckToken: the channel access token works (GET /v2/bot/info).
	CheckToken = "access token"
	// CheckSecret: a channel secret is saved and has LINE's form.
	CheckSecret = "channel secret"
	// CheckAccount: the LINE Official Account is connected to no other channel.
	CheckAccount = "account"
	// CheckEndpoint: the webhook URL is set and "Use webhook" is on.
	CheckEndpoint = "webhook endpoint"
	// CheckTest: LINE's test request reaches the webhook and verifies.
	CheckTest = "webhook test"
	// CheckResponse: response settings that would answer customers too.
	CheckResponse = "response settings"
)

// Doctor checks what a channel needs to work, as the product guide asks
// users to check by hand: the access token is valid, the channel secret
// looks like one, the LINE Official Account is not connected to another
// channel (owner reports which channel holds a bot user ID; nil skips
// this), the webhook URL is set and in use, LINE's test request reaches
// the webhook and passes its signature check, and the response settings
// that would answer customers besides staff. Each Check explains a
// failure in words. Doctor is safe for concurrent use.
func (c *Client) Doctor(ctx context.Context, ch enquiry.Channel, owner func(botUserID string) (channelID string, found bool)) []Check {
	var checks []Check
	add := func(name string, s CheckStatus, format string, args ...any) {
		checks = append(checks, Check{Name: name, Status: s, Detail: fmt.Sprintf(format, args...)})
	}
	skipRest := func(names ...string) []Check {
		for _, n := range names {
			add(n, Skip, "not checked: the access token must work first")
		}
		return checks
	}

	info, err := c.BotInfo(ctx, ch)
	switch {
	case errors.Is(err, ErrNoToken):
		add(CheckToken, Fail, "No channel access token is saved. Issue a long-lived channel access token in the LINE Developers Console (Messaging API tab) and save it on the channel.")
	case errors.Is(err, ErrUnauthorized):
		add(CheckToken, Fail, "LINE refused the channel access token: it is wrong, revoked or expired. Issue a new long-lived token in the LINE Developers Console (Messaging API tab) and save it on the channel.")
	case err != nil:
		add(CheckToken, Fail, "Could not ask LINE about the bot: %s. Check the network and try again.", err)
	default:
		add(CheckToken, Pass, "The token works for the LINE Official Account %q (%s, bot user ID %s).", info.DisplayName, info.BasicID, info.UserID)
	}
	switch s := ch.Credentials.Secret.Reveal(); {
	case s == "":
		add(CheckSecret, Fail, "No channel secret is saved: webhook requests cannot be verified. Copy it from the LINE Developers Console (Basic settings tab).")
	case !isHex(s, 32):
		add(CheckSecret, Fail, "The saved channel secret does not look like a LINE channel secret (32 hexadecimal characters). Copy it again from the LINE Developers Console (Basic settings tab); the access token is a different value.")
	default:
		add(CheckSecret, Pass, "The channel secret has the right form; the webhook test below shows whether it matches.")
	}
	if err != nil {
		return skipRest(CheckAccount, CheckEndpoint, CheckTest, CheckResponse)
	}

	switch holder, found := lookup(owner, info.UserID); {
	case ch.Account != "" && ch.Account != info.UserID:
		add(CheckAccount, Fail, "The token belongs to bot user ID %s, but this channel was connected to %s. Save the token of the right LINE Official Account.", info.UserID, ch.Account)
	case found && holder != ch.ID:
		add(CheckAccount, Fail, "This LINE Official Account (bot user ID %s) is already connected to channel %q. An account can serve one channel: disconnect it there first.", info.UserID, holder)
	default:
		add(CheckAccount, Pass, "Bot user ID %s is connected to no other channel.", info.UserID)
	}

	wh, err := c.WebhookEndpoint(ctx, ch)
	switch {
	case err != nil:
		add(CheckEndpoint, Fail, "Could not read the webhook settings: %s.", err)
	case wh.URL == "":
		add(CheckEndpoint, Fail, "No webhook URL is set, so LINE sends no messages here. Set the desk's webhook URL in the LINE Developers Console (Messaging API tab).")
	case !wh.Active:
		add(CheckEndpoint, Fail, "The webhook URL is %s but \"Use webhook\" is off, so LINE sends no messages. Turn it on in the LINE Developers Console (Messaging API tab).", wh.URL)
	default:
		add(CheckEndpoint, Pass, "The webhook URL is %s and in use.", wh.URL)
	}

	if err != nil || wh.URL == "" {
		add(CheckTest, Skip, "not tested: no webhook URL is set")
	} else {
		t, err := c.TestWebhook(ctx, ch, "")
		switch {
		case err != nil:
			add(CheckTest, Fail, "LINE could not run the webhook test: %s.", err)
		case t.Success:
			add(CheckTest, Pass, "LINE reached the webhook and it answered %d.", t.StatusCode)
		case t.StatusCode == http.StatusUnauthorized || t.StatusCode == http.StatusForbidden:
			add(CheckTest, Fail, "The webhook refused LINE's test request (%d): its signature did not verify, so the channel secret saved here does not match the channel's. Copy the secret again from the LINE Developers Console (Basic settings tab).", t.StatusCode)
		case t.StatusCode == http.StatusNotFound:
			add(CheckTest, Fail, "The webhook answered 404: the URL's path is wrong, or names a channel this desk does not know.")
		case t.StatusCode <= 0:
			add(CheckTest, Fail, "LINE could not reach the webhook (%s %s): check that the host is public, serves HTTPS with a valid certificate, and is running.", t.Reason, t.Detail)
		default:
			add(CheckTest, Fail, "The webhook answered %d (%s) to LINE's test request; it must answer 200.", t.StatusCode, t.Reason)
		}
	}

	if info.ChatMode == "chat" {
		add(CheckResponse, Warn, "Chat is on in LINE Official Account Manager: replies made there bypass the desk and do not appear in enquiries. Check Response settings by hand: Greeting message and Auto-response messages would also answer customers besides your staff.")
	} else {
		add(CheckResponse, Warn, "Chat is off. LINE does not tell whether Greeting message or Auto-response messages are on: check Response settings in LINE Official Account Manager and switch them off, or customers get automatic answers besides your staff's.")
	}
	return checks
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

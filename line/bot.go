package line

import (
	"context"
	"encoding/json"
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
	var b BotInfo
	_, err := c.getJSON(ctx, c.request("bot info", endpointBotInfo, ch, nil), &b)
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
	var w WebhookEndpoint
	_, err := c.getJSON(ctx, c.request("webhook endpoint", endpointGetWebhook, ch, nil), &w)
	return w, err
}

// SetWebhookEndpoint sets the channel's webhook URL (an https URL). It does
// not switch "Use webhook" on; that is done in the LINE Developers Console.
// It is safe for concurrent use.
func (c *Client) SetWebhookEndpoint(ctx context.Context, ch enquiry.Channel, endpoint string) error {
	body, _ := json.Marshal(map[string]string{"endpoint": endpoint})
	_, err := c.getJSON(ctx, c.request("set webhook endpoint", endpointSetWebhook, ch, body), new(json.RawMessage))
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
	body := []byte("{}")
	if endpoint != "" {
		body, _ = json.Marshal(map[string]string{"endpoint": endpoint})
	}
	var t WebhookTest
	k := c.request("webhook test", endpointTestWebhook, ch, body)
	k.Timeout = 2 * c.cfg.RequestTimeout
	_, err := c.getJSON(ctx, k, &t)
	return t, err
}

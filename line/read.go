package line

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/retry"
)

const endpointMarkRead = "POST /v2/bot/chat/markAsRead"

// ErrNoReadToken: MarkRead needs the markAsReadToken of a customer message.
var ErrNoReadToken = errors.New("line: no read token given; pass the markAsReadToken of the customer's message")

var _ enquiry.ReadMarker = (*Client)(nil)

// MarkRead marks the customer's messages read, up to and including the
// one whose webhook event carried token (its markAsReadToken; read tokens
// do not expire), with POST /v2/bot/chat/markAsRead. It implements
// enquiry.ReadMarker and is safe for concurrent use. LINE marks messages
// read this way only when the account's chat is on (markAsReadMode
// "manual"); otherwise they are read already.
//
// 5xx answers, timeouts and 429s are retried with backoff, as for Send;
// marking read twice does no harm. The error is an *Error; the token is
// never in it, nor in logs.
func (c *Client) MarkRead(ctx context.Context, ch enquiry.Channel, customer, token string) error {
	switch {
	case ch.Kind != "" && ch.Kind != "line":
		return ErrNotLINE
	case ch.Credentials.Token.IsZero():
		return ErrNoToken
	case token == "":
		return ErrNoReadToken
	}
	body, _ := json.Marshal(map[string]string{"markAsReadToken": token})
	_, err := c.api.Send(ctx, c.request("mark as read", endpointMarkRead, ch, body))
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "line: mark as read failed",
			slog.String("channel", ch.ID), slog.Bool("retryable", retry.Retryable(err)), slog.String("error", err.Error()))
	}
	return err
}

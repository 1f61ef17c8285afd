package line

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/internal/retry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/media"
)

// MaxMessagesPerRequest is how many messages LINE takes in one reply or push.
const MaxMessagesPerRequest = 5

const (
	maxURLLen        = 2000
	maxPreviewBytes  = 1_000_000
	endpointReply    = "POST /v2/bot/message/reply"
	endpointPush     = "POST /v2/bot/message/push"
	headerRetryKey   = "X-Line-Retry-Key"
	headerAcceptedID = "X-Line-Accepted-Request-Id"
)

// errFallback ends the reply attempts: push instead.
var errFallback = errors.New("line: reply not possible; push instead")

// Send sends out's messages to its customer, in order, in one request,
// and returns once LINE accepted or refused them. It implements
// enquiry.Sender and is safe for concurrent use.
//
// An Outbound is one LINE request: more than MaxMessagesPerRequest
// messages are refused up front with ErrTooManyMessages, nothing sent
// (the desk never hands over more than DeskKind's batch). Every message
// is checked first (text by Config.MediaPolicy; media need an https URL,
// from the MediaRef or Config.MediaURL, and images and videos a preview,
// audio a duration): if one fails, nothing is sent and the error is a
// *MessageError.
//
// A reply token (out.Reply, the reply handle the webhook recorded) that
// is set, younger than Config.ReplyFreshness and, when out.FreeUntil is
// set, before it, is used; a reply LINE refuses because the token is
// used or expired falls back to a push. When out.ReplyRetry says an
// earlier attempt (perhaps by a process that died mid-request) may have
// used the token, there is no push over it: the reply is tried again
// while the token is fresh, and "Invalid reply token" then means the
// earlier attempt delivered the messages; a token already stale ends the
// send with ErrDeliveryUncertain. Otherwise the messages are pushed with
// X-Line-Retry-Key: out.RetryKey, the same on every retry and every later
// Send of the same Outbound, so LINE accepts the request at most once; a
// 409 naming the accepted request counts as sent.
//
// A push LINE refuses because the monthly message limit is reached
// (ErrMonthlyLimit, which matches enquiry.ErrQuotaExhausted) is not
// retried, and the client pushes nothing more for the channel, without
// asking LINE, until the month turns in Japan or a read of the quota
// finds room (see QuotaExhausted, Config.QuotaRecheck); it warns once.
// Replies, which are free, are still tried first.
//
// 5xx answers, timeouts and other 429s are retried with backoff (Config
// MaxAttempts, RetryDeadline); other refusals are not. The error is an
// *Error whose Retryable says whether a later Send may succeed.
func (c *Client) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	rec, err := c.send(ctx, out)
	if err != nil {
		level := slog.LevelWarn
		if errors.Is(err, ErrMonthlyLimit) {
			level = slog.LevelInfo // warned once per channel and month
		}
		c.log.LogAttrs(ctx, level, "line: send failed",
			slog.String("channel", out.Channel.ID), slog.String("retry_key", out.RetryKey),
			slog.Bool("retryable", retry.Retryable(err)), slog.String("error", err.Error()))
	}
	return rec, err
}

func (c *Client) send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	if err := checkOutbound(&out); err != nil {
		return enquiry.Receipt{}, err
	}
	msgs, err := c.messages(ctx, out.Messages)
	if err != nil {
		return enquiry.Receipt{}, err
	}
	if out.Reply.Handle != "" && (c.fresh(out) || out.ReplyRetry) {
		rec, err := c.reply(ctx, out, msgs)
		if !errors.Is(err, errFallback) {
			return rec, err
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "line: reply token unusable; pushing instead", slog.String("channel", out.Channel.ID))
	}
	return c.push(ctx, out, msgs)
}

func checkOutbound(out *enquiry.Outbound) error {
	switch {
	case out.Channel.Kind != "" && out.Channel.Kind != "line":
		return ErrNotLINE
	case out.Channel.State == enquiry.Suspended:
		return enquiry.ErrSuspended
	case out.Channel.Credentials.Token.IsZero():
		return ErrNoToken
	case out.Customer.ID == "":
		return ErrNoRecipient
	case len(out.Messages) == 0:
		return ErrNoMessages
	case len(out.Messages) > MaxMessagesPerRequest:
		return ErrTooManyMessages
	case !uuid.Valid(out.RetryKey):
		return ErrNoRetryKey
	}
	return nil
}

// fresh reports whether out's reply token (out.Reply) is young enough to
// try: younger than Config.ReplyFreshness, and before out.FreeUntil when
// the desk set it (DeskKind's window).
func (c *Client) fresh(out enquiry.Outbound) bool {
	if out.Reply.At.IsZero() {
		return false
	}
	now := c.clock.Now()
	if !out.FreeUntil.IsZero() && !now.Before(out.FreeUntil) {
		return false
	}
	return now.Sub(out.Reply.At) < c.cfg.ReplyFreshness
}

// reply sends msgs with out's reply token. It returns errFallback when
// the token cannot be used and nothing was sent, so the caller pushes.
// A reply has no retry key: after an unclear answer (5xx, timeout) it is
// retried with the same token while the token is fresh; "Invalid reply
// token" then means the unclear attempt used it, so the messages were
// delivered. Only when the token goes stale or the attempts run out with
// the outcome still unknown does it give up with ErrDeliveryUncertain,
// rather than push and perhaps deliver twice.
func (c *Client) reply(ctx context.Context, out enquiry.Outbound, msgs []messaging_api.MessageInterface) (enquiry.Receipt, error) {
	body, err := json.Marshal(&messaging_api.ReplyMessageRequest{ReplyToken: out.Reply.Handle, Messages: msgs})
	if err != nil {
		return enquiry.Receipt{}, err
	}
	k := c.request("reply", endpointReply, out.Channel, body)
	var (
		rid       string
		uncertain *Error // the last attempt LINE may have carried out
	)
	if out.ReplyRetry {
		// An earlier Send, in this process or a dead one, may have used
		// the token: it is spent only on this send, so its refusal as
		// used means delivered, as after an unclear answer here.
		uncertain = &Error{Service: service, Op: "reply", Message: "an earlier attempt of this send may have used the reply token"}
	}
	err = c.api.Retry(ctx, k, func(ctx context.Context) error {
		if !c.fresh(out) {
			if uncertain != nil {
				return uncertain.AsUncertain(ErrDeliveryUncertain)
			}
			return errFallback
		}
		res, err := c.api.Do(ctx, k)
		if err == nil {
			rid = res.RequestID
			apiclient.Drain(res.Body)
			return nil
		}
		if le, ok := errors.AsType[*Error](err); ok {
			switch {
			case errors.Is(le, ErrInvalidReplyToken) && uncertain != nil:
				// The token is still fresh (well inside LINE's validity),
				// and only this send had it: it was used up by the attempt
				// that got no clear answer, so the messages were delivered.
				// Pushing now would deliver them twice.
				rid = uncertain.RequestID
				return nil
			case errors.Is(le, ErrInvalidReplyToken):
				return errFallback
			case le.Uncertain:
				uncertain = le
			}
		}
		return err
	})
	if err != nil && uncertain != nil && retry.Retryable(err) {
		// Out of attempts after an unclear answer: a later push could
		// deliver the messages twice.
		err = uncertain.AsUncertain(ErrDeliveryUncertain)
	}
	if err != nil {
		return enquiry.Receipt{}, err
	}
	return enquiry.Receipt{RequestID: rid, Replied: true}, nil
}

// push sends msgs with out's retry key, unless the channel's monthly
// quota ran out (pushAllowed), and returns LINE's request ID (the
// accepted request's ID after a 409). A refusal for the monthly limit is
// remembered (noteQuota).
func (c *Client) push(ctx context.Context, out enquiry.Outbound, msgs []messaging_api.MessageInterface) (enquiry.Receipt, error) {
	if err := c.pushAllowed(ctx, out.Channel); err != nil {
		return enquiry.Receipt{}, err
	}
	body, err := json.Marshal(&messaging_api.PushMessageRequest{To: out.Customer.ID, Messages: msgs})
	if err != nil {
		return enquiry.Receipt{}, err
	}
	k := c.request("push", endpointPush, out.Channel, body)
	k.Header, k.OK = map[string]string{headerRetryKey: out.RetryKey}, []int{http.StatusConflict}
	var rid string
	err = c.api.Retry(ctx, k, func(ctx context.Context) error {
		res, err := c.api.Do(ctx, k)
		if err != nil {
			return err
		}
		apiclient.Drain(res.Body)
		if res.Status == http.StatusConflict {
			acc := res.Header.Get(headerAcceptedID)
			if acc == "" { // the key is in use by a request still in flight
				return &Error{Service: service, Op: "push", Status: res.Status, Message: "retry key in use by a request in progress", RequestID: res.RequestID, Err: ErrServer, Transient: true}
			}
			rid = acc
			return nil
		}
		rid = res.RequestID
		return nil
	})
	if err != nil {
		c.noteQuota(ctx, out.Channel, err)
	}
	return enquiry.Receipt{RequestID: rid}, err
}

// messages turns the desk's messages into LINE message objects, checking
// each; nothing is sent when one fails.
func (c *Client) messages(ctx context.Context, ms []enquiry.Message) ([]messaging_api.MessageInterface, error) {
	out := make([]messaging_api.MessageInterface, 0, len(ms))
	for i, m := range ms {
		bad := func(reason string, err error) error {
			return &MessageError{Index: i, ID: m.ID, Reason: reason, Err: err}
		}
		switch ct := m.Content; ct.Kind {
		case enquiry.Text:
			if err := c.cfg.MediaPolicy.CheckText(ct.Text); err != nil {
				reason := err.Error()
				if me, ok := errors.AsType[*media.Error](err); ok && me.Reason != "" {
					reason = me.Reason
				}
				return nil, bad(reason, err)
			}
			out = append(out, &messaging_api.TextMessage{Text: ct.Text, QuoteToken: quoteToken(ct)})
		case enquiry.Image, enquiry.Video, enquiry.Audio:
			if ct.Media == nil {
				return nil, bad("the message has no media", nil)
			}
			ref := *ct.Media
			original, preview, err := c.mediaURLs(ctx, ref)
			if err != nil {
				return nil, err
			}
			if !httpsURL(original) {
				return nil, bad("media must be at an https URL of at most 2,000 characters (set Config.MediaURL)", nil)
			}
			switch ct.Kind {
			case enquiry.Image:
				if preview == "" && ref.Size > 0 && ref.Size <= maxPreviewBytes {
					preview = original // small enough to be its own preview
				}
				if !httpsURL(preview) {
					return nil, bad("an image needs an https preview image of at most 1 MB", nil)
				}
				out = append(out, &messaging_api.ImageMessage{OriginalContentUrl: original, PreviewImageUrl: preview})
			case enquiry.Video:
				if !httpsURL(preview) {
					return nil, bad("a video needs an https preview image", nil)
				}
				out = append(out, &messaging_api.VideoMessage{OriginalContentUrl: original, PreviewImageUrl: preview})
			case enquiry.Audio:
				if ref.Duration <= 0 {
					return nil, bad("audio needs its duration", nil)
				}
				out = append(out, &messaging_api.AudioMessage{OriginalContentUrl: original, Duration: ref.Duration.Milliseconds()})
			}
		case enquiry.Sticker:
			if ct.Sticker == nil || ct.Sticker.Package == "" || ct.Sticker.ID == "" {
				return nil, bad("the sticker has no package or ID", nil)
			}
			out = append(out, &messaging_api.StickerMessage{PackageId: ct.Sticker.Package, StickerId: ct.Sticker.ID, QuoteToken: quoteToken(ct)})
		default:
			return nil, bad("LINE cannot carry "+string(ct.Kind)+" messages", nil)
		}
	}
	return out, nil
}

// quoteToken is the quote token of the message c quotes, "" if none: LINE
// then shows the message as a reply to it.
func quoteToken(c enquiry.Content) string {
	if c.Quote == nil {
		return ""
	}
	return c.Quote.Token
}

// mediaURLs returns the URLs LINE fetches ref from: its own when it has an
// https URL, else Config.MediaURL's.
func (c *Client) mediaURLs(ctx context.Context, ref enquiry.MediaRef) (original, preview string, err error) {
	if httpsURL(ref.URL) || c.cfg.MediaURL == nil {
		return ref.URL, ref.PreviewURL, nil
	}
	original, preview, err = c.cfg.MediaURL(ctx, ref)
	if err != nil {
		return "", "", err
	}
	return original, cmp.Or(preview, ref.PreviewURL), nil
}

func httpsURL(u string) bool {
	return len(u) > len("https://") && len(u) <= maxURLLen && strings.HasPrefix(u, "https://")
}

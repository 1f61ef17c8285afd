package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/clock"
)

// DefaultAPIBase is the Graph API's base URL with the version the client
// speaks.
const DefaultAPIBase = "https://graph.facebook.com/v23.0"

// Defaults of Config's zero fields.
const (
	// DefaultThroughput is the Cloud API's default throughput of one
	// business phone number: 80 messages per second (Meta raises it to
	// 1,000 for some numbers; set Config.Throughput then).
	DefaultThroughput     rate.Limit = 80
	DefaultMaxAttempts               = 5
	DefaultRetryDeadline             = 30 * time.Second
	DefaultBackoffBase               = 250 * time.Millisecond
	DefaultBackoffMax                = 8 * time.Second
	DefaultRequestTimeout            = 15 * time.Second
	DefaultContentTimeout            = 10 * time.Minute
)

// ServiceWindow is how long after a customer's last message the business
// may send them free-form messages (the customer service window); after
// it, only approved templates.
const ServiceWindow = 24 * time.Hour

// WindowOpen reports whether a free-form message may be sent at now to a
// customer whose last message arrived at last (zero: never). It is safe
// for concurrent use.
func WindowOpen(last, now time.Time) bool {
	return !last.IsZero() && now.Sub(last) < ServiceWindow
}

// Config configures a Client. Its zero value means the documented
// defaults. NewClient copies it; it is not used after.
type Config struct {
	// APIBase replaces the Graph API's base URL, version included, e.g.
	// with a whatsapptest.Platform's URL. Default DefaultAPIBase.
	APIBase string
	// HTTPClient makes the requests (default: timeouts on dial, TLS and
	// headers, connections kept alive).
	HTTPClient *http.Client
	// Throughput is the most messages per second sent from one phone
	// number (default DefaultThroughput); Burst how many may go at once
	// (default 1). Read receipts count toward it: they use the same
	// endpoint.
	Throughput rate.Limit
	Burst      int
	// MaxAttempts bounds the attempts of one request (default 5);
	// RetryDeadline the time spent retrying it (default 30 s). Backoff is
	// exponential from BackoffBase (250 ms) up to BackoffMax (8 s) with
	// jitter, never shorter than a Retry-After.
	MaxAttempts   int
	RetryDeadline time.Duration
	BackoffBase   time.Duration
	BackoffMax    time.Duration
	// RequestTimeout bounds one request (default 15 s); ContentTimeout
	// one media download (default 10 min).
	RequestTimeout time.Duration
	ContentTimeout time.Duration
	// Clock tells the time for backoff deadlines and rate limits
	// (default the real time).
	Clock enquiry.Clock
	// Logger receives retries, with the phone number ID, never a token or
	// a message. Default: discard.
	Logger *slog.Logger
}

// Number is the business phone number a call is made for: its ID in the
// Cloud API and an access token allowed to use it (printed [redacted]).
// It is a plain value, safe for concurrent use.
type Number struct {
	PhoneNumberID string
	Token         enquiry.Secret
}

// Client calls the WhatsApp Cloud API for many business phone numbers:
// it sends text, media, reactions and read receipts, reads media
// descriptions and downloads customers' media, judged as it streams. Each call names its Number. Sends are limited per phone
// number (Config.Throughput) and retried only when they were certainly
// not carried out (a throttle, a connection never made): the Cloud API
// has no idempotency key, so a send that got no clear answer fails with
// ErrDeliveryUncertain instead of going twice. Read receipts and reads
// are retried on any transient failure. A Client is safe for concurrent
// use.
type Client struct {
	base           string
	api            *apiclient.Client
	contentTimeout time.Duration
	clock          enquiry.Clock
}

// NewClient returns a client with cfg's settings. It does no I/O.
func NewClient(cfg Config) *Client { return newClient(cfg, nil) }

// newClient is NewClient with sleep, when not nil, replacing the waits
// between attempts and for rate limits (tests on a fake clock).
func newClient(cfg Config, sleep func(context.Context, time.Duration) error) *Client {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{base: strings.TrimRight(cmp.Or(cfg.APIBase, DefaultAPIBase), "/"),
		contentTimeout: cmp.Or(max(cfg.ContentTimeout, 0), DefaultContentTimeout), clock: clock.Or(cfg.Clock)}
	c.api = apiclient.New(apiclient.Config{
		Service: service, HTTPClient: cfg.HTTPClient,
		RateLimit: rate.Inf, EndpointLimits: map[string]rate.Limit{endpointMessages: cmp.Or(cfg.Throughput, DefaultThroughput)},
		Burst:       cfg.Burst,
		MaxAttempts: cmp.Or(max(cfg.MaxAttempts, 0), DefaultMaxAttempts), RetryDeadline: cmp.Or(max(cfg.RetryDeadline, 0), DefaultRetryDeadline),
		Backoff: backoff.Policy{
			Base: cmp.Or(max(cfg.BackoffBase, 0), DefaultBackoffBase), Max: cmp.Or(max(cfg.BackoffMax, 0), DefaultBackoffMax), Jitter: true},
		RequestTimeout: cmp.Or(max(cfg.RequestTimeout, 0), DefaultRequestTimeout),
		Classify:       classify, Clock: clock.Or(cfg.Clock), Sleep: sleep, Logger: log,
	})
	return c
}

const endpointMessages = "POST /{phone-number-id}/messages"

// Media kinds a message may carry.
const (
	KindImage    = "image"
	KindAudio    = "audio"
	KindVideo    = "video"
	KindDocument = "document"
	KindSticker  = "sticker"
)

// MediaMessage is a media message to send: its kind and either the ID of
// media uploaded to the Cloud API or an HTTPS link Meta fetches it from.
// It is a plain value, safe for concurrent use.
type MediaMessage struct {
	// Kind is KindImage, KindAudio, KindVideo, KindDocument or KindSticker.
	Kind string
	// ID or Link (exactly one) is where the file is.
	ID, Link string
	// Caption goes with an image, video or document; Filename with a
	// document.
	Caption, Filename string
	// ReplyTo is the ID of a customer message to quote, if any.
	ReplyTo string
}

// ErrInvalidMessage: a message the Client refuses before sending it (no
// recipient, empty text, a media message without exactly one of ID and
// Link, an unknown kind). Nothing was sent.
var ErrInvalidMessage = errors.New("whatsapp: invalid message")

type mediaObject struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type outMessage struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type,omitempty"`
	To               string `json:"to,omitempty"`
	Type             string `json:"type,omitempty"`
	Context          *struct {
		MessageID string `json:"message_id"`
	} `json:"context,omitempty"`
	Text *struct {
		PreviewURL bool   `json:"preview_url"`
		Body       string `json:"body"`
	} `json:"text,omitempty"`
	Image    *mediaObject `json:"image,omitempty"`
	Audio    *mediaObject `json:"audio,omitempty"`
	Video    *mediaObject `json:"video,omitempty"`
	Document *mediaObject `json:"document,omitempty"`
	Sticker  *mediaObject `json:"sticker,omitempty"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction,omitempty"`
	Status          string `json:"status,omitempty"`
	MessageID       string `json:"message_id,omitempty"`
	TypingIndicator *struct {
		Type string `json:"type"`
	} `json:"typing_indicator,omitempty"`
}

func newMessage(to, typ, replyTo string) outMessage {
	m := outMessage{MessagingProduct: "whatsapp", RecipientType: "individual", To: to, Type: typ}
	if replyTo != "" {
		m.Context = &struct {
			MessageID string `json:"message_id"`
		}{replyTo}
	}
	return m
}

// SendText sends a text message to the customer to (a WhatsApp ID) from
// the number and returns its message ID. replyTo, when not "", is a
// customer message to quote. Links in the text are not previewed.
func (c *Client) SendText(ctx context.Context, from Number, to, text, replyTo string) (string, error) {
	if to == "" || text == "" {
		return "", invalid("a text needs a recipient and a body")
	}
	m := newMessage(to, "text", replyTo)
	m.Text = &struct {
		PreviewURL bool   `json:"preview_url"`
		Body       string `json:"body"`
	}{false, text}
	return c.send(ctx, "send text", from, m)
}

// SendMedia sends a media message to the customer and returns its message
// ID.
func (c *Client) SendMedia(ctx context.Context, from Number, to string, mm MediaMessage) (string, error) {
	if to == "" || (mm.ID == "") == (mm.Link == "") {
		return "", invalid("a media message needs a recipient and exactly one of ID and Link")
	}
	if mm.Link != "" {
		if u, err := url.Parse(mm.Link); err != nil || u.Scheme != "https" || u.Host == "" {
			return "", invalid("a media link must be an https URL")
		}
	}
	m := newMessage(to, mm.Kind, mm.ReplyTo)
	o := &mediaObject{ID: mm.ID, Link: mm.Link}
	switch mm.Kind {
	case KindImage:
		o.Caption, m.Image = mm.Caption, o
	case KindVideo:
		o.Caption, m.Video = mm.Caption, o
	case KindDocument:
		o.Caption, o.Filename, m.Document = mm.Caption, mm.Filename, o
	case KindAudio:
		m.Audio = o
	case KindSticker:
		m.Sticker = o
	default:
		return "", invalid("unknown media kind")
	}
	return c.send(ctx, "send "+mm.Kind, from, m)
}

// React sends (or, with emoji "", removes) a reaction to the customer's
// message messageID and returns the reaction's message ID.
func (c *Client) React(ctx context.Context, from Number, to, messageID, emoji string) (string, error) {
	if to == "" || messageID == "" {
		return "", invalid("a reaction needs a recipient and a message")
	}
	m := newMessage(to, "reaction", "")
	m.Reaction = &struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	}{messageID, emoji}
	return c.send(ctx, "send reaction", from, m)
}

// MarkRead marks the customer's message messageID (and those before it)
// as read and, when typing is true, shows the customer a typing indicator
// until the next message is sent (or about 25 seconds pass). It is
// retried on any transient failure: marking twice does no harm.
func (c *Client) MarkRead(ctx context.Context, from Number, messageID string, typing bool) error {
	if messageID == "" {
		return invalid("marking read needs a message")
	}
	m := outMessage{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		m.TypingIndicator = &struct {
			Type string `json:"type"`
		}{"text"}
	}
	req, err := c.messages("mark read", from, m)
	if err != nil {
		return err
	}
	var ok struct {
		Success bool `json:"success"`
	}
	_, err = c.api.JSON(ctx, req, &ok)
	if err == nil && !ok.Success {
		return &Error{Service: service, Op: "mark read", Status: http.StatusOK, Message: "the answer did not report success", Err: ErrServer}
	}
	return err
}

// MediaInfo is what the Graph API tells of a media ID: a short-lived
// download URL (which needs the same token) and the file's description.
// It is a plain value, safe for concurrent use.
type MediaInfo struct {
	ID       string
	URL      string
	MIMEType string
	SHA256   string
	// Size is the file's length in bytes.
	Size int64
}

// Media returns the description and download URL of a media ID.
func (c *Client) Media(ctx context.Context, from Number, mediaID string) (MediaInfo, error) {
	if mediaID == "" || strings.ContainsAny(mediaID, "/?#") {
		return MediaInfo{}, invalid("a media ID must be a plain ID")
	}
	var w struct {
		URL      string          `json:"url"`
		MIMEType string          `json:"mime_type"`
		SHA256   string          `json:"sha256"`
		FileSize json.RawMessage `json:"file_size"`
		ID       string          `json:"id"`
	}
	req := &apiclient.Request{Op: "media", Method: http.MethodGet, URL: c.base + "/" + url.PathEscape(mediaID) +
		"?phone_number_id=" + url.QueryEscape(from.PhoneNumberID), Channel: from.PhoneNumberID, Token: from.Token}
	if _, err := c.api.JSON(ctx, req, &w); err != nil {
		return MediaInfo{}, err
	}
	// file_size is a number in some answers and a string in others.
	var size int64
	if err := json.Unmarshal(w.FileSize, &size); err != nil {
		var s json.Number
		if json.Unmarshal(w.FileSize, &s) == nil {
			size, _ = s.Int64()
		} else {
			var str string
			_ = json.Unmarshal(w.FileSize, &str)
			size, _ = json.Number(str).Int64()
		}
	}
	return MediaInfo{ID: w.ID, URL: w.URL, MIMEType: w.MIMEType, SHA256: w.SHA256, Size: size}, nil
}

func invalid(why string) error { return &invalidError{why} }

type invalidError struct{ why string }

func (e *invalidError) Error() string   { return ErrInvalidMessage.Error() + ": " + e.why }
func (e *invalidError) Unwrap() error   { return ErrInvalidMessage }
func (e *invalidError) Retryable() bool { return false }

// messages is a request to the number's messages endpoint.
func (c *Client) messages(op string, from Number, m outMessage) (*apiclient.Request, error) {
	if from.PhoneNumberID == "" || strings.ContainsAny(from.PhoneNumberID, "/?#") {
		return nil, invalid("the phone number ID must be a plain ID")
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return &apiclient.Request{Op: op, Endpoint: endpointMessages, Method: http.MethodPost,
		URL: c.base + "/" + from.PhoneNumberID + "/messages", Channel: from.PhoneNumberID, Token: from.Token, Body: body}, nil
}

// send makes one send, retried only while each failure certainly left it
// undone, and returns the message ID.
func (c *Client) send(ctx context.Context, op string, from Number, m outMessage) (string, error) {
	req, err := c.messages(op, from, m)
	if err != nil {
		return "", err
	}
	var id string
	err = c.api.Retry(ctx, req, func(ctx context.Context) error {
		res, err := c.api.Do(ctx, req)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Uncertain {
				return e.AsUncertain(ErrDeliveryUncertain)
			}
			return err
		}
		defer res.Body.Close()
		var w struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if json.NewDecoder(io.LimitReader(res.Body, apiclient.MaxJSONBody)).Decode(&w) != nil || len(w.Messages) == 0 || w.Messages[0].ID == "" {
			// Accepted (2xx) but unreadable: it was most likely sent.
			return &Error{Service: service, Op: op, Status: res.Status, Message: "the answer has no message ID", Err: ErrDeliveryUncertain}
		}
		id = w.Messages[0].ID
		return nil
	})
	return id, err
}

package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// LINE's API hosts.
const (
	// DefaultAPIBase is the Messaging API's host.
	DefaultAPIBase = "https://api.line.me"
	// DefaultDataAPIBase is the host of the content (Data) API.
	DefaultDataAPIBase = "https://api-data.line.me"
)

// Defaults of Config's zero fields.
const (
	// DefaultRateLimit is LINE's limit for most endpoints: 2,000 requests
	// per second per channel per endpoint.
	DefaultRateLimit rate.Limit = 2000
	// DefaultReplyFreshness is how old a reply token may be and still be
	// used. LINE accepts a reply token for about a minute; this keeps a
	// margin for the request's own time.
	DefaultReplyFreshness = 50 * time.Second
	// DefaultMaxAttempts bounds the attempts of one request.
	DefaultMaxAttempts = 5
	// DefaultRetryDeadline bounds the time spent retrying one request.
	DefaultRetryDeadline = 30 * time.Second
	// DefaultBackoffBase is the first wait between attempts; it doubles.
	DefaultBackoffBase = 250 * time.Millisecond
	// DefaultBackoffMax caps the wait between attempts.
	DefaultBackoffMax = 8 * time.Second
	// DefaultRequestTimeout bounds one API request.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultContentTimeout bounds one content download.
	DefaultContentTimeout = 10 * time.Minute
	// DefaultProfileTTL is how long a profile is cached.
	DefaultProfileTTL = time.Hour
)

// Config configures a Client. Its zero value means the documented defaults.
type Config struct {
	// APIBase and DataAPIBase replace LINE's hosts, e.g. with a
	// linetest.Platform's URLs. Defaults: DefaultAPIBase, DefaultDataAPIBase.
	APIBase, DataAPIBase string
	// HTTPClient makes the requests. Default: a client whose transport
	// has dial, TLS and response-header timeouts and keeps connections
	// alive. Every request also gets a deadline (RequestTimeout,
	// ContentTimeout) from its context.
	HTTPClient *http.Client
	// RateLimit is the most requests per second sent to one endpoint for
	// one channel (default DefaultRateLimit); Burst is how many may go at
	// once (default 1, so the limit holds over any one-second window).
	// EndpointLimits overrides RateLimit for endpoints named as
	// "METHOD /path", e.g. "POST /v2/bot/message/push".
	RateLimit      rate.Limit
	Burst          int
	EndpointLimits map[string]rate.Limit
	// ReplyFreshness is the oldest reply token Send uses; older ones are
	// not tried and the messages are pushed. Default DefaultReplyFreshness.
	ReplyFreshness time.Duration
	// MaxAttempts bounds the attempts of one request (default 5);
	// RetryDeadline bounds the time spent retrying it (default 30 s).
	// Backoff between attempts is exponential from BackoffBase (default
	// 250 ms) up to BackoffMax (default 8 s), with full jitter, and never
	// shorter than a Retry-After LINE sends.
	MaxAttempts   int
	RetryDeadline time.Duration
	BackoffBase   time.Duration
	BackoffMax    time.Duration
	// RequestTimeout bounds one API request (default 15 s);
	// ContentTimeout bounds one content download (default 10 min).
	RequestTimeout time.Duration
	ContentTimeout time.Duration
	// ProfileTTL is how long a profile is cached (default 1 h); a profile
	// LINE does not give (404) is cached for a tenth of it.
	ProfileTTL time.Duration
	// Clock tells the time (reply token freshness, backoff deadlines,
	// rate limits, profile cache). Default: the real time.
	Clock enquiry.Clock
	// Logger receives retries and failures, with the channel ID, never
	// a token. Default: discard.
	Logger *slog.Logger
	// MediaURL gives the HTTPS URLs LINE fetches outbound media from: the
	// content and, for images and videos, a preview image (JPEG or PNG,
	// at most 1 MB). It is called for media whose MediaRef has no
	// https URL; typically it signs a short-lived URL to the host's blob
	// storage.
	MediaURL func(ctx context.Context, ref enquiry.MediaRef) (original, preview string, err error)
	// MediaPolicy limits the size of downloaded content; zero fields
	// mean LINE's limits: images 10 MB, audio and video 200 MB.
	MediaPolicy media.Policy
	// QuotaRecheck is how often, at most, the quota of a channel whose
	// monthly message limit was reached is read again before a push, in
	// case it was raised (default DefaultQuotaRecheck). Until then, and
	// until the month turns, nothing is pushed for the channel.
	QuotaRecheck time.Duration
}

// Client talks to the LINE platform for many channels: it sends messages
// (it implements enquiry.Sender), downloads content, reads profiles and
// checks a channel's set-up. The channel and its credentials come with
// every call. A Client is safe for concurrent use.
type Client struct {
	cfg    Config
	hc     *http.Client
	clock  enquiry.Clock
	log    *slog.Logger
	limits *limiters
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a random duration in [0, d); tests replace it.
	jitter func(d time.Duration) time.Duration

	profiles profileCache
	quotas   quotaMarks
}

var _ enquiry.Sender = (*Client)(nil)

// Requests are made with net/http rather than the SDK's messaging_api
// clients, whose calls take no per-request context (their WithContext
// changes a shared client), read error bodies without bound and echo them
// in errors, and take a 202 from the content API for success. The SDK's
// message and request types are used for the JSON.

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// NewClient returns a client with cfg's settings. It does no I/O.
func NewClient(cfg Config) *Client {
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	if cfg.DataAPIBase == "" {
		cfg.DataAPIBase = DefaultDataAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	cfg.DataAPIBase = strings.TrimRight(cfg.DataAPIBase, "/")
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	if cfg.ReplyFreshness <= 0 {
		cfg.ReplyFreshness = DefaultReplyFreshness
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryDeadline <= 0 {
		cfg.RetryDeadline = DefaultRetryDeadline
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.ContentTimeout <= 0 {
		cfg.ContentTimeout = DefaultContentTimeout
	}
	if cfg.ProfileTTL <= 0 {
		cfg.ProfileTTL = DefaultProfileTTL
	}
	if cfg.QuotaRecheck <= 0 {
		cfg.QuotaRecheck = DefaultQuotaRecheck
	}
	c := &Client{cfg: cfg, hc: cfg.HTTPClient, clock: cfg.Clock, log: cfg.Logger}
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.limits = newLimiters(cfg.RateLimit, cfg.Burst, cfg.EndpointLimits)
	c.sleep = sleep
	c.jitter = jitter
	c.profiles.m = map[string]profileEntry{}
	return c
}

func defaultHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call is one request to LINE (or to an external content URL).
type call struct {
	op       string // for errors and logs
	endpoint string // rate limit key, "METHOD /pattern"; "" for no limit
	method   string
	url      string
	channel  string
	token    enquiry.Secret // zero: no Authorization header
	body     []byte         // JSON
	header   map[string]string
	timeout  time.Duration
	// ok lists statuses besides 2xx that the caller handles itself.
	ok []int
}

// response is a successful answer; its body is open until closed.
type response struct {
	status    int
	header    http.Header
	body      io.ReadCloser
	requestID string
}

// roundTrip makes one attempt: it waits for the rate limiter, sends, and
// turns a failure into an *Error. On success the caller must close the body.
func (c *Client) roundTrip(ctx context.Context, k *call) (*response, error) {
	if k.endpoint != "" {
		if err := c.limits.wait(ctx, c, k.channel, k.endpoint); err != nil {
			// Nothing was sent: the caller may try again later.
			return nil, &Error{Op: k.op, Message: "gave up waiting for the rate limit", Err: err, retryable: true}
		}
	}
	timeout := k.timeout
	if timeout <= 0 {
		timeout = c.cfg.RequestTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(actx, k.method, k.url, body)
	if err != nil {
		cancel()
		return nil, &Error{Op: k.op, Message: "invalid request URL", Err: ErrBadRequest}
	}
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !k.token.IsZero() {
		req.Header.Set("Authorization", "Bearer "+k.token.Reveal())
	}
	for h, v := range k.header {
		req.Header.Set(h, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		cancel()
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL: it may carry a signed query
		}
		e := (&Error{Op: k.op, Err: err}).classify()
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "dial" {
			e.ambiguous = false // never reached LINE
		}
		if ctx.Err() != nil {
			// The caller gave up (shutdown, its own deadline): the request
			// may or may not have gone; a later attempt may succeed.
			e.Err = ctx.Err()
		}
		return nil, e
	}
	rid := res.Header.Get("X-Line-Request-Id")
	if res.StatusCode/100 == 2 && res.StatusCode != http.StatusAccepted || containsInt(k.ok, res.StatusCode) {
		return &response{status: res.StatusCode, header: res.Header, body: cancelBody{res.Body, cancel}, requestID: rid}, nil
	}
	defer cancel()
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	return nil, parseError(k.op, res.StatusCode, res.Header, b, c.clock.Now())
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// parseError turns a refusal from LINE into an *Error: LINE's message and
// details from the JSON body ({"message":…,"details":[…]}), the request ID
// and Retry-After from the headers. A body that is not LINE's JSON leaves
// the status text as the message; the body itself is never kept.
func parseError(op string, status int, h http.Header, body []byte, now time.Time) *Error {
	e := &Error{Op: op, Status: status, RequestID: h.Get("X-Line-Request-Id")}
	var eb struct {
		Message string   `json:"message"`
		Details []Detail `json:"details"`
	}
	if json.Unmarshal(body, &eb) == nil {
		e.Message, e.Details = eb.Message, eb.Details
	}
	if len(e.Details) > maxDetails {
		e.Details = e.Details[:maxDetails]
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			e.RetryAfter = time.Duration(min(s, maxRetryAfter)) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = min(max(t.Sub(now), 0), maxRetryAfter*time.Second)
		}
	}
	return e.classify()
}

// Bounds on what an error keeps: LINE lists at most a few details, and
// asks for waits of seconds, not days.
const (
	maxDetails    = 20
	maxRetryAfter = 3600
)

// cancelBody ends the request's context when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// getJSON makes a GET with retries and decodes the answer into v.
func (c *Client) getJSON(ctx context.Context, k *call, v any) (string, error) {
	var rid string
	err := c.retry(ctx, k, func(ctx context.Context) error {
		res, err := c.roundTrip(ctx, k)
		if err != nil {
			return err
		}
		defer res.body.Close()
		rid = res.requestID
		if err := json.NewDecoder(io.LimitReader(res.body, 1<<20)).Decode(v); err != nil {
			return &Error{Op: k.op, Status: res.status, RequestID: rid, Message: "unreadable answer from LINE", Err: ErrServer, retryable: true}
		}
		return nil
	})
	return rid, err
}

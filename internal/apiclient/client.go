package apiclient

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
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/clock"
)

// Defaults of Config's zero fields.
const (
	DefaultRateLimit      rate.Limit = 2000
	DefaultMaxAttempts               = 5
	DefaultRetryDeadline             = 30 * time.Second
	DefaultBackoffBase               = 250 * time.Millisecond
	DefaultBackoffMax                = 8 * time.Second
	DefaultRequestTimeout            = 15 * time.Second
	// MaxErrorBody bounds how much of a refusal's body is read.
	MaxErrorBody = 64 << 10
	// MaxJSONBody bounds how much of a JSON answer JSON decodes.
	MaxJSONBody = 1 << 20
)

// Config configures a Client. Its zero value means the documented defaults.
type Config struct {
	// Service names the platform in errors and logs, e.g. "line".
	Service string
	// HTTPClient makes the requests. Default: a client whose transport
	// has dial, TLS and response-header timeouts and keeps connections
	// alive.
	HTTPClient *http.Client
	// RateLimit is the most requests per second to one endpoint for one
	// channel (default 2,000); Burst how many may go at once (default 1);
	// EndpointLimits overrides RateLimit per Request.Endpoint.
	RateLimit      rate.Limit
	Burst          int
	EndpointLimits map[string]rate.Limit
	// MaxAttempts bounds the attempts of one request (default 5);
	// RetryDeadline the time spent retrying it (default 30 s).
	MaxAttempts   int
	RetryDeadline time.Duration
	// Backoff is the wait between attempts (default 250 ms doubling up to
	// 8 s, with jitter); a Retry-After the platform sends waits longer.
	Backoff backoff.Policy
	// RequestTimeout bounds one attempt (default 15 s) unless the Request
	// sets its own.
	RequestTimeout time.Duration
	// RequestIDHeader names the answer header with the platform's request
	// ID, e.g. "X-Line-Request-Id".
	RequestIDHeader string
	// Classify sets an *Error's Err, Transient and Uncertain by the
	// platform's rules, from its fields and (for a refusal, Status > 0)
	// the first MaxErrorBody bytes of the answer's body, which it must not
	// keep whole. Default: Classify, and ReadBody for the message.
	Classify func(e *Error, body []byte)
	// Clock tells the time for deadlines and rate limits (default real).
	Clock clock.Clock
	// Sleep waits d or until ctx is done (default: a timer). Tests on a
	// fake clock pass one that moves the clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives retries, with the channel and operation, never a
	// token or a body. Default: discard.
	Logger *slog.Logger
}

// Client makes requests to one platform's API for many channels. It is
// safe for concurrent use.
type Client struct {
	cfg    Config
	limits limiters
}

// New returns a client with cfg's settings. It does no I/O.
func New(cfg Config) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = DefaultHTTPClient()
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	cfg.Burst = max(cfg.Burst, 1)
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryDeadline <= 0 {
		cfg.RetryDeadline = DefaultRetryDeadline
	}
	if cfg.Backoff == (backoff.Policy{}) {
		cfg.Backoff = backoff.Policy{Base: DefaultBackoffBase, Max: DefaultBackoffMax, Jitter: true}
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Classify == nil {
		cfg.Classify = func(e *Error, body []byte) { e.ReadBody(body); Classify(e) }
	}
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Sleep == nil {
		cfg.Sleep = clock.Sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, limits: limiters{limit: cfg.RateLimit, burst: cfg.Burst, override: cfg.EndpointLimits}}
}

// Limit returns the rate limit of the channel's endpoint.
func (c *Client) Limit(channel, endpoint string) rate.Limit {
	return c.limits.get(channel, endpoint).Limit()
}

// DefaultHTTPClient returns the client New uses when Config has none.
func DefaultHTTPClient() *http.Client {
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

// Secret is a credential sent as a bearer token; enquiry.Secret is one.
type Secret interface{ Reveal() string }

// Request is one call to the platform. It holds a token: never log it.
type Request struct {
	Op       string // names the call in errors and logs
	Endpoint string // rate-limit key, "METHOD /pattern"; "" for no limit
	Method   string
	URL      string
	Channel  string // rate-limit and log key
	Token    Secret // nil or empty: no Authorization header
	Body     []byte // JSON; nil for none
	Header   map[string]string
	Timeout  time.Duration // 0: Config.RequestTimeout
	// OK lists statuses besides 2xx (but 202) that the caller handles.
	OK []int
}

// Response is a successful answer; its Body is open until closed.
type Response struct {
	Status    int
	Header    http.Header
	Body      io.ReadCloser
	RequestID string
}

// Do makes one attempt of req: it waits for the rate limit, sends, and
// turns a failure into an *Error. On success the caller must close the
// body, whose reading is bounded by the attempt's deadline.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if req.Endpoint != "" {
		if err := c.limits.wait(ctx, c.cfg.Clock, c.cfg.Sleep, req.Channel, req.Endpoint); err != nil {
			// Nothing was sent: the caller may try again later.
			return nil, &Error{Service: c.cfg.Service, Op: req.Op, Message: "gave up waiting for the rate limit", Err: err, Transient: true}
		}
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = c.cfg.RequestTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
	if err != nil {
		cancel()
		// Classified as the platform would a 400, but nothing was sent.
		e := &Error{Service: c.cfg.Service, Op: req.Op, Status: http.StatusBadRequest, Message: "invalid request URL"}
		c.cfg.Classify(e, nil)
		e.Status, e.Transient, e.Uncertain = 0, false, false
		return nil, e
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.Token != nil && req.Token.Reveal() != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token.Reveal())
	}
	for h, v := range req.Header {
		hr.Header.Set(h, v)
	}
	res, err := c.cfg.HTTPClient.Do(hr)
	if err != nil {
		cancel()
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // drop the URL: it may carry a signed query
		}
		e := &Error{Service: c.cfg.Service, Op: req.Op, Err: err}
		c.cfg.Classify(e, nil)
		if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "dial" {
			e.Uncertain = false // never reached the platform
		}
		if ctx.Err() != nil {
			// The caller gave up (shutdown, its own deadline): the request
			// may or may not have gone; a later attempt may succeed.
			e.Err = ctx.Err()
		}
		return nil, e
	}
	rid := ""
	if c.cfg.RequestIDHeader != "" {
		rid = res.Header.Get(c.cfg.RequestIDHeader)
	}
	if res.StatusCode/100 == 2 && res.StatusCode != http.StatusAccepted || slices.Contains(req.OK, res.StatusCode) {
		return &Response{Status: res.StatusCode, Header: res.Header, Body: cancelBody{res.Body, cancel}, RequestID: rid}, nil
	}
	defer cancel()
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, MaxErrorBody))
	return nil, c.Refusal(req.Op, res.StatusCode, res.Header, b)
}

// Refusal turns a platform's refusal into an *Error: the request ID and
// Retry-After from the headers, the rest by Config.Classify from the
// body, which is never kept. Without a message, the status text is one.
func (c *Client) Refusal(op string, status int, h http.Header, body []byte) *Error {
	e := &Error{Service: c.cfg.Service, Op: op, Status: status, RetryAfter: RetryAfter(h, c.cfg.Clock.Now())}
	if c.cfg.RequestIDHeader != "" {
		e.RequestID = h.Get(c.cfg.RequestIDHeader)
	}
	c.cfg.Classify(e, body)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

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

// Open makes req with retries until an answer's headers arrive; the body
// streams to the caller, who must close it.
func (c *Client) Open(ctx context.Context, req *Request) (*Response, error) {
	var res *Response
	err := c.Retry(ctx, req, func(ctx context.Context) error {
		r, err := c.Do(ctx, req)
		res = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Send makes req with retries and discards the answer's body; it returns
// the successful answer's status, headers and request ID.
func (c *Client) Send(ctx context.Context, req *Request) (*Response, error) {
	res, err := c.Open(ctx, req)
	if err != nil {
		return nil, err
	}
	Drain(res.Body)
	return res, nil
}

// JSON makes req with retries and decodes the answer (at most
// MaxJSONBody bytes) into v; an answer that does not decode is retried.
// It returns the platform's request ID.
func (c *Client) JSON(ctx context.Context, req *Request, v any) (string, error) {
	var rid string
	err := c.Retry(ctx, req, func(ctx context.Context) error {
		res, err := c.Do(ctx, req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		rid = res.RequestID
		if err := json.NewDecoder(io.LimitReader(res.Body, MaxJSONBody)).Decode(v); err != nil {
			e := &Error{Service: c.cfg.Service, Op: req.Op, Status: http.StatusBadGateway, RequestID: rid}
			c.cfg.Classify(e, nil) // a server fault: the platform's sentinel for it
			e.Status, e.Message, e.Transient = res.Status, "unreadable answer", true
			return e
		}
		return nil
	})
	return rid, err
}

// Drain reads what is left of a small answer (at most 64 KiB) and closes
// it, so the connection can be reused.
func Drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

package line

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/apiclient"
	"github.com/socialdesk/socialdesk/internal/backoff"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/ttlcache"
	"github.com/socialdesk/socialdesk/media"
)

// LINE's API hosts.
const (
	// DefaultAPIBase is the Messaging API's host.
	DefaultAPIBase = "https://api.line.me"
	// DefaultDataAPIBase is the host of the content (Data) API.
	DefaultDataAPIBase = "https://api-data.line.me"
)

// Defaults of Config's zero fields. The retries' and timeouts' are the
// API client's (internal/apiclient), which every connector shares.
const (
	// DefaultRateLimit is LINE's limit for most endpoints: 2,000 requests
	// per second per channel per endpoint.
	DefaultRateLimit rate.Limit = 2000
	// DefaultReplyFreshness is how old a reply token may be and still be
	// used. LINE accepts a reply token for about a minute; this keeps a
	// margin for the request's own time.
	DefaultReplyFreshness = 50 * time.Second
	DefaultMaxAttempts    = apiclient.DefaultMaxAttempts    // 5 attempts of one request
	DefaultRetryDeadline  = apiclient.DefaultRetryDeadline  // 30 s retrying one request
	DefaultBackoffBase    = apiclient.DefaultBackoffBase    // 250 ms, the first wait; it doubles
	DefaultBackoffMax     = apiclient.DefaultBackoffMax     // 8 s, the longest wait
	DefaultRequestTimeout = apiclient.DefaultRequestTimeout // 15 s for one API request
	DefaultContentTimeout = 10 * time.Minute                // for one content download
	DefaultProfileTTL     = time.Hour                       // how long a profile is cached
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
// reads a channel's bot and webhook settings (which line/linecheck
// checks). The channel and its credentials come with
// every call. A Client is safe for concurrent use.
type Client struct {
	cfg   Config
	api   *apiclient.Client // requests, rate limits, retries
	clock enquiry.Clock
	log   *slog.Logger

	profiles *ttlcache.Cache[string, Profile] // at most maxProfilesCached
	quotaMu  sync.Mutex
	quotas   map[string]quotaMark // by channel ID: the month whose quota ran out
}

var _ enquiry.Sender = (*Client)(nil)

// Requests are made with net/http (internal/apiclient) rather than the
// SDK's messaging_api clients, whose calls take no per-request context
// (their WithContext changes a shared client), read error bodies without
// bound and echo them in errors, and take a 202 from the content API for
// success. The SDK's message and request types are used for the JSON.

// NewClient returns a client with cfg's settings. It does no I/O.
func NewClient(cfg Config) *Client { return newClient(cfg, nil) }

// newClient is NewClient with sleep, when not nil, replacing the waits
// between attempts and for rate limits (tests on a fake clock).
func newClient(cfg Config, sleep func(context.Context, time.Duration) error) *Client {
	cfg.APIBase = strings.TrimRight(cmp.Or(cfg.APIBase, DefaultAPIBase), "/")
	cfg.DataAPIBase = strings.TrimRight(cmp.Or(cfg.DataAPIBase, DefaultDataAPIBase), "/")
	cfg.ReplyFreshness = cmp.Or(max(cfg.ReplyFreshness, 0), DefaultReplyFreshness)
	cfg.RequestTimeout = cmp.Or(max(cfg.RequestTimeout, 0), DefaultRequestTimeout)
	cfg.ContentTimeout = cmp.Or(max(cfg.ContentTimeout, 0), DefaultContentTimeout)
	cfg.ProfileTTL = cmp.Or(max(cfg.ProfileTTL, 0), DefaultProfileTTL)
	cfg.QuotaRecheck = cmp.Or(max(cfg.QuotaRecheck, 0), DefaultQuotaRecheck)
	c := &Client{cfg: cfg, clock: clock.Or(cfg.Clock), log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		profiles: ttlcache.New[string, Profile](maxProfilesCached), quotas: map[string]quotaMark{}}
	c.api = apiclient.New(apiclient.Config{
		Service: "line", HTTPClient: cfg.HTTPClient,
		RateLimit: cmp.Or(cfg.RateLimit, DefaultRateLimit), Burst: cfg.Burst, EndpointLimits: cfg.EndpointLimits,
		MaxAttempts: cfg.MaxAttempts, RetryDeadline: cfg.RetryDeadline,
		Backoff: backoff.Policy{
			Base: cmp.Or(max(cfg.BackoffBase, 0), DefaultBackoffBase), Max: cmp.Or(max(cfg.BackoffMax, 0), DefaultBackoffMax), Jitter: true},
		RequestTimeout: cfg.RequestTimeout, RequestIDHeader: "X-Line-Request-Id",
		Classify: classify, Clock: c.clock, Sleep: sleep, Logger: c.log,
	})
	return c
}

// request returns a request of op to a Messaging API endpoint ("METHOD
// /path"), rate-limited per channel, with the channel's token and body.
func (c *Client) request(op, endpoint string, ch enquiry.Channel, body []byte) *apiclient.Request {
	method, path, _ := strings.Cut(endpoint, " ")
	return &apiclient.Request{Op: op, Endpoint: endpoint, Method: method, URL: c.cfg.APIBase + path, Channel: ch.ID, Token: ch.Credentials.Token, Body: body}
}

// getJSON makes a request with retries and decodes the answer into v. A
// request without the channel's token is not made: ErrNoToken.
func (c *Client) getJSON(ctx context.Context, k *apiclient.Request, v any) (string, error) {
	if k.Token == nil || k.Token.Reveal() == "" {
		return "", ErrNoToken
	}
	return c.api.JSON(ctx, k, v)
}

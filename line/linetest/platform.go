package linetest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// LINE's error messages, as the platform words them.
const (
	msgAuth          = "Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid."
	msgReplyToken    = "Invalid reply token"
	msgRetryAccepted = "The retry key is already accepted"
	msgRateLimit     = "The API rate limit has been exceeded. Try again later."
	msgMonthlyLimit  = "You have reached your monthly limit."
	msgNotFound      = "Not found"
	msgServerError   = "Internal server error"
	msgBadJSON       = "The request body could not be parsed as JSON"
	msgRetryKeyBad   = "The value of the X-Line-Retry-Key header is invalid"
	msgRetryKeyAPI   = "X-Line-Retry-Key is not supported by this API"
	// LINE's reference documents the 400 of a read or quote token it did
	// not issue, not its wording: these two are the fake's own.
	msgReadToken  = "Invalid markAsReadToken"
	msgQuoteToken = "Invalid quote token"
)

// Channel is a LINE channel (one LINE Official Account) the fake platform
// knows. Token authenticates API calls; Secret signs webhook test requests.
type Channel struct {
	Token       string
	Secret      string
	BotUserID   string
	BasicID     string
	DisplayName string
	// ChatMode is "chat" or "bot" (the default), as GET /v2/bot/info reports it.
	ChatMode string
	// WebhookURL and WebhookActive are the channel's webhook settings.
	WebhookURL    string
	WebhookActive bool
}

// User is a LINE user whose profile the platform gives out. Profiles of
// users never added answer 404, as for users who blocked the account.
type User struct {
	ID          string
	DisplayName string
	PictureURL  string
	Language    string
}

// Message is a message object the platform accepted.
type Message struct {
	Type               string `json:"type"`
	Text               string `json:"text,omitempty"`
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	PreviewImageURL    string `json:"previewImageUrl,omitempty"`
	Duration           int64  `json:"duration,omitempty"`
	PackageID          string `json:"packageId,omitempty"`
	StickerID          string `json:"stickerId,omitempty"`
	// QuoteToken is the token of the message this one quotes (text and
	// stickers); the platform accepts only tokens it issued for the chat.
	QuoteToken string `json:"quoteToken,omitempty"`
}

// Read is one accepted mark-as-read request.
type Read struct {
	Bot   string // the channel's bot user ID
	User  string // whose messages were marked read
	Token string // the markAsReadToken
	Time  time.Time
}

// Delivery is one accepted reply or push request.
type Delivery struct {
	Bot       string // the sending channel's bot user ID
	To        string // the user ID
	Via       string // "reply" or "push"
	Messages  []Message
	RetryKey  string // pushes only
	RequestID string
	Time      time.Time
}

// Call is one request the platform received, whatever its answer.
type Call struct {
	Time     time.Time
	Method   string
	Path     string
	Bot      string // the caller's bot user ID; "" when the token was unknown
	RetryKey string
	Status   int    // 0 when the client gave up before the answer
	Fault    string // "", "5xx", "429" or "timeout" for injected faults
	// Accepted reports the request was carried out (it may still have
	// been answered with an injected fault).
	Accepted  bool
	RequestID string
}

// Content is message content served by the Data API.
type Content struct {
	Data        []byte
	ContentType string
	// Transcoding is the preparation status of video and audio:
	// "processing" (content answers 202), "succeeded", "failed" (content
	// answers 404); "" for content that needs none.
	Transcoding string
}

// Faults are injected failures. Each request draws one fault with the
// given probabilities, from a generator seeded with Seed, so a run with
// one seed and one request order fails the same way every time.
type Faults struct {
	ServerErrors float64 // answered 500
	RateLimits   float64 // answered 429 (never carried out)
	Timeouts     float64 // answered only after Delay, or never if the client gives up first
	// Delay is how long a timed-out request hangs; default 10 s.
	Delay time.Duration
	// Accepted is the probability that a request answered with 500 or a
	// timeout was carried out first, as can happen on LINE.
	Accepted float64
	// RetryAfter, when positive, is sent as Retry-After with 429s.
	RetryAfter time.Duration
	Seed       uint64
}

type replyToken struct {
	bot, user string
	issued    time.Time
	used      bool
}

type accepted struct {
	requestID string
	at        time.Time
}

// Platform is a fake LINE platform. Create it with New; it is safe for
// concurrent use.
type Platform struct {
	api, data *httptest.Server

	mu         sync.Mutex
	now        func() time.Time
	rng        *mathrand.Rand
	faults     Faults
	byToken    map[string]*Channel
	byBot      map[string]*Channel
	monthly    map[string]bool
	quotas     map[string]Quota
	used       map[string]int64
	users      map[string]User
	replies    map[string]*replyToken
	retryKeys  map[string]accepted // bot + " " + key
	contents   map[string]Content
	calls      []Call
	deliveries []Delivery
	rateLimit  int
	windows    map[string]*window
	replyTTL   time.Duration
	// chatTokens are the read and quote tokens the platform issued, each
	// for one chat: token → bot + " " + user.
	readTokens  map[string]string
	quoteTokens map[string]string
	reads       []Read
	latency     Latency       // latency.go
	latencyEnd  chan struct{} // closed when the latency changes
	held        int           // answers held back by the latency now
}

type window struct {
	start time.Time
	n     int
}

// New starts a fake platform: the Messaging API at URL and the Data API at
// DataURL. Close it when done.
func New() *Platform {
	p := &Platform{
		now:       time.Now,
		rng:       mathrand.New(mathrand.NewPCG(1, 2)),
		byToken:   map[string]*Channel{},
		byBot:     map[string]*Channel{},
		monthly:   map[string]bool{},
		quotas:    map[string]Quota{},
		used:      map[string]int64{},
		users:     map[string]User{},
		replies:   map[string]*replyToken{},
		retryKeys: map[string]accepted{},
		contents:  map[string]Content{},
		windows:   map[string]*window{},
		replyTTL:  time.Minute,

		readTokens:  map[string]string{},
		quoteTokens: map[string]string{},
	}
	api := http.NewServeMux()
	api.HandleFunc("POST /v2/bot/message/reply", p.handle(p.reply))
	api.HandleFunc("POST /v2/bot/message/push", p.handle(p.push))
	api.HandleFunc("POST /v2/bot/chat/markAsRead", p.handle(p.markAsRead))
	api.HandleFunc("GET /v2/bot/info", p.handle(p.botInfo))
	api.HandleFunc("GET /v2/bot/message/quota", p.handle(p.quota))
	api.HandleFunc("GET /v2/bot/message/quota/consumption", p.handle(p.consumption))
	api.HandleFunc("GET /v2/bot/profile/{userId}", p.handle(p.profile))
	api.HandleFunc("GET /v2/bot/channel/webhook/endpoint", p.handle(p.getEndpoint))
	api.HandleFunc("PUT /v2/bot/channel/webhook/endpoint", p.handle(p.putEndpoint))
	api.HandleFunc("POST /v2/bot/channel/webhook/test", p.handle(p.testEndpoint))
	api.HandleFunc("/", notFound)
	data := http.NewServeMux()
	data.HandleFunc("GET /v2/bot/message/{messageId}/content", p.handle(p.content))
	data.HandleFunc("GET /v2/bot/message/{messageId}/content/transcoding", p.handle(p.transcoding))
	data.HandleFunc("/", notFound)
	p.api = httptest.NewServer(api)
	p.data = httptest.NewServer(data)
	return p
}

// URL returns the Messaging API's base URL (in place of https://api.line.me).
func (p *Platform) URL() string { return p.api.URL }

// DataURL returns the Data API's base URL (in place of https://api-data.line.me).
func (p *Platform) DataURL() string { return p.data.URL }

// Close shuts the servers down, waiting for requests in flight.
func (p *Platform) Close() {
	p.api.CloseClientConnections()
	p.data.CloseClientConnections()
	p.api.Close()
	p.data.Close()
}

// SetClock makes the platform tell time with now: reply token expiry, rate
// limit windows and the times recorded in calls and deliveries.
func (p *Platform) SetClock(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// SetReplyTokenTTL sets how long a reply token stays valid (default 1 minute).
func (p *Platform) SetReplyTokenTTL(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.replyTTL = d
}

// SetFaults sets the faults injected from now on; the zero Faults injects none.
func (p *Platform) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.Delay <= 0 {
		f.Delay = 10 * time.Second
	}
	p.faults = f
	p.rng = mathrand.New(mathrand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// SetRateLimit makes the platform answer 429 to a channel's requests to one
// endpoint beyond perSecond within one second (fixed one-second windows).
// Zero, the default, means no limit.
func (p *Platform) SetRateLimit(perSecond int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rateLimit = perSecond
}

// SetMonthlyLimitReached makes pushes of the channel answer 429 "You have
// reached your monthly limit." (a 429 that retrying does not cure).
func (p *Platform) SetMonthlyLimitReached(botUserID string, reached bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.monthly[botUserID] = reached
}

// AddChannel registers a channel. A channel added again replaces the old one.
func (p *Platform) AddChannel(ch Channel) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ch.ChatMode == "" {
		ch.ChatMode = "bot"
	}
	if old, ok := p.byBot[ch.BotUserID]; ok {
		delete(p.byToken, old.Token)
	}
	c := ch
	p.byToken[ch.Token] = &c
	p.byBot[ch.BotUserID] = &c
}

// SetWebhook sets a channel's webhook URL and whether it is in use.
func (p *Platform) SetWebhook(botUserID, url string, active bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.byBot[botUserID]; ok {
		c.WebhookURL, c.WebhookActive = url, active
	}
}

// AddUser registers a user whose profile the platform gives out.
func (p *Platform) AddUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[u.ID] = u
}

// IssueReplyToken returns a new reply token for a message from userID to
// the channel, as a webhook event would carry it. It is valid once, until
// the reply token TTL passes.
func (p *Platform) IssueReplyToken(botUserID, userID string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	tok := randomHex(16)
	p.replies[tok] = &replyToken{bot: botUserID, user: userID, issued: p.now()}
	return tok
}

// AddContent registers the content of a message for the Data API.
func (p *Platform) AddContent(messageID string, c Content) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.contents[messageID] = c
}

// SetTranscoding changes the preparation status of a message's content.
func (p *Platform) SetTranscoding(messageID, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.contents[messageID]; ok {
		c.Transcoding = status
		p.contents[messageID] = c
	}
}

// Calls returns every request received so far, in order of arrival.
func (p *Platform) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Pushes returns the accepted push requests, in order.
func (p *Platform) Pushes() []Delivery { return p.delivered("push") }

// Replies returns the accepted reply requests, in order.
func (p *Platform) Replies() []Delivery { return p.delivered("reply") }

func (p *Platform) delivered(via string) []Delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Delivery
	for _, d := range p.deliveries {
		if d.Via == via {
			out = append(out, d)
		}
	}
	return out
}

// Received returns the messages delivered to a user by replies and pushes,
// in the order the platform accepted them: what the customer sees.
func (p *Platform) Received(userID string) []Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Message
	for _, d := range p.deliveries {
		if d.To == userID {
			out = append(out, d.Messages...)
		}
	}
	return out
}

// answer is what an endpoint says.
type answer struct {
	status int
	body   any    // encoded as JSON, unless raw
	raw    []byte // sent as is with contentType
	ctype  string
	header map[string]string
	// after runs outside the lock before answering (the webhook test).
	after func(*answer)
}

func errAnswer(status int, msg string, details ...detail) answer {
	return answer{status: status, body: errorBody{Message: msg, Details: details}}
}

type errorBody struct {
	Message string   `json:"message"`
	Details []detail `json:"details,omitempty"`
}

type detail struct {
	Message  string `json:"message,omitempty"`
	Property string `json:"property,omitempty"`
}

type request struct {
	*http.Request
	ch        *Channel
	body      []byte
	requestID string
	now       time.Time
}

// handle wraps an endpoint with what every LINE endpoint does: a request
// ID, authentication, rate limits, injected faults and the call record.
func (p *Platform) handle(op func(*request) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		req := &request{Request: r, body: body, requestID: randomUUID()}
		endpoint := r.Method + " " + r.Pattern

		p.mu.Lock()
		req.now = p.now()
		call := Call{Time: req.now, Method: r.Method, Path: r.URL.Path, RetryKey: r.Header.Get("X-Line-Retry-Key"), RequestID: req.requestID}
		idx := len(p.calls)
		p.calls = append(p.calls, call)
		var a answer
		fault := ""
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		ch := p.byToken[tok]
		switch {
		case !ok || ch == nil:
			a = errAnswer(http.StatusUnauthorized, msgAuth)
		default:
			req.ch = ch
			p.calls[idx].Bot = ch.BotUserID
			fault = p.drawFault()
			switch {
			case fault == "429" || p.overLimit(ch.BotUserID, endpoint, req.now):
				fault = "429"
				a = errAnswer(http.StatusTooManyRequests, msgRateLimit)
				if p.faults.RetryAfter > 0 {
					a.header = map[string]string{"Retry-After": strconv.Itoa(int(p.faults.RetryAfter / time.Second))}
				}
			case fault != "" && p.rng.Float64() >= p.faults.Accepted:
				a = errAnswer(http.StatusInternalServerError, msgServerError)
			default:
				a = op(req)
				p.calls[idx].Accepted = a.status/100 == 2
				if fault != "" {
					if fault == "5xx" {
						a = errAnswer(http.StatusInternalServerError, msgServerError)
					}
				}
			}
		}
		p.calls[idx].Fault = fault
		delay := p.faults.Delay
		slow, slowEnd := p.latencyFor(r.Pattern)
		p.mu.Unlock()

		if a.after != nil {
			a.after(&a)
		}
		if !p.holdAnswer(r, slow, slowEnd) {
			return // the client gave up: it never sees an answer
		}
		if fault == "timeout" {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client gave up: it never sees an answer
			}
			if !p.acceptedCall(idx) {
				a = errAnswer(http.StatusInternalServerError, msgServerError)
			}
		}
		p.mu.Lock()
		p.calls[idx].Status = a.status
		p.mu.Unlock()
		write(w, req.requestID, a)
	}
}

func (p *Platform) acceptedCall(i int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[i].Accepted
}

func write(w http.ResponseWriter, requestID string, a answer) {
	h := w.Header()
	h.Set("X-Line-Request-Id", requestID)
	for k, v := range a.header {
		h.Set(k, v)
	}
	if a.raw != nil || a.status == http.StatusAccepted {
		if a.ctype != "" {
			h.Set("Content-Type", a.ctype)
		}
		h.Set("Content-Length", strconv.Itoa(len(a.raw)))
		w.WriteHeader(a.status)
		w.Write(a.raw)
		return
	}
	b, _ := json.Marshal(a.body)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	w.Write(b)
}

func notFound(w http.ResponseWriter, r *http.Request) {
	write(w, randomUUID(), errAnswer(http.StatusNotFound, msgNotFound))
}

// drawFault picks this request's fault, if any. p.mu is held.
func (p *Platform) drawFault() string {
	f := p.faults
	if f.ServerErrors == 0 && f.RateLimits == 0 && f.Timeouts == 0 {
		return ""
	}
	x := p.rng.Float64()
	switch {
	case x < f.ServerErrors:
		return "5xx"
	case x < f.ServerErrors+f.RateLimits:
		return "429"
	case x < f.ServerErrors+f.RateLimits+f.Timeouts:
		return "timeout"
	}
	return ""
}

// overLimit counts the request in its endpoint's window. p.mu is held.
func (p *Platform) overLimit(bot, endpoint string, now time.Time) bool {
	if p.rateLimit <= 0 {
		return false
	}
	k := bot + " " + endpoint
	win := p.windows[k]
	if win == nil || now.Sub(win.start) >= time.Second {
		win = &window{start: now}
		p.windows[k] = win
	}
	if win.n >= p.rateLimit {
		return true
	}
	win.n++
	return false
}

type sendRequest struct {
	To         string            `json:"to"`
	ReplyToken string            `json:"replyToken"`
	Messages   []json.RawMessage `json:"messages"`
}

// parseMessages checks message objects as LINE does.
func parseMessages(raw []json.RawMessage) ([]Message, []detail) {
	var ds []detail
	if len(raw) < 1 || len(raw) > 5 {
		return nil, []detail{{Message: "Size must be between 1 and 5", Property: "messages"}}
	}
	msgs := make([]Message, len(raw))
	for i, r := range raw {
		prop := func(s string) string { return fmt.Sprintf("messages[%d].%s", i, s) }
		m := &msgs[i]
		if err := json.Unmarshal(r, m); err != nil {
			ds = append(ds, detail{Message: "Invalid message object", Property: fmt.Sprintf("messages[%d]", i)})
			continue
		}
		checkURL := func(name, u string) {
			switch {
			case u == "":
				ds = append(ds, detail{Message: "Must be specified", Property: prop(name)})
			case !strings.HasPrefix(u, "https://"):
				ds = append(ds, detail{Message: "Must be https URL", Property: prop(name)})
			case len(u) > 2000:
				ds = append(ds, detail{Message: "Length must be between 0 and 2000", Property: prop(name)})
			}
		}
		switch m.Type {
		case "text":
			if n := len(utf16.Encode([]rune(m.Text))); n == 0 || n > 5000 {
				ds = append(ds, detail{Message: "Length must be between 1 and 5000", Property: prop("text")})
			}
		case "image", "video":
			checkURL("originalContentUrl", m.OriginalContentURL)
			checkURL("previewImageUrl", m.PreviewImageURL)
		case "audio":
			checkURL("originalContentUrl", m.OriginalContentURL)
			if m.Duration <= 0 {
				ds = append(ds, detail{Message: "Must be a positive number", Property: prop("duration")})
			}
		case "sticker":
			if m.PackageID == "" || m.StickerID == "" {
				ds = append(ds, detail{Message: "Must be specified", Property: prop("stickerId")})
			}
		default:
			ds = append(ds, detail{Message: "Invalid message type", Property: prop("type")})
		}
	}
	return msgs, ds
}

func badBody(ds []detail) answer {
	return errAnswer(http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(ds)), ds...)
}

// sentMessages is the answer to an accepted send: each message's ID and,
// for text and stickers, a quote token the platform then accepts in the
// chat. p.mu is held.
func (p *Platform) sentMessages(bot, user string, msgs []Message) map[string]any {
	sent := make([]map[string]string, len(msgs))
	for i, m := range msgs {
		sent[i] = map[string]string{"id": strconv.FormatInt(mathrand.Int64N(1e18), 10)}
		if m.Type == "text" || m.Type == "sticker" {
			tok := randomHex(16)
			p.quoteTokens[tok] = bot + " " + user
			sent[i]["quoteToken"] = tok
		}
	}
	return map[string]any{"sentMessages": sent}
}

// checkQuotes refuses quote tokens the platform did not issue for the
// chat of bot and user. p.mu is held.
func (p *Platform) checkQuotes(bot, user string, msgs []Message) []detail {
	var ds []detail
	for i, m := range msgs {
		if m.QuoteToken != "" && p.quoteTokens[m.QuoteToken] != bot+" "+user {
			ds = append(ds, detail{Message: msgQuoteToken, Property: fmt.Sprintf("messages[%d].quoteToken", i)})
		}
	}
	return ds
}

// IssueQuoteToken returns a new quote token for a message from userID to
// the channel, as a text or sticker message event would carry it
// (linetest.WithQuoteToken). Quote tokens do not expire and may be used
// many times, in that chat only.
func (p *Platform) IssueQuoteToken(botUserID, userID string) string {
	return p.issueChatToken(p.quoteTokens, botUserID, userID)
}

// IssueReadToken returns a new read token (markAsReadToken) for a message
// from userID to the channel, as a message event would carry it
// (linetest.WithReadToken). Read tokens do not expire.
func (p *Platform) IssueReadToken(botUserID, userID string) string {
	return p.issueChatToken(p.readTokens, botUserID, userID)
}

// issueChatToken records a new random token in tokens as belonging to the
// chat of botUserID and userID, and returns it.
func (p *Platform) issueChatToken(tokens map[string]string, botUserID, userID string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	tok := randomHex(16)
	tokens[tok] = botUserID + " " + userID
	return tok
}

// Reads returns the accepted mark-as-read requests, oldest first.
func (p *Platform) Reads() []Read {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Read(nil), p.reads...)
}

// markAsRead serves POST /v2/bot/chat/markAsRead: the read token must be
// one the platform issued for a chat of the calling channel. p.mu is held.
func (p *Platform) markAsRead(r *request) answer {
	var req struct {
		MarkAsReadToken *string `json:"markAsReadToken"`
	}
	if err := json.Unmarshal(r.body, &req); err != nil {
		return errAnswer(http.StatusBadRequest, msgBadJSON)
	}
	if req.MarkAsReadToken == nil || *req.MarkAsReadToken == "" {
		return badBody([]detail{{Message: "Must be specified", Property: "markAsReadToken"}})
	}
	bot, user, _ := strings.Cut(p.readTokens[*req.MarkAsReadToken], " ")
	if bot != r.ch.BotUserID {
		return errAnswer(http.StatusBadRequest, msgReadToken)
	}
	p.reads = append(p.reads, Read{Bot: bot, User: user, Token: *req.MarkAsReadToken, Time: r.now})
	return answer{status: http.StatusOK, body: map[string]any{}}
}

// reply serves POST /v2/bot/message/reply. p.mu is held.
func (p *Platform) reply(r *request) answer {
	if r.Header.Get("X-Line-Retry-Key") != "" {
		return errAnswer(http.StatusBadRequest, msgRetryKeyAPI)
	}
	var req sendRequest
	if err := json.Unmarshal(r.body, &req); err != nil {
		return errAnswer(http.StatusBadRequest, msgBadJSON)
	}
	msgs, ds := parseMessages(req.Messages)
	if len(ds) > 0 {
		return badBody(ds)
	}
	t := p.replies[req.ReplyToken]
	if t == nil || t.used || t.bot != r.ch.BotUserID || r.now.Sub(t.issued) >= p.replyTTL {
		return errAnswer(http.StatusBadRequest, msgReplyToken)
	}
	if ds := p.checkQuotes(r.ch.BotUserID, t.user, msgs); len(ds) > 0 {
		return badBody(ds)
	}
	t.used = true
	p.deliveries = append(p.deliveries, Delivery{Bot: r.ch.BotUserID, To: t.user, Via: "reply", Messages: msgs, RequestID: r.requestID, Time: r.now})
	return answer{status: http.StatusOK, body: p.sentMessages(r.ch.BotUserID, t.user, msgs)}
}

// push serves POST /v2/bot/message/push. p.mu is held.
func (p *Platform) push(r *request) answer {
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" {
		if !uuid.Valid(key) {
			return errAnswer(http.StatusBadRequest, msgRetryKeyBad)
		}
		if acc, ok := p.retryKeys[r.ch.BotUserID+" "+key]; ok && r.now.Sub(acc.at) < 24*time.Hour {
			a := errAnswer(http.StatusConflict, msgRetryAccepted)
			a.header = map[string]string{"X-Line-Accepted-Request-Id": acc.requestID}
			return a
		}
	}
	var req sendRequest
	if err := json.Unmarshal(r.body, &req); err != nil {
		return errAnswer(http.StatusBadRequest, msgBadJSON)
	}
	if req.To == "" {
		return badBody([]detail{{Message: "Must be specified", Property: "to"}})
	}
	msgs, ds := parseMessages(req.Messages)
	if len(ds) == 0 {
		ds = p.checkQuotes(r.ch.BotUserID, req.To, msgs)
	}
	if len(ds) > 0 {
		return badBody(ds)
	}
	if p.monthly[r.ch.BotUserID] || p.quotaUsedUp(r.ch.BotUserID) {
		return errAnswer(http.StatusTooManyRequests, msgMonthlyLimit)
	}
	p.used[r.ch.BotUserID]++ // one recipient, however many messages
	if key != "" {
		p.retryKeys[r.ch.BotUserID+" "+key] = accepted{requestID: r.requestID, at: r.now}
	}
	p.deliveries = append(p.deliveries, Delivery{Bot: r.ch.BotUserID, To: req.To, Via: "push", Messages: msgs, RetryKey: key, RequestID: r.requestID, Time: r.now})
	return answer{status: http.StatusOK, body: p.sentMessages(r.ch.BotUserID, req.To, msgs)}
}

// botInfo serves GET /v2/bot/info.
func (p *Platform) botInfo(r *request) answer {
	read := "auto"
	if r.ch.ChatMode == "chat" {
		read = "manual"
	}
	return answer{status: http.StatusOK, body: map[string]string{
		"userId": r.ch.BotUserID, "basicId": r.ch.BasicID, "displayName": r.ch.DisplayName,
		"chatMode": r.ch.ChatMode, "markAsReadMode": read,
	}}
}

// profile serves GET /v2/bot/profile/{userId}.
func (p *Platform) profile(r *request) answer {
	u, ok := p.users[r.PathValue("userId")]
	if !ok {
		return errAnswer(http.StatusNotFound, msgNotFound)
	}
	return answer{status: http.StatusOK, body: map[string]string{
		"userId": u.ID, "displayName": u.DisplayName, "pictureUrl": u.PictureURL, "language": u.Language,
	}}
}

// getEndpoint serves GET /v2/bot/channel/webhook/endpoint.
func (p *Platform) getEndpoint(r *request) answer {
	return answer{status: http.StatusOK, body: map[string]any{"endpoint": r.ch.WebhookURL, "active": r.ch.WebhookActive}}
}

// putEndpoint serves PUT /v2/bot/channel/webhook/endpoint.
func (p *Platform) putEndpoint(r *request) answer {
	var req struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.Unmarshal(r.body, &req); err != nil {
		return errAnswer(http.StatusBadRequest, msgBadJSON)
	}
	if !strings.HasPrefix(req.Endpoint, "https://") && !strings.HasPrefix(req.Endpoint, "http://") {
		return badBody([]detail{{Message: "Must be a valid URL", Property: "endpoint"}})
	}
	r.ch.WebhookURL = req.Endpoint
	return answer{status: http.StatusOK, body: map[string]any{}}
}

// testEndpoint serves POST /v2/bot/channel/webhook/test: it sends a signed
// verification request, {"destination":…,"events":[]}, to the endpoint.
func (p *Platform) testEndpoint(r *request) answer {
	var req struct {
		Endpoint string `json:"endpoint"`
	}
	if len(bytes.TrimSpace(r.body)) > 0 {
		if err := json.Unmarshal(r.body, &req); err != nil {
			return errAnswer(http.StatusBadRequest, msgBadJSON)
		}
	}
	url := req.Endpoint
	if url == "" {
		url = r.ch.WebhookURL
	}
	if url == "" {
		return errAnswer(http.StatusBadRequest, "The webhook URL is not set")
	}
	secret, bot, now := r.ch.Secret, r.ch.BotUserID, r.now
	return answer{status: http.StatusOK, after: func(a *answer) {
		a.body = verify(url, secret, bot, now)
	}}
}

func verify(url, secret, bot string, now time.Time) map[string]any {
	body := []byte(`{"destination":"` + bot + `","events":[]}`)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res := map[string]any{"timestamp": now.UTC().Format(time.RFC3339Nano)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		var resp *http.Response
		if resp, err = http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			res["success"] = resp.StatusCode == http.StatusOK
			res["statusCode"] = resp.StatusCode
			res["reason"] = http.StatusText(resp.StatusCode)
			res["detail"] = strconv.Itoa(resp.StatusCode)
			return res
		}
	}
	res["success"] = false
	res["statusCode"] = 0
	res["reason"] = "COULD_NOT_CONNECT"
	res["detail"] = "connection failed"
	return res
}

// content serves GET /v2/bot/message/{messageId}/content on the Data API.
func (p *Platform) content(r *request) answer {
	c, ok := p.contents[r.PathValue("messageId")]
	switch {
	case !ok || c.Transcoding == "failed":
		return errAnswer(http.StatusNotFound, msgNotFound)
	case c.Transcoding == "processing":
		return answer{status: http.StatusAccepted}
	}
	raw := c.Data
	if raw == nil {
		raw = []byte{}
	}
	return answer{status: http.StatusOK, raw: raw, ctype: c.ContentType}
}

// transcoding serves GET /v2/bot/message/{messageId}/content/transcoding.
func (p *Platform) transcoding(r *request) answer {
	c, ok := p.contents[r.PathValue("messageId")]
	if !ok {
		return errAnswer(http.StatusNotFound, msgNotFound)
	}
	status := c.Transcoding
	if status == "" {
		status = "succeeded"
	}
	return answer{status: http.StatusOK, body: map[string]string{"status": status}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUUID() string {
	s := randomHex(16)
	return s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:]
}

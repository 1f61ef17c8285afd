package whatsapptest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	mathrand "math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/socialdesk/socialdesk/media"
)

// DefaultVersion is the Graph API version in the fake's URL.
const DefaultVersion = "v23.0"

// ServiceWindow is how long after a customer's last message the business
// may send them free-form messages; after it, only templates.
const ServiceWindow = 24 * time.Hour

// PhoneNumber is a business phone number the platform knows, with the
// access token that may use it and the app secret that signs its
// webhooks. It is a plain value; AddPhoneNumber copies it.
type PhoneNumber struct {
	ID                 string
	DisplayPhoneNumber string
	// Account is the WhatsApp Business Account ID.
	Account   string
	Token     string
	AppSecret string
	// VerifiedName and QualityRating are what GET /{phone-number-id}
	// tells of the number (QualityRating default GREEN).
	VerifiedName, QualityRating string
	// AppID and AppName are the Meta app the token was issued for
	// (default DefaultAppID and DefaultAppName): GET /debug_token
	// names it, and it is subscribed to Account's webhooks unless
	// SetSubscribed says otherwise.
	AppID, AppName string
	// TokenExpires, when set, is when the token stops working: from then
	// on every call with it is refused (401, code 190, subcode 463).
	TokenExpires time.Time
	// Scopes are the token's permissions; nil means both WhatsApp ones
	// (ScopeMessaging and ScopeManagement).
	Scopes []string
}

// The app a PhoneNumber's token is issued for by default, and the
// permissions it has.
const (
	DefaultAppID    = "100000000000001"
	DefaultAppName  = "socialdesk test app"
	ScopeMessaging  = "whatsapp_business_messaging"
	ScopeManagement = "whatsapp_business_management"
)

// Media is a file the platform holds under a media ID: customers'
// uploads, which the Graph API gives out, or the business's, which it
// sends by ID. AddMedia copies it.
type Media struct {
	Data     []byte
	MIMEType string
	// PhoneNumberID is the number the media belongs to; its token is
	// needed to read it.
	PhoneNumberID string
	// SHA256 is the checksum the Graph API reports (default: the hex
	// SHA-256 of Data); set another to fake a corrupted download.
	SHA256 string
}

// Sent is one message the platform accepted from the business. Sent,
// Receipt and Call are plain values, copied out of the platform, safe to
// read from many goroutines.
type Sent struct {
	// ID is the message ID the platform answered ("wamid.…").
	ID            string
	PhoneNumberID string
	To            string
	// Type is text, image, audio, video, document, sticker, reaction or
	// template.
	Type string
	// Text is a text's body or a media message's caption.
	Text       string
	PreviewURL bool
	// MediaID or Link is where a media message's file is; Filename a
	// document's name.
	MediaID, Link, Filename string
	// ReactTo and Emoji are a reaction's message and emoji.
	ReactTo, Emoji string
	// Template is a template message's name.
	Template string
	// ReplyTo is the message ID the message quotes (context.message_id).
	ReplyTo string
	Time    time.Time
}

// Upload is one file the business uploaded (POST
// /{phone-number-id}/media) and the platform accepted.
type Upload struct {
	// ID is the media ID the platform answered.
	ID            string
	PhoneNumberID string
	// MIMEType is the type the upload declared; Size its length.
	MIMEType string
	Size     int
	Time     time.Time
}

// Receipt is one accepted mark-as-read request.
type Receipt struct {
	PhoneNumberID string
	MessageID     string
	// Typing is true when a typing indicator was asked for with it.
	Typing bool
	Time   time.Time
}

// Call is one request the platform received, whatever its answer.
type Call struct {
	Time          time.Time
	Method        string
	Path          string
	PhoneNumberID string // the number the caller's token is for; "" when unknown
	Status        int    // 0 when the client gave up before the answer
	// Code is Meta's error code of an error answer (0 for success).
	Code int
	// Fault is "", "5xx", "429" or "timeout" for injected faults.
	Fault string
	// Accepted reports the request was carried out (it may still have
	// been answered with an injected fault).
	Accepted bool
	TraceID  string
}

// Faults are injected failures. Each request draws one fault with the
// given probabilities, from a generator seeded with Seed, so a run with
// one seed and one request order fails the same way every time. It is a
// plain value; SetFaults copies it.
type Faults struct {
	ServerErrors float64 // answered 500, code 131000
	Throttles    float64 // answered 429, code 130429 (never carried out)
	Timeouts     float64 // answered only after Delay, or never if the client gives up first
	// Delay is how long a timed-out request hangs; default 10 s.
	Delay time.Duration
	// Accepted is the probability that a request answered with 500 or a
	// timeout was carried out first, as can happen on any platform.
	Accepted float64
	Seed     uint64
}

// Platform is a fake WhatsApp Cloud API: the Graph API's messages and
// media endpoints, and the media download URL, on one httptest server.
// Create it with New; it is safe for concurrent use.
type Platform struct {
	srv     *httptest.Server
	version string

	mu         sync.Mutex
	now        func() time.Time
	rng        *mathrand.Rand
	faults     Faults
	phones     map[string]*PhoneNumber // by ID
	byToken    map[string]*PhoneNumber
	media      map[string]Media
	lastIn     map[string]time.Time // phone + " " + customer → their last message
	inbound    map[string]string    // customer message ID → phone + " " + customer
	sent       []Sent
	uploads    []Upload
	receipts   []Receipt
	calls      []Call
	throughput int
	pairN      int
	pairPer    time.Duration
	windows    map[string]*window
	// unsubscribed holds the business accounts whose app is not
	// subscribed to their webhooks (SetSubscribed).
	unsubscribed map[string]bool
}

type window struct {
	start time.Time
	n     int
}

// New starts a fake platform at URL. Close it when done.
func New() *Platform {
	p := &Platform{
		version: DefaultVersion,
		now:     time.Now,
		rng:     mathrand.New(mathrand.NewPCG(1, 2)),
		phones:  map[string]*PhoneNumber{},
		byToken: map[string]*PhoneNumber{},
		media:   map[string]Media{},
		lastIn:  map[string]time.Time{},
		inbound: map[string]string{},
		windows: map[string]*window{},

		unsubscribed: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/{phone}/messages", p.handle(p.postMessage))
	mux.HandleFunc("POST /{version}/{phone}/media", p.handle(p.postMedia))
	mux.HandleFunc("GET /{version}/{media}", p.handle(p.getObject))
	mux.HandleFunc("GET /"+p.version+"/debug_token", p.handle(p.debugToken))
	mux.HandleFunc("GET /{version}/{account}/subscribed_apps", p.handle(p.subscribedApps))
	mux.HandleFunc("GET /media-bytes/{media}", p.handle(p.mediaBytes))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		write(w, traceID(), metaError(CodeInvalidParameter, "Unknown path components: "+r.URL.Path))
	})
	p.srv = httptest.NewServer(mux)
	return p
}

// URL returns the Graph API's base URL with its version, in place of
// https://graph.facebook.com/v23.0.
func (p *Platform) URL() string { return p.srv.URL + "/" + p.version }

// Close shuts the server down, waiting for requests in flight.
func (p *Platform) Close() { p.srv.Close() }

// SetClock makes the platform tell time with now: the 24-hour window,
// rate limit windows and the times recorded.
func (p *Platform) SetClock(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// SetFaults sets the faults injected from now on; the zero Faults injects none.
func (p *Platform) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.Delay <= 0 {
		f.Delay = 10 * time.Second
	}
	p.faults = f
	p.rng = mathrand.New(mathrand.NewPCG(f.Seed, f.Seed^0x9E3779B97F4A7C15))
}

// SetThroughput makes the platform answer 429 with code 130429 to a phone
// number's sends beyond perSecond within one second (fixed one-second
// windows). Zero, the default, means no limit.
func (p *Platform) SetThroughput(perSecond int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throughput = perSecond
}

// SetPairLimit makes the platform answer 429 with code 131056 to sends
// from one phone number to one customer beyond n within per (fixed
// windows). Zero n, the default, means no limit.
func (p *Platform) SetPairLimit(n int, per time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pairN, p.pairPer = n, per
}

// AddPhoneNumber registers a business phone number. Added again, it
// replaces the old one.
func (p *Platform) AddPhoneNumber(pn PhoneNumber) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.phones[pn.ID]; old != nil {
		delete(p.byToken, old.Token)
	}
	c := pn
	c.Scopes = append([]string(nil), pn.Scopes...)
	if pn.Scopes == nil {
		c.Scopes = []string{ScopeMessaging, ScopeManagement}
	}
	if c.AppID == "" {
		c.AppID, c.AppName = DefaultAppID, DefaultAppName
	}
	if c.QualityRating == "" {
		c.QualityRating = "GREEN"
	}
	p.phones[pn.ID] = &c
	p.byToken[pn.Token] = &c
}

// SetSubscribed subscribes the app of the business account's phone
// numbers to the account's webhooks, or (false) unsubscribes it, as POST
// and DELETE /{waba-id}/subscribed_apps do. Accounts are subscribed until
// this says otherwise.
func (p *Platform) SetSubscribed(account string, subscribed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unsubscribed[account] = !subscribed
}

// AddMedia registers a file under mediaID, as a customer's upload (which
// webhook messages name) or the business's (which sends may name).
func (p *Platform) AddMedia(mediaID string, m Media) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m.Data = bytes.Clone(m.Data)
	p.media[mediaID] = m
}

// Business returns the Business of a registered phone number, for Body.
func (p *Platform) Business(phoneNumberID string) Business {
	p.mu.Lock()
	defer p.mu.Unlock()
	pn := p.phones[phoneNumberID]
	if pn == nil {
		return Business{PhoneNumberID: phoneNumberID}
	}
	return Business{Account: pn.Account, PhoneNumberID: pn.ID, DisplayPhoneNumber: pn.DisplayPhoneNumber}
}

// Deliver returns the webhook body with which the platform delivers items
// to the phone number's webhook (see Body), stamped with the platform's
// clock, and notes each customer message: it opens (or renews) the
// customer's 24-hour window from the message's time, and its ID may then
// be marked read and reacted to.
func (p *Platform) Deliver(phoneNumberID string, items ...Item) []byte {
	b := p.Business(phoneNumberID)
	p.mu.Lock()
	now := p.now()
	for _, it := range items {
		if it.status {
			continue
		}
		at := now
		if it.setTime {
			at = it.at
		}
		k := phoneNumberID + " " + it.from
		if at.After(p.lastIn[k]) {
			p.lastIn[k] = at
		}
		p.inbound[it.id] = k
	}
	p.mu.Unlock()
	return bodyAt(now, b, items)
}

// DeliverRequest is Deliver as a POST request to target signed with the
// phone number's app secret.
func (p *Platform) DeliverRequest(phoneNumberID, target string, items ...Item) *http.Request {
	body := p.Deliver(phoneNumberID, items...)
	p.mu.Lock()
	secret := ""
	if pn := p.phones[phoneNumberID]; pn != nil {
		secret = pn.AppSecret
	}
	p.mu.Unlock()
	return NewSignedRequest(secret, target, body)
}

// WindowOpen reports whether the business may send free-form messages
// from the phone number to the customer now: the customer wrote within
// ServiceWindow.
func (p *Platform) WindowOpen(phoneNumberID, customer string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.windowOpen(phoneNumberID+" "+customer, p.now())
}

func (p *Platform) windowOpen(key string, now time.Time) bool {
	last, ok := p.lastIn[key]
	return ok && now.Sub(last) < ServiceWindow
}

// Calls returns every request received so far, in order of arrival.
func (p *Platform) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Sent returns the accepted messages, in the order accepted.
func (p *Platform) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// Received returns the accepted messages to one customer, in order: what
// the customer sees.
func (p *Platform) Received(customer string) []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Sent
	for _, s := range p.sent {
		if s.To == customer {
			out = append(out, s)
		}
	}
	return out
}

// Uploads returns the accepted uploads, in order.
func (p *Platform) Uploads() []Upload {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Upload(nil), p.uploads...)
}

// MediaData returns the content held under a media ID (an upload or
// AddMedia's), and whether there is one.
func (p *Platform) MediaData(mediaID string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.media[mediaID]
	return bytes.Clone(m.Data), ok
}

// Receipts returns the accepted mark-as-read requests, in order.
func (p *Platform) Receipts() []Receipt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Receipt(nil), p.receipts...)
}

// answer is what an endpoint says.
type answer struct {
	status int
	body   any    // encoded as JSON, unless raw
	raw    []byte // sent as is with ctype
	ctype  string
	code   int // Meta's error code, for the call record
}

type request struct {
	*http.Request
	pn   *PhoneNumber
	body []byte
	now  time.Time
}

// handle wraps an endpoint with what every Graph API endpoint does:
// authentication, injected faults and the call record.
func (p *Platform) handle(op func(*request) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		req := &request{Request: r, body: body}
		trace := traceID()

		p.mu.Lock()
		req.now = p.now()
		idx := len(p.calls)
		p.calls = append(p.calls, Call{Time: req.now, Method: r.Method, Path: r.URL.Path, TraceID: trace})
		var a answer
		fault := ""
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		pn := p.byToken[tok]
		switch {
		case !ok || pn == nil:
			a = metaError(CodeAuth, "")
		case !pn.TokenExpires.IsZero() && !req.now.Before(pn.TokenExpires):
			a = metaError(CodeAuth, "")
			e := a.body.(errorBody)
			e.Error.Subcode, e.Error.Message = SubcodeTokenExpired, "Error validating access token: Session has expired."
			a.body = e
		default:
			req.pn = pn
			p.calls[idx].PhoneNumberID = pn.ID
			fault = p.drawFault()
			switch {
			case fault == "429":
				a = metaError(CodeThroughput, "")
			case fault != "" && p.rng.Float64() >= p.faults.Accepted:
				a = metaError(CodeUnknown, "")
			default:
				a = op(req)
				p.calls[idx].Accepted = a.status/100 == 2
				if fault == "5xx" {
					a = metaError(CodeUnknown, "")
				}
			}
		}
		p.calls[idx].Fault = fault
		delay := p.faults.Delay
		p.mu.Unlock()

		if fault == "timeout" {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client gave up: it never sees an answer
			}
			p.mu.Lock()
			accepted := p.calls[idx].Accepted
			p.mu.Unlock()
			if !accepted {
				a = metaError(CodeUnknown, "")
			}
		}
		p.mu.Lock()
		p.calls[idx].Status, p.calls[idx].Code = a.status, a.code
		p.mu.Unlock()
		write(w, trace, a)
	}
}

func write(w http.ResponseWriter, trace string, a answer) {
	h := w.Header()
	h.Set("X-Fb-Trace-Id", trace)
	if e, ok := a.body.(errorBody); ok {
		e.Error.TraceID = trace
		a.body = e
		if a.code == CodeAuth {
			h.Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token"`)
		}
	}
	if a.raw != nil {
		h.Set("Content-Type", a.ctype)
		h.Set("Content-Length", strconv.Itoa(len(a.raw)))
		w.WriteHeader(a.status)
		_, _ = w.Write(a.raw)
		return
	}
	b, _ := json.Marshal(a.body)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = w.Write(b)
}

func traceID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return "A" + base64.RawURLEncoding.EncodeToString(b[:])
}

// drawFault picks this request's fault, if any. p.mu is held.
func (p *Platform) drawFault() string {
	f := p.faults
	if f.ServerErrors == 0 && f.Throttles == 0 && f.Timeouts == 0 {
		return ""
	}
	x := p.rng.Float64()
	switch {
	case x < f.ServerErrors:
		return "5xx"
	case x < f.ServerErrors+f.Throttles:
		return "429"
	case x < f.ServerErrors+f.Throttles+f.Timeouts:
		return "timeout"
	}
	return ""
}

// overLimit counts a request in the window of key. p.mu is held.
func (p *Platform) overLimit(key string, limit int, per time.Duration, now time.Time) bool {
	if limit <= 0 {
		return false
	}
	win := p.windows[key]
	if win == nil || now.Sub(win.start) >= per {
		win = &window{start: now}
		p.windows[key] = win
	}
	if win.n >= limit {
		return true
	}
	win.n++
	return false
}

type mediaObject struct {
	ID       string `json:"id"`
	Link     string `json:"link"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type sendBody struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	Type             string `json:"type"`
	Status           string `json:"status"`
	MessageID        string `json:"message_id"`
	TypingIndicator  *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
	Context *struct {
		MessageID string `json:"message_id"`
	} `json:"context"`
	Text *struct {
		Body       string `json:"body"`
		PreviewURL bool   `json:"preview_url"`
	} `json:"text"`
	Image    *mediaObject `json:"image"`
	Audio    *mediaObject `json:"audio"`
	Video    *mediaObject `json:"video"`
	Document *mediaObject `json:"document"`
	Sticker  *mediaObject `json:"sticker"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Template *struct {
		Name string `json:"name"`
	} `json:"template"`
}

// maxTextUnits is a text body's limit, counted in UTF-16 code units.
const maxTextUnits = 4096

// postMessage is POST /{version}/{phone}/messages: a send, or a read
// receipt (status "read"). p.mu is held.
func (p *Platform) postMessage(r *request) answer {
	phone := r.PathValue("phone")
	if phone != r.pn.ID {
		return metaError(CodeAuth, "The access token is not valid for phone number "+phone+".")
	}
	var b sendBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		return metaError(CodeInvalidParameter, "The request body is not valid JSON.")
	}
	if b.MessagingProduct != "whatsapp" {
		return metaError(CodeInvalidParameter, "The parameter messaging_product is required.")
	}
	if b.Status != "" {
		return p.markRead(r, b)
	}
	if b.To == "" {
		return metaError(CodeInvalidParameter, "The parameter to is required.")
	}
	s := Sent{PhoneNumberID: phone, To: b.To, Type: b.Type, Time: r.now}
	if b.Context != nil {
		s.ReplyTo = b.Context.MessageID
	}
	var mo *mediaObject
	kind := media.Kind("")
	switch b.Type {
	case "text":
		if b.Text == nil || b.Text.Body == "" {
			return metaError(CodeInvalidParameter, "The parameter text['body'] is required.")
		}
		if n := len(utf16.Encode([]rune(b.Text.Body))); n > maxTextUnits {
			return metaError(CodeInvalidParameter, "Param text['body'] must be at most 4096 characters long.")
		}
		s.Text, s.PreviewURL = b.Text.Body, b.Text.PreviewURL
	case "image":
		mo, kind = b.Image, media.KindImage
	case "audio":
		mo, kind = b.Audio, media.KindAudio
	case "video":
		mo, kind = b.Video, media.KindVideo
	case "document":
		mo, kind = b.Document, media.KindDocument
	case "sticker":
		mo, kind = b.Sticker, media.KindSticker
	case "reaction":
		if b.Reaction == nil || b.Reaction.MessageID == "" {
			return metaError(CodeInvalidParameter, "The parameter reaction['message_id'] is required.")
		}
		if p.inbound[b.Reaction.MessageID] != phone+" "+b.To {
			return metaError(CodeInvalidParameter, "The message to react to is not a message of this chat.")
		}
		s.ReactTo, s.Emoji = b.Reaction.MessageID, b.Reaction.Emoji
	case "template":
		if b.Template == nil || b.Template.Name == "" {
			return metaError(CodeInvalidParameter, "The parameter template['name'] is required.")
		}
		s.Template = b.Template.Name
	default:
		return metaError(CodeInvalidParameter, "Unsupported message type "+strconv.Quote(b.Type)+".")
	}
	if kind != "" {
		if a, ok := p.checkMedia(phone, kind, mo); !ok {
			return a
		}
		s.MediaID, s.Link, s.Filename = mo.ID, mo.Link, mo.Filename
		if kind != media.KindAudio && kind != media.KindSticker {
			s.Text = mo.Caption
		}
	}
	// Templates may open a conversation; everything else needs the
	// customer's 24-hour window.
	if b.Type != "template" && !p.windowOpen(phone+" "+b.To, r.now) {
		return metaError(CodeReengagement, "")
	}
	if p.overLimit("tp "+phone, p.throughput, time.Second, r.now) {
		return metaError(CodeThroughput, "")
	}
	if p.overLimit("pair "+phone+" "+b.To, p.pairN, p.pairPer, r.now) {
		return metaError(CodePairRateLimit, "")
	}
	s.ID = NewMessageID()
	p.sent = append(p.sent, s)
	return answer{status: http.StatusOK, body: map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []any{map[string]any{"input": b.To, "wa_id": strings.TrimPrefix(b.To, "+")}},
		"messages":          []any{map[string]any{"id": s.ID}},
	}}
}

// checkMedia checks a media message's object: exactly one of id (a media
// the platform holds for the number, judged by WhatsApp's rules) and link
// (an http or https URL). p.mu is held.
func (p *Platform) checkMedia(phone string, kind media.Kind, mo *mediaObject) (answer, bool) {
	switch {
	case mo == nil:
		return metaError(CodeInvalidParameter, "The media object is required."), false
	case (mo.ID == "") == (mo.Link == ""):
		return metaError(CodeInvalidParameter, "Exactly one of id and link is required."), false
	case mo.Link != "":
		u, err := url.Parse(mo.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return metaError(CodeInvalidParameter, "The parameter link is not a valid URL."), false
		}
		return answer{}, true
	}
	m, ok := p.media[mo.ID]
	if !ok || m.PhoneNumberID != phone {
		a := metaError(CodeInvalidParameter, "Invalid media ID.")
		return a, false
	}
	var (
		v   media.Verdict
		err error
	)
	if kind == media.KindDocument {
		v, err = media.WhatsApp.CheckDocument(bytes.NewReader(m.Data))
	} else {
		v, err = media.WhatsApp.Check(bytes.NewReader(m.Data), int64(len(m.Data)))
	}
	if err != nil || v.Kind != kind {
		return metaError(CodeMediaUpload, "The media is not a "+string(kind)+" WhatsApp accepts."), false
	}
	return answer{}, true
}

// markRead is a read receipt, with a typing indicator when asked. p.mu is
// held.
func (p *Platform) markRead(r *request, b sendBody) answer {
	phone := r.pn.ID
	if b.Status != "read" {
		return metaError(CodeInvalidParameter, "The parameter status must be read.")
	}
	k, ok := p.inbound[b.MessageID]
	if !ok || !strings.HasPrefix(k, phone+" ") {
		return metaError(CodeInvalidParameter, "The parameter message_id is not a message received by this number.")
	}
	typing := false
	if b.TypingIndicator != nil {
		if b.TypingIndicator.Type != "text" {
			return metaError(CodeInvalidParameter, "The parameter typing_indicator['type'] must be text.")
		}
		typing = true
	}
	p.receipts = append(p.receipts, Receipt{PhoneNumberID: phone, MessageID: b.MessageID, Typing: typing, Time: r.now})
	return answer{status: http.StatusOK, body: map[string]any{"success": true}}
}

// getObject is GET /{version}/{id}: a phone number's fields, or a
// media's URL and description. p.mu is held.
func (p *Platform) getObject(r *request) answer {
	id := r.PathValue("media")
	if pn := p.phones[id]; pn != nil {
		return p.getPhoneNumber(r, pn)
	}
	m, ok := p.media[id]
	if !ok {
		return noObject(id)
	}
	if m.PhoneNumberID != r.pn.ID {
		return metaError(CodeAuth, "")
	}
	sum := sha256.Sum256(m.Data)
	reported := m.SHA256
	if reported == "" {
		reported = hex.EncodeToString(sum[:])
	}
	return answer{status: http.StatusOK, body: map[string]any{
		"messaging_product": "whatsapp",
		"url":               p.srv.URL + "/media-bytes/" + url.PathEscape(id) + "?ext=" + hex.EncodeToString(sum[:4]),
		"mime_type":         m.MIMEType,
		"sha256":            reported,
		"file_size":         len(m.Data),
		"id":                id,
	}}
}

// mediaBytes is the media's download URL, which needs the same bearer
// token. p.mu is held.
func (p *Platform) mediaBytes(r *request) answer {
	m, ok := p.media[r.PathValue("media")]
	if !ok {
		return answer{status: http.StatusNotFound, raw: []byte{}, ctype: "text/plain"}
	}
	if m.PhoneNumberID != r.pn.ID {
		return metaError(CodeAuth, "")
	}
	return answer{status: http.StatusOK, raw: bytes.Clone(m.Data), ctype: m.MIMEType}
}

// noObject is the Graph API's answer about an ID that does not exist or
// that the token may not see: 400, code 100, subcode 33.
func noObject(id string) answer {
	a := metaError(CodeInvalidParameter, "")
	e := a.body.(errorBody)
	e.Error.Message = "Unsupported get request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
	e.Error.Subcode = SubcodeNoObject
	a.body = e
	return a
}

// getPhoneNumber is GET /{version}/{phone-number-id}: the number's
// fields, to a token of the same business account. p.mu is held.
func (p *Platform) getPhoneNumber(r *request, pn *PhoneNumber) answer {
	if r.pn.ID != pn.ID && (pn.Account == "" || r.pn.Account != pn.Account) {
		return noObject(pn.ID)
	}
	all := map[string]any{
		"id": pn.ID, "display_phone_number": pn.DisplayPhoneNumber, "verified_name": pn.VerifiedName,
		"quality_rating": pn.QualityRating, "code_verification_status": "VERIFIED", "platform_type": "CLOUD_API",
	}
	body := map[string]any{"id": pn.ID}
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		fields = "id,display_phone_number,verified_name,quality_rating"
	}
	for _, f := range strings.Split(fields, ",") {
		v, ok := all[strings.TrimSpace(f)]
		if !ok {
			return metaError(CodeInvalidParameter, "Tried accessing nonexisting field ("+f+") on node type (WhatsAppBusinessPhoneNumber)")
		}
		body[strings.TrimSpace(f)] = v
	}
	return answer{status: http.StatusOK, body: body}
}

// debugToken is GET /{version}/debug_token?input_token=…: what the
// platform knows of the input token, asked with a valid token. p.mu is
// held.
func (p *Platform) debugToken(r *request) answer {
	input := r.URL.Query().Get("input_token")
	if input == "" {
		return metaError(CodeInvalidParameter, "The parameter input_token is required.")
	}
	pn := p.byToken[input]
	if pn == nil || !pn.TokenExpires.IsZero() && !r.now.Before(pn.TokenExpires) {
		return answer{status: http.StatusOK, body: map[string]any{"data": map[string]any{
			"is_valid": false, "scopes": []string{},
			"error": map[string]any{"code": CodeAuth, "message": "Invalid OAuth access token."},
		}}}
	}
	var granular []any
	if pn.Account != "" {
		for _, sc := range pn.Scopes {
			if sc == ScopeMessaging || sc == ScopeManagement {
				granular = append(granular, map[string]any{"scope": sc, "target_ids": []string{pn.Account}})
			}
		}
	}
	var expires int64
	if !pn.TokenExpires.IsZero() {
		expires = pn.TokenExpires.Unix()
	}
	return answer{status: http.StatusOK, body: map[string]any{"data": map[string]any{
		"app_id": pn.AppID, "type": "SYSTEM_USER", "application": pn.AppName, "data_access_expires_at": 0,
		"expires_at": expires, "is_valid": true, "scopes": pn.Scopes, "granular_scopes": granular,
	}}}
}

// subscribedApps is GET /{version}/{waba-id}/subscribed_apps: the app of
// the account's numbers, unless unsubscribed; the token needs the
// management permission on the account. p.mu is held.
func (p *Platform) subscribedApps(r *request) answer {
	account := r.PathValue("account")
	if r.pn.Account != account {
		return noObject(account)
	}
	if !slices.Contains(r.pn.Scopes, ScopeManagement) {
		return metaError(CodePermission, "")
	}
	data := []any{}
	if !p.unsubscribed[account] {
		data = append(data, map[string]any{"whatsapp_business_api_data": map[string]any{
			"id": r.pn.AppID, "name": r.pn.AppName, "link": "https://www.facebook.com/games/?app_id=" + r.pn.AppID,
		}})
	}
	return answer{status: http.StatusOK, body: map[string]any{"data": data}}
}

// maxBody bounds what the platform reads of a request: a document upload
// is at most 100 MB.
const maxBody = 101_000_000

// postMedia is POST /{version}/{phone}/media: a multipart upload with
// messaging_product, type and file. The file is judged by WhatsApp's
// rules, as Meta does, and kept for sends by its new ID. p.mu is held.
func (p *Platform) postMedia(r *request) answer {
	phone := r.PathValue("phone")
	if phone != r.pn.ID {
		return metaError(CodeAuth, "The access token is not valid for phone number "+phone+".")
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return metaError(CodeInvalidParameter, "An upload is multipart/form-data.")
	}
	form, err := multipart.NewReader(bytes.NewReader(r.body), params["boundary"]).ReadForm(maxBody)
	if err != nil {
		return metaError(CodeInvalidParameter, "The upload's form cannot be read.")
	}
	defer func() { _ = form.RemoveAll() }()
	if v := form.Value["messaging_product"]; len(v) != 1 || v[0] != "whatsapp" {
		return metaError(CodeInvalidParameter, "The parameter messaging_product is required.")
	}
	typ := ""
	if v := form.Value["type"]; len(v) == 1 {
		typ = v[0]
	}
	files := form.File["file"]
	if typ == "" || len(files) != 1 {
		return metaError(CodeInvalidParameter, "The parameters type and file are required.")
	}
	f, err := files[0].Open()
	if err != nil {
		return metaError(CodeInvalidParameter, "The file cannot be read.")
	}
	data, _ := io.ReadAll(f)
	_ = f.Close()
	v, err := media.WhatsApp.Check(bytes.NewReader(data), int64(len(data)))
	if err != nil || mimeOf[v.Format] != typ {
		return metaError(CodeMediaUpload, "The file is not a "+typ+" file WhatsApp accepts.")
	}
	id := strconv.FormatUint(mathrand.Uint64()>>1, 10)
	p.media[id] = Media{Data: data, MIMEType: typ, PhoneNumberID: phone}
	p.uploads = append(p.uploads, Upload{ID: id, PhoneNumberID: phone, MIMEType: typ, Size: len(data), Time: r.now})
	return answer{status: http.StatusOK, body: map[string]any{"id": id}}
}

// mimeOf is the media type WhatsApp knows each format by.
var mimeOf = map[media.Format]string{
	media.FormatJPEG: "image/jpeg", media.FormatPNG: "image/png", media.FormatWebP: "image/webp",
	media.FormatAAC: "audio/aac", media.FormatAMR: "audio/amr", media.FormatMP3: "audio/mpeg",
	media.FormatM4A: "audio/mp4", media.FormatOgg: "audio/ogg",
	media.FormatMP4: "video/mp4", media.Format3GP: "video/3gpp",
}

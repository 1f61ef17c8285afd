package linetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Destination is the bot user ID that NewWebhookRequest addresses its
// bodies to. Use WebhookBody to address another.
const Destination = "U0123456789abcdef0123456789abcdef"

// SignBody returns the X-Line-Signature value LINE would send with body:
// the base64-encoded HMAC-SHA256 of body under the channel secret. It is
// safe for concurrent use.
func SignBody(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Endpoint starts a host's webhook endpoint for tests of what LINE's
// endpoint test reaches: it answers 200 to a request whose
// X-Line-Signature is the body's signature under secret, and 401 to any
// other. The test's end closes it.
func Endpoint(t testing.TB, secret string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !hmac.Equal([]byte(r.Header.Get("X-Line-Signature")), []byte(SignBody(secret, body))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// WebhookBody returns a webhook request body with the events in order, as
// LINE sends it: {"destination":…,"events":[…]}. With no events it is
// LINE's verification request. It is safe for concurrent use.
func WebhookBody(destination string, events ...json.RawMessage) []byte {
	if events == nil {
		events = []json.RawMessage{}
	}
	b, err := json.Marshal(struct {
		Destination string            `json:"destination"`
		Events      []json.RawMessage `json:"events"`
	}{destination, events})
	if err != nil {
		panic("linetest: an event is not valid JSON: " + err.Error())
	}
	return b
}

// NewWebhookRequest returns a POST request to target (a path such as
// "/webhook/line/ch1", or a full URL) carrying the events to Destination,
// signed with secret, for an http.Handler — or for a server, with
// http.DefaultClient after setting RequestURI to "". It is safe for
// concurrent use.
func NewWebhookRequest(secret, target string, events ...json.RawMessage) *http.Request {
	return NewSignedRequest(secret, target, WebhookBody(Destination, events...))
}

// NewSignedRequest returns a POST request to target with body, signed with
// secret as LINE signs it. To test a bad signature, change the
// X-Line-Signature header afterwards. It is safe for concurrent use.
func NewSignedRequest(secret, target string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("X-Line-Signature", SignBody(secret, body))
	r.Header.Set("User-Agent", "LineBotWebhook/2.0")
	return r
}

// EventOption changes an event built by one of the event constructors
// (TextEvent, ImageEvent, …). The constructors return LINE-shaped JSON
// with a new unique webhookEventId (and message ID, and reply token where
// LINE sends one), timestamp now, mode active and a user source; options
// change that. The constructors and options are safe for concurrent use.
type EventOption func(*event)

// event is the shape of a LINE webhook event.
type event struct {
	Type            string          `json:"type"`
	Message         map[string]any  `json:"message,omitempty"`
	Unsend          map[string]any  `json:"unsend,omitempty"`
	Follow          map[string]any  `json:"follow,omitempty"`
	Postback        map[string]any  `json:"postback,omitempty"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext deliveryContext `json:"deliveryContext"`
	Timestamp       int64           `json:"timestamp"`
	Source          source          `json:"source"`
	ReplyToken      string          `json:"replyToken,omitempty"`
	Mode            string          `json:"mode"`
	noReply         bool
}

type deliveryContext struct {
	IsRedelivery bool `json:"isRedelivery"`
}

type source struct {
	Type    string `json:"type"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
	UserID  string `json:"userId,omitempty"`
}

// InGroup makes the event come from a member of a group chat.
func InGroup(groupID string) EventOption {
	return func(e *event) { e.Source.Type, e.Source.GroupID = "group", groupID }
}

// InRoom makes the event come from a member of a multi-person chat (room).
func InRoom(roomID string) EventOption {
	return func(e *event) { e.Source.Type, e.Source.RoomID = "room", roomID }
}

// Standby sends the event in standby mode (another app is active): it has
// no reply token.
func Standby() EventOption {
	return func(e *event) { e.Mode, e.ReplyToken = "standby", "" }
}

// Redelivered marks the event as redelivered (deliveryContext.isRedelivery).
func Redelivered() EventOption {
	return func(e *event) { e.DeliveryContext.IsRedelivery = true }
}

// WithEventID sets the webhookEventId (by default a new unique one), e.g.
// to build a redelivery of an earlier event.
func WithEventID(id string) EventOption {
	return func(e *event) { e.WebhookEventID = id }
}

// WithMessageID sets a message event's message ID (by default a new
// unique one), e.g. to unsend it later.
func WithMessageID(id string) EventOption {
	return func(e *event) {
		if e.Message != nil {
			e.Message["id"] = id
		}
	}
}

// WithReplyToken sets the reply token (by default a new random one for
// events that have one).
func WithReplyToken(token string) EventOption {
	return func(e *event) { e.ReplyToken = token }
}

// WithReadToken sets a message event's markAsReadToken (by default a new
// random one, which a Platform refuses), e.g. one from
// Platform.IssueReadToken.
func WithReadToken(token string) EventOption {
	return func(e *event) {
		if e.Message != nil {
			e.Message["markAsReadToken"] = token
		}
	}
}

// WithQuoteToken sets a message event's quoteToken (by default a new
// random one for the kinds that have one, which a Platform refuses), e.g.
// one from Platform.IssueQuoteToken.
func WithQuoteToken(token string) EventOption {
	return func(e *event) {
		if e.Message != nil {
			e.Message["quoteToken"] = token
		}
	}
}

// Quoting makes a text or sticker message quote the message with the
// given ID (quotedMessageId).
func Quoting(messageID string) EventOption {
	return func(e *event) {
		if e.Message != nil {
			e.Message["quotedMessageId"] = messageID
		}
	}
}

// At sets when LINE received the event (by default now).
func At(t time.Time) EventOption {
	return func(e *event) { e.Timestamp = t.UnixMilli() }
}

// ExternalContent makes an image, video or audio message's content hosted
// outside LINE (contentProvider "external") at the given URLs.
func ExternalContent(originalURL, previewURL string) EventOption {
	return func(e *event) {
		if e.Message == nil {
			return
		}
		p := map[string]any{"type": "external", "originalContentUrl": originalURL}
		if previewURL != "" {
			p["previewImageUrl"] = previewURL
		}
		e.Message["contentProvider"] = p
	}
}

func build(e *event, opts []EventOption) json.RawMessage {
	e.WebhookEventID = NewEventID()
	e.Timestamp = time.Now().UnixMilli()
	e.Mode = "active"
	e.Source.Type = "user"
	if !e.noReply {
		e.ReplyToken = hexToken(16)
	}
	for _, o := range opts {
		o(e)
	}
	b, err := json.Marshal(e)
	if err != nil {
		panic("linetest: " + err.Error()) // only maps of strings and numbers: cannot happen
	}
	return b
}

func message(userID string, m map[string]any, opts []EventOption) json.RawMessage {
	m["id"] = NewMessageID()
	if _, ok := m["quoteToken"]; !ok && m["type"] != "audio" && m["type"] != "file" && m["type"] != "location" {
		m["quoteToken"] = hexToken(16)
	}
	m["markAsReadToken"] = hexToken(16)
	e := &event{Type: "message", Message: m}
	e.Source.UserID = userID
	return build(e, opts)
}

func lineContent() map[string]any { return map[string]any{"type": "line"} }

// TextEvent returns a text message event from userID.
func TextEvent(userID, text string, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "text", "text": text}, opts)
}

// ImageEvent returns an image message event from userID, its content on
// LINE's data API unless ExternalContent says otherwise.
func ImageEvent(userID string, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "image", "contentProvider": lineContent()}, opts)
}

// VideoEvent returns a video message event from userID.
func VideoEvent(userID string, duration time.Duration, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "video", "duration": duration.Milliseconds(), "contentProvider": lineContent()}, opts)
}

// AudioEvent returns an audio message event from userID.
func AudioEvent(userID string, duration time.Duration, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "audio", "duration": duration.Milliseconds(), "contentProvider": lineContent()}, opts)
}

// FileEvent returns a file message event from userID.
func FileEvent(userID, fileName string, size int, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "file", "fileName": fileName, "fileSize": size}, opts)
}

// StickerEvent returns a sticker message event from userID.
func StickerEvent(userID, packageID, stickerID string, keywords []string, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "sticker", "packageId": packageID, "stickerId": stickerID,
		"stickerResourceType": "STATIC", "keywords": keywords}, opts)
}

// LocationEvent returns a location message event from userID.
func LocationEvent(userID, title, address string, latitude, longitude float64, opts ...EventOption) json.RawMessage {
	return message(userID, map[string]any{"type": "location", "title": title, "address": address,
		"latitude": latitude, "longitude": longitude}, opts)
}

// MessageEvent returns a message event from userID of any message type,
// with the given fields besides "type" and "id" — for kinds that have no
// constructor, such as "imagemap", or types LINE may add.
func MessageEvent(userID, messageType string, fields map[string]any, opts ...EventOption) json.RawMessage {
	m := map[string]any{"type": messageType}
	for k, v := range fields {
		m[k] = v
	}
	return message(userID, m, opts)
}

// FollowEvent returns a follow event: userID added the account as a
// friend, or unblocked it.
func FollowEvent(userID string, unblocked bool, opts ...EventOption) json.RawMessage {
	e := &event{Type: "follow", Follow: map[string]any{"isUnblocked": unblocked}}
	e.Source.UserID = userID
	return build(e, opts)
}

// UnfollowEvent returns an unfollow event: userID blocked the account.
// It has no reply token.
func UnfollowEvent(userID string, opts ...EventOption) json.RawMessage {
	e := &event{Type: "unfollow", noReply: true}
	e.Source.UserID = userID
	return build(e, opts)
}

// UnsendEvent returns an unsend event: userID unsent the message
// messageID. It has no reply token.
func UnsendEvent(userID, messageID string, opts ...EventOption) json.RawMessage {
	e := &event{Type: "unsend", Unsend: map[string]any{"messageId": messageID}, noReply: true}
	e.Source.UserID = userID
	return build(e, opts)
}

// PostbackEvent returns a postback event: userID chose an action carrying
// data.
func PostbackEvent(userID, data string, opts ...EventOption) json.RawMessage {
	e := &event{Type: "postback", Postback: map[string]any{"data": data}}
	e.Source.UserID = userID
	return build(e, opts)
}

var (
	counter  atomic.Uint64
	instance = hexToken(3) // tells processes apart in IDs
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewEventID returns a new webhookEventId: a 26-character ULID-shaped
// string, unique within the process (and, with high probability, across
// processes). It is safe for concurrent use.
func NewEventID() string {
	var b [26]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	n := counter.Add(1)
	for i := 25; i >= 14; i-- {
		b[i] = crockford[n&31]
		n >>= 5
	}
	for i := 0; i < 4; i++ {
		b[10+i] = crockford[instance[i]%32]
	}
	return string(b[:])
}

// NewMessageID returns a new numeric message ID, unique within the
// process. It is safe for concurrent use.
func NewMessageID() string {
	return strconv.FormatUint(500_000_000_000_000_000+counter.Add(1), 10)
}

func hexToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

package whatsapptest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// SignBody returns the X-Hub-Signature-256 value Meta sends with body:
// "sha256=" and the hex HMAC-SHA256 of body under the app secret. It is
// safe for concurrent use.
func SignBody(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Business is the business phone number a webhook body is about. It is
// a plain value, safe for concurrent use.
type Business struct {
	// Account is the WhatsApp Business Account ID (the entry's ID).
	Account            string
	PhoneNumberID      string
	DisplayPhoneNumber string
}

// Item is one message or status of a webhook body, built by Text,
// Image, …, StatusSent, StatusFailed and the others, and changed by Options. Items are
// plain values; the constructors are safe for concurrent use.
type Item struct {
	status  bool
	from    string // a message's sender, a status's recipient
	name    string // the sender's profile name, "" for none
	id      string
	fields  map[string]any
	setTime bool
	at      time.Time
}

// ID returns the item's message ID: the ID of the customer's message, or
// of the business's message a status is about.
func (it Item) ID() string { return it.id }

// Option changes an Item.
type Option func(*Item)

// WithName gives a message's sender a profile name (the body's contacts).
func WithName(name string) Option { return func(it *Item) { it.name = name } }

// WithID sets the message ID (by default a new unique "wamid.…").
func WithID(id string) Option { return func(it *Item) { it.id = id } }

// At sets when the message was sent or the status happened (default now).
func At(t time.Time) Option { return func(it *Item) { it.setTime, it.at = true, t } }

// Replying makes a message answer (quote) the message with ID id.
func Replying(from, id string) Option {
	return func(it *Item) { it.fields["context"] = map[string]any{"from": from, "id": id} }
}

// Caption gives a media message a caption.
func Caption(text string) Option {
	return func(it *Item) {
		for _, k := range []string{"image", "video", "document"} {
			if m, ok := it.fields[k].(map[string]any); ok {
				m["caption"] = text
			}
		}
	}
}

var seq atomic.Int64

// NewMessageID returns a new unique message ID in WhatsApp's style.
func NewMessageID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "wamid.HBgL" + hex.EncodeToString(b[:]) + strconv.FormatInt(seq.Add(1), 36)
}

func message(from, typ string, obj any, opts []Option) Item {
	it := Item{from: from, id: NewMessageID(), fields: map[string]any{"type": typ}}
	if obj != nil {
		it.fields[typ] = obj
	}
	for _, o := range opts {
		o(&it)
	}
	return it
}

// Text is a text message from the customer with WhatsApp ID from.
func Text(from, body string, opts ...Option) Item {
	return message(from, "text", map[string]any{"body": body}, opts)
}

func webhookMedia(mediaID, mime string) map[string]any {
	sum := sha256.Sum256([]byte(mediaID))
	return map[string]any{"id": mediaID, "mime_type": mime, "sha256": hex.EncodeToString(sum[:])}
}

// Image is an image message whose file is the media mediaID.
func Image(from, mediaID, mime string, opts ...Option) Item {
	return message(from, "image", webhookMedia(mediaID, mime), opts)
}

// Audio is an audio message; voice marks a voice note.
func Audio(from, mediaID, mime string, voice bool, opts ...Option) Item {
	o := webhookMedia(mediaID, mime)
	o["voice"] = voice
	return message(from, "audio", o, opts)
}

// Video is a video message.
func Video(from, mediaID, mime string, opts ...Option) Item {
	return message(from, "video", webhookMedia(mediaID, mime), opts)
}

// Document is a document message with its file name.
func Document(from, mediaID, mime, filename string, opts ...Option) Item {
	o := webhookMedia(mediaID, mime)
	o["filename"] = filename
	return message(from, "document", o, opts)
}

// Sticker is a sticker message (a WebP file).
func Sticker(from, mediaID string, animated bool, opts ...Option) Item {
	o := webhookMedia(mediaID, "image/webp")
	o["animated"] = animated
	return message(from, "sticker", o, opts)
}

// Location is a shared place.
func Location(from string, lat, long float64, name, address string, opts ...Option) Item {
	return message(from, "location", map[string]any{"latitude": lat, "longitude": long, "name": name, "address": address}, opts)
}

// Contacts is a message sharing one contact card.
func Contacts(from, name string, phones []string, opts ...Option) Item {
	var ps []map[string]any
	for _, p := range phones {
		ps = append(ps, map[string]any{"phone": p, "type": "CELL"})
	}
	card := map[string]any{"name": map[string]any{"formatted_name": name, "first_name": name}, "phones": ps}
	it := message(from, "contacts", nil, opts)
	it.fields["contacts"] = []any{card}
	return it
}

// ButtonReply is the customer's tap on a reply button of an interactive
// message.
func ButtonReply(from, id, title string, opts ...Option) Item {
	return message(from, "interactive", map[string]any{"type": "button_reply",
		"button_reply": map[string]any{"id": id, "title": title}}, opts)
}

// ListReply is the customer's choice of a row of a list message.
func ListReply(from, id, title, description string, opts ...Option) Item {
	return message(from, "interactive", map[string]any{"type": "list_reply",
		"list_reply": map[string]any{"id": id, "title": title, "description": description}}, opts)
}

// Button is the customer's tap on a template's quick-reply button.
func Button(from, payload, text string, opts ...Option) Item {
	return message(from, "button", map[string]any{"payload": payload, "text": text}, opts)
}

// Reaction is an emoji reaction to the message messageID ("" removes it).
func Reaction(from, messageID, emoji string, opts ...Option) Item {
	return message(from, "reaction", map[string]any{"message_id": messageID, "emoji": emoji}, opts)
}

// Unsupported is a message of a type the Cloud API does not support, as
// Meta sends it: type "unsupported" with error 131051.
func Unsupported(from string, opts ...Option) Item {
	it := message(from, "unsupported", nil, opts)
	it.fields["errors"] = []any{map[string]any{"code": 131051, "title": "Message type unknown",
		"message": "Message type unknown", "error_data": map[string]any{"details": "Message type is currently not supported."}}}
	return it
}

// OfType is a message of any type with obj as its type's object (nil for
// none): a type this package has no constructor for, or a new one.
func OfType(from, typ string, obj any, opts ...Option) Item { return message(from, typ, obj, opts) }

func status(id, to, st string, opts []Option) Item {
	it := Item{status: true, from: to, id: id, fields: map[string]any{"status": st}}
	for _, o := range opts {
		o(&it)
	}
	return it
}

// StatusSent is the status "sent" of the business's message id to the
// customer to.
func StatusSent(id, to string, opts ...Option) Item { return status(id, to, "sent", opts) }

// StatusDelivered is the status "delivered".
func StatusDelivered(id, to string, opts ...Option) Item { return status(id, to, "delivered", opts) }

// StatusRead is the status "read".
func StatusRead(id, to string, opts ...Option) Item { return status(id, to, "read", opts) }

// StatusFailed is the status "failed" with Meta's error code and title
// (e.g. 131047, "Re-engagement message").
func StatusFailed(id, to string, code int, title string, opts ...Option) Item {
	it := status(id, to, "failed", opts)
	it.fields["errors"] = []any{map[string]any{"code": code, "title": title, "message": title,
		"error_data": map[string]any{"details": title}}}
	return it
}

// Body returns a webhook body for the business with the items, as Meta
// sends it: {"object":"whatsapp_business_account","entry":[{"id":…,
// "changes":[{"value":{"messaging_product":"whatsapp","metadata":…,
// "contacts":…,"messages":…,"statuses":…},"field":"messages"}]}]}, with
// each message's sender among the contacts. It is safe for concurrent
// use.
func Body(b Business, items ...Item) []byte { return bodyAt(time.Now(), b, items) }

func bodyAt(now time.Time, b Business, items []Item) []byte {
	value := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]any{"display_phone_number": b.DisplayPhoneNumber, "phone_number_id": b.PhoneNumberID},
	}
	var contacts, messages, statuses []any
	seen := map[string]bool{}
	for _, it := range items {
		at := now
		if it.setTime {
			at = it.at
		}
		obj := map[string]any{"id": it.id, "timestamp": strconv.FormatInt(at.Unix(), 10)}
		for k, v := range it.fields {
			obj[k] = v
		}
		if it.status {
			obj["recipient_id"] = it.from
			statuses = append(statuses, obj)
			continue
		}
		obj["from"] = it.from
		messages = append(messages, obj)
		if !seen[it.from] {
			seen[it.from] = true
			contacts = append(contacts, map[string]any{"profile": map[string]any{"name": it.name}, "wa_id": it.from})
		}
	}
	if contacts != nil {
		value["contacts"] = contacts
	}
	if messages != nil {
		value["messages"] = messages
	}
	if statuses != nil {
		value["statuses"] = statuses
	}
	body := map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": b.Account, "changes": []any{map[string]any{"value": value, "field": "messages"}}}}}
	out, err := json.Marshal(body)
	if err != nil {
		panic("whatsapptest: an item is not valid JSON: " + err.Error())
	}
	return out
}

// NewSignedRequest returns a POST request to target (a path such as
// "/webhook/whatsapp/wa", or a full URL) with body, signed with appSecret
// as Meta signs it, for an http.Handler — or for a server, with
// http.DefaultClient after setting RequestURI to "". To test a bad
// signature, change the X-Hub-Signature-256 header afterwards. It is safe
// for concurrent use.
func NewSignedRequest(appSecret, target string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature-256", SignBody(appSecret, body))
	r.Header.Set("User-Agent", "facebookexternalua")
	return r
}

// NewWebhookRequest returns a signed POST request to target carrying a
// body for the business with the items (see Body).
func NewWebhookRequest(appSecret, target string, b Business, items ...Item) *http.Request {
	return NewSignedRequest(appSecret, target, Body(b, items...))
}

// NewVerificationRequest returns the GET request with which Meta verifies
// a webhook URL: target with hub.mode=subscribe, hub.verify_token and
// hub.challenge in its query.
func NewVerificationRequest(target, verifyToken, challenge string) *http.Request {
	return httptest.NewRequest(http.MethodGet, target+"?"+verificationQuery(verifyToken, challenge), nil)
}

func verificationQuery(verifyToken, challenge string) string {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {challenge}}
	return q.Encode()
}

// ErrVerificationFailed is returned by Verify when the webhook did not
// answer the handshake as Meta requires.
var ErrVerificationFailed = errors.New("whatsapptest: the webhook did not pass verification")

// Verify plays Meta's side of the verification handshake against the
// webhook at webhookURL: it sends a GET with hub.mode=subscribe, the
// verify token and a new random challenge, and returns nil only if the
// answer is 200 with exactly the challenge as its body; otherwise an
// error matching ErrVerificationFailed that says what was wrong. A nil
// client means http.DefaultClient. It is safe for concurrent use.
func Verify(ctx context.Context, client *http.Client, webhookURL, verifyToken string) error {
	if client == nil {
		client = http.DefaultClient
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	challenge := strconv.FormatUint(uint64(b[0])<<56|uint64(b[1])<<48|uint64(b[2])<<40|uint64(b[3])<<32|
		uint64(b[4])<<24|uint64(b[5])<<16|uint64(b[6])<<8|uint64(b[7]), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, webhookURL+"?"+verificationQuery(verifyToken, challenge), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrVerificationFailed, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return fmt.Errorf("%w: reading the answer: %v", ErrVerificationFailed, err)
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("%w: status %d", ErrVerificationFailed, resp.StatusCode)
	case string(got) != challenge:
		return fmt.Errorf("%w: the body is not the challenge", ErrVerificationFailed)
	}
	return nil
}

package line

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/socialdesk/socialdesk/internal/hookjson"
)

// ErrMalformed matches every error ParseEvents returns (use errors.Is): the
// body is not a LINE webhook request body. Its message never contains any
// part of the body.
var ErrMalformed = errors.New("line: malformed webhook body")

// MalformedError says where a webhook body stopped making sense, and
// carries no part of the body. Its Err is ErrMalformed, which it matches
// with errors.Is.
type MalformedError = hookjson.Error

// Event modes, from LINE's webhook reference.
const (
	// ModeActive: the channel is active; the bot may reply and push.
	ModeActive = "active"
	// ModeStandby: another app (e.g. LINE Official Account Manager's chat)
	// is active; there is no reply token and the bot must send nothing.
	ModeStandby = "standby"
)

// Source types, from LINE's webhook reference.
const (
	SourceUser  = "user"
	SourceGroup = "group"
	SourceRoom  = "room"
)

// Batch is one webhook request body: the bot user ID it was sent to and its
// events, in the order LINE sent them. Like Event, it is a plain value,
// safe to read from many goroutines once parsed.
type Batch struct {
	// Destination is the user ID of the bot that received the events (the
	// channel's LINE Official Account).
	Destination string
	Events      []Event
}

// Event is one webhook event as far as intake needs to know it, with the
// event's whole JSON kept in Raw: unknown event and message types are
// never dropped. The workers decode Raw fully (with the LINE SDK's types)
// after the webhook has answered.
type Event struct {
	// Type is LINE's event type ("message", "follow", "unsend", …), or ""
	// when the event has none or its fields have the wrong JSON types.
	Type string
	// ID is the webhookEventId, unique per event and kept across
	// redeliveries. When an event has none, ID is derived from its content
	// ("sha256:…"); when a batch repeats one ID for different events (as
	// the SDK's sample does), the repeats get "#<index in batch>" appended,
	// so that no event is mistaken for a redelivery of its neighbour.
	ID string
	// Time is when LINE received the event (its timestamp), zero if absent.
	Time time.Time
	// Mode is ModeActive or ModeStandby ("" if absent).
	Mode string
	// Redelivery is LINE's deliveryContext.isRedelivery: LINE is sending
	// the event again because an earlier delivery was not acknowledged.
	Redelivery bool
	Source     EventSource
	// ReplyToken is the single-use reply handle, if the event has one.
	ReplyToken string
	// Raw is the event's JSON exactly as received.
	Raw json.RawMessage
}

// EventSource is who an event came from; its JSON names are those of
// LINE's "source" object, from which both readers of an event fill it.
type EventSource struct {
	// Type is SourceUser, SourceGroup or SourceRoom ("" if absent).
	Type    string `json:"type"`
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

// Standby reports whether the event was sent in standby mode: it is
// recorded, but nothing may be sent in answer.
func (e *Event) Standby() bool { return e.Mode == ModeStandby }

// Key is what orders processing: events with one key (one customer, or
// one group or room) are handled in the order LINE sent them.
func (e *Event) Key() string {
	switch e.Source.Type {
	case SourceGroup:
		return "group:" + e.Source.GroupID
	case SourceRoom:
		return "room:" + e.Source.RoomID
	}
	return e.Source.UserID
}

// ParseEvents parses a webhook request body that has already been read
// (and its signature verified). It fails, with a *MalformedError, only when
// the body is not a JSON object with an "events" array; an event with no
// type, an unknown type or fields of the wrong type is kept (with Raw) and
// does not fail its neighbours. LINE's verification request, with an empty
// events array, gives a Batch with no events. It is safe for concurrent use.
func ParseEvents(body []byte) (*Batch, error) {
	if err := hookjson.Object(body, ErrMalformed); err != nil {
		return nil, err
	}
	b, ok := parseFast(body)
	if !ok {
		var err error
		if b, err = parseSlow(body); err != nil {
			return nil, err
		}
	}
	hookjson.DedupeIDs(b.Events, eventID, eventRaw)
	return b, nil
}

// parseSlow reads a body with encoding/json: every body the fast path
// (parseFast) gives up on.
func parseSlow(body []byte) (*Batch, error) {
	var env struct {
		Destination string            `json:"destination"`
		Events      []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, hookjson.Malformed(ErrMalformed, err)
	}
	b := &Batch{Destination: env.Destination, Events: make([]Event, len(env.Events))}
	for i, raw := range env.Events {
		d := decodeDetail(raw)
		b.Events[i] = d.event(raw)
	}
	return b, nil
}

// detail is an event as intake and the workers read it: its header
// (what intake needs before answering), and the part of each kind the
// desk uses, kept raw and decoded only for the event's own kind (as the
// SDK does: a stray field of another kind never matters). This reads an
// event in one pass where the SDK's UnmarshalEvent takes several (29 µs
// and 140 allocations for a text message on the machine of
// BENCHMARKS.md).
type detail struct {
	Type            string      `json:"type"`
	WebhookEventID  string      `json:"webhookEventId"`
	Timestamp       int64       `json:"timestamp"`
	Mode            string      `json:"mode"`
	ReplyToken      string      `json:"replyToken"`
	Source          EventSource `json:"source"`
	DeliveryContext struct {
		IsRedelivery bool `json:"isRedelivery"`
	} `json:"deliveryContext"`
	Message  json.RawMessage `json:"message"`
	Unsend   json.RawMessage `json:"unsend"`
	Follow   json.RawMessage `json:"follow"`
	Postback json.RawMessage `json:"postback"`
}

// readDetail reads one recorded event: in one pass (scanDetail) or,
// where that gives up, with encoding/json.
func readDetail(raw []byte) detail {
	if d, ok := scanDetail(raw); ok {
		return d
	}
	return decodeDetail(raw)
}

// decodeDetail reads an event with encoding/json. Valid JSON that is
// not an event object, or has a field of the wrong type, is kept
// typeless, with its ID if it has one, for the record.
func decodeDetail(raw []byte) detail {
	var d detail
	if json.Unmarshal(raw, &d) != nil {
		return detail{WebhookEventID: d.WebhookEventID}
	}
	return d
}

// event is the Event for raw with the header h read from it (a zero
// header but for the ID when raw could not be read as one).
func (h *detail) event(raw json.RawMessage) Event {
	e := Event{
		Type:       h.Type,
		ID:         h.WebhookEventID,
		Mode:       h.Mode,
		Redelivery: h.DeliveryContext.IsRedelivery,
		Source:     h.Source,
		ReplyToken: h.ReplyToken,
		Raw:        raw,
	}
	if e.ID == "" {
		e.ID = hookjson.DerivedID(raw)
	}
	if h.Timestamp > 0 {
		e.Time = time.UnixMilli(h.Timestamp)
	}
	return e
}

// eventID and eventRaw give hookjson.DedupeIDs an event's ID and bytes.
func eventID(e *Event) *string { return &e.ID }
func eventRaw(e *Event) []byte { return e.Raw }

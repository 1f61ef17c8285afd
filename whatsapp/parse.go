package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/socialdesk/socialdesk/internal/hookjson"
)

// ErrMalformed matches every error ParseNotification returns (use
// errors.Is): the body is not a WhatsApp webhook body. Its message never
// contains any part of the body.
var ErrMalformed = errors.New("whatsapp: malformed webhook body")

// MalformedError says where a webhook body stopped making sense, and
// carries no part of the body. Its Err is ErrMalformed, which it matches
// with errors.Is. It is immutable and safe for concurrent use.
type MalformedError = hookjson.Error

// ParseNotification parses a webhook request body (already verified with
// VerifySignature) into its changes. It is strict about the envelope — a
// JSON object with "object" "whatsapp_business_account" and "entry"
// an array of entries whose "changes" hold "field" and "value" — and
// lenient inside a change: a message or status whose fields have the
// wrong JSON types is kept (Kind TypeUnsupported for a message) rather
// than failing the body, so nothing Meta sent is dropped. Every message
// and status keeps its JSON in Raw. Errors are *MalformedError and never
// quote the body. It is safe for concurrent use.
func ParseNotification(body []byte) (Notification, error) {
	if err := hookjson.Object(body, ErrMalformed); err != nil {
		return Notification{}, err
	}
	if n, ok := parseFast(body); ok { // the usual body (fastparse.go)
		return n, nil
	}
	return parseSlow(body)
}

// parseSlow is ParseNotification with encoding/json: every body the fast
// path gives up on.
func parseSlow(body []byte) (Notification, error) {
	var w wireBody
	if err := json.Unmarshal(body, &w); err != nil {
		return Notification{}, hookjson.Malformed(ErrMalformed, err)
	}
	if w.Object != ObjectWhatsApp {
		return Notification{}, &MalformedError{Reason: "\"object\" is not " + ObjectWhatsApp, Err: ErrMalformed}
	}
	n := Notification{Object: w.Object}
	for _, e := range w.Entry {
		for _, c := range e.Changes {
			ch, err := parseChange(e.ID, c)
			if err != nil {
				return Notification{}, err
			}
			n.Changes = append(n.Changes, ch)
		}
	}
	return n, nil
}

type wireBody struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string       `json:"id"`
		Changes []wireChange `json:"changes"`
	} `json:"entry"`
}

type wireChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type wireValue struct {
	Metadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []json.RawMessage `json:"contacts"`
	Messages []json.RawMessage `json:"messages"`
	Statuses []json.RawMessage `json:"statuses"`
	Errors   []json.RawMessage `json:"errors"`
}

func parseChange(account string, c wireChange) (Change, error) {
	ch := Change{Account: account, Field: c.Field, Raw: c.Value}
	if c.Field != FieldMessages || len(c.Value) == 0 || string(c.Value) == "null" {
		return ch, nil
	}
	var v wireValue
	if err := json.Unmarshal(c.Value, &v); err != nil {
		return Change{}, &MalformedError{Reason: "a messages change's value is not an object of arrays", Err: ErrMalformed}
	}
	ch.PhoneNumberID, ch.DisplayPhoneNumber = v.Metadata.PhoneNumberID, v.Metadata.DisplayPhoneNumber
	for _, raw := range v.Contacts {
		var w wireContact
		if json.Unmarshal(raw, &w) != nil {
			continue
		}
		ch.Contacts = append(ch.Contacts, Contact{WaID: w.WaID, Name: w.Profile.Name})
	}
	for _, raw := range v.Messages {
		ch.Messages = append(ch.Messages, parseMessage(raw))
	}
	for _, raw := range v.Statuses {
		ch.Statuses = append(ch.Statuses, parseStatus(raw))
	}
	ch.Errors = parseProblems(v.Errors)
	ch.nameSenders()
	return ch, nil
}

// nameSenders gives each message its sender's profile name, the first
// the change's contacts give the sender's WhatsApp ID, and tells apart
// messages that repeat an ID with other content (hookjson.DedupeIDs).
func (ch *Change) nameSenders() {
	if len(ch.Contacts) > 0 && len(ch.Messages) > 0 {
		names := make(map[string]string, len(ch.Contacts))
		for _, c := range ch.Contacts {
			if _, seen := names[c.WaID]; !seen {
				names[c.WaID] = c.Name
			}
		}
		for i := range ch.Messages {
			ch.Messages[i].ProfileName = names[ch.Messages[i].From]
		}
	}
	hookjson.DedupeIDs(ch.Messages, messageID, messageRaw)
}

type wireContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID string `json:"wa_id"`
}

// unixTime is a timestamp in seconds, sent as a string (or a number).
type unixTime int64

func (t *unixTime) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" || s == "null" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return errors.New("whatsapp: bad timestamp")
	}
	*t = unixTime(n)
	return nil
}

func (t unixTime) time() time.Time {
	if t <= 0 || t > 1<<40 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}

type wireMedia struct {
	ID       string `json:"id"`
	MIMEType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

type wireMessage struct {
	ID        string   `json:"id"`
	From      string   `json:"from"`
	Timestamp unixTime `json:"timestamp"`
	Type      string   `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *wireMedia `json:"image"`
	Audio    *wireMedia `json:"audio"`
	Video    *wireMedia `json:"video"`
	Document *wireMedia `json:"document"`
	Sticker  *wireMedia `json:"sticker"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
		URL       string  `json:"url"`
	} `json:"location"`
	Contacts []struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
		} `json:"name"`
		Phones []struct {
			Phone string `json:"phone"`
		} `json:"phones"`
	} `json:"contacts"`
	Interactive *struct {
		Type        string     `json:"type"`
		ButtonReply *wireReply `json:"button_reply"`
		ListReply   *wireReply `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Context *struct {
		From      string `json:"from"`
		ID        string `json:"id"`
		Forwarded bool   `json:"forwarded"`
	} `json:"context"`
	Errors []json.RawMessage `json:"errors"`
}

type wireReply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// header is what is read of a message that does not decode as a whole.
type header struct {
	ID   string `json:"id"`
	From string `json:"from"`
	Type string `json:"type"`
}

func parseMessage(raw json.RawMessage) Message {
	var w wireMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		// Valid JSON (the whole body parsed) but not a message object, or
		// a field of the wrong type: keep what can be read, unsupported.
		var h header
		_ = json.Unmarshal(raw, &h)
		m := Message{ID: h.ID, From: h.From, Type: h.Type, Kind: TypeUnsupported, Raw: raw}
		m.ensureID()
		return m
	}
	m := Message{ID: w.ID, From: w.From, Time: w.Timestamp.time(), Type: w.Type, Kind: w.Type, Raw: raw}
	m.ensureID()
	if w.Context != nil {
		m.Context = &Context{From: w.Context.From, ID: w.Context.ID, Forwarded: w.Context.Forwarded}
	}
	m.Errors = parseProblems(w.Errors)
	media := func(p *wireMedia) bool {
		if p == nil {
			return false
		}
		m.Media = &Media{ID: p.ID, MIMEType: p.MIMEType, SHA256: p.SHA256, Filename: p.Filename, Voice: p.Voice, Animated: p.Animated}
		m.Text = p.Caption
		return true
	}
	ok := false
	switch w.Type {
	case TypeText:
		if ok = w.Text != nil; ok {
			m.Text = w.Text.Body
		}
	case TypeImage:
		ok = media(w.Image)
	case TypeAudio:
		ok = media(w.Audio)
	case TypeVideo:
		ok = media(w.Video)
	case TypeDocument:
		ok = media(w.Document)
	case TypeSticker:
		ok = media(w.Sticker)
	case TypeLocation:
		if ok = w.Location != nil; ok {
			l := w.Location
			m.Location = &Location{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address, URL: l.URL}
		}
	case TypeContacts:
		ok = len(w.Contacts) > 0
		for _, c := range w.Contacts {
			sc := SharedContact{Name: c.Name.FormattedName}
			for _, p := range c.Phones {
				sc.Phones = append(sc.Phones, p.Phone)
			}
			m.Contacts = append(m.Contacts, sc)
		}
	case TypeInteractive:
		if i := w.Interactive; i != nil {
			r := i.ButtonReply
			if i.Type == "list_reply" || r == nil {
				r = i.ListReply
			}
			if ok = r != nil; ok {
				m.Reply = &Reply{Type: i.Type, ID: r.ID, Title: r.Title, Description: r.Description}
				m.Text = r.Title
			}
		}
	case TypeButton:
		if ok = w.Button != nil; ok {
			m.Reply = &Reply{Type: TypeButton, ID: w.Button.Payload, Title: w.Button.Text}
			m.Text = w.Button.Text
		}
	case TypeReaction:
		if ok = w.Reaction != nil; ok {
			m.Reaction = &Reaction{MessageID: w.Reaction.MessageID, Emoji: w.Reaction.Emoji}
		}
	}
	if !ok {
		// An unknown type, "unsupported", or a known type without its
		// object: recorded as unsupported, with what Meta said about it.
		m.Kind = TypeUnsupported
	}
	return m
}

func (m *Message) ensureID() {
	if m.ID == "" {
		m.ID = hookjson.DerivedID(m.Raw)
	}
}

type wireStatus struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Timestamp   unixTime          `json:"timestamp"`
	RecipientID string            `json:"recipient_id"`
	Errors      []json.RawMessage `json:"errors"`
}

func parseStatus(raw json.RawMessage) Status {
	var w wireStatus
	if err := json.Unmarshal(raw, &w); err != nil {
		var h struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		_ = json.Unmarshal(raw, &h)
		return Status{ID: h.ID, Status: h.Status, Raw: raw}
	}
	return Status{ID: w.ID, Status: w.Status, RecipientID: w.RecipientID, Time: w.Timestamp.time(),
		Errors: parseProblems(w.Errors), Raw: raw}
}

type wireProblem struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// parseProblems reads error objects, skipping any that do not decode.
func parseProblems(raws []json.RawMessage) []Problem {
	var out []Problem
	for _, raw := range raws {
		var w wireProblem
		if json.Unmarshal(raw, &w) != nil {
			continue
		}
		out = append(out, Problem{Code: w.Code, Title: w.Title, Message: w.Message, Details: w.ErrorData.Details})
	}
	return out
}

// messageID and messageRaw give hookjson.DedupeIDs a message's ID and bytes.
func messageID(m *Message) *string { return &m.ID }
func messageRaw(m *Message) []byte { return m.Raw }

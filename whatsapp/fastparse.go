package whatsapp

import (
	"bytes"
	"strconv"
	"time"

	"github.com/socialdesk/socialdesk/internal/hookjson"
)

// The fast path of ParseNotification: the usual body (text messages from
// customers, their contacts, statuses of the business's messages) read in
// one pass over its bytes, where encoding/json takes one pass a level and
// reflection (most of the webhook's CPU; BENCHMARKS.md, issue 20). It
// reads a strict subset of what parse.go's encoding/json path reads (see
// hookjson.Scanner) and gives up on anything else — a field of an
// unexpected type, null, a repeated field, a key that differs from a
// known one only in case, a message that is not a text, a contact or a
// problem the lenient path would skip — and then that path reads the
// body as before. Where it answers, it answers exactly as that path does
// (FuzzParseNotificationFast compares them). The keys below are those of
// parse.go's wire types.

var (
	bodyKeys     = []string{"object", "entry"}
	entryKeys    = []string{"id", "changes"}
	changeKeys   = []string{"field", "value"}
	valueKeys    = []string{"metadata", "contacts", "messages", "statuses", "errors"}
	metadataKeys = []string{"display_phone_number", "phone_number_id"}
	contactKeys  = []string{"profile", "wa_id"}
	profileKeys  = []string{"name"}
	// messageKeys are all of wireMessage's: the fast path reads a text
	// and gives up on a message with any of the others from "image" on.
	messageKeys = []string{"id", "from", "timestamp", "type", "text", "context",
		"image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button", "reaction", "errors"}
	textKeys    = []string{"body"}
	contextKeys = []string{"from", "id", "forwarded"}
	statusKeys  = []string{"id", "status", "timestamp", "recipient_id", "errors"}
	problemKeys = []string{"code", "title", "message", "error_data"}
	detailKeys  = []string{"details"}
)

// commonValues are values of "object", "field", "type" and "status"
// that the fast path returns without a copy.
var commonValues = []string{ObjectWhatsApp, FieldMessages, TypeText, StatusSent, StatusDelivered, StatusRead, StatusFailed}

// parseFast is ParseNotification's fast path; ok is false when it gives up.
func parseFast(body []byte) (n Notification, ok bool) {
	own := bytes.Clone(body) // Raw values are copies, as encoding/json's are
	var s hookjson.Scanner
	s.Reset(own)
	ok = s.Fields(bodyKeys, func(i int) (ok bool) {
		if i == 0 {
			n.Object, ok = s.StringOf(commonValues)
			return ok
		}
		return s.Array(func() bool { return readEntry(&s, own, &n) })
	})
	if !ok || !s.End() || n.Object != ObjectWhatsApp {
		return Notification{}, false
	}
	return n, true
}

// readEntry appends an entry's changes to n.
func readEntry(s *hookjson.Scanner, own []byte, n *Notification) bool {
	var account string
	first := len(n.Changes)
	ok := s.Fields(entryKeys, func(i int) (ok bool) {
		if i == 0 {
			account, ok = s.String()
			return ok
		}
		return s.Array(func() bool {
			ch, ok := readChange(s, own)
			n.Changes = append(n.Changes, ch)
			return ok
		})
	})
	for i := first; i < len(n.Changes); i++ { // "id" may follow "changes"
		n.Changes[i].Account = account
	}
	return ok
}

// readChange reads a change. Its value is read as a messages change's
// whatever the field, which may follow it (Meta sends it last), and kept
// only when the field is FieldMessages.
func readChange(s *hookjson.Scanner, own []byte) (ch Change, ok bool) {
	var v Change
	ok = s.Fields(changeKeys, func(i int) (ok bool) {
		if i == 0 {
			ch.Field, ok = s.StringOf(commonValues)
			return ok
		}
		start := s.Next()
		ok = readValue(s, own, &v) // false for null, as for any value not an object
		end := s.Offset()
		ch.Raw = own[start:end:end]
		return ok
	})
	if ok && ch.Field == FieldMessages && ch.Raw != nil {
		v.Field, v.Raw = ch.Field, ch.Raw
		ch = v
		ch.nameSenders()
	}
	return ch, ok
}

// readValue reads a messages change's value; its messages and statuses
// keep their part of own as their Raw.
func readValue(s *hookjson.Scanner, own []byte, ch *Change) bool {
	raw := func(start int) []byte { end := s.Offset(); return own[start:end:end] }
	return s.Fields(valueKeys, func(i int) bool {
		switch i {
		case 0:
			return s.Fields(metadataKeys, func(i int) (ok bool) {
				if i == 0 {
					ch.DisplayPhoneNumber, ok = s.String()
				} else {
					ch.PhoneNumberID, ok = s.String()
				}
				return ok
			})
		case 1:
			return s.Array(func() bool {
				c, ok := readContact(s)
				ch.Contacts = append(ch.Contacts, c)
				return ok
			})
		case 2:
			return s.Array(func() bool {
				start := s.Next()
				m, ok := readMessage(s)
				m.Raw = raw(start)
				m.ensureID()
				ch.Messages = append(ch.Messages, m)
				return ok
			})
		case 3:
			return s.Array(func() bool {
				start := s.Next()
				st, ok := readStatus(s)
				st.Raw = raw(start)
				ch.Statuses = append(ch.Statuses, st)
				return ok
			})
		default:
			return s.Array(func() bool {
				p, ok := readProblem(s)
				ch.Errors = append(ch.Errors, p)
				return ok
			})
		}
	})
}

func readContact(s *hookjson.Scanner) (c Contact, ok bool) {
	ok = s.Fields(contactKeys, func(i int) (ok bool) {
		if i == 1 {
			c.WaID, ok = s.String()
			return ok
		}
		return s.Fields(profileKeys, func(int) (ok bool) {
			c.Name, ok = s.String()
			return ok
		})
	})
	return c, ok
}

// readMessage reads a text message but for its Raw and derived ID; ok is
// false for any other.
func readMessage(s *hookjson.Scanner) (m Message, ok bool) {
	text := false
	ok = s.Fields(messageKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			m.ID, ok = s.String()
		case 1:
			m.From, ok = s.String()
		case 2:
			m.Time, ok = readTime(s)
		case 3:
			m.Type, ok = s.StringOf(commonValues)
		case 4:
			text = true
			ok = s.Fields(textKeys, func(int) (ok bool) {
				m.Text, ok = s.String()
				return ok
			})
		case 5:
			m.Context = &Context{}
			ok = s.Fields(contextKeys, func(i int) (ok bool) {
				switch i {
				case 0:
					m.Context.From, ok = s.String()
				case 1:
					m.Context.ID, ok = s.String()
				case 2:
					m.Context.Forwarded, ok = s.Bool()
				}
				return ok
			})
		}
		return ok // false for the keys of other types and "errors"
	})
	m.Kind = m.Type
	return m, ok && text && m.Type == TypeText
}

func readStatus(s *hookjson.Scanner) (st Status, ok bool) {
	ok = s.Fields(statusKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			st.ID, ok = s.String()
		case 1:
			st.Status, ok = s.StringOf(commonValues)
		case 2:
			st.Time, ok = readTime(s)
		case 3:
			st.RecipientID, ok = s.String()
		case 4:
			ok = s.Array(func() bool {
				p, ok := readProblem(s)
				st.Errors = append(st.Errors, p)
				return ok
			})
		}
		return ok
	})
	return st, ok
}

func readProblem(s *hookjson.Scanner) (p Problem, ok bool) {
	ok = s.Fields(problemKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			var code int64
			code, ok = s.Int64()
			p.Code = int(code)
			return ok && int64(p.Code) == code
		case 1:
			p.Title, ok = s.String()
		case 2:
			p.Message, ok = s.String()
		case 3:
			ok = s.Fields(detailKeys, func(int) (ok bool) {
				p.Details, ok = s.String()
				return ok
			})
		}
		return ok
	})
	return p, ok
}

// readTime reads a timestamp as unixTime does when it is digits, in a
// string or not; ok is false for anything else.
func readTime(s *hookjson.Scanner) (t time.Time, ok bool) {
	raw, ok := s.Skip()
	if len(raw) > 2 && raw[0] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	if !ok || len(raw) == 0 {
		return time.Time{}, false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return unixTime(n).time(), err == nil
}

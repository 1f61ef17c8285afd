package line

import (
	"bytes"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/socialdesk/socialdesk/internal/hookjson"
)

// The fast path of reading webhook bodies and events: what intake and the
// workers read of the usual body (one text message from a user) in one
// pass over its bytes, where encoding/json takes several and reflection
// (most of the webhook's CPU at saturation; BENCHMARKS.md). It reads a
// strict subset of what encoding/json reads (see hookjson.Scanner) and
// gives up on anything else — a field of an unexpected type, null, a
// repeated field, a key that differs from a known one only in case, a
// message that is not text or has emojis or mentions — and then the
// encoding/json path reads the body as before. Where it answers, it
// answers exactly as that path does (FuzzParseEventsFast and
// FuzzReadEventFast compare them).

// batchKeys are the keys of a webhook body that intake reads.
var batchKeys = []string{"destination", "events"}

// eventKeys are the keys of an event that intake (header) or the workers
// (detail) read, in the order of readEvent's switch.
var eventKeys = []string{"type", "webhookEventId", "timestamp", "mode", "replyToken", "source", "deliveryContext",
	"message", "unsend", "follow", "postback"}

// commonTypes, commonModes and commonSources are the values of those
// fields that the fast path returns without a copy.
var (
	commonTypes   = []string{"message", "follow", "unfollow", "postback", "unsend", "text"}
	commonModes   = []string{ModeActive, ModeStandby}
	commonSources = []string{SourceUser, SourceGroup, SourceRoom}
)

var sourceKeys = []string{"type", "userId", "groupId", "roomId"}

var deliveryKeys = []string{"isRedelivery"}

// textKeys are the keys of a text message that the workers read; the
// last two (emojis, mention) make the fast path give up.
var textKeys = []string{"type", "id", "text", "quoteToken", "quotedMessageId", "markAsReadToken", "emojis", "mention"}

// parseFast is ParseEvents' fast path; ok is false when it gives up.
func parseFast(body []byte) (batch *Batch, ok bool) {
	own := bytes.Clone(body) // events' Raw are copies, as encoding/json's are
	b := &Batch{Events: []Event{}}
	var s hookjson.Scanner
	s.Reset(own)
	var seen uint
	ok = s.Object(func(k []byte) bool {
		i, ok := hookjson.Key(k, batchKeys)
		if !ok || (i >= 0 && !once(&seen, i)) {
			return false
		}
		switch i {
		case 0:
			b.Destination, ok = s.String()
		case 1:
			ok = s.Array(func() bool {
				start := s.Next()
				h, _, ok := readEvent(&s)
				if ok {
					end := s.Offset()
					b.Events = append(b.Events, h.event(own[start:end:end]))
				}
				return ok
			})
		default:
			_, ok = s.Skip()
		}
		return ok
	})
	return b, ok && s.End()
}

// readEvent reads an event's header, and its message's bytes if it has
// one; ok is false when the fast path gives up.
func readEvent(s *hookjson.Scanner) (h header, message []byte, ok bool) {
	var seen uint
	ok = s.Object(func(k []byte) bool {
		i, ok := hookjson.Key(k, eventKeys)
		if !ok || (i >= 0 && !once(&seen, i)) {
			return false
		}
		switch i {
		case 0:
			h.Type, ok = s.StringOf(commonTypes)
		case 1:
			h.WebhookEventID, ok = s.String()
		case 2:
			h.Timestamp, ok = s.Int64()
		case 3:
			h.Mode, ok = s.StringOf(commonModes)
		case 4:
			h.ReplyToken, ok = s.String()
		case 5:
			ok = readSource(s, &h)
		case 6:
			ok = readDelivery(s, &h)
		case 7:
			message, ok = s.Skip()
		default:
			_, ok = s.Skip()
		}
		return ok
	})
	return h, message, ok
}

func readSource(s *hookjson.Scanner, h *header) bool {
	var seen uint
	return s.Object(func(k []byte) bool {
		i, ok := hookjson.Key(k, sourceKeys)
		if !ok || (i >= 0 && !once(&seen, i)) {
			return false
		}
		switch i {
		case 0:
			h.Source.Type, ok = s.StringOf(commonSources)
		case 1:
			h.Source.UserID, ok = s.String()
		case 2:
			h.Source.GroupID, ok = s.String()
		case 3:
			h.Source.RoomID, ok = s.String()
		default:
			_, ok = s.Skip()
		}
		return ok
	})
}

func readDelivery(s *hookjson.Scanner, h *header) bool {
	var seen uint
	return s.Object(func(k []byte) bool {
		i, ok := hookjson.Key(k, deliveryKeys)
		if !ok || (i >= 0 && !once(&seen, i)) {
			return false
		}
		if i == 0 {
			h.DeliveryContext.IsRedelivery, ok = s.Bool()
		} else {
			_, ok = s.Skip()
		}
		return ok
	})
}

// readText reads a text message as messageContent and readToken do;
// ok is false when the fast path gives up (other kinds of message
// included).
func readText(raw []byte) (m webhook.TextMessageContent, readToken string, ok bool) {
	var s hookjson.Scanner
	s.Reset(raw)
	var seen uint
	ok = s.Object(func(k []byte) bool {
		i, ok := hookjson.Key(k, textKeys)
		if !ok || (i >= 0 && !once(&seen, i)) {
			return false
		}
		switch i {
		case 0:
			m.Type, ok = s.StringOf(commonTypes)
			ok = ok && m.Type == "text"
		case 1:
			m.Id, ok = s.String()
		case 2:
			m.Text, ok = s.String()
		case 3:
			m.QuoteToken, ok = s.String()
		case 4:
			m.QuotedMessageId, ok = s.String()
		case 5:
			readToken, ok = s.String()
		case 6, 7:
			ok = false
		default:
			_, ok = s.Skip()
		}
		return ok
	})
	return m, readToken, ok && s.End() && seen&1 != 0 // "type" was there
}

// once marks key i seen and reports whether it was not seen before.
func once(seen *uint, i int) bool {
	bit := uint(1) << i
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// fastText is a text message as the fast path read it.
type fastText struct {
	content   webhook.TextMessageContent
	readToken string
}

// readDetailFast is the workers' fast path: a recorded event that is a
// text message, read as process reads it with encoding/json (detail,
// messageContent, readToken); ok is false for any other event, or when
// the fast path gives up.
func readDetailFast(raw []byte) (d detail, text fastText, ok bool) {
	var s hookjson.Scanner
	s.Reset(raw)
	h, msg, ok := readEvent(&s)
	if !ok || !s.End() || h.Type != "message" || msg == nil {
		return detail{}, fastText{}, false
	}
	text.content, text.readToken, ok = readText(msg)
	if !ok {
		return detail{}, fastText{}, false
	}
	return detail{header: h, Message: msg}, text, true
}

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
// FuzzReadTextFast compare them).

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

var (
	sourceKeys   = []string{"type", "userId", "groupId", "roomId"}
	deliveryKeys = []string{"isRedelivery"}
)

// textKeys are the keys of a text message that the workers read; the
// last two (emojis, mention) make the fast path give up.
var textKeys = []string{"type", "id", "text", "quoteToken", "quotedMessageId", "markAsReadToken", "emojis", "mention"}

// parseFast is ParseEvents' fast path; ok is false when it gives up.
func parseFast(body []byte) (batch *Batch, ok bool) {
	own := bytes.Clone(body) // events' Raw are copies, as encoding/json's are
	b := &Batch{Events: []Event{}}
	var s hookjson.Scanner
	s.Reset(own)
	ok = s.Fields(batchKeys, func(i int) (ok bool) {
		if i == 0 {
			b.Destination, ok = s.String()
			return ok
		}
		return s.Array(func() bool {
			start := s.Next()
			d, ok := readEvent(&s)
			if ok {
				end := s.Offset()
				b.Events = append(b.Events, d.event(own[start:end:end]))
			}
			return ok
		})
	})
	return b, ok && s.End()
}

// scanDetail is readDetail's fast path; ok is false when it gives up.
func scanDetail(raw []byte) (d detail, ok bool) {
	var s hookjson.Scanner
	s.Reset(raw)
	d, ok = readEvent(&s)
	return d, ok && s.End()
}

// readEvent reads an event's header and the raw parts of its kinds; ok
// is false when the fast path gives up.
func readEvent(s *hookjson.Scanner) (d detail, ok bool) {
	ok = s.Fields(eventKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			d.Type, ok = s.StringOf(commonTypes)
		case 1:
			d.WebhookEventID, ok = s.String()
		case 2:
			d.Timestamp, ok = s.Int64()
		case 3:
			d.Mode, ok = s.StringOf(commonModes)
		case 4:
			d.ReplyToken, ok = s.String()
		case 5:
			ok = readSource(s, &d)
		case 6:
			ok = s.Fields(deliveryKeys, func(int) (ok bool) {
				d.DeliveryContext.IsRedelivery, ok = s.Bool()
				return ok
			})
		case 7:
			d.Message, ok = s.Skip()
		case 8:
			d.Unsend, ok = s.Skip()
		case 9:
			d.Follow, ok = s.Skip()
		case 10:
			d.Postback, ok = s.Skip()
		}
		return ok
	})
	return d, ok
}

func readSource(s *hookjson.Scanner, d *detail) bool {
	return s.Fields(sourceKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			d.Source.Type, ok = s.StringOf(commonSources)
		case 1:
			d.Source.UserID, ok = s.String()
		case 2:
			d.Source.GroupID, ok = s.String()
		case 3:
			d.Source.RoomID, ok = s.String()
		}
		return ok
	})
}

// readText reads a text message as webhook.UnmarshalMessageContent and
// readToken do; ok is false when the fast path gives up (other kinds of
// message included).
func readText(raw []byte) (m webhook.TextMessageContent, readToken string, ok bool) {
	var s hookjson.Scanner
	s.Reset(raw)
	ok = s.Fields(textKeys, func(i int) (ok bool) {
		switch i {
		case 0:
			m.Type, ok = s.StringOf(commonTypes)
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
		}
		return ok // false for emojis and mention
	})
	return m, readToken, ok && s.End() && m.Type == "text"
}

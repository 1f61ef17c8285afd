package whatsapp_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

// recordedBodies are bodies whose messages and statuses are recorded and
// read back: every message type and status of the fixtures, IDs derived
// and told apart, and profile names JSON must escape.
func recordedBodies(t *testing.T) [][]byte {
	envelope := func(value string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":` + value + `}]}]}`)
	}
	return [][]byte{
		readFixture(t, "messages.json"),
		readFixture(t, "statuses.json"),
		envelope(`{"contacts":[{"wa_id":"1","profile":{"name":"Ann \"Q\" \\ <b>&\u2028\u0001"}}],
			"messages":[{"id":"w","from":"1","type":"text","text":{"body":"a"}},{"id":"w","from":"1","type":"text","text":{"body":"b"}},
			{"from":"1","type":"text","text":{"body":"no ID"},"timestamp":"1700000000"},{"id":"x","from":"1","type":"text","text":{"body":5}}]}`),
		whatsapptest.Body(business, whatsapptest.Text(customer, "héllo", whatsapptest.WithName("Zoë"))),
	}
}

// Every message and status the intake records reads back, in the
// workers, as the intake parsed it: the ID it was given, the sender's
// profile name and everything parsed from its JSON.
func TestRecordedEventsReadBackAsParsed(t *testing.T) {
	for _, body := range recordedBodies(t) {
		n, err := whatsapp.ParseNotification(body)
		if err != nil {
			t.Fatal(err)
		}
		store := enquiry.NewMemStore()
		hook := whatsapp.NewWebhook(whatsapp.WebhookConfig{Apps: whatsapp.StaticApps{"wa": {AppSecret: appSecret}},
			Events: store, Desk: nullDesk{}, Logger: quiet()})
		if err := whatsapp.Record(t.Context(), hook, "wa", n, time.Now()); err != nil {
			t.Fatal(err)
		}
		recorded, err := store.PendingEvents(t.Context(), time.Now().Add(time.Hour), 100)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{}
		for _, ch := range n.Changes {
			for i := range ch.Messages {
				want[ch.Messages[i].ID] = &ch.Messages[i]
			}
			for i := range ch.Statuses {
				want["status:"+ch.Statuses[i].EventID()] = &ch.Statuses[i]
			}
		}
		if len(recorded) != len(want) {
			t.Fatalf("%d events recorded, want %d", len(recorded), len(want))
		}
		for _, ev := range recorded {
			m, s, err := whatsapp.ReadEvent(ev.Payload)
			if err != nil {
				t.Fatalf("event %s: %v", ev.ID, err)
			}
			var got any = m
			if m == nil {
				got = s
			}
			if !reflect.DeepEqual(got, want[ev.ID]) {
				t.Errorf("event %s reads back as\n%+v\nwant\n%+v", ev.ID, got, want[ev.ID])
			}
		}
	}
}

// oldEvent is the inbox payload as versions before issue 20 recorded it:
// the parsed message or status, encoded with encoding/json.
type oldEvent struct {
	Message *whatsapp.Message `json:"message,omitempty"`
	Status  *whatsapp.Status  `json:"status,omitempty"`
}

// Events recorded by earlier versions, still in a store, read as they
// did: the parsed value they hold, its Raw as encoding/json compacted it.
func TestEventsRecordedBeforeIssue20StillRead(t *testing.T) {
	t.Run("a text and a failed status as recorded then", func(t *testing.T) {
		m, _, err := whatsapp.ReadEvent([]byte(`{"message":{"ID":"wamid.1","From":"16505551234","ProfileName":"Sheena Nelson","Time":"2026-12-06T21:25:00Z","Type":"text","Kind":"text","Text":"Hello","Media":null,"Location":null,"Contacts":null,"Reply":null,"Reaction":null,"Context":{"From":"15550001111","ID":"wamid.sent1","Forwarded":false},"Errors":null,"Raw":{"from":"16505551234","id":"wamid.1","text":{"body":"Hello"},"timestamp":"1796592300","type":"text","context":{"from":"15550001111","id":"wamid.sent1"}}}}`))
		if err != nil || m == nil || m.ID != "wamid.1" || m.From != customer || m.ProfileName != "Sheena Nelson" || m.Kind != whatsapp.TypeText ||
			m.Text != "Hello" || !m.Time.Equal(time.Unix(1796592300, 0)) || m.Context == nil || m.Context.ID != "wamid.sent1" {
			t.Fatalf("message %+v, %v", m, err)
		}
		_, s, err := whatsapp.ReadEvent([]byte(`{"status":{"ID":"wamid.sent2","Status":"failed","RecipientID":"16505551234","Time":"2026-12-06T21:25:00Z","Errors":[{"Code":131047,"Title":"Re-engagement message","Message":"Re-engagement message","Details":"More than 24 hours have passed"}],"Raw":{"id":"wamid.sent2","status":"failed"}}}`))
		if err != nil || s == nil || s.ID != "wamid.sent2" || s.Status != whatsapp.StatusFailed || s.RecipientID != customer ||
			len(s.Errors) != 1 || s.Errors[0].Code != 131047 || s.Errors[0].Message != "Re-engagement message" {
			t.Fatalf("status %+v, %v", s, err)
		}
	})
	t.Run("every message and status of the bodies as recorded then", func(t *testing.T) {
		for _, body := range recordedBodies(t) {
			n, err := whatsapp.ParseNotification(body)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range n.Changes {
				for i := range ch.Messages {
					want := ch.Messages[i]
					payload, err := json.Marshal(oldEvent{Message: &want})
					if err != nil {
						t.Fatal(err)
					}
					want.Raw = compact(t, want.Raw)
					if m, _, err := whatsapp.ReadEvent(payload); err != nil || !reflect.DeepEqual(*m, want) {
						t.Errorf("message %s reads back as %+v (%v), want %+v", want.ID, m, err, want)
					}
				}
				for i := range ch.Statuses {
					want := ch.Statuses[i]
					payload, err := json.Marshal(oldEvent{Status: &want})
					if err != nil {
						t.Fatal(err)
					}
					want.Raw = compact(t, want.Raw)
					if _, s, err := whatsapp.ReadEvent(payload); err != nil || !reflect.DeepEqual(*s, want) {
						t.Errorf("status %s reads back as %+v (%v), want %+v", want.EventID(), s, err, want)
					}
				}
			}
		}
	})
}

// compact is raw as encoding/json writes a json.RawMessage.
func compact(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A message stamped after the year 9999, which encoding/json cannot
// write as a time, is recorded all the same: it used to make the intake
// answer 500, and Meta redeliver it for ever.
func TestAMessageStampedAfterTheYear9999IsRecorded(t *testing.T) {
	r := newDeskRig(t)
	r.post(whatsapptest.Text(customer, "From the far future", whatsapptest.At(time.Unix(300_000_000_000, 0))))
	r.eventually("the message is recorded", func() bool {
		_, ms := r.transcript()
		return len(ms) > 0 && ms[0].Content.Text == "From the far future"
	})
}

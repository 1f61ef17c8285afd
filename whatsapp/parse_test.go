package whatsapp_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/whatsapp"
	"github.com/socialdesk/socialdesk/whatsapp/whatsapptest"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseOne(t *testing.T, body []byte) whatsapp.Change {
	t.Helper()
	n, err := whatsapp.ParseNotification(body)
	if err != nil {
		t.Fatal(err)
	}
	if n.Object != whatsapp.ObjectWhatsApp || len(n.Changes) != 1 {
		t.Fatalf("notification %+v, want one change", n)
	}
	return n.Changes[0]
}

// The reference's message shapes, one of each type, parse into the
// package's types.
func TestParseMessagesOfEveryType(t *testing.T) {
	ch := parseOne(t, readFixture(t, "messages.json"))
	if ch.Account != "102290129340398" || ch.Field != "messages" || ch.PhoneNumberID != "106540352242922" || ch.DisplayPhoneNumber != "15550783881" {
		t.Fatalf("change header %+v", ch)
	}
	if len(ch.Contacts) != 2 || ch.Contacts[0] != (whatsapp.Contact{WaID: "16505551234", Name: "Sheena Nelson"}) {
		t.Fatalf("contacts %+v", ch.Contacts)
	}
	byID := map[string]whatsapp.Message{}
	for _, m := range ch.Messages {
		byID[m.ID] = m
		if len(m.Raw) == 0 {
			t.Errorf("%s has no Raw", m.ID)
		}
	}
	if len(byID) != 15 {
		t.Fatalf("%d messages, want 15", len(byID))
	}
	tests := []struct {
		name  string
		id    string
		check func(m whatsapp.Message) bool
	}{
		{"a text has its body, sender, name and time", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", func(m whatsapp.Message) bool {
			return m.Kind == "text" && m.Text == "Does it come in another color?" && m.From == "16505551234" &&
				m.ProfileName == "Sheena Nelson" && m.Time.Equal(time.Unix(1749416383, 0))
		}},
		{"an image has its media ID, type, checksum and caption", "wamid.image1", func(m whatsapp.Message) bool {
			return m.Kind == "image" && m.Media != nil && m.Media.ID == "1003383421387256" && m.Media.MIMEType == "image/jpeg" &&
				m.Media.SHA256 == "6h2Ywm5A7pOCsdGbbEw7Y7Q9cnM6q8Ap7H0qZ5pdhbU=" && m.Text == "This one"
		}},
		{"a voice note is audio marked voice", "wamid.audio1", func(m whatsapp.Message) bool {
			return m.Kind == "audio" && m.Media.ID == "1003383421387257" && m.Media.Voice
		}},
		{"a video has its media", "wamid.video1", func(m whatsapp.Message) bool {
			return m.Kind == "video" && m.Media.ID == "1003383421387258" && m.Media.MIMEType == "video/mp4"
		}},
		{"a document has its file name and caption", "wamid.doc1", func(m whatsapp.Message) bool {
			return m.Kind == "document" && m.Media.Filename == "invoice.pdf" && m.Text == "invoice"
		}},
		{"an animated sticker is marked animated", "wamid.sticker1", func(m whatsapp.Message) bool {
			return m.Kind == "sticker" && m.Media.Animated && m.Media.MIMEType == "image/webp"
		}},
		{"a location has its coordinates and names", "wamid.loc1", func(m whatsapp.Message) bool {
			l := m.Location
			return m.Kind == "location" && l != nil && l.Latitude == 37.483307 && l.Longitude == -122.148981 &&
				l.Name == "Main office" && strings.HasPrefix(l.Address, "1 Hacker Way") && l.URL == "https://example.com"
		}},
		{"a contacts message has its cards", "wamid.contacts1", func(m whatsapp.Message) bool {
			return m.Kind == "contacts" && len(m.Contacts) == 1 && m.Contacts[0].Name == "Barbara J. Johnson" &&
				len(m.Contacts[0].Phones) == 2 && m.Contacts[0].Phones[1] == "+1 (415) 555-0124"
		}},
		{"a button reply has its ID, title and context", "wamid.button1", func(m whatsapp.Message) bool {
			return m.Kind == "interactive" && m.Reply != nil && *m.Reply == (whatsapp.Reply{Type: "button_reply", ID: "change-button", Title: "Change"}) &&
				m.Text == "Change" && m.Context != nil && m.Context.ID == "wamid.sent1"
		}},
		{"a list reply has its row", "wamid.list1", func(m whatsapp.Message) bool {
			return m.Reply != nil && *m.Reply == (whatsapp.Reply{Type: "list_reply", ID: "priority_express", Title: "Priority Mail Express", Description: "Next Day to 2 Days"})
		}},
		{"a template button tap has its payload", "wamid.tmplbutton1", func(m whatsapp.Message) bool {
			return m.Kind == "button" && m.Reply != nil && m.Reply.ID == "Unsubscribe" && m.Text == "Stop promotions"
		}},
		{"a reaction names its message and emoji", "wamid.reaction1", func(m whatsapp.Message) bool {
			return m.Kind == "reaction" && m.Reaction != nil && *m.Reaction == (whatsapp.Reaction{MessageID: "wamid.sent1", Emoji: "😀"})
		}},
		{"an unsupported message keeps Meta's error", "wamid.unsupported1", func(m whatsapp.Message) bool {
			return m.Kind == "unsupported" && len(m.Errors) == 1 && m.Errors[0].Code == 131051 &&
				m.Errors[0].Title == "Message type unknown" && m.Errors[0].Details == "Message type is currently not supported."
		}},
		{"an unknown type is unsupported, its type kept", "wamid.future1", func(m whatsapp.Message) bool {
			return m.Kind == "unsupported" && m.Type == "hologram" && m.ProfileName == "Kerry Fisher"
		}},
		{"a forwarded text says so", "wamid.fwd1", func(m whatsapp.Message) bool {
			return m.Kind == "text" && m.Context != nil && m.Context.Forwarded
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := byID[tt.id]
			if !ok {
				t.Fatalf("no message %s", tt.id)
			}
			if !tt.check(m) {
				t.Fatalf("parsed as %+v (media %+v)", m, m.Media)
			}
		})
	}
}

func TestParseStatuses(t *testing.T) {
	ch := parseOne(t, readFixture(t, "statuses.json"))
	if len(ch.Statuses) != 4 {
		t.Fatalf("%d statuses, want 4", len(ch.Statuses))
	}
	want := []string{"sent", "delivered", "read", "failed"}
	ids := map[string]bool{}
	for i, s := range ch.Statuses {
		if s.Status != want[i] || s.RecipientID != "16505551234" || s.Time.IsZero() || len(s.Raw) == 0 {
			t.Errorf("status %d: %+v", i, s)
		}
		ids[s.EventID()] = true
	}
	if len(ids) != 4 {
		t.Fatalf("event IDs %v are not distinct", ids)
	}
	f := ch.Statuses[3]
	if f.ID != "wamid.sent2" || len(f.Errors) != 1 || f.Errors[0].Code != 131047 || f.Errors[0].Title != "Re-engagement message" ||
		!strings.Contains(f.Errors[0].Details, "24 hours") {
		t.Fatalf("failed status %+v", f)
	}
}

// What whatsapptest builds parses back into what it was built from.
func TestParseWhatTheFakeBuilds(t *testing.T) {
	b := whatsapptest.Business{Account: "waba1", PhoneNumberID: "pn1", DisplayPhoneNumber: "15550001111"}
	at := time.Unix(1_760_000_000, 0)
	body := whatsapptest.Body(b,
		whatsapptest.Text("111", "hello", whatsapptest.WithName("Ann"), whatsapptest.WithID("wamid.a"), whatsapptest.At(at)),
		whatsapptest.Image("111", "m1", "image/png", whatsapptest.Caption("look")),
		whatsapptest.Reaction("222", "wamid.x", "👍", whatsapptest.WithName("Bo")),
		whatsapptest.StatusFailed("wamid.out", "111", 131047, "Re-engagement message"),
	)
	ch := parseOne(t, body)
	if ch.PhoneNumberID != "pn1" || ch.Account != "waba1" || len(ch.Messages) != 3 || len(ch.Statuses) != 1 || len(ch.Contacts) != 2 {
		t.Fatalf("change %+v", ch)
	}
	m := ch.Messages[0]
	if m.ID != "wamid.a" || m.Text != "hello" || m.ProfileName != "Ann" || !m.Time.Equal(at) {
		t.Fatalf("text %+v", m)
	}
	if m := ch.Messages[1]; m.Media == nil || m.Media.ID != "m1" || m.Text != "look" || m.ProfileName != "Ann" {
		t.Fatalf("image %+v", m)
	}
	if m := ch.Messages[2]; m.Reaction == nil || m.Reaction.Emoji != "👍" || m.ProfileName != "Bo" {
		t.Fatalf("reaction %+v", m)
	}
	if s := ch.Statuses[0]; s.Status != "failed" || s.Errors[0].Code != 131047 {
		t.Fatalf("status %+v", s)
	}
}

func TestParseKeepsOddMessagesAndRefusesOddBodies(t *testing.T) {
	envelope := func(value string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":` + value + `}]}]}`)
	}
	t.Run("a message with a field of the wrong type is kept as unsupported", func(t *testing.T) {
		ch := parseOne(t, envelope(`{"messages":[{"id":"wamid.1","from":"111","type":"text","text":{"body":5}}]}`))
		if m := ch.Messages[0]; m.ID != "wamid.1" || m.From != "111" || m.Kind != "unsupported" || m.Type != "text" {
			t.Fatalf("%+v", m)
		}
	})
	t.Run("a message without an ID gets one from its content", func(t *testing.T) {
		ch := parseOne(t, envelope(`{"messages":[{"from":"111","type":"text","text":{"body":"a"}},{"from":"111","type":"text","text":{"body":"b"}}]}`))
		a, b := ch.Messages[0].ID, ch.Messages[1].ID
		if !strings.HasPrefix(a, "sha256:") || a == b {
			t.Fatalf("IDs %q and %q", a, b)
		}
	})
	t.Run("one ID repeated for different messages is told apart", func(t *testing.T) {
		ch := parseOne(t, envelope(`{"messages":[{"id":"w","from":"1","type":"text","text":{"body":"a"}},{"id":"w","from":"1","type":"text","text":{"body":"b"}},{"id":"w","from":"1","type":"text","text":{"body":"a"}}]}`))
		if ch.Messages[0].ID != "w" || ch.Messages[1].ID == "w" || ch.Messages[2].ID != "w" {
			t.Fatalf("IDs %q %q %q", ch.Messages[0].ID, ch.Messages[1].ID, ch.Messages[2].ID)
		}
	})
	t.Run("a known type without its object is unsupported", func(t *testing.T) {
		ch := parseOne(t, envelope(`{"messages":[{"id":"w","from":"1","type":"image"}]}`))
		if ch.Messages[0].Kind != "unsupported" {
			t.Fatalf("%+v", ch.Messages[0])
		}
	})
	t.Run("another field is kept without messages", func(t *testing.T) {
		n, err := whatsapp.ParseNotification([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"X"}}]}]}`))
		if err != nil || len(n.Changes) != 1 || n.Changes[0].Field != "account_update" || len(n.Changes[0].Messages) != 0 || string(n.Changes[0].Raw) != `{"event":"X"}` {
			t.Fatalf("%+v %v", n, err)
		}
	})
	bad := []struct{ name, body string }{
		{"an empty body", ``},
		{"a JSON array", `[1]`},
		{"invalid JSON", `{"object":"whatsapp_business_account",`},
		{"another object", `{"object":"page","entry":[]}`},
		{"no object", `{"entry":[]}`},
		{"entry of the wrong type", `{"object":"whatsapp_business_account","entry":{"secret-ish":1}}`},
		{"messages of the wrong type", string(envelope(`{"messages":"NOTSECRET-1234"}`))},
	}
	for _, tt := range bad {
		t.Run(tt.name+" is malformed and not quoted", func(t *testing.T) {
			_, err := whatsapp.ParseNotification([]byte(tt.body))
			if !errors.Is(err, whatsapp.ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
			var me *whatsapp.MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("got %T", err)
			}
			for _, s := range []string{"secret-ish", "NOTSECRET", "page"} {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error %q quotes the body", err)
				}
			}
		})
	}
}

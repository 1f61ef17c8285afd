package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/uuid"
	"github.com/socialdesk/socialdesk/media"
)

// pendingVideo is a customer's video recorded with its content pending.
func pendingVideo(ch, customer, external string, at time.Time) enquiry.Arrival {
	a := arrival(ch, customer, external, at)
	a.Message.Content = enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentPending, QuoteToken: "q-" + external,
		Media: &enquiry.MediaRef{Kind: media.KindVideo, URL: "https://cdn.example/" + external, PlatformID: "id-" + external, Duration: 5 * time.Second}}
	return a
}

// testLateContent: content recorded as pending is listed until settled,
// settled once (the first settlement wins), and keeps the message's other
// content fields.
func testLateContent(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	v1 := mustReceive(t, s, pendingVideo("a", "U1", "v1", t0))
	mustReceive(t, s, arrival("a", "U1", "t1", t0.Add(time.Second))) // a text: never pending
	v2 := mustReceive(t, s, pendingVideo("a", "U2", "v2", t0.Add(2*time.Second)))
	if v1.Message.Content.State != enquiry.ContentPending {
		t.Fatalf("Receive returned content state %q, want pending", v1.Message.Content.State)
	}
	pending := func(why string, want ...string) {
		t.Helper()
		ms, err := s.PendingContent(ctx(t), 0)
		if err != nil {
			t.Fatalf("%s: PendingContent: %v", why, err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.ExternalID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: pending content of %v, want %v", why, got, want)
		}
	}
	pending("before any settles", "v1", "v2")
	ms, err := s.PendingContent(ctx(t), 1)
	if err != nil || len(ms) != 1 || ms[0].ExternalID != "v1" {
		t.Fatalf("PendingContent(limit 1) = %+v, %v; want v1 alone", ms, err)
	}
	// What a connector needs to fetch it again is kept: where it is, and
	// the platform's ID of the content.
	if got, want := ms[0].Content.Media, pendingVideo("a", "U1", "v1", t0).Message.Content.Media; got == nil || *got != *want {
		t.Fatalf("PendingContent's v1 has media %+v, want %+v as recorded", got, want)
	}

	ref := enquiry.MediaRef{Kind: media.KindVideo, Format: "mp4", Size: 1234, Key: "chat/a/v1", Duration: 5 * time.Second}
	m, ok, err := s.CompleteContent(ctx(t), v1.Message.ID, enquiry.Completion{Media: &ref})
	if err != nil || !ok {
		t.Fatalf("CompleteContent(v1, media) = %v, %v; want settled", ok, err)
	}
	want := enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentAvailable, QuoteToken: "q-v1", Media: &ref}
	if !reflect.DeepEqual(m.Content, want) {
		t.Fatalf("settled content = %+v, want %+v", m.Content, want)
	}
	note := enquiry.UnsupportedNote{Kind: "video", Reason: "gave up"}
	if m, ok, err := s.CompleteContent(ctx(t), v1.Message.ID, enquiry.Completion{Unavailable: &note}); err != nil || ok || m.Content.State != enquiry.ContentAvailable {
		t.Fatalf("CompleteContent(v1) again = %+v, %v, %v; want the first settlement kept", m.Content, ok, err)
	}
	pending("after v1 is attached", "v2")

	m, ok, err = s.CompleteContent(ctx(t), v2.Message.ID, enquiry.Completion{Unavailable: &note})
	if err != nil || !ok {
		t.Fatalf("CompleteContent(v2, unavailable) = %v, %v; want settled", ok, err)
	}
	want = enquiry.Content{Kind: enquiry.Unsupported, State: enquiry.ContentUnavailable, QuoteToken: "q-v2", Unsupported: &note}
	if !reflect.DeepEqual(m.Content, want) {
		t.Fatalf("unavailable content = %+v, want %+v", m.Content, want)
	}
	pending("after both settle")
	msgs, err := s.Messages(ctx(t), v2.Enquiry.ID, 0, 0)
	if err != nil || len(msgs) != 1 || !reflect.DeepEqual(msgs[0].Content, want) {
		t.Fatalf("stored transcript = %+v, %v; want the unavailable note", msgs, err)
	}
	if _, _, err := s.CompleteContent(ctx(t), uuid.New(), enquiry.Completion{Media: &ref}); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("CompleteContent(unknown message) = %v, want ErrNotFound", err)
	}
}

// testCustomerName: a name looked up later is kept on the customer and on
// their open enquiry, without changing its version.
func testCustomerName(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	r := receive(t, s, "a", "U1", "m1", t0)
	if r.Enquiry.Customer.Name != "" {
		t.Fatalf("listed with name %q, want none yet", r.Enquiry.Customer.Name)
	}
	e, ok, err := s.SetCustomerName(ctx(t), "a", "U1", "Alice")
	if err != nil || !ok || e.ID != r.Enquiry.ID || e.Customer.Name != "Alice" || e.Version != r.Enquiry.Version {
		t.Fatalf("SetCustomerName = %+v, %v, %v; want the open enquiry named, version %d", e, ok, err, r.Enquiry.Version)
	}
	if got, err := s.Enquiry(ctx(t), r.Enquiry.ID); err != nil || got.Customer.Name != "Alice" {
		t.Fatalf("stored enquiry's customer = %+v, %v; want Alice", got.Customer, err)
	}
	if _, ok, err := s.SetCustomerName(ctx(t), "a", "U2", "Bob"); err != nil || ok {
		t.Fatalf("SetCustomerName(no open enquiry) = %v, %v; want recorded on the customer only", ok, err)
	}
	for _, tc := range []struct{ channel, customer, want string }{
		{"a", "U1", "Alice"}, {"a", "U2", "Bob"}, {"b", "U1", ""}, {"a", "U3", ""},
	} {
		if got, err := s.CustomerName(ctx(t), tc.channel, tc.customer); err != nil || got != tc.want {
			t.Fatalf("CustomerName(%s, %s) = %q, %v; want %q", tc.channel, tc.customer, got, err, tc.want)
		}
	}
	if _, _, err := s.SetCustomerName(ctx(t), "nowhere", "U1", "Alice"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("SetCustomerName(unknown channel) = %v, want ErrNotFound", err)
	}
	if err := s.DeleteChannel(ctx(t), "a"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CustomerName(ctx(t), "a", "U2"); err != nil || got != "" {
		t.Fatalf("CustomerName after the channel is deleted = %q, %v; want none", got, err)
	}
}

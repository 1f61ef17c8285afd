package enquiry_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// receiveVideo records a customer's video whose content is still pending.
func (f *fixture) receiveVideo(customer, external string) enquiry.Received {
	f.t.Helper()
	r, err := f.desk.Receive(f.t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: customer}, ExternalID: external, Time: f.clock.Now(),
		Content: enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentPending,
			Media: &enquiry.MediaRef{Kind: media.KindVideo, Duration: time.Second}},
	})
	if err != nil {
		f.t.Fatalf("Receive: %v", err)
	}
	return r
}

// events returns the kinds of the events waiting on sub, and the last one.
func events(sub *enquiry.Subscription) ([]string, enquiry.Notice) {
	var (
		kinds []string
		last  enquiry.Notice
	)
	for len(sub.C) > 0 {
		last = <-sub.C
		kinds = append(kinds, string(last.Kind))
	}
	return kinds, last
}

func TestContentArrivesAfterTheMessageAndLiveViewsAreTold(t *testing.T) {
	ref := enquiry.MediaRef{Kind: media.KindVideo, Format: "mp4", Size: 99, Key: "media/main/v1", Duration: time.Second}
	why := enquiry.UnsupportedNote{Kind: "video", Reason: "The content could not be downloaded."}
	tests := []struct {
		name   string
		settle func(f *fixture, id string) error
		want   enquiry.Content
	}{
		{"attached content makes the video available", func(f *fixture, id string) error {
			return f.desk.AttachContent(t.Context(), id, ref)
		}, enquiry.Content{Kind: enquiry.Video, State: enquiry.ContentAvailable, Media: &ref}},
		{"content that cannot be had makes the video unavailable, saying why", func(f *fixture, id string) error {
			return f.desk.ContentUnavailable(t.Context(), id, why)
		}, enquiry.Content{Kind: enquiry.Unsupported, State: enquiry.ContentUnavailable, Unsupported: &why}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, enquiry.Config{}, nil)
			r := f.receiveVideo("U1", "v1")
			text := f.receive("U1", "t1", "did you get my video?", "")
			msgs := f.transcript(r.Enquiry.ID)
			if msgs[0].Content.State != enquiry.ContentPending || msgs[len(msgs)-1].ID != text.Message.ID {
				t.Fatalf("before the content: %+v; want the pending video first, the text last", msgs)
			}
			sub := f.feed.Subscribe(10)
			defer sub.Close()
			if err := tc.settle(f, r.Message.ID); err != nil {
				t.Fatal(err)
			}
			got := f.transcript(r.Enquiry.ID)[0].Content
			if got.Kind != tc.want.Kind || got.State != tc.want.State || (got.Media == nil) != (tc.want.Media == nil) ||
				(got.Unsupported == nil) != (tc.want.Unsupported == nil) {
				t.Fatalf("settled content = %+v, want %+v", got, tc.want)
			}
			kinds, last := events(sub)
			if len(kinds) != 1 || last.Kind != enquiry.MessageUpdated || last.Message.ID != r.Message.ID || last.Message.Content.State != tc.want.State {
				t.Fatalf("events = %v (last %+v); want one message.updated with the new state", kinds, last.Message)
			}
			// Settled once: a repeat (a connector retrying) changes nothing.
			if err := f.desk.ContentUnavailable(t.Context(), r.Message.ID, enquiry.UnsupportedNote{Reason: "again"}); err != nil {
				t.Fatal(err)
			}
			if again := f.transcript(r.Enquiry.ID)[0].Content; again.State != tc.want.State {
				t.Fatalf("after a repeat: state %q, want %q kept", again.State, tc.want.State)
			}
			if kinds, _ := events(sub); len(kinds) != 0 {
				t.Fatalf("a repeat published %v", kinds)
			}
			if p, err := f.desk.PendingContent(t.Context(), 0); err != nil || len(p) != 0 {
				t.Fatalf("PendingContent = %+v, %v; want none", p, err)
			}
		})
	}
}

func TestSettlingContentRefusesWhatCannotBeRight(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r := f.receiveVideo("U1", "v1")
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"content without a blob key is refused", func() error {
			return f.desk.AttachContent(t.Context(), r.Message.ID, enquiry.MediaRef{Kind: media.KindVideo})
		}, enquiry.ErrInvalid},
		{"content of a kind that is not media is refused", func() error {
			return f.desk.AttachContent(t.Context(), r.Message.ID, enquiry.MediaRef{Kind: "file", Key: "k"})
		}, enquiry.ErrInvalid},
		{"unavailable without a reason is refused", func() error {
			return f.desk.ContentUnavailable(t.Context(), r.Message.ID, enquiry.UnsupportedNote{})
		}, enquiry.ErrInvalid},
		{"an unknown message is not found", func() error {
			return f.desk.AttachContent(t.Context(), "no-such-message", enquiry.MediaRef{Kind: media.KindVideo, Key: "k"})
		}, enquiry.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if p, err := f.desk.PendingContent(t.Context(), 0); err != nil || len(p) != 1 || p[0].ID != r.Message.ID {
		t.Fatalf("PendingContent = %+v, %v; want the video still pending", p, err)
	}
}

func TestNameArrivesAfterTheEnquiryIsListed(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r := f.receiveVideo("U1", "v1")
	if r.Enquiry.Customer.Name != "" {
		t.Fatalf("listed as %q, want the customer ID alone for now", r.Enquiry.Customer.Name)
	}
	sub := f.feed.Subscribe(10)
	defer sub.Close()
	long := strings.Repeat("名", enquiry.MaxCustomerName+5)
	if err := f.desk.SetCustomerName(t.Context(), "main", "U1", long); err != nil {
		t.Fatal(err)
	}
	e := f.enquiry(r.Enquiry.ID)
	if e.Customer.Name != strings.Repeat("名", enquiry.MaxCustomerName) || e.Version != r.Enquiry.Version {
		t.Fatalf("enquiry's customer = %q (version %d); want the name cut to %d, version %d unchanged",
			e.Customer.Name, e.Version, enquiry.MaxCustomerName, r.Enquiry.Version)
	}
	kinds, last := events(sub)
	if len(kinds) != 1 || last.Kind != enquiry.EnquiryChanged || last.Enquiry.Customer.Name != e.Customer.Name {
		t.Fatalf("events = %v; want one enquiry.changed with the name", kinds)
	}
	if n, err := f.desk.CustomerName(t.Context(), "main", "U1"); err != nil || n != e.Customer.Name {
		t.Fatalf("CustomerName = %q, %v", n, err)
	}
	if err := f.desk.SetCustomerName(t.Context(), "main", "", "x"); !errors.Is(err, enquiry.ErrInvalid) {
		t.Fatalf("a name without a customer: %v, want ErrInvalid", err)
	}
}

package enquiry_test

import (
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

func TestReceiveCutsALongTextAndSaysHowLongItWas(t *testing.T) {
	tests := []struct {
		name     string
		max      int // Config.MaxInboundText
		text     string
		want     string
		original int // 0: not cut
	}{
		{"100,000 characters are cut to the default 5,000", 0,
			strings.Repeat("あ", 100000), strings.Repeat("あ", 5000), 100000},
		{"5,000 characters are kept whole", 0,
			strings.Repeat("x", 5000), strings.Repeat("x", 5000), 0},
		{"an emoji across the limit is left out whole, never split", 0,
			strings.Repeat("x", 4999) + "😀b", strings.Repeat("x", 4999), 5002},
		{"the limit is configurable", 10,
			"0123456789abc", "0123456789", 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, enquiry.Config{MaxInboundText: tc.max}, nil)
			r := f.receive("U1", "m1", tc.text, "")
			msgs := f.transcript(r.Enquiry.ID)
			got := msgs[0].Content
			if got.Kind != enquiry.Text || got.Text != tc.want || got.OriginalLength != tc.original {
				t.Fatalf("stored content: %d units, OriginalLength %d; want %d units, OriginalLength %d",
					media.UTF16Len(got.Text), got.OriginalLength, media.UTF16Len(tc.want), tc.original)
			}
			if r.Message.Content != got {
				t.Fatal("Receive returned other content than it stored")
			}
			if msgs[0].ExternalID != "m1" || msgs[0].Author.ID != "U1" {
				t.Fatalf("the rest of the message was not kept: %+v", msgs[0])
			}
		})
	}
}

func TestReceiveKeepsAMessageWhoseIDAnotherCustomerUsed(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	first := f.receive("U1", "m1", "mine", "")
	second := f.receive("U2", "m1", "also mine", "")
	if !second.ReusedID || second.Duplicate || !second.Opened || second.Enquiry.Customer.ID != "U2" {
		t.Fatalf("second customer's message: %+v; want a new enquiry of U2, reported as ReusedID", second)
	}
	if msgs := f.transcript(second.Enquiry.ID); msgs[0].Content.Text != "also mine" || msgs[0].Author.ID != "U2" {
		t.Fatalf("U2's transcript = %+v", msgs)
	}
	if dup := f.receive("U2", "m1", "also mine", ""); !dup.Duplicate || dup.ReusedID {
		t.Fatalf("redelivery of U2's message: %+v; want a Duplicate, not reported again", dup)
	}
	if err := f.desk.Unsend(t.Context(), "main", "U2", "m1"); err != nil {
		t.Fatal(err)
	}
	if f.transcript(first.Enquiry.ID)[0].Unsent || !f.transcript(second.Enquiry.ID)[0].Unsent {
		t.Fatal("Unsend by U2 did not mark exactly U2's message")
	}
}

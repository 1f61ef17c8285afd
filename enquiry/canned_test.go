package enquiry_test

import (
	"errors"
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
)

func TestCannedRepliesRenderAsTheAutoMessagesDo(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) { ch.AutoMessages.NameFormat = automsg.NameFull })
	ctx := t.Context()
	thanks, err := f.desk.CreateCanned(ctx, enquiry.CannedReply{Channel: "main", Name: "thanks", Text: "Thank you, {customer}! {staff}, {channel}"})
	if err != nil {
		t.Fatal(err)
	}
	if thanks.ID == "" || thanks.Created.IsZero() || !thanks.Updated.Equal(thanks.Created) {
		t.Fatalf("CreateCanned gave %+v; want an ID and its times", thanks)
	}
	e := f.receive("U1", "m1", "hello", "").Enquiry
	if _, err := f.desk.Attend(ctx, e.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, staff, want string }{
		{"the staff member attending, when none is named", "", "Thank you, Yui! Alice Chen, Acme Support"},
		{"the staff member who inserts it", "bob", "Thank you, Yui! Bob Tanaka, Acme Support"},
	} {
		t.Run(tc.name+" is {staff}", func(t *testing.T) {
			got, err := f.desk.RenderCanned(ctx, e.ID, tc.staff, []enquiry.CannedReply{thanks})
			if err != nil || len(got) != 1 || got[0] != tc.want {
				t.Fatalf("RenderCanned = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("a reply of another channel is refused", func(t *testing.T) {
		other := thanks
		other.Channel = "other"
		var ve *enquiry.ValidationError
		if _, err := f.desk.RenderCanned(ctx, e.ID, "", []enquiry.CannedReply{other}); !errors.As(err, &ve) || ve.Field != "channel" {
			t.Fatalf("RenderCanned of another channel's reply: %v, want a ValidationError of channel", err)
		}
	})
	t.Run("a text automsg refuses is refused with automsg's error", func(t *testing.T) {
		_, err := f.desk.CreateCanned(ctx, enquiry.CannedReply{Channel: "main", Name: "bad", Text: "Hi {nmae}"})
		var ve *enquiry.ValidationError
		if !errors.As(err, &ve) || ve.Field != "text" || !errors.Is(err, automsg.ErrUnknownPlaceholder) {
			t.Fatalf("CreateCanned with {nmae}: %v; want a ValidationError of text wrapping ErrUnknownPlaceholder", err)
		}
	})
	t.Run("an edit keeps the creation time and moves the update time", func(t *testing.T) {
		edited := thanks
		edited.Text = "Thanks!"
		got, err := f.desk.UpdateCanned(ctx, edited)
		if err != nil || !got.Created.Equal(thanks.Created) || !got.Updated.After(thanks.Updated) {
			t.Fatalf("UpdateCanned = %+v, %v", got, err)
		}
	})
	t.Run("an unknown channel has no replies to list", func(t *testing.T) {
		if _, err := f.desk.CannedReplies(ctx, "none"); !errors.Is(err, enquiry.ErrNotFound) {
			t.Fatalf("CannedReplies(none): %v, want ErrNotFound", err)
		}
	})
}

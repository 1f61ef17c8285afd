package enquiry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// profiler is a Sender whose platform knows one customer's profile.
type profiler struct {
	*sender
	calls int
	err   error
}

func (p *profiler) CustomerProfile(ctx context.Context, ch enquiry.Channel, customer string) (enquiry.Profile, error) {
	p.calls++
	if p.err != nil {
		return enquiry.Profile{}, p.err
	}
	if customer != "U1" {
		return enquiry.Profile{}, nil
	}
	return enquiry.Profile{ID: customer, Name: "Yui on the platform", PictureURL: "https://profile.example/yui.jpg"}, nil
}

func TestProfileTellsTheRecordedNameFriendshipAndThePlatformsPicture(t *testing.T) {
	p := &profiler{sender: &sender{}}
	f := newFixture(t, enquiry.Config{Kinds: map[string]enquiry.Kind{"social": {Sender: p}}}, nil)
	ctx := t.Context()
	got, err := f.desk.Profile(ctx, "main", "U1")
	if err != nil {
		t.Fatal(err)
	}
	want := enquiry.Profile{ID: "U1", Name: "Yui on the platform", PictureURL: "https://profile.example/yui.jpg"}
	if got != want {
		t.Fatalf("Profile before anything is recorded = %+v, want the platform's %+v", got, want)
	}

	if err := f.desk.SetCustomerName(ctx, "main", "U1", "Yui"); err != nil {
		t.Fatal(err)
	}
	at := start.Add(time.Minute)
	if err := f.desk.SetFriendship(ctx, "main", "U1", enquiry.Friend, at); err != nil {
		t.Fatal(err)
	}
	got, _ = f.desk.Profile(ctx, "main", "U1")
	want = enquiry.Profile{ID: "U1", Name: "Yui", PictureURL: "https://profile.example/yui.jpg", Friendship: enquiry.Friend, FriendshipAt: at}
	if got != want {
		t.Fatalf("Profile = %+v, want the recorded name and friendship: %+v", got, want)
	}

	// A customer who blocked the account is not looked up.
	calls := p.calls
	if err := f.desk.SetFriendship(ctx, "main", "U1", enquiry.Blocked, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ = f.desk.Profile(ctx, "main", "U1")
	if got.Friendship != enquiry.Blocked || got.PictureURL != "" || got.Name != "Yui" || p.calls != calls {
		t.Fatalf("Profile of a blocked customer = %+v after %d look-ups, want blocked, the recorded name, no picture, no look-up", got, p.calls-calls)
	}

	// A failing platform costs the picture only.
	p.err = errors.New("platform down")
	got, err = f.desk.Profile(ctx, "main", "U2")
	if err != nil || got != (enquiry.Profile{ID: "U2"}) {
		t.Fatalf("Profile while the platform fails = %+v, %v; want the ID alone and no error", got, err)
	}
	if _, err := f.desk.Profile(ctx, "nowhere", "U1"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("Profile(unknown channel) = %v, want ErrNotFound", err)
	}
}

func TestProfileWithoutAProfilerHasNoPicture(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	f.receive("U1", "m1", "hi", "")
	got, err := f.desk.Profile(t.Context(), "main", "U1")
	if err != nil || got.PictureURL != "" || got.ID != "U1" {
		t.Fatalf("Profile = %+v, %v; want the customer without a picture", got, err)
	}
}

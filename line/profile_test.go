package line_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

func TestProfileIsCachedForTheTTL(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Now())
	f := newFixture(t, line.Config{Clock: clk, ProfileTTL: time.Hour})
	f.p.AddUser(linetest.User{ID: customer, DisplayName: "Aiko", PictureURL: "https://profile.example/a.jpg", Language: "ja"})

	p, err := f.c.Profile(context.Background(), f.ch, customer)
	is.NoErr(err)
	is.Eq(p, line.Profile{UserID: customer, DisplayName: "Aiko", PictureURL: "https://profile.example/a.jpg", Language: "ja"})

	f.p.AddUser(linetest.User{ID: customer, DisplayName: "Aiko T."})
	p, err = f.c.Profile(context.Background(), f.ch, customer)
	is.NoErr(err)
	is.Eq(p.DisplayName, "Aiko", "served from the cache")
	is.Len(len(f.p.Calls()), 1)

	clk.Advance(time.Hour)
	p, err = f.c.Profile(context.Background(), f.ch, customer)
	is.NoErr(err)
	is.Eq(p.DisplayName, "Aiko T.", "fetched again after the TTL")
	is.Len(len(f.p.Calls()), 2)
}

func TestProfileOfAUserLINEDoesNotKnowIsEmptyNotAnError(t *testing.T) {
	is := outCheck(t)
	clk := clock.NewFake(time.Now())
	f := newFixture(t, line.Config{Clock: clk, ProfileTTL: time.Hour})
	p, err := f.c.Profile(context.Background(), f.ch, "Ublocked")
	is.NoErr(err)
	is.Eq(p, line.Profile{UserID: "Ublocked"})
	_, err = f.c.Profile(context.Background(), f.ch, "Ublocked")
	is.NoErr(err)
	is.Len(len(f.p.Calls()), 1, "the unknown name is cached too")

	f.p.AddUser(linetest.User{ID: "Ublocked", DisplayName: "Back"})
	clk.Advance(6 * time.Minute) // a tenth of the TTL
	p, err = f.c.Profile(context.Background(), f.ch, "Ublocked")
	is.NoErr(err)
	is.Eq(p.DisplayName, "Back", "an unknown name is asked again sooner")
}

func TestProfileErrors(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{MaxAttempts: 2})
	_, err := f.c.Profile(context.Background(), f.ch, "")
	is.ErrIs(err, line.ErrNoRecipient)
	ch := f.ch
	ch.Credentials.Token = "wrong"
	_, err = f.c.Profile(context.Background(), ch, customer)
	is.ErrIs(err, line.ErrUnauthorized)
	f.p.SetFaults(linetest.Faults{ServerErrors: 1})
	_, err = f.c.Profile(context.Background(), f.ch, customer)
	is.ErrIs(err, line.ErrServer)
	is.True(retryableErr(err))
}

func TestProfileIsSafeForConcurrentUse(t *testing.T) {
	f := newFixture(t, line.Config{})
	f.p.AddUser(linetest.User{ID: customer, DisplayName: "Aiko"})
	done := make(chan error, 20)
	for i := range 20 {
		go func() {
			id := customer
			if i%2 == 1 {
				id = "Ustranger"
			}
			_, err := f.c.Profile(context.Background(), f.ch, id)
			done <- err
		}()
	}
	for range 20 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestCustomerProfileGivesTheDeskTheNameAndPicture(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{ProfileTTL: time.Hour})
	f.p.AddUser(linetest.User{ID: customer, DisplayName: "Aiko", PictureURL: "https://profile.example/a.jpg"})
	p, err := f.c.CustomerProfile(context.Background(), f.ch, customer)
	is.NoErr(err)
	is.Eq(p, enquiry.Profile{ID: customer, Name: "Aiko", PictureURL: "https://profile.example/a.jpg"})
	p, err = f.c.CustomerProfile(context.Background(), f.ch, "Uunknown")
	is.NoErr(err)
	is.Eq(p, enquiry.Profile{ID: "Uunknown"})
}

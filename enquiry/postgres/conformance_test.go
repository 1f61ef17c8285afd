package postgres_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/storetest"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/inbox/inboxtest"
)

// TestConformance runs the suite every enquiry.Store must pass, each
// subtest on a store in a schema of its own.
func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) enquiry.Store { return newStore(t) })
}

// TestInboxConformance runs the suite every inbox.Store must pass, each
// subtest on a store in a schema of its own, with the channels the
// subtest's events belong to.
func TestInboxConformance(t *testing.T) {
	testDSN(t)
	inboxtest.Run(t, func(t *testing.T, channels ...string) inbox.Store {
		s := newStore(t)
		for _, id := range channels {
			ch := enquiry.Channel{ID: id, Name: "Channel " + id, Kind: "chat", Account: "U" + id,
				Credentials: enquiry.Credentials{Secret: "secret-" + enquiry.Secret(id), Token: "token-" + enquiry.Secret(id)}}
			if err := s.CreateChannel(t.Context(), ch); err != nil {
				t.Fatal(err)
			}
		}
		return s
	})
}

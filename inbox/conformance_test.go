package inbox_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/inbox/inboxtest"
)

// The package tests' own store passes the suite, so that the pool's tests
// run on a store that behaves as the real ones do.
func TestTestStoreConformance(t *testing.T) {
	inboxtest.Run(t, func(t *testing.T, channels ...string) inbox.Store { return inbox.NewTestStore() })
}

package postgres_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/storetest"
)

// TestConformance runs the suite every enquiry.Store must pass, each
// subtest on a store in a schema of its own.
func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) enquiry.Store { return newStore(t) })
}

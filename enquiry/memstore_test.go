package enquiry_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/storetest"
	"github.com/socialdesk/socialdesk/inbox"
	"github.com/socialdesk/socialdesk/inbox/inboxtest"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) enquiry.Store { return enquiry.NewMemStore() })
}

func TestMemStoreInboxConformance(t *testing.T) {
	inboxtest.Run(t, func(t *testing.T, channels ...string) inbox.Store { return enquiry.NewMemStore() })
}

package enquiry_test

import (
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// defaultTexts switches the three auto-messages on with their default
// texts, staff named by first name.
func defaultTexts(ch *enquiry.Channel) {
	ch.AutoMessages = automsg.Settings{
		Welcome: automsg.Message{On: true}, Away: automsg.Message{On: true}, Close: automsg.Message{On: true},
		NameFormat: automsg.NameFirst,
	}
}

// The Welcome is written after routing's first decision: when auto
// pick-up gives the enquiry to a staff member at once, it names them.
func TestWelcomeNamesTheStaffMemberAutoPickUpAssigned(t *testing.T) {
	f := newFixture(t, enquiry.Config{AutoAssign: true}, defaultTexts)
	f.roster.SetPresence("alice", routing.Busy)
	e := f.receive("U1", "m1", "hi", "rt-1").Enquiry
	if e.State != enquiry.Attending || e.Staff != "bob" {
		t.Fatalf("enquiry %s by %q; want attending by bob", e.State, e.Staff)
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Hi Yui! Thank you for contacting Acme Support. Bob is here to help you."})
}

// With nobody to answer, the default Welcome promises no one, so the Away
// message after it takes nothing back.
func TestDefaultWelcomeAndAwayDoNotContradictEachOther(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, defaultTexts)
	f.roster.SetPresence("alice", routing.Offline)
	f.roster.SetPresence("bob", routing.Offline)
	if e := f.receive("U1", "m1", "hi", "rt-1").Enquiry; e.State != enquiry.Missed {
		t.Fatalf("state %s, want missed", e.State)
	}
	equal(t, "sent", f.sender.texts(), []string{
		"reply:Hi Yui! Thank you for contacting Acme Support. We have received your message.",
		"reply:Hi Yui, thank you for your message. No one is available to answer right now; we will get back to you as soon as we can.",
	})
}

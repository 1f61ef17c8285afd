package enquiry_test

import (
	"testing"
	"time"

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

// Out of office hours, the default Away says when staff are back, from
// the channel's Time rule.
func TestDefaultAwaySaysWhenOfficeHoursBegin(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) {
		defaultTexts(ch)
		ch.Routing = &routing.Rule{Node: routing.Node{Time: &routing.Time{Zone: "Asia/Tokyo", Conditions: []routing.Condition{
			{Days: routing.Weekdays, From: "09:00", To: "18:00", Then: routing.Node{Alternative: []routing.Destination{routing.ToStaff("alice")}}},
		}}}}
	})
	// 10:00 UTC on Wednesday is 19:00 in Tokyo: after hours.
	if e := f.receive("U1", "m1", "hi", "rt-1").Enquiry; e.State != enquiry.Missed {
		t.Fatalf("state %s, want missed", e.State)
	}
	equal(t, "sent", f.sender.texts(), []string{
		"reply:Hi Yui! Thank you for contacting Acme Support. We have received your message.",
		"reply:Hi Yui, thank you for your message. No one is available to answer right now; we will get back to you tomorrow at 09:00 (Asia/Tokyo time).",
	})
	// On Friday evening, Monday's hours.
	f.clock.Advance(48 * time.Hour)
	f.receive("U2", "m2", "hi", "")
	texts := f.sender.texts()
	equal(t, "Away on Friday evening", texts[len(texts)-1:], []string{
		"push:Hi Yui, thank you for your message. No one is available to answer right now; we will get back to you on Monday at 09:00 (Asia/Tokyo time).",
	})
}

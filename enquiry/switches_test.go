package enquiry_test

import (
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// authors lists a transcript as "kind:id" per message.
func authors(msgs []enquiry.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Author.Kind)+":"+m.Author.ID)
	}
	return out
}

// hasCustomInfo reports whether msgs hold the custom info note.
func hasCustomInfo(msgs []enquiry.Message) bool {
	for _, m := range msgs {
		if m.Author.ID == "custom-info" {
			return true
		}
	}
	return false
}

// An enquiry's whole life with one switch off: opened, missed (nobody is
// available), attended and closed. The switched-off message never appears,
// neither sent nor in the transcript; the other two still do.
func TestEachAutoMessageSwitchedOffIsNeverSent(t *testing.T) {
	for _, k := range automsg.Kinds() {
		t.Run(k.String()+" off", func(t *testing.T) {
			f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) {
				m := ch.AutoMessages.Message(k)
				m.On = false
				ch.AutoMessages.SetMessage(k, m)
			})
			f.roster.SetPresence("alice", routing.Offline)
			f.roster.SetPresence("bob", routing.Offline)
			e := f.receive("U1", "m1", "hi", "rt-1").Enquiry
			if e.State != enquiry.Missed {
				t.Fatalf("state %s, want missed", e.State)
			}
			if _, err := f.desk.Attend(t.Context(), e.ID, "alice"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.desk.Close(t.Context(), e.ID, "alice"); err != nil {
				t.Fatal(err)
			}
			f.flush()
			want := map[automsg.Kind]string{automsg.Welcome: "Welcome!", automsg.Away: "Sorry, we are away.", automsg.Close: "Bye."}
			var sent []string
			for _, o := range f.sender.sent {
				for _, m := range o.Messages {
					sent = append(sent, m.Content.Text)
				}
			}
			var wantSent []string
			for _, other := range automsg.Kinds() {
				if other != k {
					wantSent = append(wantSent, want[other])
				}
			}
			equal(t, "sent", sent, wantSent)
			for _, a := range authors(f.transcript(e.ID)) {
				if a == "bot:"+k.String() {
					t.Fatalf("transcript has a %s message although it is off", k)
				}
			}
		})
	}
}

func TestCustomInfoSwitchedOffIsNotShownAtAll(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) { ch.CustomInfoOn = false })
	f.roster.SetPresence("alice", routing.Offline)
	f.roster.SetPresence("bob", routing.Offline)
	e := f.receive("U1", "m1", "hi", "").Enquiry
	if e.State != enquiry.Missed {
		t.Fatalf("state %s, want missed", e.State)
	}
	if msgs := f.transcript(e.ID); hasCustomInfo(msgs) {
		t.Fatalf("custom info in the room although switched off: %q", authors(msgs))
	}
	if info, err := f.desk.CustomInfo(t.Context(), e.ID); err != nil || info != "" {
		t.Fatalf("CustomInfo = %q, %v; want nothing to show", info, err)
	}
}

// A conversation staff started is addressed to them: when it is
// transferred and nobody attends in time, it is missed without the
// channel's custom info, and staff are not shown it either.
func TestCustomInfoDoesNotApplyToADirectEnquiry(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	e, _, err := f.desk.Engage(t.Context(), "main", enquiry.Customer{ID: "U1"}, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your order shipped."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Transfer(t.Context(), e.ID, "alice", routing.Step{Staff: "bob"}); err != nil {
		t.Fatal(err)
	}
	f.tick(routing.DefaultRingTimeout)
	if got := f.enquiry(e.ID); got.State != enquiry.Missed || !got.Direct {
		t.Fatalf("after the ring timeout: %s, direct %v; want a missed direct enquiry", got.State, got.Direct)
	}
	if msgs := f.transcript(e.ID); hasCustomInfo(msgs) {
		t.Fatalf("custom info in a direct enquiry's room: %q", authors(msgs))
	}
	if info, err := f.desk.CustomInfo(t.Context(), e.ID); err != nil || info != "" {
		t.Fatalf("CustomInfo = %q, %v; want nothing for a direct enquiry", info, err)
	}
	// The same channel's routed enquiries do get it.
	f.roster.SetPresence("alice", routing.Offline)
	f.roster.SetPresence("bob", routing.Offline)
	other := f.receive("U2", "m2", "hi", "").Enquiry
	if !hasCustomInfo(f.transcript(other.ID)) {
		t.Fatal("a routed missed enquiry has no custom info note")
	}
}

// The ring timeout of the last step misses the enquiry with the note as
// well: the timer path, not only the at-once miss.
func TestCustomInfoNoteAfterTheLastRingTimeout(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	e := f.receive("U1", "m1", "hi", "").Enquiry
	f.tick(routing.DefaultRingTimeout)
	f.tick(routing.DefaultRingTimeout + time.Second)
	msgs := f.transcript(e.ID)
	if f.enquiry(e.ID).State != enquiry.Missed || !hasCustomInfo(msgs) {
		t.Fatalf("transcript %q; want missed with the custom info note", authors(msgs))
	}
	for _, o := range f.sender.sent {
		for _, m := range o.Messages {
			if m.Content.Text == f.ch.CustomInfo {
				t.Fatal("custom info was sent to the customer")
			}
		}
	}
}

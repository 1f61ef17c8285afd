package enquiry_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/media"
)

// chatKind is a made-up second platform with rules unlike the default's:
// texts of at most 10 units, two messages a request, a 24-hour window.
func chatKind(s *sender) enquiry.Kind {
	return enquiry.Kind{Sender: s, Policy: media.Policy{MaxTextUnits: 10}, MaxBatch: 2, ReplyWindow: 24 * time.Hour}
}

// newChatFixture is newFixture with a second channel "chat" of kind
// "chat", served by its own sender.
func newChatFixture(t *testing.T) (*fixture, *sender) {
	t.Helper()
	chat := &sender{}
	f := newFixture(t, enquiry.Config{Kinds: map[string]enquiry.Kind{"chat": chatKind(chat)}}, nil)
	ch := f.ch
	ch.ID, ch.Kind, ch.Account = "chat", "chat", "+15550100"
	ch.AutoMessages = automsg.Settings{Welcome: automsg.Message{On: true, Text: "Hi!"}}
	if _, err := f.desk.CreateChannel(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	return f, chat
}

func (f *fixture) receiveOn(channel, customer, external, text string) enquiry.Received {
	f.t.Helper()
	r, err := f.desk.Receive(f.t.Context(), enquiry.Inbound{
		Channel: channel, Customer: enquiry.Customer{ID: customer}, ExternalID: external,
		Content: enquiry.Content{Kind: enquiry.Text, Text: text}, Time: f.clock.Now(),
	})
	if err != nil {
		f.t.Fatalf("Receive: %v", err)
	}
	f.flush()
	return r
}

func TestNewNeedsASenderForEveryKind(t *testing.T) {
	tests := []struct {
		name string
		cfg  enquiry.Config
	}{
		{"a config with neither Sender nor Kinds is refused", enquiry.Config{}},
		{"a kind without a sender is refused", enquiry.Config{Kinds: map[string]enquiry.Kind{"chat": {}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := enquiry.New(tt.cfg); !errors.Is(err, enquiry.ErrNoSender) {
				t.Fatalf("New = %v, want ErrNoSender", err)
			}
		})
	}
	t.Run("kinds alone are enough", func(t *testing.T) {
		if _, err := enquiry.New(enquiry.Config{Kinds: map[string]enquiry.Kind{"chat": chatKind(&sender{})}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEachKindSendsThroughItsOwnConnectorByItsOwnRules(t *testing.T) {
	f, chat := newChatFixture(t)
	social := f.receiveOn("main", "U1", "l1", "hello").Enquiry.ID
	other := f.receiveOn("chat", "P1", "w1", "hello").Enquiry.ID
	equal(t, "default sender", f.sender.texts(), []string{"push:Welcome!"})
	equal(t, "chat sender", chat.texts(), []string{"push:Hi!"})

	f.desk.Attend(t.Context(), social, "alice")
	f.desk.Attend(t.Context(), other, "alice")
	long := enquiry.Content{Kind: enquiry.Text, Text: "eleven char"}
	if _, err := f.desk.Send(t.Context(), social, "alice", long); err != nil {
		t.Fatalf("11 units on the default kind: %v", err)
	}
	var me *media.Error
	if _, err := f.desk.Send(t.Context(), other, "alice", long); !errors.As(err, &me) || me.Code != media.CodeTextTooLong {
		t.Fatalf("11 units on the chat kind: err = %v, want text_too_long", err)
	}

	t.Run("staff messages go one a request, in order, with the window as FreeUntil", func(t *testing.T) {
		chat.mu.Lock()
		chat.sent = nil
		chat.mu.Unlock()
		for _, s := range []string{"a", "b", "c"} {
			if _, err := f.desk.Send(t.Context(), other, "alice", enquiry.Content{Kind: enquiry.Text, Text: s}); err != nil {
				t.Fatal(err)
			}
		}
		f.flush()
		chat.mu.Lock()
		defer chat.mu.Unlock()
		var texts []string
		for _, out := range chat.sent {
			if len(out.Messages) != 1 {
				t.Fatalf("a request carried %d messages; each staff message is its own batch", len(out.Messages))
			}
			texts = append(texts, out.Messages[0].Content.Text)
			if want := start.Add(24 * time.Hour); !out.FreeUntil.Equal(want) {
				t.Fatalf("FreeUntil = %v, want %v", out.FreeUntil, want)
			}
		}
		if got := strings.Join(texts, ","); got != "a,b,c" {
			t.Fatalf("sent %q, want a,b,c in order", got)
		}
	})
}

func TestTheReplyWindowIsEnforcedUpFront(t *testing.T) {
	f, chat := newChatFixture(t)
	id := f.receiveOn("chat", "P1", "w1", "hello").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	text := enquiry.Content{Kind: enquiry.Text, Text: "ok"}

	pending, err := f.desk.Send(t.Context(), id, "alice", text)
	if err != nil {
		t.Fatalf("inside the window: %v", err)
	}
	calls := func() int { chat.mu.Lock(); defer chat.mu.Unlock(); return chat.calls }
	before := calls()
	f.clock.Advance(24 * time.Hour) // the window passes before the outbox runs
	f.flush()
	if d := f.message(id, pending.ID).Delivery; d.State != enquiry.Failed || !strings.HasPrefix(d.Reason, "window_closed") {
		t.Fatalf("pending when the window passed: %+v, want failed with window_closed", d)
	}
	if calls() != before {
		t.Fatal("a send after the window was handed to the connector")
	}

	n := len(f.transcript(id))
	if _, err := f.desk.Send(t.Context(), id, "alice", text); !errors.Is(err, enquiry.ErrWindowClosed) {
		t.Fatalf("after the window: err = %v, want ErrWindowClosed", err)
	}
	if len(f.transcript(id)) != n {
		t.Fatal("a send refused for the window was recorded")
	}

	f.receiveOn("chat", "P1", "w2", "still there?")
	if _, err := f.desk.Send(t.Context(), id, "alice", text); err != nil {
		t.Fatalf("once the customer wrote again: %v", err)
	}

	t.Run("engaging a customer on a windowed kind is refused", func(t *testing.T) {
		_, _, err := f.desk.Engage(t.Context(), "chat", enquiry.Customer{ID: "P2"}, "alice", text)
		if !errors.Is(err, enquiry.ErrWindowClosed) {
			t.Fatalf("Engage = %v, want ErrWindowClosed", err)
		}
	})
	t.Run("the default kind has no window", func(t *testing.T) {
		lid := f.receiveOn("main", "U1", "l1", "hello").Enquiry.ID
		f.desk.Attend(t.Context(), lid, "alice")
		f.clock.Advance(72 * time.Hour)
		if _, err := f.desk.Send(t.Context(), lid, "alice", text); err != nil {
			t.Fatalf("three days later: %v", err)
		}
	})
}

// TestOnAKindThatPushesAfterItsWindowTheWindowOnlyBoundsReplyHandles: a
// platform whose reply handles are good for 50 s and which takes pushes
// after that. A fresh handle goes to one send with FreeUntil at its end;
// a handle already past it goes to none; nothing is refused for the
// window, not even days later or to a customer engaged by staff.
func TestOnAKindThatPushesAfterItsWindowTheWindowOnlyBoundsReplyHandles(t *testing.T) {
	replies := &sender{}
	kind := enquiry.Kind{Sender: replies, ReplyWindow: 50 * time.Second, PushAfterWindow: true}
	f := newFixture(t, enquiry.Config{Kinds: map[string]enquiry.Kind{"reply": kind}}, nil)
	ch := f.ch
	ch.ID, ch.Kind, ch.Account = "reply", "reply", "Ureply"
	ch.AutoMessages = automsg.Settings{Welcome: automsg.Message{On: true, Text: "Hi!"}}
	if _, err := f.desk.CreateChannel(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	receive := func(external, handle string) enquiry.Received {
		t.Helper()
		r, err := f.desk.Receive(t.Context(), enquiry.Inbound{
			Channel: "reply", Customer: enquiry.Customer{ID: "U1"}, ExternalID: external,
			Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}, ReplyHandle: handle, Time: f.clock.Now(),
		})
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		f.flush()
		return r
	}
	last := func() enquiry.Outbound {
		t.Helper()
		replies.mu.Lock()
		defer replies.mu.Unlock()
		if len(replies.sent) == 0 {
			t.Fatal("nothing was sent")
		}
		return replies.sent[len(replies.sent)-1]
	}
	text := enquiry.Content{Kind: enquiry.Text, Text: "ok"}

	id := receive("m1", "rt-1").Enquiry.ID
	if out := last(); out.Reply.Handle != "rt-1" || !out.Reply.At.Equal(start) || !out.FreeUntil.Equal(start.Add(50*time.Second)) || out.ReplyRetry {
		t.Fatalf("Welcome: reply %+v, FreeUntil %v, retry %v; want rt-1 from %v until 50 s later", out.Reply, out.FreeUntil, out.ReplyRetry, start)
	}
	f.desk.Attend(t.Context(), id, "alice")
	if _, err := f.desk.Send(t.Context(), id, "alice", text); err != nil {
		t.Fatal(err)
	}
	f.flush()
	if out := last(); !out.Reply.IsZero() || !out.FreeUntil.IsZero() {
		t.Fatalf("after the handle was used: reply %+v, FreeUntil %v; want neither", out.Reply, out.FreeUntil)
	}

	t.Run("a handle past the window goes to no send", func(t *testing.T) {
		receive("m2", "rt-2")
		f.clock.Advance(50 * time.Second)
		if _, err := f.desk.Send(t.Context(), id, "alice", text); err != nil {
			t.Fatalf("after the window: %v, want sent without the handle", err)
		}
		f.flush()
		if out := last(); !out.Reply.IsZero() || !out.FreeUntil.IsZero() {
			t.Fatalf("a stale handle was handed on: reply %+v, FreeUntil %v", out.Reply, out.FreeUntil)
		}
		if r, err := f.store.TakeReply(t.Context(), id); err != nil || !r.IsZero() {
			t.Fatalf("the stale handle is still held: %+v, %v", r, err)
		}
		for _, m := range f.transcript(id) {
			if m.Delivery != nil && (m.Delivery.State != enquiry.Sent || !m.Delivery.Reply.IsZero()) {
				t.Fatalf("delivery %+v; want sent, holding no handle", m.Delivery)
			}
		}
	})
	t.Run("days later a send still goes", func(t *testing.T) {
		f.clock.Advance(72 * time.Hour)
		if _, err := f.desk.Send(t.Context(), id, "alice", text); err != nil {
			t.Fatalf("three days later: %v", err)
		}
	})
	t.Run("staff may engage a customer", func(t *testing.T) {
		if _, _, err := f.desk.Engage(t.Context(), "reply", enquiry.Customer{ID: "U2"}, "alice", text); err != nil {
			t.Fatalf("Engage = %v, want no refusal for the window", err)
		}
	})
}

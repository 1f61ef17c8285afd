package enquiry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
)

// MarkRead makes the test sender an enquiry.ReadMarker.
func (s *sender) MarkRead(ctx context.Context, ch enquiry.Channel, customer, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, customer+" "+token)
	return nil
}

func (s *sender) marks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reads...)
}

// receiveTokens is a customer text with the platform's read and quote
// tokens, perhaps quoting another message (its external ID).
func (f *fixture) receiveTokens(customer, external, text, readToken, quoteToken, quotes string) enquiry.Received {
	f.t.Helper()
	c := enquiry.Content{Kind: enquiry.Text, Text: text, ReadToken: readToken, QuoteToken: quoteToken}
	if quotes != "" {
		c.Quote = &enquiry.Quote{ExternalID: quotes}
	}
	r, err := f.desk.Receive(f.t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: customer}, ExternalID: external, Content: c, Time: f.clock.Now(),
	})
	if err != nil {
		f.t.Fatalf("Receive: %v", err)
	}
	f.flush()
	return r
}

func TestAttendMarksTheCustomersMessagesReadOnceWithTheNewestToken(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	ctx := t.Context()
	r := f.receiveTokens("U1", "m1", "Hello", "read-1", "quote-1", "")
	f.receiveTokens("U1", "m2", "Are you there?", "read-2", "quote-2", "")
	if got := f.sender.marks(); len(got) != 0 {
		t.Fatalf("marked before anyone attended: %v", got)
	}
	if _, err := f.desk.Attend(ctx, r.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	equal(t, "marks after attending", f.sender.marks(), []string{"U1 read-2"})

	t.Run("opening the room again marks nothing new", func(t *testing.T) {
		if err := f.desk.MarkRead(ctx, r.Enquiry.ID, "alice"); err != nil {
			t.Fatal(err)
		}
		equal(t, "marks", f.sender.marks(), []string{"U1 read-2"})
	})
	t.Run("a newer message is marked when the room is opened", func(t *testing.T) {
		f.receiveTokens("U1", "m3", "Hello?", "read-3", "quote-3", "")
		if err := f.desk.MarkRead(ctx, r.Enquiry.ID, "alice"); err != nil {
			t.Fatal(err)
		}
		equal(t, "marks", f.sender.marks(), []string{"U1 read-2", "U1 read-3"})
	})
	t.Run("staff who do not attend cannot mark it read", func(t *testing.T) {
		if err := f.desk.MarkRead(ctx, r.Enquiry.ID, "bob"); !errors.Is(err, enquiry.ErrNotOwner) {
			t.Fatalf("MarkRead by bob: %v, want ErrNotOwner", err)
		}
	})
	t.Run("the tokens are never sent as text", func(t *testing.T) {
		for _, m := range f.transcript(r.Enquiry.ID) {
			if m.Direction == enquiry.Out && (m.Content.ReadToken != "" || m.Content.QuoteToken != "") {
				t.Errorf("outbound message %s carries a token", m.ID)
			}
		}
	})
}

func TestStaffQuoteACustomerMessage(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	ctx := t.Context()
	r := f.receiveTokens("U1", "m1", "Where is my parcel?", "read-1", "quote-1", "")
	if _, err := f.desk.Attend(ctx, r.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	m, err := f.desk.SendQuote(ctx, r.Enquiry.ID, "alice", r.Message.ID, enquiry.Content{Kind: enquiry.Text, Text: "It left today."})
	if err != nil {
		t.Fatal(err)
	}
	f.flush()
	want := enquiry.Quote{Message: r.Message.ID, ExternalID: "m1", Text: "Where is my parcel?", Token: "quote-1"}
	if m.Content.Quote == nil || *m.Content.Quote != want {
		t.Fatalf("the reply's quote is %+v, want %+v", m.Content.Quote, want)
	}
	f.sender.mu.Lock()
	last := f.sender.sent[len(f.sender.sent)-1].Messages
	f.sender.mu.Unlock()
	if q := last[len(last)-1].Content.Quote; q == nil || q.Token != "quote-1" {
		t.Fatalf("the sender got quote %+v, want the quoted message's token", q)
	}

	t.Run("refused", func(t *testing.T) {
		welcome := f.transcript(r.Enquiry.ID)[1] // the Welcome message, the desk's own
		noToken := f.receiveTokens("U1", "m2", "no quote token", "read-2", "", "")
		for name, quoted := range map[string]string{
			"a message not in the enquiry": "no-such-id",
			"the desk's own message":       welcome.ID,
			"a message without a token":    noToken.Message.ID,
		} {
			t.Run(name, func(t *testing.T) {
				_, err := f.desk.SendQuote(ctx, r.Enquiry.ID, "alice", quoted, enquiry.Content{Kind: enquiry.Text, Text: "x"})
				var ve *enquiry.ValidationError
				if !errors.As(err, &ve) || ve.Field != "quote" {
					t.Fatalf("SendQuote: %v, want a validation error for the quote", err)
				}
			})
		}
	})
	t.Run("Send ignores a quote the caller made up", func(t *testing.T) {
		m, err := f.desk.Send(ctx, r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "hi",
			Quote: &enquiry.Quote{Token: "forged"}, QuoteToken: "forged"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Content.Quote != nil || m.Content.QuoteToken != "" {
			t.Fatalf("Send kept a caller's quote: %+v", m.Content)
		}
	})
}

func TestACustomerQuoteShowsWhatItQuotes(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	first := f.receiveTokens("U1", "m1", "My order number is 42", "", "q1", "")
	sub := f.feed.Subscribe(8)
	defer sub.Close()
	second := f.receiveTokens("U1", "m2", "As I said", "", "q2", "m1")
	want := enquiry.Quote{Message: first.Message.ID, ExternalID: "m1", Text: "My order number is 42"}
	if q := second.Message.Content.Quote; q == nil || *q != want {
		t.Errorf("Receive returned quote %+v, want %+v", q, want)
	}
	ms := f.transcript(first.Enquiry.ID)
	last := ms[len(ms)-1]
	if q := last.Content.Quote; q == nil || *q != want {
		t.Errorf("the transcript shows quote %+v, want %+v", q, want)
	}
	t.Run("a quote of a message the enquiry does not have keeps its ID", func(t *testing.T) {
		r := f.receiveTokens("U1", "m3", "this", "", "q3", "elsewhere")
		if q := r.Message.Content.Quote; q == nil || q.ExternalID != "elsewhere" || q.Message != "" || q.Text != "" {
			t.Errorf("quote %+v", q)
		}
	})
}

func TestNothingIsMarkedReadForACustomerWhoBlockedTheAccount(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	ctx := t.Context()
	r := f.receiveTokens("U1", "m1", "Hello", "read-1", "quote-1", "")
	if err := f.desk.SetFriendship(ctx, "main", "U1", enquiry.Blocked, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Attend(ctx, r.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.MarkRead(ctx, r.Enquiry.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if got := f.sender.marks(); len(got) != 0 {
		t.Fatalf("marked %v for a customer who blocked the account", got)
	}
}

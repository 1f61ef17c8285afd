package enquiry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/media"
	"github.com/socialdesk/socialdesk/routing"
)

var start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// sender records what the desk sends; fail decides an error per call.
type sender struct {
	mu    sync.Mutex
	sent  []enquiry.Outbound
	calls int
	fail  func(n int, out enquiry.Outbound) error
	reads []string // "customer token" per MarkRead (reads_test.go)
}

func (s *sender) Send(ctx context.Context, out enquiry.Outbound) (enquiry.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if err := s.fail(s.calls, out); err != nil {
			return enquiry.Receipt{}, err
		}
	}
	s.sent = append(s.sent, out)
	return enquiry.Receipt{RequestID: fmt.Sprintf("req-%d", s.calls), Replied: out.Reply.Handle != ""}, nil
}

// texts returns the texts sent, with "reply:" or "push:" before each.
func (s *sender) texts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.sent {
		how := "push:"
		if o.Reply.Handle != "" {
			how = "reply:"
		}
		for _, m := range o.Messages {
			out = append(out, how+m.Content.Text)
		}
	}
	return out
}

type retryableErr struct{}

func (retryableErr) Error() string   { return "platform: 500 Internal Server Error" }
func (retryableErr) Retryable() bool { return true }

type fixture struct {
	t      *testing.T
	desk   *enquiry.Desk
	store  *enquiry.MemStore
	clock  *clock.Fake
	sender *sender
	roster *enquiry.Roster
	feed   *enquiry.Feed
	ch     enquiry.Channel
}

func newFixture(t *testing.T, cfg enquiry.Config, edit func(*enquiry.Channel)) *fixture {
	t.Helper()
	f := &fixture{t: t, store: enquiry.NewMemStore(), clock: clock.NewFake(start), sender: &sender{}, roster: &enquiry.Roster{}, feed: &enquiry.Feed{}}
	f.roster.Add("alice", automsg.Staff{First: "Alice", Last: "Chen"}, 0)
	f.roster.Add("bob", automsg.Staff{First: "Bob", Last: "Tanaka"}, 0)
	f.roster.SetPresence("alice", routing.Available)
	f.roster.SetPresence("bob", routing.Available)
	cfg.Store, cfg.Sender, cfg.Clock, cfg.Directory, cfg.Sink = f.store, f.sender, f.clock, f.roster, f.feed
	if cfg.Blobs == nil {
		cfg.Blobs = &enquiry.MemBlobs{}
	}
	d, err := enquiry.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.desk = d
	ch := enquiry.Channel{
		ID: "main", Name: "Acme Support", Kind: "social", Account: "Ubot",
		Credentials: enquiry.Credentials{Secret: "s3cret-value", Token: "t0ken-value"},
		Routing:     staffRule("alice", "bob"),
		AutoMessages: automsg.Settings{
			Welcome: automsg.Message{On: true, Text: "Welcome!"},
			Away:    automsg.Message{On: true, Text: "Sorry, we are away."},
			Close:   automsg.Message{On: true, Text: "Bye."},
		},
		CustomInfo: "Open 9-17 weekdays.", CustomInfoOn: true,
	}
	if edit != nil {
		edit(&ch)
	}
	if f.ch, err = d.CreateChannel(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	return f
}

// receive hands the desk a customer's message, then sends what the desk
// recorded to send (as Run's senders do at once; the fixture does not
// Run, so that the fake clock alone moves time).
func (f *fixture) receive(customer, external, text, token string) enquiry.Received {
	f.t.Helper()
	r, err := f.desk.Receive(f.t.Context(), enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: customer, Name: "Yui"}, ExternalID: external,
		Content: enquiry.Content{Kind: enquiry.Text, Text: text}, ReplyHandle: token, Time: f.clock.Now(),
	})
	if err != nil {
		f.t.Fatalf("Receive: %v", err)
	}
	f.flush()
	return r
}

// flush sends what the desk has recorded to send.
func (f *fixture) flush() {
	f.t.Helper()
	if err := f.desk.Flush(f.t.Context()); err != nil {
		f.t.Fatalf("Flush: %v", err)
	}
}

// message returns the enquiry's message with the given ID, as stored.
func (f *fixture) message(enquiryID, id string) enquiry.Message {
	f.t.Helper()
	for _, m := range f.transcript(enquiryID) {
		if m.ID == id {
			return m
		}
	}
	f.t.Fatalf("message %s is not in the transcript", id)
	return enquiry.Message{}
}

func (f *fixture) tick(d time.Duration) {
	f.t.Helper()
	f.clock.Advance(d)
	if err := f.desk.Tick(f.t.Context()); err != nil {
		f.t.Fatalf("Tick: %v", err)
	}
}

func (f *fixture) enquiry(id string) enquiry.Enquiry {
	f.t.Helper()
	e, err := f.desk.Enquiry(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) transcript(id string) []enquiry.Message {
	f.t.Helper()
	msgs, err := f.desk.Transcript(f.t.Context(), id, 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return msgs
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestNewEnquiryIsWelcomedByReplyAndRungInOrder(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r := f.receive("U1", "m1", "hello", "rt-1")
	if !r.Opened || r.Enquiry.State != enquiry.Ringing || strings.Join(r.Enquiry.Ringing, ",") != "alice" {
		t.Fatalf("new enquiry: %+v; want ringing alice", r.Enquiry)
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!"})
	if f.sender.sent[0].RetryKey == "" || f.sender.sent[0].Customer.ID != "U1" {
		t.Fatalf("outbound = %+v", f.sender.sent[0])
	}

	f.tick(59 * time.Second)
	if e := f.enquiry(r.Enquiry.ID); strings.Join(e.Ringing, ",") != "alice" {
		t.Fatalf("before the ring timeout, ringing %v", e.Ringing)
	}
	f.tick(time.Second)
	if e := f.enquiry(r.Enquiry.ID); e.State != enquiry.Ringing || strings.Join(e.Ringing, ",") != "bob" || e.Step != 1 {
		t.Fatalf("after alice's timeout: %+v; want ringing bob", e)
	}
	f.tick(60 * time.Second)
	e := f.enquiry(r.Enquiry.ID)
	if e.State != enquiry.Missed || e.Timer != enquiry.NoTimer {
		t.Fatalf("after the plan: %+v; want missed", e)
	}
	// The reply handle was used by Welcome: Away is pushed. Custom info
	// is for staff: a note in the room, never sent.
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!", "push:Sorry, we are away."})
	msgs := f.transcript(e.ID)
	var authors []string
	for _, m := range msgs {
		authors = append(authors, string(m.Author.Kind)+":"+m.Author.ID+":"+string(m.Content.Kind)+":"+string(deliveryState(m)))
	}
	equal(t, "transcript", authors, []string{"customer:U1:text:", "bot:welcome:text:sent", "bot:away:text:sent", "bot:custom-info:note:"})

	// A missed enquiry may still be attended.
	if _, err := f.desk.Attend(t.Context(), e.ID, "bob"); err != nil {
		t.Fatalf("attending a missed enquiry: %v", err)
	}
}

func deliveryState(m enquiry.Message) enquiry.DeliveryState {
	if m.Delivery == nil {
		return ""
	}
	return m.Delivery.State
}

func TestFirstStaffToAttendWins(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.desk.Attend(context.Background(), id, fmt.Sprintf("staff%d", i))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		var ae *enquiry.AttendedError
		switch {
		case err == nil:
			won++
		case errors.As(err, &ae) && errors.Is(err, enquiry.ErrAlreadyAttended):
		default:
			t.Fatalf("attend: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d staff attended, want 1", won)
	}
	e := f.enquiry(id)
	if _, err := f.desk.Attend(t.Context(), id, e.Staff); err != nil {
		t.Fatalf("attending again as the owner: %v", err)
	}
	trs, _ := f.desk.Transitions(t.Context(), id)
	if len(trs) != 2 || trs[1].To != enquiry.Attending || trs[1].By != e.Staff {
		t.Fatalf("transitions = %+v", trs)
	}
}

func TestStaffSendsChecksContentAndOwnership(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "rt-1").Enquiry.ID
	if _, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "hello"}); !errors.Is(err, enquiry.ErrNotOwner) {
		t.Fatalf("send before attending: err = %v, want ErrNotOwner", err)
	}
	f.desk.Attend(t.Context(), id, "alice")
	m, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "How can I help?"})
	if err != nil || m.Delivery.State != enquiry.Pending {
		t.Fatalf("Send = %+v, %v; want recorded as pending", m, err)
	}
	f.flush()
	if d := f.message(id, m.ID).Delivery; d.State != enquiry.Sent || d.RequestID == "" {
		t.Fatalf("after the outbox ran: %+v; want sent", d)
	}
	if _, err := f.desk.Send(t.Context(), id, "bob", enquiry.Content{Kind: enquiry.Text, Text: "me too"}); !errors.Is(err, enquiry.ErrNotOwner) {
		t.Fatalf("send by a non-owner: err = %v, want ErrNotOwner", err)
	}
	before := len(f.transcript(id))
	_, err = f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: strings.Repeat("a", 5000)})
	var me *media.Error
	if !errors.As(err, &me) || me.Code != "text_too_long" {
		t.Fatalf("5,000-unit text: err = %v, want media text_too_long", err)
	}
	if _, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: "file"}); err == nil {
		t.Fatal("sending a file was accepted")
	}
	if after := len(f.transcript(id)); after != before {
		t.Fatalf("refused content was recorded: %d messages, was %d", after, before)
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!", "push:How can I help?"})

	// An invited colleague may write.
	if _, err := f.desk.Invite(t.Context(), id, "alice", "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Send(t.Context(), id, "bob", enquiry.Content{Kind: enquiry.Text, Text: "Bob here"}); err != nil {
		t.Fatalf("send by an invited colleague: %v", err)
	}
}

func TestCloseSendsCloseMessageAndNextMessageOpensANewEnquiry(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	first := f.receive("U1", "m1", "hi", "rt-1").Enquiry.ID
	f.desk.Attend(t.Context(), first, "alice")
	if _, err := f.desk.Close(t.Context(), first, "bob"); !errors.Is(err, enquiry.ErrNotOwner) {
		t.Fatalf("close by a non-owner: err = %v", err)
	}
	e, err := f.desk.Close(t.Context(), first, "alice")
	if err != nil || e.State != enquiry.Closed {
		t.Fatalf("Close = %+v, %v", e, err)
	}
	f.flush()
	if _, err := f.desk.Close(t.Context(), first, "alice"); !errors.Is(err, enquiry.ErrClosed) {
		t.Fatalf("closing twice: err = %v, want ErrClosed", err)
	}
	r := f.receive("U1", "m2", "one more thing", "rt-2")
	if !r.Opened || r.Enquiry.ID == first {
		t.Fatal("a message after close did not open a new enquiry")
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!", "push:Bye.", "reply:Welcome!"})
}

func TestRedeliveredMessageIsRecordedOnceAndWelcomedOnce(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r1 := f.receive("U1", "m1", "hi", "rt-1")
	r2 := f.receive("U1", "m1", "hi", "rt-1")
	if !r2.Duplicate || r2.Message.ID != r1.Message.ID {
		t.Fatalf("redelivery: %+v", r2)
	}
	if n := len(f.transcript(r1.Enquiry.ID)); n != 2 { // the message and Welcome
		t.Fatalf("transcript has %d messages, want 2", n)
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!"})
}

func TestConcurrentMessagesFromOneCustomerOpenOneEnquiryWithOneWelcome(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	const n = 1000
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.desk.Receive(context.Background(), enquiry.Inbound{
				Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: fmt.Sprintf("m%d", i%700), // 300 redelivered
				Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: fmt.Sprintf("rt-%d", i),
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	open, _ := f.desk.Enquiries(t.Context(), enquiry.Filter{Channel: "main"})
	if len(open) != 1 {
		t.Fatalf("%d enquiries, want 1", len(open))
	}
	msgs := f.transcript(open[0].ID)
	in, welcomes := 0, 0
	for _, m := range msgs {
		if m.Direction == enquiry.In {
			in++
		} else if m.Author.ID == "welcome" {
			welcomes++
		}
	}
	if in != 700 || welcomes != 1 {
		t.Fatalf("%d inbound messages and %d Welcomes; want 700 and 1", in, welcomes)
	}
}

func TestSuspendedChannelRecordsButSendsNothing(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	if _, err := f.desk.SuspendChannel(t.Context(), "main"); err != nil {
		t.Fatal(err)
	}
	r := f.receive("U1", "m1", "anyone?", "rt-1")
	e := f.enquiry(r.Enquiry.ID)
	if e.State != enquiry.Missed {
		t.Fatalf("enquiry on a suspended channel is %s, want missed", e.State)
	}
	if len(f.sender.texts()) != 0 {
		t.Fatalf("sent %q on a suspended channel", f.sender.texts())
	}
	if n := len(f.transcript(e.ID)); n != 1 {
		t.Fatalf("transcript has %d messages, want the customer's 1", n)
	}
	f.desk.Attend(t.Context(), e.ID, "alice")
	if _, err := f.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "hi"}); !errors.Is(err, enquiry.ErrSuspended) {
		t.Fatalf("send on a suspended channel: err = %v, want ErrSuspended", err)
	}
	f.desk.ResumeChannel(t.Context(), "main")
	if _, err := f.desk.Send(t.Context(), e.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "back now"}); err != nil {
		t.Fatalf("send after resume: %v", err)
	}
}

func TestReadOnlyRecordsButSendsNothing(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	r, err := f.desk.Receive(t.Context(), enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1", Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	f.desk.Attend(t.Context(), r.Enquiry.ID, "alice")
	if _, err := f.desk.Send(t.Context(), r.Enquiry.ID, "alice", enquiry.Content{Kind: enquiry.Text, Text: "hi"}); !errors.Is(err, enquiry.ErrReadOnly) {
		t.Fatalf("send while read-only: err = %v, want ErrReadOnly", err)
	}
	if len(f.sender.texts()) != 0 {
		t.Fatalf("sent %q while read-only", f.sender.texts())
	}
}

func TestRetryableFailureStaysPendingAndIsRetriedWithTheSameKey(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	f.sender.fail = func(n int, out enquiry.Outbound) error {
		if n <= 2 {
			return retryableErr{}
		}
		return nil
	}
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	msgs := f.transcript(id)
	welcome := msgs[1]
	if welcome.Delivery.State != enquiry.Pending || welcome.Delivery.Attempts != 1 {
		t.Fatalf("after a 500: %+v", welcome.Delivery)
	}
	f.tick(time.Second) // backoff not over
	if f.sender.calls != 1 {
		t.Fatalf("retried within the backoff: %d calls", f.sender.calls)
	}
	f.tick(2 * time.Second)
	f.tick(4 * time.Second)
	if got := f.transcript(id)[1].Delivery; got.State != enquiry.Sent || got.Attempts != 3 {
		t.Fatalf("after retries: %+v; want sent on attempt 3", got)
	}
	if len(f.sender.sent) != 1 || f.sender.sent[0].RetryKey != welcome.Batch {
		t.Fatalf("retry key %q, want the message's batch %q", f.sender.sent[0].RetryKey, welcome.Batch)
	}
}

func TestPermanentFailureIsRecorded(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	f.sender.fail = func(int, enquiry.Outbound) error { return errors.New("platform: 400 The request body has 1 error(s)") }
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	d := f.transcript(id)[1].Delivery
	if d.State != enquiry.Failed || !strings.Contains(d.Reason, "400") {
		t.Fatalf("delivery = %+v; want failed with the platform's reason", d)
	}
	f.tick(time.Hour)
	if f.sender.calls != 1 {
		t.Fatalf("a permanent failure was retried: %d calls", f.sender.calls)
	}
}

func TestAutoCloseWarnsThenClosesASilentEnquiry(t *testing.T) {
	f := newFixture(t, enquiry.Config{AutoClose: enquiry.AutoClose{After: 10 * time.Minute, Before: 2 * time.Minute, Warning: "Closing soon."}}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	f.tick(5 * time.Minute)
	f.receive("U1", "m2", "still there?", "") // activity pushes the close back
	f.tick(4 * time.Minute)
	if e := f.enquiry(id); e.Timer != enquiry.WarnTimer {
		t.Fatalf("timer %s, want warn (re-armed)", e.Timer)
	}
	f.tick(4 * time.Minute) // 8 min after the last message: warn
	equal(t, "sent", f.sender.texts(), []string{"push:Welcome!", "push:Closing soon."})
	f.tick(time.Minute)
	if e := f.enquiry(id); e.State != enquiry.Attending {
		t.Fatalf("closed before the warning's time ran out")
	}
	f.tick(time.Minute)
	e := f.enquiry(id)
	if e.State != enquiry.Closed {
		t.Fatalf("state %s after 10 silent minutes, want closed", e.State)
	}
	trs, _ := f.desk.Transitions(t.Context(), id)
	if last := trs[len(trs)-1]; last.By != enquiry.BySystem || last.To != enquiry.Closed {
		t.Fatalf("last transition %+v; want closed by system", last)
	}
	equal(t, "sent", f.sender.texts(), []string{"push:Welcome!", "push:Closing soon.", "push:Bye."})
}

func TestNoIdleCloseByDefault(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	f.tick(30 * 24 * time.Hour)
	if e := f.enquiry(id); e.State != enquiry.Attending {
		t.Fatalf("state %s after a month, want attending (no idle limit by default)", e.State)
	}
}

func TestAutoAssignGivesTheEnquiryToTheFirstAvailable(t *testing.T) {
	f := newFixture(t, enquiry.Config{AutoAssign: true}, nil)
	f.roster.SetPresence("alice", routing.Busy)
	e := f.receive("U1", "m1", "hi", "").Enquiry
	if e.State != enquiry.Attending || e.Staff != "bob" {
		t.Fatalf("auto-assigned enquiry: %s by %q; want attending by bob", e.State, e.Staff)
	}
	if st, _ := f.roster.Staff("bob"); st.Open != 1 {
		t.Fatalf("bob's open count %d, want 1", st.Open)
	}
}

func TestNobodyAvailableMissesAtOnceWithAwayAndCustomInfoForStaff(t *testing.T) {
	info := strings.Repeat("情報", 5000) // 10,000 characters, the most a channel may have
	f := newFixture(t, enquiry.Config{}, func(ch *enquiry.Channel) { ch.CustomInfo = info })
	f.roster.SetPresence("alice", routing.Offline)
	f.roster.SetPresence("bob", routing.Busy)
	e := f.receive("U1", "m1", "hi", "rt-1").Enquiry
	if e.State != enquiry.Missed {
		t.Fatalf("state %s, want missed", e.State)
	}
	equal(t, "sent", f.sender.texts(), []string{"reply:Welcome!", "reply:Sorry, we are away."})
	msgs := f.transcript(e.ID)
	last := msgs[len(msgs)-1]
	if last.Author != (enquiry.Author{Kind: enquiry.AuthorBot, ID: "custom-info"}) || last.Content.Kind != enquiry.Note || last.Content.Text != info || last.Delivery != nil {
		t.Fatalf("last message %+v (delivery %v); want the whole custom info as one bot note with no delivery", last.Author, last.Delivery)
	}
	if got, err := f.desk.CustomInfo(t.Context(), e.ID); err != nil || got != info {
		t.Fatalf("CustomInfo = %d characters, %v; want the channel's", len([]rune(got)), err)
	}
	// Retries of pending deliveries never pick the note up either.
	f.tick(time.Hour)
	equal(t, "sent after retries", f.sender.texts(), []string{"reply:Welcome!", "reply:Sorry, we are away."})
}

func TestTransferRingsTheNewDestination(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	e, err := f.desk.Transfer(t.Context(), id, "alice", routing.Step{Staff: "bob"})
	if err != nil || e.State != enquiry.Ringing || strings.Join(e.Ringing, ",") != "bob" {
		t.Fatalf("Transfer = %+v, %v; want ringing bob", e, err)
	}
	if _, err := f.desk.Attend(t.Context(), id, "bob"); err != nil {
		t.Fatal(err)
	}
}

func TestDeletingAChannelWithOpenEnquiries(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	if err := f.desk.DeleteChannel(t.Context(), "main", false); !errors.Is(err, enquiry.ErrOpenEnquiries) {
		t.Fatalf("delete with an open enquiry: err = %v, want ErrOpenEnquiries", err)
	}
	if e := f.enquiry(id); e.State == enquiry.Closed {
		t.Fatal("a refused delete closed the enquiry")
	}
	if err := f.desk.DeleteChannel(t.Context(), "main", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.Channel(t.Context(), "main"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("channel after delete: %v", err)
	}
}

func TestChannelValidation(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	for _, tc := range []struct {
		name  string
		edit  func(*enquiry.Channel)
		field string
	}{
		{"a 41-character name", func(c *enquiry.Channel) { c.Name = strings.Repeat("a", 41) }, "name"},
		{"an empty name", func(c *enquiry.Channel) { c.Name = "" }, "name"},
		{"10,001 characters of custom info", func(c *enquiry.Channel) { c.CustomInfo = strings.Repeat("情", 10_001) }, "customInfo"},
		{"an unknown state", func(c *enquiry.Channel) { c.State = "paused" }, "state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := f.ch
			ch.ID, ch.Account = "other", "Uother"
			tc.edit(&ch)
			_, err := f.desk.CreateChannel(t.Context(), ch)
			var ve *enquiry.ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || !errors.Is(err, enquiry.ErrInvalid) {
				t.Fatalf("err = %v, want a ValidationError on %s", err, tc.field)
			}
		})
	}
	ok := f.ch
	ok.ID, ok.Account, ok.Name, ok.CustomInfo = "ok", "Uok", strings.Repeat("名", 40), strings.Repeat("情", 10_000)
	if _, err := f.desk.CreateChannel(t.Context(), ok); err != nil {
		t.Fatalf("40 characters of name and 10,000 of custom info refused: %v", err)
	}
	dup := f.ch
	dup.ID = "dup"
	_, err := f.desk.CreateChannel(t.Context(), dup)
	var taken *enquiry.AccountTakenError
	if !errors.As(err, &taken) || taken.Channel != "main" || !strings.Contains(err.Error(), `"main"`) {
		t.Fatalf("second channel on one account: err = %v; want it to name channel main", err)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	for _, s := range []string{fmt.Sprintf("%v", f.ch), fmt.Sprintf("%+v", f.ch), fmt.Sprintf("%#v", f.ch), fmt.Sprint(f.ch.Credentials)} {
		if strings.Contains(s, "s3cret-value") || strings.Contains(s, "t0ken-value") {
			t.Fatalf("a secret printed: %s", s)
		}
	}
	if f.ch.Credentials.Token.Reveal() != "t0ken-value" {
		t.Fatal("Reveal lost the value")
	}
}

func TestFeedSeesTheLifecycle(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	sub := f.feed.Subscribe(100)
	defer sub.Close()
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	f.desk.Attend(t.Context(), id, "alice")
	var kinds []string
	for len(sub.C) > 0 {
		ev := <-sub.C
		kinds = append(kinds, string(ev.Kind))
	}
	equal(t, "events", kinds, []string{"enquiry.opened", "message.added", "enquiry.changed", "message.added", "message.updated", "enquiry.changed"})
}

func TestUnsendAndNotice(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "oops", "").Enquiry.ID
	if err := f.desk.Unsend(t.Context(), "main", "U1", "m1"); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Notice(t.Context(), "main", "U1", "The customer blocked the account."); err != nil {
		t.Fatal(err)
	}
	msgs := f.transcript(id)
	if !msgs[0].Unsent {
		t.Fatal("message not marked unsent")
	}
	last := msgs[len(msgs)-1]
	if last.Author.Kind != enquiry.AuthorSystem || last.Content.Kind != enquiry.Note || last.Delivery != nil {
		t.Fatalf("notice = %+v", last)
	}
	if err := f.desk.Notice(t.Context(), "main", "U-none", "x"); err != nil {
		t.Fatalf("notice without an open enquiry: %v", err)
	}
}

func TestRouteTimerFinishesAnEnquiryItsDeskNeverRouted(t *testing.T) {
	// A desk that dies right after recording the first message leaves the
	// enquiry with a route timer; any desk's Tick routes it.
	f := newFixture(t, enquiry.Config{}, nil)
	r, err := f.store.Receive(t.Context(), enquiry.Arrival{
		Enquiry: enquiry.Enquiry{ID: "e1", Channel: "main", Customer: enquiry.Customer{ID: "U1"}, State: enquiry.Ringing, Opened: start, Updated: start, Timer: enquiry.RouteTimer, Deadline: start.Add(5 * time.Second)},
		Message: enquiry.Message{ID: "m1", Direction: enquiry.In, Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, Time: start},
	})
	if err != nil || !r.Opened {
		t.Fatal(err)
	}
	f.tick(5 * time.Second)
	e := f.enquiry("e1")
	if e.State != enquiry.Ringing || strings.Join(e.Ringing, ",") != "alice" {
		t.Fatalf("after the route timer: %+v", e)
	}
	equal(t, "sent", f.sender.texts(), []string{"push:Welcome!"})
}

func BenchmarkReceive(b *testing.B) {
	store := enquiry.NewMemStore()
	d, _ := enquiry.New(enquiry.Config{Store: store, Sender: &sender{}})
	ctx := context.Background()
	if _, err := d.CreateChannel(ctx, enquiry.Channel{ID: "main", Name: "Bench", Kind: "social"}); err != nil {
		b.Fatal(err)
	}
	const customers = 64
	for i := range customers {
		d.Receive(ctx, enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: fmt.Sprintf("U%d", i)}, Content: enquiry.Content{Kind: enquiry.Text, Text: "open"}})
	}
	var next sync.Mutex
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		next.Lock()
		me := n
		n++
		next.Unlock()
		in := enquiry.Inbound{Channel: "main", Customer: enquiry.Customer{ID: fmt.Sprintf("U%d", me%customers)}, Content: enquiry.Content{Kind: enquiry.Text, Text: "hello"}}
		i := 0
		for pb.Next() {
			i++
			in.ExternalID = fmt.Sprintf("%d-%d", me, i)
			if _, err := d.Receive(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// TestRestartUnderTheSameNameRetriesACutOffReplyAtOnce: desk A dies while
// its Welcome reply is in flight. A desk started under A's name takes the
// delivery over as soon as it runs, long before the delivery lease could
// have run out (the clock does not move), and replies again with the same
// handle and retry key (Outbound.ReplyRetry); a desk of another name must
// wait for the lease.
func TestRestartUnderTheSameNameRetriesACutOffReplyAtOnce(t *testing.T) {
	for _, name := range []string{"desk-a", "desk-b"} {
		t.Run("restarted as "+name, func(t *testing.T) {
			inFlight, dead := make(chan struct{}), make(chan struct{})
			f := newFixture(t, enquiry.Config{Instance: "desk-a"}, nil)
			f.sender.fail = func(int, enquiry.Outbound) error {
				close(inFlight)
				<-dead // the process is gone: no outcome is recorded until the test ends
				return retryableErr{}
			}
			var wg sync.WaitGroup
			t.Cleanup(func() { close(dead); wg.Wait() })
			wg.Go(func() {
				ctx := context.WithoutCancel(t.Context())
				f.desk.Receive(ctx, enquiry.Inbound{
					Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
					Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: "rt-1", Time: f.clock.Now(),
				})
				f.desk.Flush(ctx) // desk A's sender
			})
			<-inFlight
			es, _ := f.store.Enquiries(t.Context(), enquiry.Filter{})
			welcome := f.transcript(es[0].ID)[1]
			if d := welcome.Delivery; d.State != enquiry.Pending || d.Owner != "desk-a" || d.Reply.Handle != "rt-1" {
				t.Fatalf("Welcome mid-request: %+v; want pending, leased to desk-a, holding the reply handle", d)
			}

			s := &sender{}
			b, err := enquiry.New(enquiry.Config{Store: f.store, Sender: s, Clock: f.clock, Directory: f.roster, Instance: name, TickInterval: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			wg.Go(func() { b.Run(ctx) })
			if name != "desk-a" {
				if err := b.Tick(t.Context()); err != nil {
					t.Fatal(err)
				}
				if got := f.transcript(es[0].ID)[1].Delivery; got.State != enquiry.Pending || len(s.texts()) != 0 {
					t.Fatalf("another name took the delivery within its lease: %+v, sent %q", got, s.texts())
				}
				f.clock.Advance(2*time.Minute + time.Second) // DeliveryLease
				if err := b.Tick(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			deadline := time.Now().Add(10 * time.Second) // a safety timeout, not a goal
			for f.transcript(es[0].ID)[1].Delivery.State != enquiry.Sent {
				if time.Now().After(deadline) {
					t.Fatalf("the restarted desk did not deliver the Welcome: %+v", f.transcript(es[0].ID)[1].Delivery)
				}
				time.Sleep(5 * time.Millisecond)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.sent) != 1 {
				t.Fatalf("sent %d times, want once", len(s.sent))
			}
			if out := s.sent[0]; out.Reply.Handle != "rt-1" || !out.ReplyRetry || out.RetryKey != welcome.Batch {
				t.Fatalf("retry: handle %q, ReplyRetry %v, key %q; want rt-1, true, %q", out.Reply.Handle, out.ReplyRetry, out.RetryKey, welcome.Batch)
			}
			if d := f.transcript(es[0].ID)[1].Delivery; !d.Reply.IsZero() || d.Owner != "" {
				t.Fatalf("after the send: %+v; want the handle and lease cleared", d)
			}
		})
	}
}

// TestSendCutOffByItsContextKeepsTheReplyHandle: a send cut off because the
// caller's context ended (the desk stopping, a request gone) has no known
// outcome. It stays pending with its reply handle, and the retry replies
// with that handle again (ReplyRetry) instead of pushing a second copy.
func TestSendCutOffByItsContextKeepsTheReplyHandle(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	f.sender.fail = func(n int, out enquiry.Outbound) error {
		if n == 1 {
			cancel() // the caller goes away while the request is out
			return ctx.Err()
		}
		return nil
	}
	r, err := f.desk.Receive(ctx, enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1",
		Content: enquiry.Content{Kind: enquiry.Text, Text: "hi"}, ReplyHandle: "rt-1", Time: f.clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.desk.Flush(ctx) // the sender's context is the one cut off; its error is expected
	welcome := f.transcript(r.Enquiry.ID)[1]
	if d := welcome.Delivery; d.State != enquiry.Pending || d.Reply.Handle != "rt-1" || !strings.Contains(d.Reason, "interrupted") {
		t.Fatalf("after the cut-off: %+v; want pending, interrupted, holding the handle", d)
	}
	f.tick(2 * time.Second)
	if d := f.transcript(r.Enquiry.ID)[1].Delivery; d.State != enquiry.Sent || !d.Reply.IsZero() {
		t.Fatalf("after the retry: %+v; want sent, the handle cleared", d)
	}
	if len(f.sender.sent) != 1 || f.sender.sent[0].Reply.Handle != "rt-1" || !f.sender.sent[0].ReplyRetry {
		t.Fatalf("retry %+v; want a reply with rt-1 marked ReplyRetry", f.sender.sent)
	}
}

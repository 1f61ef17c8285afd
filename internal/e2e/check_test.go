package e2e_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
)

// uncertainReason is how line.ErrDeliveryUncertain reads in a delivery's
// Reason (after the operation's name).
var uncertainReason = strings.TrimPrefix(line.ErrDeliveryUncertain.Error(), "line: ")

// want is what a scenario expects of each customer at the end.
type want struct {
	// enquiries is how many enquiries each customer has; all but the
	// last are closed, the last is open.
	enquiries int
	// ordered: each customer's messages are in the transcripts in LINE's
	// order (false when they were sent concurrently: then only exactly once).
	ordered bool
	// staff is how many staff messages each closed enquiry has.
	staff int
	// uncertainOK allows a reply cut off by an abrupt stop to end failed
	// with line.ErrDeliveryUncertain: the client's documented at-most-once
	// outcome when it cannot tell whether LINE carried a reply out. Such
	// a message reaches the customer at most once.
	uncertainOK bool
}

// verify checks the promises against the settled state: the event store,
// the transcripts and what the platform delivered.
func verify(t *testing.T, r *rig, snap map[string]*conversation, customers []*customer, w want) {
	t.Helper()
	uncertain := new(int)
	defer func() {
		if *uncertain > 0 {
			t.Logf("%d outbound messages ended failed with an uncertain reply (allowed here)", *uncertain)
		}
	}()
	fail := 0
	errorf := func(format string, args ...any) {
		t.Helper()
		if fail++; fail <= 20 {
			t.Errorf(format, args...)
		}
	}

	// Every event LINE delivered was accepted as new exactly once, and
	// nothing else was.
	accepted := r.events.accepted()
	sentIDs := map[string]bool{}
	for _, c := range customers {
		for _, m := range c.msgs {
			sentIDs[m.eventID] = true
			if n := accepted[m.eventID]; n != 1 {
				errorf("%s: event %s recorded as new %d times, want 1", c.id, m.eventID, n)
			}
		}
	}
	for id := range accepted {
		if !sentIDs[id] {
			errorf("event %s recorded but never sent", id)
		}
	}
	if len(snap) != len(customers) {
		errorf("%d customers have enquiries, want %d", len(snap), len(customers))
	}

	for _, c := range customers {
		conv := snap[c.id]
		if conv == nil {
			errorf("%s: no enquiry", c.id)
			continue
		}
		// One open enquiry per customer, the newest; the rest closed.
		if len(conv.enquiries) != w.enquiries {
			errorf("%s: %d enquiries, want %d", c.id, len(conv.enquiries), w.enquiries)
		}
		open := 0
		for i, e := range conv.enquiries {
			if e.State.Open() {
				open++
				if i != len(conv.enquiries)-1 {
					errorf("%s: enquiry %d of %d is open (%s)", c.id, i+1, len(conv.enquiries), e.State)
				}
			}
		}
		if open != 1 {
			errorf("%s: %d open enquiries, want exactly 1", c.id, open)
		}

		// Every customer message exactly once, in LINE's order.
		var got []string
		byID := map[string]sent{}
		for _, m := range c.msgs {
			byID[m.messageID] = m
		}
		for i, msgs := range conv.messages {
			e := conv.enquiries[i]
			kinds := map[string]int{}
			for _, m := range msgs {
				switch {
				case m.Direction == enquiry.In:
					got = append(got, m.ExternalID)
					s, ok := byID[m.ExternalID]
					switch {
					case !ok:
						errorf("%s: transcript has a message LINE never sent: %+v", c.id, m)
					case s.image != nil && (m.Content.Kind != enquiry.Image || m.Content.Media == nil || m.Content.Media.Size != int64(len(s.image))):
						errorf("%s: image %s recorded as %+v, want an image of %d bytes", c.id, m.ExternalID, m.Content, len(s.image))
					case s.image == nil && (m.Content.Kind != enquiry.Text || m.Content.Text != s.text):
						errorf("%s: message %s recorded as %+v, want text %q", c.id, m.ExternalID, m.Content, s.text)
					}
				case m.Content.Kind == enquiry.Note:
				default:
					kinds[string(m.Author.Kind)+":"+m.Author.ID]++
					switch {
					case m.Delivery != nil && m.Delivery.State == enquiry.Sent:
					case w.uncertainOK && m.Delivery != nil && m.Delivery.State == enquiry.Failed && strings.Contains(m.Delivery.Reason, uncertainReason):
						*uncertain++
					default:
						errorf("%s: outbound %s (%s) not sent: %+v", c.id, m.ID, m.Author.ID, m.Delivery)
					}
				}
			}
			// Welcome and Away once per enquiry (nobody is available, so
			// every enquiry is missed); Close once per closed one.
			wantKinds := map[string]int{"bot:welcome": 1, "bot:away": 1}
			if !e.State.Open() {
				wantKinds["bot:close"] = 1
				if w.staff > 0 {
					wantKinds["staff:staff-1"] = w.staff
				}
			}
			if !maps.Equal(kinds, wantKinds) {
				errorf("%s: enquiry %d (%s) has outbound %v, want %v", c.id, i+1, e.State, kinds, wantKinds)
			}
		}
		wantIDs := make([]string, len(c.msgs))
		for i, m := range c.msgs {
			wantIDs[i] = m.messageID
		}
		if !w.ordered {
			slices.Sort(got)
			slices.Sort(wantIDs)
		}
		if !slices.Equal(got, wantIDs) {
			errorf("%s: inbound messages\n got  %s\n want %s", c.id, summary(got), summary(wantIDs))
		}

		// Every outbound message delivered exactly once: what the customer
		// received on LINE is exactly what the transcripts say was sent
		// (plus, at most once each, replies whose fate was uncertain).
		sentTexts, maybe, delivered := map[string]int{}, map[string]int{}, map[string]int{}
		for _, msgs := range conv.messages {
			for _, m := range msgs {
				if m.Direction != enquiry.Out || m.Content.Kind != enquiry.Text || m.Delivery == nil {
					continue
				}
				if m.Delivery.State == enquiry.Sent {
					sentTexts[m.Content.Text]++
				} else {
					maybe[m.Content.Text]++
				}
			}
		}
		for _, m := range r.platform.Received(c.id) {
			delivered[m.Text]++
		}
		for text := range joinKeys(sentTexts, maybe, delivered) {
			if n := delivered[text]; n < sentTexts[text] || n > sentTexts[text]+maybe[text] {
				errorf("%s: %q delivered %d times on LINE; the transcripts say sent %d times (and %d uncertain); deliveries: %s",
					c.id, text, n, sentTexts[text], maybe[text], deliveriesOf(r, c.id, text))
				for i, msgs := range conv.messages {
					for _, m := range msgs {
						if m.Content.Text == text && m.Delivery != nil {
							t.Logf("  enquiry %d message %s: %+v", i+1, m.ID, *m.Delivery)
						}
					}
				}
			}
		}
	}
	// Nothing was delivered to anyone else.
	known := map[string]bool{}
	for _, c := range customers {
		known[c.id] = true
	}
	for _, d := range append(r.platform.Replies(), r.platform.Pushes()...) {
		if !known[d.To] {
			errorf("a delivery to an unknown user %s", d.To)
		}
	}
	if fail > 20 {
		t.Errorf("… and %d more failures", fail-20)
	}
	// No secret in any log line.
	logs := r.logs.String()
	for _, s := range []string{secret, token} {
		if strings.Contains(logs, s) {
			t.Errorf("a credential appears in the logs")
		}
	}
}

// deliveriesOf describes the platform's deliveries of text to user.
func deliveriesOf(r *rig, user, text string) string {
	var b strings.Builder
	for _, d := range append(r.platform.Replies(), r.platform.Pushes()...) {
		for _, m := range d.Messages {
			if d.To == user && m.Text == text {
				fmt.Fprintf(&b, "[%s %s key=%s request=%s] ", d.Time.Format("15:04:05.000"), d.Via, d.RetryKey, d.RequestID)
			}
		}
	}
	return b.String()
}

func joinKeys(ms ...map[string]int) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

func summary(ids []string) string {
	if len(ids) <= 12 {
		return fmt.Sprint(ids)
	}
	return fmt.Sprintf("%v … %v (%d)", ids[:6], ids[len(ids)-6:], len(ids))
}

// faultStats sums the faults the platform injected, for the test log.
func faultStats(r *rig) string {
	n := map[string]int{}
	total := 0
	for _, c := range r.platform.Calls() {
		total++
		if c.Fault != "" {
			n[c.Fault]++
			if c.Accepted {
				n[c.Fault+" (carried out)"]++
			}
		}
	}
	return fmt.Sprintf("%d API calls, faults %v", total, n)
}

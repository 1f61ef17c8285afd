package enquiry_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// quotaErr is a platform's refusal for a used-up message quota: retryable
// as far as its Retryable says, which must not matter.
type quotaErr struct{}

func (quotaErr) Error() string {
	return fmt.Sprintf("platform: push: 429: You have reached your monthly limit. (%v)", enquiry.ErrQuotaExhausted)
}
func (quotaErr) Unwrap() error   { return enquiry.ErrQuotaExhausted }
func (quotaErr) Retryable() bool { return true }

// A send the platform refuses for the used-up quota ends QuotaExhausted,
// with the platform's words, and is never retried: neither failed nor left
// pending.
func TestASendRefusedForTheQuotaEndsQuotaExhaustedAndIsNotRetried(t *testing.T) {
	f := newFixture(t, enquiry.Config{}, nil)
	id := f.receive("U1", "m1", "hi", "").Enquiry.ID
	if _, err := f.desk.Attend(t.Context(), id, "alice"); err != nil {
		t.Fatal(err)
	}
	f.sender.fail = func(int, enquiry.Outbound) error { return quotaErr{} }
	calls := f.sender.calls
	m, err := f.desk.Send(t.Context(), id, "alice", enquiry.Content{Kind: enquiry.Text, Text: "Your parcel left"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	f.flush()
	if d := f.message(id, m.ID).Delivery; d.State != enquiry.QuotaExhausted || !strings.Contains(d.Reason, "monthly limit") {
		t.Fatalf("delivery %+v; want quota_exhausted with the platform's reason", d)
	}
	f.tick(time.Hour)
	f.tick(24 * time.Hour)
	if n := f.sender.calls - calls; n != 1 {
		t.Fatalf("%d send attempts, want 1: a used-up quota is not retried", n)
	}
	msgs := f.transcript(id)
	if got := deliveryState(msgs[len(msgs)-1]); got != enquiry.QuotaExhausted {
		t.Fatalf("stored state %q, want quota_exhausted", got)
	}
}

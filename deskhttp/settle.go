package deskhttp

import (
	"context"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// sendWait is how long POST /api/enquiries/{id}/messages waits for the
// desk's outbox to hand a staff message to the platform before it
// answers: 200 once the message is sent (or refused), else 202 with the
// message still pending, which the outbox keeps trying. The desk never
// waits for the platform; only this staff request does, and never longer.
const sendWait = 5 * time.Second

// settle returns m as the store has it once its delivery is no longer
// pending, or as it was when wait ran out or ctx ended. It reads the
// transcript at a rate that starts at once and slows to 20 reads a second.
func settle(ctx context.Context, desk *enquiry.Desk, m enquiry.Message, wait time.Duration) enquiry.Message {
	if m.Delivery == nil || m.Delivery.State != enquiry.Pending || m.Seq <= 0 {
		return m
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	pause := time.Millisecond
	t := time.NewTimer(pause)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return m
		case <-t.C:
		}
		msgs, err := desk.Transcript(ctx, m.Enquiry, m.Seq-1, 1)
		if err == nil && len(msgs) == 1 && msgs[0].ID == m.ID {
			m = msgs[0]
			if m.Delivery == nil || m.Delivery.State != enquiry.Pending {
				return m
			}
		}
		pause = min(2*pause, 50*time.Millisecond)
		t.Reset(pause)
	}
}

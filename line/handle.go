package line

import (
	"context"
	"errors"

	"github.com/socialdesk/socialdesk/inbox"
)

// outcome is what processing one event came to.
type outcome int

const (
	done       outcome = iota // handled, or can never be: mark it done
	retryLater                // failed for now: leave it in the store for a sweep
	stopped                   // the context ended: leave it, stop
)

// errLater tells the inbox that an event failed for now.
var errLater = errors.New("line: processing the event failed for now; it is retried later")

// handle is the inbox's Handler: process, in the inbox's terms.
func (w *Webhook) handle(ctx context.Context, ev inbox.Record) error {
	switch w.process(ctx, ev) {
	case done:
		return nil
	case stopped:
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return errLater
}

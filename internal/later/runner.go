package later

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/socialdesk/socialdesk/inbox"
)

// Runner runs what a connector does after its webhook has answered: the
// inbox's workers, which hand each customer's events to the desk in
// order and offer the look-ups to a Queue, and that queue's fetchers. A
// connector's Webhook.Run and Shutdown are its Run and Shutdown. It is
// safe for concurrent use.
type Runner struct {
	workers *inbox.Workers
	queue   *Queue
	running atomic.Bool
	drained chan struct{} // closed by Shutdown once the fetchers are idle
	once    sync.Once
}

// NewRunner returns a Runner of workers and q. It does no I/O.
func NewRunner(workers *inbox.Workers, q *Queue) *Runner {
	return &Runner{workers: workers, queue: q, drained: make(chan struct{})}
}

// Run runs the workers (see inbox.Workers.Run) and the queue's fetchers
// (Queue.Run) until ctx ends or Shutdown has drained both, and returns
// the workers' error (nil when ctx ends). It returns inbox.ErrRunning if
// called again.
func (r *Runner) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return inbox.ErrRunning
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fetching := make(chan struct{})
	go func() {
		defer close(fetching)
		r.queue.Run(fctx)
	}()
	err := r.workers.Run(ctx)
	if ctx.Err() == nil { // stopped by Shutdown: let it drain the fetchers
		select {
		case <-r.drained:
		case <-ctx.Done():
		}
	}
	cancel()
	<-fetching
	return err
}

// Shutdown stops the workers queueing new events (inbox.Workers.Shutdown),
// waits until the queued ones are handled and the look-ups they offered
// are done (Queue.Drain), or ctx ends, and then makes Run return. It
// returns ctx.Err() if ctx ended first; what is still being fetched then
// stays pending, and the next start fetches it again.
func (r *Runner) Shutdown(ctx context.Context) error {
	err := r.workers.Shutdown(ctx)
	if err == nil {
		err = r.queue.Drain(ctx)
	}
	r.once.Do(func() { close(r.drained) })
	return err
}

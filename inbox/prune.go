package inbox

import (
	"context"
	"time"
)

// prune deletes handled events older than w.keep now and every
// pruneInterval until ctx ends.
func (w *Workers) prune(ctx context.Context, p Pruner) {
	t := time.NewTicker(pruneInterval)
	defer t.Stop()
	for {
		n, err := p.PruneEvents(ctx, w.clock.Now().Add(-w.keep))
		switch {
		case err != nil && ctx.Err() == nil:
			w.log.ErrorContext(ctx, "inbox: pruning handled events failed; will try again", "err", err)
		case n > 0:
			w.log.InfoContext(ctx, "inbox: pruned handled events", "events", n, "kept", w.keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

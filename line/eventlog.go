package line

import (
	"context"
	"log/slog"
	"runtime"
	"time"
)

// eventLog logs about one event processed, with its channel, ID and type
// as attributes. The logger that carries them is made at the first line
// logged, as most events log none: slog.Logger.With copies the logger and
// its attributes (half a dozen allocations, and more work with a handler
// that formats them ahead) for every event otherwise. It is used by one
// goroutine at a time.
type eventLog struct {
	base             *slog.Logger
	channel, id, typ string
	l                *slog.Logger
}

func (e *eventLog) logger() *slog.Logger {
	if e.l == nil {
		e.l = e.base.With("channel", e.channel, "event", e.id, "type", e.typ)
	}
	return e.l
}

// log logs as slog.Logger's Log does, with its caller as the record's
// source.
func (e *eventLog) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if !e.base.Enabled(ctx, level) {
		return
	}
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:]) // skip Callers and log
	r := slog.NewRecord(time.Now(), level, msg, pcs[0])
	r.Add(args...)
	_ = e.logger().Handler().Handle(ctx, r)
}

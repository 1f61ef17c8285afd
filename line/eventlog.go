package line

import (
	"context"
	"log/slog"
	"runtime"
	"time"
)

// eventLog logs about one event processed, with its channel, ID and type
// as attributes. They are added to each record logged, as most events
// log none: slog.Logger.With would copy the logger and its attributes
// (half a dozen allocations, and more work with a handler that formats
// them ahead) for every event. The zero value but for base is ready; it
// is used by one goroutine at a time.
type eventLog struct {
	base             *slog.Logger
	channel, id, typ string
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
	r.AddAttrs(slog.String("channel", e.channel), slog.String("event", e.id), slog.String("type", e.typ))
	r.Add(args...)
	_ = e.base.Handler().Handle(ctx, r)
}

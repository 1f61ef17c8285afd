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

// DebugContext logs at slog.LevelDebug.
func (e *eventLog) DebugContext(ctx context.Context, msg string, args ...any) {
	e.log(ctx, slog.LevelDebug, msg, args)
}

// InfoContext logs at slog.LevelInfo.
func (e *eventLog) InfoContext(ctx context.Context, msg string, args ...any) {
	e.log(ctx, slog.LevelInfo, msg, args)
}

// WarnContext logs at slog.LevelWarn.
func (e *eventLog) WarnContext(ctx context.Context, msg string, args ...any) {
	e.log(ctx, slog.LevelWarn, msg, args)
}

// ErrorContext logs at slog.LevelError.
func (e *eventLog) ErrorContext(ctx context.Context, msg string, args ...any) {
	e.log(ctx, slog.LevelError, msg, args)
}

// log logs as slog.Logger's methods do, with the caller of the method
// above as the record's source.
func (e *eventLog) log(ctx context.Context, level slog.Level, msg string, args []any) {
	if !e.base.Enabled(ctx, level) {
		return
	}
	var pcs [1]uintptr
	runtime.Callers(3, pcs[:]) // skip Callers, log and the level's method
	r := slog.NewRecord(time.Now(), level, msg, pcs[0])
	r.Add(args...)
	_ = e.logger().Handler().Handle(ctx, r)
}

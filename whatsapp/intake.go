package whatsapp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/internal/clock"
	"github.com/socialdesk/socialdesk/internal/hookbody"
)

// Defaults for IntakeConfig's zero fields.
const (
	DefaultMaxBodyBytes = hookbody.DefaultMaxBytes // 1 MiB; Meta's bodies are far smaller
	DefaultReadTimeout  = hookbody.DefaultTimeout  // 10 s
)

// App is what the webhook needs to know of one WhatsApp channel: the
// Meta app's secret, which signs webhook bodies, and the verify token set
// for the webhook in the app's dashboard. Both print as [redacted]. An
// App is a plain value, safe for concurrent use.
type App struct {
	AppSecret   enquiry.Secret
	VerifyToken enquiry.Secret
}

// Apps finds the App of a channel by the channel's ID. It returns an
// error matching enquiry.ErrNotFound for an unknown channel. Its methods
// must be safe for concurrent use.
type Apps interface {
	App(ctx context.Context, channel string) (App, error)
}

// Recorder keeps a verified, parsed webhook body durably before the
// webhook answers Meta; an error makes the answer 500, so Meta delivers
// the body again later. Record must drop what it has recorded before
// (messages by Message.ID, statuses by Status.EventID), as Meta
// redelivers. Its methods must be safe for concurrent use.
type Recorder interface {
	Record(ctx context.Context, channel string, n Notification, received time.Time) error
}

// IntakeConfig configures an Intake. Apps and Recorder are required;
// every other zero field means its documented default. NewIntake copies
// it; it is not used after.
type IntakeConfig struct {
	Apps     Apps
	Recorder Recorder
	// ChannelID extracts the channel ID from a request. The default is
	// r.PathValue("channel"), for routes like
	// "/webhook/whatsapp/{channel}".
	ChannelID func(r *http.Request) string
	// MaxBodyBytes limits a request body (default 1 MiB); larger → 413.
	MaxBodyBytes int64
	// ReadTimeout is how long reading one body may take (default 10 s);
	// not received in time → 408. See internal/hookbody.
	ReadTimeout time.Duration
	// Logger receives structured logs (default slog.Default()); never a
	// secret or a body.
	Logger *slog.Logger
	// Clock stamps bodies' arrival (default the real time).
	Clock enquiry.Clock
}

// Intake is the http.Handler of a WhatsApp webhook URL, for many channels:
// it answers Meta's GET verification handshake and takes POSTed bodies,
// verified and parsed, to a Recorder. It does nothing slow before the
// answer but the Recorder. It is safe for concurrent use.
type Intake struct {
	apps      Apps
	rec       Recorder
	channelID func(*http.Request) string
	lim       hookbody.Limits
	log       *slog.Logger
	clock     enquiry.Clock
}

// NewIntake returns an Intake for cfg. It does no I/O. It panics if
// cfg.Apps or cfg.Recorder is nil: that is a wiring mistake, better found
// at start than on Meta's first request.
func NewIntake(cfg IntakeConfig) *Intake {
	if cfg.Apps == nil || cfg.Recorder == nil {
		panic("whatsapp: NewIntake needs IntakeConfig.Apps and Recorder")
	}
	in := &Intake{apps: cfg.Apps, rec: cfg.Recorder, channelID: cfg.ChannelID,
		lim: hookbody.Limits{MaxBytes: cfg.MaxBodyBytes, Timeout: cfg.ReadTimeout}, log: cfg.Logger, clock: clock.Or(cfg.Clock)}
	if in.channelID == nil {
		in.channelID = func(r *http.Request) string { return r.PathValue("channel") }
	}
	if in.log == nil {
		in.log = slog.Default()
	}
	return in
}

// ServeHTTP answers one request. GET is Meta's verification handshake: an
// unknown channel → 404; otherwise see AnswerVerification (200 with the
// challenge, 403, 400). POST is a webhook body, judged as far as possible
// from the head before the body is read: a declared length over
// MaxBodyBytes → 413; an unknown channel → 404 (500 if the lookup
// fails); no X-Hub-Signature-256 → 401. Then the body is read (413, 408,
// 400 when it cannot be, see internal/hookbody); a wrong signature → 401;
// a body that is not a WhatsApp webhook body → 400, never quoting it; the
// Recorder failing → 500, so Meta redelivers; otherwise 200. Any other
// method → 405.
func (in *Intake) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method == http.MethodGet {
		app, ok := in.app(ctx, rw, r)
		if ok {
			AnswerVerification(rw, r, app.VerifyToken.Reveal())
		}
		return
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", "GET, POST")
		if r.ContentLength != 0 && r.ProtoMajor == 1 {
			rw.Header().Set("Connection", "close") // leave an unwanted body unread
		}
		http.Error(rw, "use GET or POST", http.StatusMethodNotAllowed)
		return
	}
	b, ok := hookbody.Begin(rw, r, in.lim)
	if !ok {
		return
	}
	id := in.channelID(r)
	signed := hookbody.Signed{Header: SignatureHeader, NotFound: enquiry.ErrNotFound, Verify: VerifySignature,
		Service: "whatsapp webhook", Channel: id, Log: in.log}
	app, err := in.apps.App(ctx, id)
	if !b.Found(err, signed) {
		return
	}
	body, ok := b.Verified(app.AppSecret.Reveal(), signed)
	if !ok {
		return
	}
	n, err := ParseNotification(body)
	if err != nil {
		in.log.InfoContext(ctx, "whatsapp webhook: malformed body", "channel", id, "err", err)
		http.Error(rw, "malformed webhook body", http.StatusBadRequest)
		return
	}
	if err := in.rec.Record(ctx, id, n, in.clock.Now()); err != nil {
		in.log.ErrorContext(ctx, "whatsapp webhook: recording failed; Meta will redeliver", "channel", id, "err", err)
		http.Error(rw, "cannot record notification", http.StatusInternalServerError)
		return
	}
	rw.WriteHeader(http.StatusOK)
}

// app looks the request's channel up for the GET handshake, answering
// 404 or 500 itself when it cannot.
func (in *Intake) app(ctx context.Context, rw http.ResponseWriter, r *http.Request) (App, bool) {
	id := in.channelID(r)
	app, err := in.apps.App(ctx, id)
	if err == nil {
		return app, true
	}
	code, msg := http.StatusNotFound, "unknown channel"
	if !errors.Is(err, enquiry.ErrNotFound) {
		in.log.ErrorContext(ctx, "whatsapp webhook: channel lookup failed", "channel", id, "err", err)
		code, msg = http.StatusInternalServerError, "channel lookup failed"
	}
	http.Error(rw, msg, code)
	return App{}, false
}

// StaticApps is an Apps from a fixed map of channel ID to App, for hosts
// that configure their WhatsApp channels at start. Only read, it is safe
// for concurrent use.
type StaticApps map[string]App

// App returns the channel's App, or enquiry.ErrNotFound.
func (a StaticApps) App(_ context.Context, channel string) (App, error) {
	app, ok := a[channel]
	if !ok {
		return App{}, enquiry.ErrNotFound
	}
	return app, nil
}

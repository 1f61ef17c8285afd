package hookbody

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// Signed is how a connector's webhook checks that a request comes from
// its platform: the header that carries the body's signature, the
// channel's secret, and the check of one against the other.
type Signed struct {
	// Header carries the signature, e.g. "X-Line-Signature".
	Header string
	// Secret looks up the request's channel and returns its secret. An
	// error matching NotFound means there is no such channel.
	Secret   func(ctx context.Context) (string, error)
	NotFound error
	// Verify reports whether signature is the body's under secret.
	Verify func(secret string, body []byte, signature string) bool
	// Service and Channel name the webhook and the channel in logs,
	// which Log receives.
	Service, Channel string
	Log              *slog.Logger
}

// Verified takes a signed webhook request as far as its verified body:
// Begin (405, 413 from the head); then the channel's secret (an unknown
// channel → 404 "unknown channel"; a failed lookup → 500, logged); no
// signature header → 401; the body read (413, 408, 400, see Read,
// logged); a signature that does not verify → 401 "invalid signature",
// which does not say how it is wrong. It returns the body, or false when
// it has answered.
func Verified(rw http.ResponseWriter, r *http.Request, lim Limits, s Signed) ([]byte, bool) {
	b, ok := Begin(rw, r, lim)
	if !ok {
		return nil, false
	}
	ctx := r.Context()
	secret, err := s.Secret(ctx)
	switch {
	case errors.Is(err, s.NotFound):
		b.Refuse(http.StatusNotFound, "unknown channel")
		return nil, false
	case err != nil:
		s.Log.ErrorContext(ctx, s.Service+": channel lookup failed", "channel", s.Channel, "err", err)
		b.Refuse(http.StatusInternalServerError, "channel lookup failed")
		return nil, false
	}
	signature := r.Header.Get(s.Header)
	if signature == "" {
		b.Refuse(http.StatusUnauthorized, "invalid signature")
		return nil, false
	}
	body, err := b.Read()
	if err != nil {
		s.Log.InfoContext(ctx, s.Service+": request body not read", "channel", s.Channel, "received", len(body), "err", err)
		return nil, false
	}
	if !s.Verify(secret, body, signature) {
		http.Error(rw, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

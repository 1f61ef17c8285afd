package hookbody

import (
	"errors"
	"log/slog"
	"net/http"
)

// Signed is how a connector's webhook checks that a request comes from
// its platform: the header that carries the body's signature and the
// check of it against the channel's secret; and how it names itself and
// the channel in logs.
type Signed struct {
	// Header carries the signature, e.g. "X-Line-Signature".
	Header string
	// NotFound is the error a channel lookup gives for no such channel.
	NotFound error
	// Verify reports whether signature is the body's under secret.
	Verify func(secret string, body []byte, signature string) bool
	// Service and Channel name the webhook and the channel in logs,
	// which Log receives.
	Service, Channel string
	Log              *slog.Logger
}

// Found answers a failed lookup of the request's channel (err, from
// between Begin and Verified): an error matching s.NotFound → 404
// "unknown channel"; another → 500, logged. It reports whether err is
// nil, so the handler goes on.
func (b *Body) Found(err error, s Signed) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, s.NotFound):
		b.Refuse(http.StatusNotFound, "unknown channel")
	default:
		s.Log.ErrorContext(b.r.Context(), s.Service+": channel lookup failed", "channel", s.Channel, "err", err)
		b.Refuse(http.StatusInternalServerError, "channel lookup failed")
	}
	return false
}

// Verified takes a signed request, once its channel is found, as far as
// its verified body, as every connector's webhook does: no signature
// header → 401; the body read (413, 408, 400, see Read; logged); a
// signature that does not verify with secret → 401 "invalid signature",
// which does not say how it is wrong. It returns the body, or false when
// it has answered.
func (b *Body) Verified(secret string, s Signed) ([]byte, bool) {
	signature := b.r.Header.Get(s.Header)
	if signature == "" {
		b.Refuse(http.StatusUnauthorized, "invalid signature")
		return nil, false
	}
	body, err := b.Read()
	if err != nil {
		s.Log.InfoContext(b.r.Context(), s.Service+": request body not read", "channel", s.Channel, "received", len(body), "err", err)
		return nil, false
	}
	if !s.Verify(secret, body, signature) {
		http.Error(b.rw, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

package whatsapp

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
)

// MaxChallengeLen is the longest hub.challenge echoed. Meta's challenges
// are short strings of digits; anything long is refused rather than
// reflected.
const MaxChallengeLen = 128

// Errors of VerifySubscription. None of them contains the query.
var (
	// ErrNotSubscribe: hub.mode is not "subscribe".
	ErrNotSubscribe = errors.New("whatsapp: verification request: hub.mode is not subscribe")
	// ErrVerifyToken: hub.verify_token is not the channel's verify token
	// (or the channel has none).
	ErrVerifyToken = errors.New("whatsapp: verification request: wrong verify token")
	// ErrChallenge: hub.challenge is missing, longer than
	// MaxChallengeLen, or holds characters other than ASCII letters,
	// digits, '-', '_' and '.'.
	ErrChallenge = errors.New("whatsapp: verification request: missing or unusable challenge")
)

// VerifySubscription checks the query of the GET request with which Meta
// verifies a webhook URL (hub.mode=subscribe, hub.verify_token,
// hub.challenge) against the verify token set for the webhook in the
// app's dashboard. It returns the challenge to echo as the 200 answer's
// body, or an error saying what was wrong: the token is compared in
// constant time, and the challenge is returned only when the token is
// right and the challenge is a plain token (see ErrChallenge), so the
// endpoint never reflects arbitrary input. It is safe for concurrent use.
func VerifySubscription(query url.Values, verifyToken string) (string, error) {
	if query.Get("hub.mode") != "subscribe" {
		return "", ErrNotSubscribe
	}
	got := query.Get("hub.verify_token")
	if verifyToken == "" || subtle.ConstantTimeCompare([]byte(got), []byte(verifyToken)) != 1 {
		return "", ErrVerifyToken
	}
	c := query.Get("hub.challenge")
	if c == "" || len(c) > MaxChallengeLen {
		return "", ErrChallenge
	}
	for i := 0; i < len(c); i++ {
		switch b := c[i]; {
		case b >= '0' && b <= '9', b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b == '-', b == '_', b == '.':
		default:
			return "", ErrChallenge
		}
	}
	return c, nil
}

// AnswerVerification answers Meta's verification GET request r: 200 with
// the challenge as a text/plain body when VerifySubscription accepts it,
// 403 for a wrong verify token, 400 otherwise. It never echoes anything
// but an accepted challenge. It reports whether the request was
// accepted. It is safe for concurrent use.
func AnswerVerification(rw http.ResponseWriter, r *http.Request, verifyToken string) bool {
	challenge, err := VerifySubscription(r.URL.Query(), verifyToken)
	h := rw.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case err == nil:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write([]byte(challenge))
		return true
	case errors.Is(err, ErrVerifyToken):
		http.Error(rw, "verification refused", http.StatusForbidden)
	default:
		http.Error(rw, "not a verification request", http.StatusBadRequest)
	}
	return false
}

package deskhttp

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Role is what a principal may do. An admin manages channels, staff
// accounts and tokens, and may do whatever staff do; staff set their own
// presence and attend, answer, transfer, invite to and close enquiries.
type Role string

// The roles.
const (
	RoleAdmin Role = "admin"
	RoleStaff Role = "staff"
)

// allows reports whether r includes the rights of need.
func (r Role) allows(need Role) bool {
	return r == need || r == RoleAdmin
}

// Via is the kind of credential a request came with.
type Via string

// The kinds of credential.
const (
	// ViaService is a service credential such as the host's DESK_TOKEN:
	// it names, in the request body, the staff member it acts for.
	ViaService Via = "service"
	// ViaSession is a signed-in staff member's session cookie.
	ViaSession Via = "session"
	// ViaToken is a staff member's own API token.
	ViaToken Via = "token"
)

// Principal is who a request acts as, from a verified credential.
type Principal struct {
	// Staff is the staff member the credential belongs to; "" for a
	// service credential, which names the staff member it acts for in
	// each request body.
	Staff string
	// Role is what the credential may do.
	Role Role
	// Via is the kind of credential.
	Via Via
}

// Credential is what a request presents. Its fields are secrets: they
// print and marshal as "[redacted]".
type Credential struct {
	// Bearer is the token of an Authorization: Bearer header (or, where a
	// browser cannot send a header, of the access_token query parameter).
	Bearer enquiry.Secret
	// Session is the session cookie's value.
	Session enquiry.Secret
}

// An Authenticator says who a credential belongs to. Authenticate returns
// ErrUnauthenticated (or an error wrapping it) when the credential is
// missing, wrong, expired or belongs to a disabled account; any other
// error is a failure to check it, answered 500. Implementations must be
// safe for concurrent use.
type Authenticator interface {
	Authenticate(ctx context.Context, c Credential) (Principal, error)
}

// ErrUnauthenticated reports a credential that is missing or not valid.
var ErrUnauthenticated = errors.New("deskhttp: no valid credential")

// ServiceToken returns the Authenticator of one service credential with
// the admin role, such as the host's DESK_TOKEN: a request with
// Authorization: Bearer token acts as the staff member its body names.
// An empty token accepts nothing. It is safe for concurrent use.
// The Authenticator prints, marshals and logs as "[redacted]".
func ServiceToken(token string) Authenticator { return serviceToken{enquiry.Secret(token)} }

// serviceToken embeds the token as an enquiry.Secret, whose methods
// (Format, MarshalJSON, MarshalText, LogValue) it takes on: printed with
// any verb, marshalled or logged, it shows "[redacted]", never the token.
type serviceToken struct{ enquiry.Secret }

func (s serviceToken) Authenticate(_ context.Context, c Credential) (Principal, error) {
	if s.IsZero() || c.Bearer.IsZero() || subtle.ConstantTimeCompare([]byte(c.Bearer.Reveal()), []byte(s.Reveal())) != 1 {
		return Principal{}, ErrUnauthenticated
	}
	return Principal{Role: RoleAdmin, Via: ViaService}, nil
}

// open is the principal of every request when Config.Auth is nil.
var open = Principal{Role: RoleAdmin, Via: ViaService}

// mediaPath is the prefix of media URLs, which <img>, <video> and <audio>
// load without headers.
const mediaPath = "/api/media/"

// authenticate returns r's principal, or what the client must do.
func (h *Handler) authenticate(r *http.Request) (Principal, string) {
	if h.cfg.Auth == nil && h.cfg.Accounts == nil {
		return open, ""
	}
	const useHeader = "send Authorization: Bearer <token>, or sign in"
	q := r.URL.Query()
	if q.Has("access_token") && !queryTokenAllowed(r) {
		return Principal{}, "a token in the URL is accepted only by GET " + eventsPath + " and " + mediaPath + "…: " + useHeader
	}
	var c Credential
	if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		c.Bearer = enquiry.Secret(got)
	} else {
		c.Bearer = enquiry.Secret(q.Get("access_token"))
	}
	if ck, err := r.Cookie(SessionCookie); err == nil {
		c.Session = enquiry.Secret(ck.Value)
	}
	p, err := h.credential(r.Context(), c)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		return Principal{}, useHeader
	case err != nil:
		h.log.ErrorContext(r.Context(), "checking a credential failed", "err", err)
		return Principal{}, "the credential could not be checked; try again"
	}
	return p, ""
}

// credential returns whom c belongs to: a service credential of
// Config.Auth, a staff token or a session of Config.Accounts. A disabled
// account's session and tokens are refused at once.
func (h *Handler) credential(ctx context.Context, c Credential) (Principal, error) {
	err := ErrUnauthenticated
	if h.cfg.Auth != nil {
		var p Principal
		if p, err = h.cfg.Auth.Authenticate(ctx, c); err == nil || !errors.Is(err, ErrUnauthenticated) {
			return p, err
		}
	}
	accts := h.cfg.Accounts
	if accts == nil {
		return Principal{}, err
	}
	var (
		a   Account
		via Via
	)
	switch {
	case !c.Bearer.IsZero():
		a, err = accts.TokenAccount(ctx, c.Bearer)
		via = ViaToken
	case !c.Session.IsZero():
		var staff string
		if staff, err = h.sessions.Staff(ctx, c.Session); err == nil {
			a, err = accts.Account(ctx, staff)
		}
		via = ViaSession
	}
	switch {
	case errors.Is(err, ErrNoAccount):
		err = ErrUnauthenticated
	case err == nil && a.Disabled:
		err = ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	return Principal{Staff: a.ID, Role: a.Role, Via: via}, nil
}

// SessionCookie is the name of the cookie a signed-in staff member's
// session travels in.
const SessionCookie = "socialdesk_session"

// queryTokenAllowed reports whether r may carry the token in its query:
// a GET (or HEAD) of the event stream, which EventSource opens, or of a
// media file, which the console's <img>, <video> and <audio> load.
func queryTokenAllowed(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.URL.Path == eventsPath || strings.HasPrefix(r.URL.Path, mediaPath)
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal a request served by a Handler acts
// as; ok is false outside such a request.
func PrincipalFrom(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// need wraps next so that only a principal with role reaches it; any
// other is answered 403 naming the role it lacks.
func need(role Role, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, _ := PrincipalFrom(r.Context())
		if !p.Role.allows(role) {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": map[string]string{
				"code": "forbidden", "role": string(role),
				"message": "this needs the " + string(role) + " role",
			}})
			return
		}
		next(w, r)
	}
}

// actor returns the staff member r acts as: the principal's own, or, for
// a service credential, the one the body names, and logs who acts through
// what. A staff credential whose body names someone else is answered 403;
// a service credential that names no one is answered 422.
func (h *Handler) actor(w http.ResponseWriter, r *http.Request, named string) (string, bool) {
	staff, ok := actor(w, r, named)
	if ok {
		p, _ := PrincipalFrom(r.Context())
		h.log.InfoContext(r.Context(), "staff action", "staff", staff, "via", p.Via, "method", r.Method, "path", r.URL.Path)
	}
	return staff, ok
}

func actor(w http.ResponseWriter, r *http.Request, named string) (string, bool) {
	p, _ := PrincipalFrom(r.Context())
	switch {
	case p.Staff != "" && named != "" && named != p.Staff:
		writeError(w, http.StatusForbidden, "not_yourself", "a staff credential acts only as its own staff member: leave out \"staff\" or name yourself")
		return "", false
	case p.Staff != "":
		return p.Staff, true
	case named == "":
		writeError(w, http.StatusUnprocessableEntity, "missing_staff", `say which staff member acts: {"staff":"alice"}`)
		return "", false
	}
	return named, true
}

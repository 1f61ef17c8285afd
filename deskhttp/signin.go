package deskhttp

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// signIn serves POST /api/session {"staff","password"}: on the right
// password it starts a session, sets its cookie and answers the staff
// member. Failures are throttled per account and per client address: a
// key over its allowance is answered 429 with Retry-After, without the
// password being checked.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Accounts == nil {
		writeError(w, http.StatusNotFound, "no_accounts", "this desk has no staff accounts to sign in to")
		return
	}
	var b struct {
		Staff    string         `json:"staff"`
		Password enquiry.Secret `json:"password"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if b.Staff == "" || b.Password.IsZero() {
		writeError(w, http.StatusUnprocessableEntity, "invalid", `send {"staff":"<id>","password":"<password>"}`)
		return
	}
	now, addr := h.cfg.Now(), clientHost(r)
	if wait := max(h.accountFailures.wait(b.Staff, now), h.addressFailures.wait(addr, now)); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		writeError(w, http.StatusTooManyRequests, "too_many_sign_ins", "too many failed sign-ins: wait and try again")
		return
	}
	a, err := h.cfg.Accounts.CheckPassword(r.Context(), b.Staff, b.Password)
	if err == nil && a.Disabled {
		err = ErrUnauthenticated
	}
	switch {
	case errors.Is(err, ErrUnauthenticated):
		h.accountFailures.fail(b.Staff, now)
		h.addressFailures.fail(addr, now)
		h.log.WarnContext(r.Context(), "sign-in failed", "staff", b.Staff, "client", addr)
		writeError(w, http.StatusUnauthorized, "wrong_password", "wrong staff ID or password, or the account is disabled")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	session, err := h.sessions.New(r.Context(), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.SetCookie(w, h.cookie(r, session.Reveal(), int(orDefault(h.cfg.SessionTTL, DefaultSessionTTL)/time.Second)))
	h.log.InfoContext(r.Context(), "signed in", "staff", a.ID, "client", addr)
	writeJSON(w, http.StatusOK, map[string]any{"staff": h.staffView(a)})
}

// signOut serves DELETE /api/session: it ends the request's session, if
// any, and clears its cookie.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		session := enquiry.Secret(c.Value)
		staff, _ := h.sessions.Staff(r.Context(), session)
		if err := h.sessions.End(r.Context(), session); err != nil {
			h.fail(w, r, err)
			return
		}
		h.log.InfoContext(r.Context(), "signed out", "staff", staff)
	}
	http.SetCookie(w, h.cookie(r, "", -1))
	w.WriteHeader(http.StatusNoContent)
}

// whoAmI serves GET /api/session: who the request's credential acts as.
func (h *Handler) whoAmI(w http.ResponseWriter, r *http.Request) {
	p, _ := PrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"staff": p.Staff, "role": p.Role, "via": p.Via})
}

// cookie is the session cookie: HttpOnly, SameSite=Lax, and Secure when
// the request came over TLS or the host says a TLS proxy is in front.
func (h *Handler) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || h.cfg.SecureCookies,
	}
}

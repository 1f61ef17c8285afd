package deskhttp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/routing"
)

// staffJSON is a staff member as GET /api/staff shows them: never a
// password hash or a token.
type staffJSON struct {
	ID       string `json:"id"`
	First    string `json:"first"`
	Last     string `json:"last"`
	Presence string `json:"presence"`
	Open     int    `json:"open"`
	Role     Role   `json:"role,omitempty"`
	Disabled bool   `json:"disabled"`
}

// staffView is account a with its presence and load from the roster.
func (h *Handler) staffView(a Account) staffJSON {
	st, _ := h.roster.Staff(a.ID)
	return staffJSON{ID: a.ID, First: a.First, Last: a.Last, Presence: presenceName(st.Presence), Open: st.Open, Role: a.Role, Disabled: a.Disabled}
}

// LoadAccounts adds every staff account to the roster, so that routing
// may offer them enquiries once they are available. Hosts call it once at
// start-up; accounts made or edited through the API are added as they
// change. Without Config.Accounts it does nothing.
func (h *Handler) LoadAccounts(ctx context.Context) error {
	if h.cfg.Accounts == nil {
		return nil
	}
	list, err := h.cfg.Accounts.Accounts(ctx)
	for _, a := range list {
		h.syncRoster(a)
	}
	return err
}

// syncRoster adds or renames a's staff member in the roster; a disabled
// account goes offline, so routing offers it nothing.
func (h *Handler) syncRoster(a Account) {
	h.roster.Add(a.ID, automsg.Staff{First: a.First, Last: a.Last}, 0)
	if a.Disabled {
		h.roster.SetPresence(a.ID, routing.Offline)
	}
}

// listStaff serves GET /api/staff: the accounts with their presence, or,
// without accounts, the roster.
func (h *Handler) listStaff(w http.ResponseWriter, r *http.Request) {
	out := []staffJSON{}
	if h.cfg.Accounts != nil {
		list, err := h.cfg.Accounts.Accounts(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, a := range list {
			out = append(out, h.staffView(a))
		}
	} else {
		for _, id := range h.roster.IDs() {
			n, _ := h.roster.Name(id)
			out = append(out, h.staffView(Account{ID: id, First: n.First, Last: n.Last}))
		}
	}
	slices.SortFunc(out, func(a, b staffJSON) int { return strings.Compare(a.ID, b.ID) })
	writeJSON(w, http.StatusOK, map[string]any{"staff": out})
}

// accounts answers 404 when the desk has no accounts; else it returns them.
func (h *Handler) accounts(w http.ResponseWriter) (Accounts, bool) {
	if h.cfg.Accounts == nil {
		writeError(w, http.StatusNotFound, "no_accounts", "this desk has no staff accounts")
	}
	return h.cfg.Accounts, h.cfg.Accounts != nil
}

// createStaff serves POST /api/staff (admin).
func (h *Handler) createStaff(w http.ResponseWriter, r *http.Request) {
	accts, ok := h.accounts(w)
	if !ok {
		return
	}
	var b struct {
		ID       string         `json:"id"`
		First    string         `json:"first"`
		Last     string         `json:"last"`
		Role     Role           `json:"role"`
		Password enquiry.Secret `json:"password"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if b.Role == "" {
		b.Role = RoleStaff
	}
	switch {
	case b.ID == "" || b.First == "":
		writeError(w, http.StatusUnprocessableEntity, "invalid", "a staff member needs an id and a first name")
		return
	case !validRole(b.Role):
		writeError(w, http.StatusUnprocessableEntity, "invalid", `role is "admin" or "staff"`)
		return
	}
	a, err := accts.CreateAccount(r.Context(), Account{ID: b.ID, First: b.First, Last: b.Last, Role: b.Role}, b.Password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.syncRoster(a)
	writeJSON(w, http.StatusCreated, map[string]any{"staff": h.staffView(a)})
}

// editStaff serves PATCH /api/staff/{id} (admin): the fields present
// change.
func (h *Handler) editStaff(w http.ResponseWriter, r *http.Request) {
	accts, ok := h.accounts(w)
	if !ok {
		return
	}
	var b struct {
		First    *string         `json:"first"`
		Last     *string         `json:"last"`
		Role     *Role           `json:"role"`
		Disabled *bool           `json:"disabled"`
		Password *enquiry.Secret `json:"password"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if b.Role != nil && !validRole(*b.Role) {
		writeError(w, http.StatusUnprocessableEntity, "invalid", `role is "admin" or "staff"`)
		return
	}
	if (b.Disabled != nil && *b.Disabled) || (b.Role != nil && *b.Role != RoleAdmin) {
		last, err := lastAdmin(r.Context(), accts, r.PathValue("id"))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if last {
			writeError(w, http.StatusConflict, "last_admin", "this is the desk's last enabled admin account: make another staff member an admin first")
			return
		}
	}
	a, err := accts.UpdateAccount(r.Context(), r.PathValue("id"), AccountChange{First: b.First, Last: b.Last, Role: b.Role, Disabled: b.Disabled, Password: b.Password})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.syncRoster(a)
	writeJSON(w, http.StatusOK, map[string]any{"staff": h.staffView(a)})
}

// lastAdmin reports whether id is the one enabled admin account, which
// editStaff keeps from being disabled or demoted: nobody could then
// manage the desk but through a service credential.
func lastAdmin(ctx context.Context, accts Accounts, id string) (bool, error) {
	all, err := accts.Accounts(ctx)
	if err != nil {
		return false, err
	}
	admins, isAdmin := 0, false
	for _, a := range all {
		if a.Role == RoleAdmin && !a.Disabled {
			admins++
			isAdmin = isAdmin || a.ID == id
		}
	}
	return isAdmin && admins == 1, nil
}

// newToken serves POST /api/staff/{id}/tokens (admin): the token's value
// is in this answer only.
func (h *Handler) newToken(w http.ResponseWriter, r *http.Request) {
	accts, ok := h.accounts(w)
	if !ok {
		return
	}
	if _, err := accts.Account(r.Context(), r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	tok, value, err := accts.NewToken(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": tok.ID, "staff": tok.Staff, "created": tok.Created, "token": value.Reveal()})
}

// tokenJSON is a token as GET /api/staff/{id}/tokens shows it: never its
// value or its hash.
type tokenJSON struct {
	ID      string    `json:"id"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// listTokens serves GET /api/staff/{id}/tokens (admin): the staff
// member's tokens, revoked ones included, oldest first.
func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) {
	accts, ok := h.accounts(w)
	if !ok {
		return
	}
	list, err := accts.Tokens(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]tokenJSON, len(list))
	for i, t := range list {
		out[i] = tokenJSON{ID: t.ID, Label: t.Label, Created: t.Created, Revoked: t.Revoked}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// revokeToken serves DELETE /api/staff/{id}/tokens/{tokenID} (admin).
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	accts, ok := h.accounts(w)
	if !ok {
		return
	}
	if err := accts.RevokeToken(r.Context(), r.PathValue("id"), r.PathValue("tokenID")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// accountError maps the Accounts errors to an answer; false when err is
// none of them.
func accountError(w http.ResponseWriter, err error) bool {
	switch {
	case errors.Is(err, ErrNoAccount):
		writeError(w, http.StatusNotFound, "not_found", "no such staff member or token")
	case errors.Is(err, ErrAccountExists):
		writeError(w, http.StatusConflict, "staff_exists", "a staff member with that ID exists")
	default:
		return false
	}
	return true
}

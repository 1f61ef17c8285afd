package enquiry

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/socialdesk/socialdesk/automsg"
)

// Role is what a staff account may do at the desk.
type Role string

// Roles.
const (
	// RoleAdmin manages channels (create, edit, suspend, resume, delete,
	// credentials), staff accounts and their tokens, and may serve
	// enquiries as well.
	RoleAdmin Role = "admin"
	// RoleStaff serves enquiries: their own presence, attend, send,
	// transfer, invite and close.
	RoleStaff Role = "staff"
)

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleStaff }

// Limits on an account's fields.
const (
	MaxAccountID   = 64  // bytes: letters, digits and . _ - @
	MaxAccountName = 100 // characters (Unicode code points) of First and of Last
)

var (
	// ErrAccountExists: a staff account with that ID exists, or with an
	// ID that differs from it only in the case of its letters.
	ErrAccountExists = errors.New("enquiry: staff account ID already in use")
	// ErrTokenExists: a token with that ID or hash, or a session with
	// that hash, exists. NewToken's and NewSession's random values make
	// it a sign of a fault, not of bad luck.
	ErrTokenExists = errors.New("enquiry: token or session already stored")
)

// Account is a staff member's account: who they are at the desk, what
// they may do, and how they sign in. Its ID is the staff ID the desk uses
// everywhere (routing, attendance, the transcript); it is matched exactly,
// but no two accounts have IDs that differ only in case ("alice" and
// "Alice"), so that one cannot pass for the other. An Account is a value.
type Account struct {
	ID string `json:"id"`
	// First and Last are the names the display-name formats use (see
	// Name); at least one is needed.
	First string `json:"first"`
	Last  string `json:"last"`
	Role  Role   `json:"role"`
	// Disabled accounts cannot sign in, and their sessions and tokens
	// stop working at once; the account and its history are kept, and
	// enabling it again restores its tokens that were not revoked.
	Disabled bool `json:"disabled"`
	// PasswordHash is HashPassword's encoding of the account's password;
	// empty means the account cannot sign in with a password (tokens
	// only). It prints as "[redacted]" and is never marshalled.
	PasswordHash Secret    `json:"-"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

// Name returns the account's names as the display-name formats take them.
func (a *Account) Name() automsg.Staff { return automsg.Staff{First: a.First, Last: a.Last} }

// Validate reports the first field that is not acceptable, as a
// *ValidationError: the ID (1 to MaxAccountID letters, digits and
// . _ - @), the names (one of them set, each at most MaxAccountName
// characters, valid UTF-8) and the role. Stores call it before writing.
func (a *Account) Validate() error {
	switch {
	case a.ID == "":
		return invalid("id", "a staff account needs an ID", nil)
	case len(a.ID) > MaxAccountID:
		return invalid("id", "at most 64 characters", nil)
	case !accountID(a.ID):
		return invalid("id", "only letters, digits and . _ - @ may be used", nil)
	case a.First == "" && a.Last == "":
		return invalid("first", "a staff account needs a first or a last name", nil)
	case !utf8.ValidString(a.First) || utf8.RuneCountInString(a.First) > MaxAccountName:
		return invalid("first", "at most 100 characters of valid UTF-8", nil)
	case !utf8.ValidString(a.Last) || utf8.RuneCountInString(a.Last) > MaxAccountName:
		return invalid("last", "at most 100 characters of valid UTF-8", nil)
	case !a.Role.Valid():
		return invalid("role", `must be "admin" or "staff"`, nil)
	}
	return nil
}

// accountID reports whether id uses only the characters an account ID
// may: ASCII letters and digits and . _ - @, so that it is safe in a URL
// path, a log line and a routing rule as it is.
func accountID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == '-', c == '@':
		default:
			return false
		}
	}
	return true
}

// Token is a staff member's API token as it is stored: the secret part
// of the token is kept only as its hash, so the plain token, shown once by
// NewToken, cannot be read back. A token acts as its staff member, with
// their role, while it is not revoked and their account is enabled.
type Token struct {
	// ID names the token; it is part of the plain token and not secret.
	ID string `json:"id"`
	// Staff is the ID of the account the token acts for.
	Staff string `json:"staff"`
	// Label says what the token is for ("laptop", "CI"), for people; at
	// most MaxAccountName characters.
	Label string `json:"label,omitempty"`
	// Hash is the SHA-256 of the plain token (see TokenHash). It prints
	// as "[redacted]" and is never marshalled.
	Hash    Secret    `json:"-"`
	Created time.Time `json:"created"`
	// Revoked is when the token was revoked; zero while it is in force.
	Revoked time.Time `json:"revoked,omitzero"`
}

// Validate reports the first field that is not acceptable, as a
// *ValidationError: an ID of 1 to MaxAccountID letters, digits and
// . _ - @, a staff ID, a hash, and a label of at most MaxAccountName
// characters. Stores call it before writing.
func (t *Token) Validate() error {
	switch {
	case t.ID == "" || len(t.ID) > MaxAccountID || !accountID(t.ID):
		return invalid("id", "a token needs an ID of at most 64 letters, digits and . _ - @", nil)
	case t.Staff == "":
		return invalid("staff", "a token needs the ID of its staff account", nil)
	case t.Hash.IsZero():
		return invalid("hash", "a token needs the hash of its secret (see NewToken)", nil)
	case !utf8.ValidString(t.Label) || utf8.RuneCountInString(t.Label) > MaxAccountName:
		return invalid("label", "at most 100 characters of valid UTF-8", nil)
	}
	return nil
}

// AccountStore keeps staff accounts, their API tokens and their
// sessions. It is part of every Store, so a host seeds its staff with
// CreateAccount (ignoring ErrAccountExists on a restart) and an
// authenticator reads them back.
type AccountStore interface {
	SessionStore
	// CreateAccount stores a new account: ErrAccountExists if the ID is
	// taken, in any case of its letters; a *ValidationError if Validate
	// fails.
	CreateAccount(ctx context.Context, a Account) error
	// UpdateAccount replaces an account (Created included):
	// ErrNotFound, a *ValidationError if Validate fails.
	UpdateAccount(ctx context.Context, a Account) error
	// Account returns an account by ID: ErrNotFound.
	Account(ctx context.Context, id string) (Account, error)
	// Accounts returns every account, ordered by ID (byte order).
	Accounts(ctx context.Context) ([]Account, error)
	// CreateToken stores a new token of t.Staff's account: ErrNotFound if
	// there is no such account, ErrTokenExists if the ID or the hash is
	// taken, a *ValidationError if Validate fails.
	CreateToken(ctx context.Context, t Token) error
	// Tokens returns the tokens of an account, revoked ones included,
	// oldest first: ErrNotFound if there is no such account.
	Tokens(ctx context.Context, staff string) ([]Token, error)
	// TokenByHash returns the token with that hash and its account, only
	// while the token is not revoked and the account is not disabled:
	// ErrNotFound otherwise, whichever the reason.
	TokenByHash(ctx context.Context, hash Secret) (Token, Account, error)
	// RevokeToken revokes staff's token id as of at: ErrNotFound if staff
	// has no such token, a *ValidationError if at is zero. Revoking a
	// revoked token keeps its first time.
	RevokeToken(ctx context.Context, staff, id string, at time.Time) error
}

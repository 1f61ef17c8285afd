package deskhttp

import (
	"context"
	"errors"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// Account is a staff account as the API shows it: never its password
// hash or tokens.
type Account struct {
	ID       string `json:"id"`
	First    string `json:"first"`
	Last     string `json:"last"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
}

// AccountChange is an edit of an account: the fields that are not nil
// change.
type AccountChange struct {
	First    *string
	Last     *string
	Role     *Role
	Disabled *bool
	// Password is a new password, to be kept only as a hash.
	Password *enquiry.Secret
}

// Token is a staff member's API token as the API shows it: its ID, never
// its value, which is shown once when it is made, nor its hash.
type Token struct {
	ID    string `json:"id"`
	Staff string `json:"staff"`
	// Label says what the token is for, for people; it may be empty.
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	// Revoked is when the token was revoked; zero while it is in force.
	Revoked time.Time `json:"revoked,omitzero"`
}

// Errors an Accounts implementation returns (or wraps).
var (
	// ErrNoAccount reports an account or token that does not exist.
	ErrNoAccount = errors.New("deskhttp: no such staff account or token")
	// ErrAccountExists reports an account ID already taken.
	ErrAccountExists = errors.New("deskhttp: a staff account with that ID exists")
)

// Accounts keeps the staff accounts, their password hashes and their API
// tokens; the desk's store implements it. Passwords and tokens are kept
// only as hashes (argon2id or bcrypt; tokens may use a fast hash, being
// random). Implementations must be safe for concurrent use.
type Accounts interface {
	// Account returns the account id, or ErrNoAccount.
	Account(ctx context.Context, id string) (Account, error)
	// Accounts returns every account.
	Accounts(ctx context.Context) ([]Account, error)
	// CreateAccount adds a, with password hashed; ErrAccountExists when
	// the ID is taken.
	CreateAccount(ctx context.Context, a Account, password enquiry.Secret) (Account, error)
	// UpdateAccount applies c to account id.
	UpdateAccount(ctx context.Context, id string, c AccountChange) (Account, error)
	// CheckPassword returns account id when password is its password;
	// ErrUnauthenticated when it is not or there is no such account.
	CheckPassword(ctx context.Context, id string, password enquiry.Secret) (Account, error)
	// NewToken makes an API token for staff and returns it with its
	// value, which is not kept.
	NewToken(ctx context.Context, staff string) (Token, enquiry.Secret, error)
	// Tokens returns staff's tokens, revoked ones included, oldest
	// first; ErrNoAccount when there is no such account.
	Tokens(ctx context.Context, staff string) ([]Token, error)
	// RevokeToken revokes staff's token tokenID; ErrNoAccount when there
	// is none in force.
	RevokeToken(ctx context.Context, staff, tokenID string) error
	// TokenAccount returns the account a token's value belongs to;
	// ErrUnauthenticated when it belongs to none.
	TokenAccount(ctx context.Context, token enquiry.Secret) (Account, error)
}

// validRole reports whether r is a role.
func validRole(r Role) bool { return r == RoleAdmin || r == RoleStaff }

package enquiry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
)

// A host seeds its first administrator, who signs in with a password,
// and gives a staff member an API token, shown once.
func ExampleAccountStore() {
	ctx := context.Background()
	store := enquiry.NewMemStore()
	now := time.Now()

	hash, err := enquiry.HashPassword("a long admin passphrase")
	if err != nil {
		panic(err)
	}
	admin := enquiry.Account{ID: "admin", First: "Admin", Role: enquiry.RoleAdmin, PasswordHash: hash, Created: now, Updated: now}
	// On a restart the account is there already: keep it.
	if err := store.CreateAccount(ctx, admin); err != nil && !errors.Is(err, enquiry.ErrAccountExists) {
		panic(err)
	}
	stored, _ := store.Account(ctx, "admin")
	fmt.Println("password checks:", enquiry.CheckPassword(stored.PasswordHash, "a long admin passphrase"))
	fmt.Printf("the hash prints as %v\n", stored.PasswordHash)

	store.CreateAccount(ctx, enquiry.Account{ID: "alice", First: "Alice", Last: "Chen", Role: enquiry.RoleStaff})
	plain, token := enquiry.NewToken("alice", now)
	if err := store.CreateToken(ctx, token); err != nil {
		panic(err)
	}
	// Show plain.Reveal() to alice once; later, a request carries it.
	_, acc, err := enquiry.CheckToken(ctx, store, plain)
	fmt.Println("the token acts for", acc.ID, err)

	store.RevokeToken(ctx, "alice", token.ID, now)
	_, _, err = enquiry.CheckToken(ctx, store, plain)
	fmt.Println("revoked:", errors.Is(err, enquiry.ErrBadToken))
	// Output:
	// password checks: true
	// the hash prints as [redacted]
	// the token acts for alice <nil>
	// revoked: true
}

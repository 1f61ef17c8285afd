package deskhttp_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/socialdesk/socialdesk/deskhttp"
	"github.com/socialdesk/socialdesk/enquiry"
)

// Staff accounts kept in the desk's store: the host sets up its built-in
// admin at start-up, and passes the same StoreAccounts to the Handler as
// its Accounts and its Sessions (deskhttp.Config{Accounts: accts,
// Sessions: accts}), so that replicas on one PostgreSQL store share the
// accounts, tokens and sign-ins.
func ExampleStoreAccounts() {
	ctx := context.Background()
	accts := &deskhttp.StoreAccounts{Store: enquiry.NewMemStore()}
	if err := accts.EnsureAdmin(ctx, "admin", "Admin", "a long admin password"); err != nil {
		log.Fatal(err)
	}
	mei, err := accts.CreateAccount(ctx, deskhttp.Account{ID: "mei", First: "Mei", Last: "Lin", Role: deskhttp.RoleStaff}, "mei's long password")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mei.ID, mei.Role)

	_, err = accts.CheckPassword(ctx, "mei", "not her password")
	fmt.Println(errors.Is(err, deskhttp.ErrUnauthenticated))
	a, err := accts.CheckPassword(ctx, "mei", "mei's long password")
	fmt.Println(a.First, err)
	// Output:
	// mei staff
	// true
	// Mei <nil>
}

package deskhttp

import (
	"context"
	"net"
)

// Open returns the Authenticator of a desk open to whoever reaches it, for
// development on a loopback address: a request without a credential acts
// as an admin service credential, naming in its body the staff member it
// acts for, as with Config.Auth nil; a request with a bearer token or a
// session cookie is checked by Config.Accounts, so that staff may still
// sign in and act as themselves. It is safe for concurrent use.
func Open() Authenticator { return openAuth{} }

type openAuth struct{}

func (openAuth) Authenticate(_ context.Context, c Credential) (Principal, error) {
	if !c.Bearer.IsZero() || !c.Session.IsZero() {
		return Principal{}, ErrUnauthenticated
	}
	return open, nil
}

// Loopback reports whether addr (host:port) listens on loopback only, as
// a desk must before it serves with Open.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

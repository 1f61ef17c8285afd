package enquiry

import "context"

type viaKey struct{}

// WithVia returns ctx carrying via, the credential a staff member acts
// through ("service", "session", "token"): the messages the desk writes
// for them in a call with this context record it in Author.Via, so the
// transcript says who acted and through what.
func WithVia(ctx context.Context, via string) context.Context {
	return context.WithValue(ctx, viaKey{}, via)
}

// viaFrom returns the via of ctx, or "".
func viaFrom(ctx context.Context) string {
	v, _ := ctx.Value(viaKey{}).(string)
	return v
}

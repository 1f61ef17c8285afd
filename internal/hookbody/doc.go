// Package hookbody reads a webhook request from a client that may be
// hostile, for every connector (line today, whatsapp next): the read
// deadline is set first; what the head already tells is refused before a
// byte of the body is read (a method other than POST 405, a declared
// length over the limit 413), and every refusal of a request with a body
// closes the connection and ends its read deadline at once, so a client
// that never sends the body holds nothing; the body is read into a buffer
// that grows with what arrives (at most 4 KiB at first), under the limit
// (413) and the deadline (408).
//
// A connector's handler keeps only its platform's steps between Begin and
// the verified body (find the channel and its secret) and what comes
// after; Found and Verified take the steps every connector takes (404 or
// 500 for the lookup, the signature header, the read, the signature):
//
//	b, ok := hookbody.Begin(rw, r, hookbody.Limits{})
//	if !ok { return }
//	ch, err := channels.Channel(ctx, id)
//	if !b.Found(err, signed) { return }
//	body, ok := b.Verified(ch.Secret, signed)
package hookbody

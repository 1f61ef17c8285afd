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
// Verified takes a signed request from Begin to its verified body with
// the steps every connector's webhook takes between (find the channel's
// secret, require the signature header, read, verify); a connector's
// handler keeps only its platform's parts, the header, the secret and the
// check, and what comes after:
//
//	body, ok := hookbody.Verified(rw, r, hookbody.Limits{}, hookbody.Signed{Header: "X-Line-Signature", …})
//	if !ok { return }
package hookbody

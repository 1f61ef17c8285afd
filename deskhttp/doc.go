// Package deskhttp serves a socialdesk desk over HTTP: the staff JSON API
// under /api/, the live event stream at GET /api/events (server-sent
// events) and the staff console at /, whose HTML, CSS and JavaScript are
// embedded in the package. A host mounts one Handler beside its
// connectors' webhooks:
//
//	h, err := deskhttp.New(deskhttp.Config{Desk: desk, Feed: feed, Auth: deskhttp.ServiceToken(token)})
//	mux.Handle("/", h)
//
// and runs h.Run(ctx) for live events to flow. The package names no
// platform: what it knows of a kind of channel (its webhook path, its
// name in messages, how a new channel is checked, its quota, the
// console's words for it) comes from a Connector the host or the
// connector package supplies; the console reads it from GET /api/config.
//
// # Who acts
//
// Every /api request needs a credential (unless Config.Auth is nil, for
// development on a loopback address), which an Authenticator turns
// into a Principal: who acts, with which Role, and through what (Via).
// ServiceToken is the service credential of a host's DESK_TOKEN, with the
// admin role; a request with it names, in its body, the staff member it
// acts for ({"staff":"alice"}). A staff member's own session or token acts
// as that staff member only: a body naming someone else is answered 403.
// Admins manage channels; staff attend, answer, transfer, invite to and
// close enquiries and set their own presence; a request without the role
// its route needs is answered 403 with a JSON error naming the role.
//
// # Staff accounts and sign-in
//
// With Config.Accounts (StoreAccounts keeps them, and the sessions, in
// the desk's store) staff sign in with POST /api/session {"staff","password"}, which sets a session
// cookie (HttpOnly, SameSite=Lax, Secure over TLS or with
// Config.SecureCookies), and sign out with DELETE /api/session; GET
// /api/session says who a credential acts as. Failed sign-ins are
// throttled per account and per client address: beyond the allowance
// the answer is 429 with Retry-After. A browser's cross-origin request
// that would change something is refused with 403
// (http.CrossOriginProtection), so no other site can use the cookie.
// Admins manage accounts with GET and POST /api/staff, PATCH
// /api/staff/{id}, POST /api/staff/{id}/tokens (the token's value is
// shown once) and DELETE /api/staff/{id}/tokens/{tokenID}. A disabled
// account's sessions and tokens stop working on its next request.
//
// # Staff media
//
// Staff send an image, audio or video with POST
// /api/enquiries/{id}/media: the file is judged by the media policy of
// the enquiry's channel kind (enquiry.Kind.Policy) before anything is
// stored, so a refusal is 422 with the rule's code and a reason, with
// nothing stored or sent; an accepted file goes to Config.Blobs and is
// sent as a staff message. Platforms fetch it from a signed, expiring
// URL under Config.Media.PublicURL, which the Handler serves at
// /media/{key} without a credential (the signature is one), with range
// requests. Wire Handler.MediaURL as the connector's URL signer (LINE:
// line.Config.MediaURL). URLs stay valid for DefaultMediaTTL, a week,
// unless Config.Media.TTL says otherwise, as the LINE app downloads media
// when the customer opens the chat, perhaps days later. Replicas must
// share Config.Media.Key; without one, each process makes its own.
//
// # Reports
//
// GET /api/reports gives first-response time, handling time and the
// missed rate per channel or per staff member, by day, over a range of
// days in a time zone (from, to, by, tz), as JSON or, with format=csv, as
// a CSV download; enquiry.Desk.Report defines each figure, and the store
// computes a report in one query. An admin sees every enquiry; a staff
// member may ask too, and sees only the enquiries that count for them.
// The console's Reports page draws them.
//
// # Limits
//
// ServeHTTP bounds each request's body read and answer write (Limits;
// Deadlines wraps a host's other routes the same way) and caps the live
// event streams per client and in all (StreamLimits). The http.Server's
// ReadTimeout and WriteTimeout should stay zero, so that they do not cut
// the event stream.
package deskhttp

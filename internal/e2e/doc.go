// Package e2e holds socialdesk's end-to-end reliability suite; it has no
// API. Its tests run the real pieces together — a net/http server with
// line.Webhook mounted at /webhook/line/{channel}, an enquiry.Desk on an
// enquiry.MemStore, and a line.Client sending to the fake LINE platform of
// package line/linetest — and inject what LINE and networks do: every
// event delivered 1 to 5 times, interleaved; 5xx answers, 429s and
// timeouts from the Messaging API (some after LINE carried the request
// out); a slow content API; a thousand concurrent webhooks from one
// customer; many customers at once; the desk stopped in the middle and
// another instance taking over the same store; an instance killed with a
// reply in flight and restarted under its name, resuming at once; two
// instances serving one store at once, behind a load balancer. They then
// check what the library promises: one open enquiry per customer, every
// customer message exactly once and in LINE's order, every outbound
// message delivered exactly once, Welcome and Close once per enquiry,
// nothing pending, and no goroutine left behind. A table of bad requests checks the HTTP
// boundary: each gets its status, nothing is recorded twice or lost, and
// no secret reaches a response or a log line.
//
// The short form runs with the other tests:
//
//	go test ./internal/e2e
//
// The long form uses the full numbers (200 customers in parallel with 25
// messages each, 100 customers through the restart):
//
//	go test ./internal/e2e -long -timeout 20m
//
// (SOCIALDESK_E2E_LONG=1 does the same, for runners that cannot pass
// flags.) The fault draws are seeded; -seed N picks another sequence.
// The restart and two-instance scenarios also run on PostgreSQL
// (enquiry/postgres) when SOCIALDESK_TEST_POSTGRES holds a DSN, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable; each test
// uses a schema of its own and drops it. SOCIALDESK_E2E_LOGS=dir keeps
// the full logs of a failing test.
package e2e

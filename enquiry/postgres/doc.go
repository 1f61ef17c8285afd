// Package postgres is an enquiry.Store on PostgreSQL, for hosts that run
// several desk replicas behind a load balancer: every replica uses one
// database, and the database enforces what must never happen twice.
//
//	store := postgres.New(pool, postgres.Options{}) // pool: a *pgxpool.Pool
//	err := store.Migrate(ctx)                        // once at start-up
//
// # What the database guarantees
//
// One open enquiry per customer of a channel is a partial unique index; a
// redelivered webhook event or platform message is dropped by a unique key
// (INSERT … ON CONFLICT DO NOTHING; a message by channel, customer and
// platform ID, so one customer cannot silence another by reusing an ID of
// theirs); the first staff member to attend wins
// by a conditional update on the enquiry's version; an external account
// belongs to one channel by a unique index. Ring timeouts and other
// deadlines are columns that any replica claims with FOR UPDATE SKIP
// LOCKED and a lease, so a replica that dies mid-ring loses nothing:
// another claims the deadline when the lease ends. Each customer's webhook
// events are leased the same way (inbox.Leaser, table event_keys):
// one replica at a time hands them to the desk, in order. Every lease
// names its owner, so a replica restarted under its old name (its
// enquiry.Config.Instance) ends its predecessor's leases at once
// (EndLeases) instead of waiting for them. Transcripts page by
// keyset on (enquiry, seq), and each enquiry's seq is assigned under its
// row lock, without gaps. Receive, the hot path, is one round trip for a
// message to an open enquiry: the functions socialdesk_receive_one and
// socialdesk_receive_batch do it inside the database. A customer's first
// message, which opens an enquiry, and a duplicate take a second, to
// socialdesk_receive.
//
// # Group commit
//
// Each commit waits for the database to flush its log to disk, and that
// wait, not the work, bounds how many messages one caller at a time can
// receive. So a Store combines concurrent Receive calls: it runs at most
// two Receive transactions at once (one if its pool has one connection),
// never two with messages of one customer; a call that
// finds one free runs at once, alone, and the calls that arrive while all
// are busy queue and go together, up to 64, in the next transaction. Its
// messages to customers' open enquiries go, up to three, as a pipeline of
// socialdesk_receive_one calls, one plain statement each (one message a
// customer; the customer's next go after, in order), and more as
// arrays to the function socialdesk_receive_batch, one statement for all
// of them; the others (a customer's first message, which opens an
// enquiry, and duplicates) then go as a pipeline of socialdesk_receive
// calls. Each call still gets the
// result it would get alone: a batch runs its messages as if one after
// the other (a customer's messages in their order of arrival), and if one
// fails, the database rolls the batch back and the others are received
// again without it. Nothing is acknowledged before it is committed;
// synchronous_commit stays as the database sets it.
//
// # Schema
//
// Migrate creates and upgrades the tables from SQL files embedded in the
// package, under an advisory lock, in one transaction, recording each in
// schema_migrations; it is safe to call from every replica at start-up.
// The tables go in the first schema of the connection's search_path; set
// search_path (pgxpool.Config.ConnConfig.RuntimeParams["search_path"]) to
// keep the desk in a schema of its own. Times are timestamptz, which keeps
// microseconds: times read back are in UTC, truncated to the microsecond.
//
// # Credentials at rest
//
// Channels hold their platform credentials (a secret that signs the
// platform's webhooks and a token that calls its API). By default they are stored as given, so protect them:
//
//   - Set Options.Encrypt and Options.Decrypt, for example to seal them
//     with AES-GCM under a key from your KMS or secret manager; the
//     database then never sees them in the clear, nor do its backups.
//   - Otherwise rely on encryption of the database's storage and backups,
//     and on TLS (sslmode=verify-full) between the desk and the database.
//   - Either way, give the desk a role that owns only its schema, and keep
//     other roles from reading the channels table.
//
// Staff accounts keep no credential in the clear, only its hash:
// the argon2id hash of each password (staff_accounts.password_hash) and
// the SHA-256 of each API token and session cookie (staff_tokens.hash,
// staff_sessions.hash); Options.Encrypt does not apply to them.
//
// The store never logs, and its errors never contain a credential, a reply
// token or message content.
package postgres

-- 0006: staff accounts, their API tokens and their sessions.

-- A staff account: the staff ID the desk uses everywhere, the names the
-- display-name formats use, the role, and the argon2id hash of the
-- password in PHC form ('' when the account has no password).
CREATE TABLE staff_accounts (
	id            text PRIMARY KEY,
	first         text NOT NULL,
	last          text NOT NULL,
	role          text NOT NULL CHECK (role IN ('admin', 'staff')),
	disabled      boolean NOT NULL DEFAULT false,
	password_hash text NOT NULL DEFAULT '',
	created       timestamptz,
	updated       timestamptz
);

-- No two IDs that differ only in case, so that "Alice" cannot pass for
-- "alice" (IDs are ASCII, so lower() is the same in every collation).
CREATE UNIQUE INDEX staff_accounts_id_fold ON staff_accounts (lower(id));

-- An API token of a staff account, kept as the SHA-256 of the plain token
-- (hex), looked up by it. Revoked tokens are kept (revoked is set).
CREATE TABLE staff_tokens (
	id      text PRIMARY KEY,
	staff   text NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
	label   text NOT NULL DEFAULT '',
	hash    text NOT NULL,
	created timestamptz,
	revoked timestamptz,
	CONSTRAINT staff_tokens_hash UNIQUE (hash)
);

CREATE INDEX staff_tokens_staff ON staff_tokens (staff, created, id);

-- A signed-in staff member's session, kept as the SHA-256 of its cookie
-- value (hex), looked up by it; shared by every replica.
CREATE TABLE staff_sessions (
	hash    text PRIMARY KEY,
	staff   text NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
	created timestamptz,
	expires timestamptz NOT NULL
);

CREATE INDEX staff_sessions_staff ON staff_sessions (staff);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires);

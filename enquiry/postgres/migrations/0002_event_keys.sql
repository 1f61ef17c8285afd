-- Leases on event keys (one customer of one channel): one replica at a
-- time handles a key's events, in order (enquiry.KeyLeaser).
CREATE TABLE event_keys (
	channel text NOT NULL,
	key     text NOT NULL,
	owner   text NOT NULL,
	until   timestamptz NOT NULL,
	PRIMARY KEY (channel, key)
);
-- A key's pending events, oldest first.
CREATE INDEX events_pending_key ON events (channel, key, seq) WHERE NOT done;

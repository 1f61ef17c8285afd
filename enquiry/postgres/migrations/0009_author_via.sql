-- 0009: the credential a staff member acted through ("service",
-- "session", "token"), on the messages written for them; '' for the
-- others and for messages from before.
ALTER TABLE messages ADD COLUMN author_via text NOT NULL DEFAULT '';

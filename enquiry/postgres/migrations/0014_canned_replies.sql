-- 0014: the channels' canned replies (enquiry.CannedStore): texts staff
-- insert into their messages, found by name. name_key is the name as
-- enquiry.CannedKey folds it, computed by the store in Go, so that
-- uniqueness does not depend on the database's collation.
CREATE TABLE canned_replies (
	channel  text NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	id       text NOT NULL,
	name     text NOT NULL,
	name_key text NOT NULL,
	body     text NOT NULL,
	created  timestamptz,
	updated  timestamptz,
	PRIMARY KEY (channel, id),
	CONSTRAINT canned_replies_name UNIQUE (channel, name_key)
);

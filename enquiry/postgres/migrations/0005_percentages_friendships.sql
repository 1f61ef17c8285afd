-- 0005: customers' friendships, and percentages in Percentage rules.

-- Whether a customer has the channel's account as a friend (follow) or
-- blocked it (unfollow), as of `at`: kept per customer, whether or not an
-- enquiry is open. Like engagements, rows are deleted with their channel
-- by DeleteChannel.
CREATE TABLE friendships (
	channel    text NOT NULL,
	customer   text NOT NULL,
	friendship text NOT NULL,
	at         timestamptz NOT NULL,
	PRIMARY KEY (channel, customer)
);

-- A Percentage rule's shares are percentages that total exactly 100,
-- written {"percent": N, …}. Rules saved before were free weights,
-- {"weight": N, …}: each such list is converted to percentages of its
-- total, rounded by largest remainder (ties to the earlier share), so
-- 70/50 becomes 58/42 and 1/0 becomes 100/0, and the stored rule loads.

-- The shares of one percentage list, as percentages.
CREATE FUNCTION socialdesk_0005_shares(a jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	WITH s AS (
		SELECT e, o, coalesce((e->>'weight')::numeric, 0) AS w
		FROM jsonb_array_elements(a) WITH ORDINALITY AS t(e, o)
	), f AS (
		SELECT e, o, w * 100 / NULLIF(sum(w) OVER (), 0) AS exact FROM s
	), b AS (
		SELECT e, o, coalesce(floor(exact), 0) AS base, coalesce(exact - floor(exact), 0) AS frac FROM f
	), r AS (
		SELECT e, o, base + CASE
			WHEN sum(base) OVER () > 0 AND row_number() OVER (ORDER BY frac DESC, o) <= 100 - sum(base) OVER () THEN 1
			ELSE 0 END AS pct
		FROM b
	)
	SELECT jsonb_agg((e - 'weight') || jsonb_build_object('percent', pct::int) ORDER BY o) FROM r
$$;

-- A rule (or any part of one) with every percentage list converted.
CREATE FUNCTION socialdesk_0005_rule(j jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	k text;
	v jsonb;
	out jsonb;
BEGIN
	CASE jsonb_typeof(j)
	WHEN 'array' THEN
		SELECT coalesce(jsonb_agg(socialdesk_0005_rule(e) ORDER BY o), '[]'::jsonb) INTO out
		FROM jsonb_array_elements(j) WITH ORDINALITY AS t(e, o);
		RETURN out;
	WHEN 'object' THEN
		out := '{}'::jsonb;
		FOR k, v IN SELECT key, value FROM jsonb_each(j) LOOP
			IF k = 'percentage' AND jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > 0
				AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'object' OR NOT e ? 'weight') THEN
				v := socialdesk_0005_shares(v);
			END IF;
			out := out || jsonb_build_object(k, socialdesk_0005_rule(v));
		END LOOP;
		RETURN out;
	ELSE
		RETURN j;
	END CASE;
END
$$;

UPDATE channels SET routing = socialdesk_0005_rule(routing)
WHERE routing IS NOT NULL AND routing::text LIKE '%"weight"%';

DROP FUNCTION socialdesk_0005_rule(jsonb);
DROP FUNCTION socialdesk_0005_shares(jsonb);

-- Procedures for BenchmarkStatementCPU: each calls a Receive statement
-- n times with k messages to k of the 50 customers of channel main (all
-- with an open enquiry, as ceilingDesk leaves them), committing after
-- each call. They are created in the schema first on the search_path.

-- cpu_args builds the arguments and does nothing else: the cost the
-- others share.
CREATE OR REPLACE PROCEDURE cpu_args(n int, k int) LANGUAGE plpgsql AS $$
DECLARE
	c text[]; x int;
BEGIN
	FOR i IN 1..n LOOP
		SELECT array_agg('U' || u ORDER BY 'U' || u) INTO c
		FROM (SELECT u FROM generate_series(0, 49) u ORDER BY random() LIMIT k) s;
		x := array_length(ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k)), 1)
			+ array_length(ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k)), 1);
		COMMIT;
	END LOOP;
END $$;

-- cpu_batch: one socialdesk_receive_batch call of k messages.
CREATE OR REPLACE PROCEDURE cpu_batch(n int, k int) LANGUAGE plpgsql AS $$
DECLARE
	c text[]; x int;
BEGIN
	FOR i IN 1..n LOOP
		SELECT array_agg('U' || u ORDER BY 'U' || u) INTO c
		FROM (SELECT u FROM generate_series(0, 49) u ORDER BY random() LIMIT k) s;
		SELECT count(*) INTO x FROM socialdesk_receive_batch(
			array_fill('main'::text, ARRAY[k]), c, array_fill(''::text, ARRAY[k]), array_fill(false, ARRAY[k]),
			array_fill(''::text, ARRAY[k]), array_fill(NULL::timestamptz, ARRAY[k]), array_fill(now(), ARRAY[k]),
			ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k)), array_fill('in'::text, ARRAY[k]),
			array_fill('customer'::text, ARRAY[k]), c, array_fill(now(), ARRAY[k]),
			array_fill('{"kind":"text","text":"hello"}'::jsonb, ARRAY[k]),
			ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k)), array_fill(''::text, ARRAY[k]),
			array_fill(''::text, ARRAY[k]), array_fill(''::text, ARRAY[k]), array_fill(''::text, ARRAY[k]),
			array_fill(NULL::timestamptz, ARRAY[k]), array_fill(0, ARRAY[k]), array_fill(NULL::timestamptz, ARRAY[k]),
			array_fill(false, ARRAY[k]));
		IF x <> k THEN RAISE EXCEPTION 'socialdesk_receive_batch joined % of % messages', x, k; END IF;
		COMMIT;
	END LOOP;
END $$;

-- cpu_one: k socialdesk_receive_one calls.
CREATE OR REPLACE PROCEDURE cpu_one(n int, k int) LANGUAGE plpgsql AS $$
DECLARE
	c text[]; ids text[]; ext text[]; x bigint;
BEGIN
	FOR i IN 1..n LOOP
		SELECT array_agg('U' || u ORDER BY 'U' || u) INTO c
		FROM (SELECT u FROM generate_series(0, 49) u ORDER BY random() LIMIT k) s;
		ids := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k));
		ext := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k));
		FOR j IN 1..k LOOP
			SELECT r_seq INTO x FROM socialdesk_receive_one('main', c[j], '', false, '', NULL, now(),
				ids[j], 'in', 'customer', c[j], now(), '{"kind":"text","text":"hello"}', ext[j], '',
				'', '', '', NULL, 0, NULL, false);
			IF x IS NULL THEN RAISE EXCEPTION 'socialdesk_receive_one did not join'; END IF;
		END LOOP;
		COMMIT;
	END LOOP;
END $$;

-- cpu_receive: k socialdesk_receive calls.
CREATE OR REPLACE PROCEDURE cpu_receive(n int, k int) LANGUAGE plpgsql AS $$
DECLARE
	c text[]; ids text[]; ext text[]; r record; p jsonb;
BEGIN
	SELECT plan INTO p FROM enquiries LIMIT 1;
	FOR i IN 1..n LOOP
		SELECT array_agg('U' || u ORDER BY 'U' || u) INTO c
		FROM (SELECT u FROM generate_series(0, 49) u ORDER BY random() LIMIT k) s;
		ids := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k));
		ext := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, k));
		FOR j IN 1..k LOOP
			SELECT * INTO r FROM socialdesk_receive(gen_random_uuid()::text, 'main', c[j], '', 'ringing', '', '{}', false,
				p, 0, '{}', now(), 'route', false, '', NULL, now(), now(), NULL, now(),
				ids[j], 'in', 'customer', c[j], now(), '{"kind":"text","text":"hello"}', ext[j], '',
				'', '', '', NULL, 0, NULL, false);
			IF r.r_opened THEN RAISE EXCEPTION 'socialdesk_receive opened an enquiry'; END IF;
		END LOOP;
		COMMIT;
	END LOOP;
END $$;

-- 0013: what a report reads of each enquiry, one index probe each.
--
-- enquiry.ReportStore.Report looks up, for every enquiry of its range,
-- the first staff message (its first-response time) and the first attend
-- and any miss among its transitions (its handling time, its missed
-- rate). Without these, each look-up read the enquiry's whole transcript
-- and all its transitions from the heap: EXPLAIN ANALYZE of a month of
-- 33,333 enquiries (BenchmarkReports' seed) hit 362,000 buffers; with
-- them, index-only scans of one entry each, 202,000. Staff messages and
-- those two kinds of transition are a small share of the rows written,
-- and the customers' messages that Receive writes are not in the index.

-- An enquiry's staff messages by time; notes are not a response.
CREATE INDEX messages_staff_first ON messages (enquiry, at)
	WHERE author_kind = 'staff' AND content->>'kind' <> 'note';

-- An enquiry's attends and misses, with when.
CREATE INDEX transitions_facts ON transitions (enquiry) INCLUDE (to_state, at)
	WHERE to_state IN ('attending', 'missed');

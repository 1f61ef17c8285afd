-- 0011: search across transcripts (enquiry.Store.SearchMessages).
--
-- Full-text search with the 'simple' configuration: it lower-cases words
-- and neither stems them nor drops stop words, so it works alike for
-- every language, and text in Thai, Japanese or with emoji indexes
-- without error. Its parser takes a run of Thai or Japanese letters as
-- one word, though, where a query's word is most often a part of it, and
-- it drops emoji: for such words of a query the store matches the
-- lower-cased text with LIKE instead (see enquiry.SearchTerms). No
-- trigram index for them: pg_trgm is an extension a host's database may
-- not allow, and it finds no trigram in the two-letter words common in
-- Chinese and Japanese. A search of such words alone that the newest
-- messages do not answer scans the channels' messages (about 0.3 s for
-- 100,000 on a small machine: BenchmarkSearchMessages).
--
-- The expression must stay the one in search.go for the planner to use
-- the index.
CREATE INDEX messages_search ON messages
	USING gin (to_tsvector('simple', coalesce(content->>'text', '')));
-- Newest first: the order of the hits, and the window of newest messages
-- every search looks at before it asks messages_search (search.go).
CREATE INDEX messages_at ON messages (at DESC, id DESC);

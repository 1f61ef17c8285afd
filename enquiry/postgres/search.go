package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

// searchVector is the indexed expression of migration 0011: the planner
// uses the index only for this expression, word for word.
const searchVector = "to_tsvector('simple', coalesce(m.content->>'text', ''))"

// searchWindow is how many of the newest messages a search looks at
// first. A word most messages have fills a page from them at once; for
// the others the search then asks the index (or, for words that match
// anywhere alone, scans).
const searchWindow = 1000

// SearchMessages implements enquiry.SearchStore with PostgreSQL's
// full-text search (the 'simple' configuration, index messages_search)
// for the query's words that match at the start of a word, and LIKE on
// the lower-cased text for those that match anywhere (Thai, Japanese,
// emoji, punctuation). Each hit's enquiry comes in the same query.
//
// It runs in two steps, because the planner cannot tell how many messages
// a prefix query matches, and a wrong guess either way costs a scan: it
// first matches the newest searchWindow messages (of the channels, before
// the cursor), which answers a common word at once; if they hold fewer
// hits than the limit and there are older messages, it then matches the
// rest: through the full-text index when a word matches at word starts,
// else by scanning the messages newest first. The hits are the same
// either way.
func (s *Store) SearchMessages(ctx context.Context, q enquiry.Search) ([]enquiry.Hit, error) {
	terms := enquiry.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = enquiry.DefaultSearchLimit
	}
	// scope selects the messages searched, with the first nScope
	// arguments; match, those that match.
	var (
		scope, match []string
		args         []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	scope = append(scope, "NOT m.unsent")
	if q.Channels != nil {
		scope = append(scope, "m.channel = ANY("+arg(q.Channels)+")")
	}
	if !q.Before.IsZero() {
		scope = append(scope, "(m.at, m.id) < ("+arg(tz(q.Before.Time))+", "+arg(q.Before.Message)+")")
	}
	nScope := len(args)
	var prefixes []string
	for _, t := range terms {
		if t.Anywhere {
			match = append(match, "lower(m.content->>'text') LIKE '%' || "+arg(likeEscape(t.Text))+" || '%'")
			continue
		}
		// Only letters and digits: nothing of tsquery's syntax.
		prefixes = append(prefixes, t.Text+":*")
	}
	indexed := len(prefixes) > 0
	if indexed {
		match = append(match, searchVector+" @@ to_tsquery('simple', "+arg(strings.Join(prefixes, " & "))+")")
	}
	limitArg := arg(limit)
	hitColumns := qualify(messageColumns, "m.") + ", " + qualify(enquiryColumns, "e.")
	order := " ORDER BY m.at DESC, m.id DESC LIMIT " + limitArg

	// The newest messages first; each hit says how many were seen.
	recent := fmt.Sprintf(`WITH recent AS MATERIALIZED (
			SELECT m.* FROM messages m WHERE %s ORDER BY m.at DESC, m.id DESC LIMIT %d)
		SELECT %s, (SELECT count(*) FROM recent) FROM recent m JOIN enquiries e ON e.id = m.enquiry WHERE %s%s`,
		strings.Join(scope, " AND "), searchWindow, hitColumns, strings.Join(match, " AND "), order)
	hits, seen, err := s.searchHits(ctx, recent, true, args...)
	if err != nil || len(hits) == limit || (seen < searchWindow && len(hits) > 0) {
		return hits, err
	}
	if len(hits) == 0 {
		// No row says how many were seen: ask.
		var n int
		if err := s.pool.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM messages m WHERE %s LIMIT %d) w",
			strings.Join(scope, " AND "), searchWindow), args[:nScope]...).Scan(&n); err != nil {
			return nil, wrap(err, "searching transcripts")
		}
		if n < searchWindow {
			return nil, nil // there is nothing older
		}
	}

	all := "SELECT " + hitColumns + " FROM messages m JOIN enquiries e ON e.id = m.enquiry WHERE " +
		strings.Join(append(scope, match...), " AND ") + order
	if indexed {
		// Through the index: a materialized CTE keeps the planner from
		// walking every message newest first to find a rare word.
		all = fmt.Sprintf(`WITH found AS MATERIALIZED (SELECT m.* FROM messages m WHERE %s)
			SELECT %s FROM found m JOIN enquiries e ON e.id = m.enquiry%s`,
			strings.Join(append(scope, match...), " AND "), hitColumns, order)
	}
	hits, _, err = s.searchHits(ctx, all, false, args...)
	return hits, err
}

// searchHits runs a search query; with seen, each row ends with a count.
func (s *Store) searchHits(ctx context.Context, sql string, withSeen bool, args ...any) ([]enquiry.Hit, int, error) {
	seen := 0
	rows, _ := s.pool.Query(ctx, sql, args...)
	hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Hit, error) {
		var (
			mr messageRow
			er enquiryRow
		)
		dest := append(mr.dest(), er.dest()...)
		if withSeen {
			dest = append(dest, &seen)
		}
		err := row.Scan(dest...)
		return enquiry.Hit{Message: mr.value(), Enquiry: er.value()}, err
	})
	return hits, seen, wrap(err, "searching transcripts")
}

// likeEscape escapes LIKE's wildcards and its escape character in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/socialdesk/socialdesk/enquiry"
)

// searchVector is the indexed expression of migration 0010: the planner
// uses the index only for this expression, word for word.
const searchVector = "to_tsvector('simple', coalesce(m.content->>'text', ''))"

// SearchMessages implements enquiry.SearchStore with PostgreSQL's
// full-text search (the 'simple' configuration, index messages_search)
// for the query's words that match at the start of a word, and LIKE on
// the lower-cased text for those that match anywhere (Thai, Japanese,
// emoji, punctuation). Each hit's enquiry comes in the same query.
func (s *Store) SearchMessages(ctx context.Context, q enquiry.Search) ([]enquiry.Hit, error) {
	terms := enquiry.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil, nil
	}
	where := []string{"NOT m.unsent", "coalesce(m.content->>'text', '') <> ''"}
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	var prefixes []string
	for _, t := range terms {
		if t.Anywhere {
			add(`lower(m.content->>'text') LIKE '%%' || $%d || '%%'`, likeEscape(t.Text))
			continue
		}
		// Only letters and digits: nothing of tsquery's syntax.
		prefixes = append(prefixes, t.Text+":*")
	}
	if len(prefixes) > 0 {
		add(searchVector+" @@ to_tsquery('simple', $%d)", strings.Join(prefixes, " & "))
	}
	if q.Channels != nil {
		add("m.channel = ANY($%d)", q.Channels)
	}
	if !q.Before.IsZero() {
		args = append(args, tz(q.Before.Time), q.Before.Message)
		where = append(where, fmt.Sprintf("(m.at, m.id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = enquiry.DefaultSearchLimit
	}
	args = append(args, limit)
	sql := "SELECT " + qualify(messageColumns, "m.") + ", " + qualify(enquiryColumns, "e.") +
		" FROM messages m JOIN enquiries e ON e.id = m.enquiry WHERE " + strings.Join(where, " AND ") +
		fmt.Sprintf(" ORDER BY m.at DESC, m.id DESC LIMIT $%d", len(args))
	rows, _ := s.pool.Query(ctx, sql, args...)
	hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Hit, error) {
		var (
			mr messageRow
			er enquiryRow
		)
		err := row.Scan(append(mr.dest(), er.dest()...)...)
		return enquiry.Hit{Message: mr.value(), Enquiry: er.value()}, err
	})
	return hits, wrap(err, "searching transcripts")
}

// likeEscape escapes LIKE's wildcards and its escape character in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

// openSQL inserts an enquiry unless its customer has one open, and
// records its opening as the first transition, as Receive does, by the
// staff member who opened it (when staff start the conversation).
const openSQL = `WITH e AS (
		INSERT INTO enquiries (id, channel, customer, customer_name, state, staff, invited, direct, plan, step, ringing, deadline, timer, read_only, reply_handle, reply_at, opened, updated, closed, last_activity, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1)
		ON CONFLICT (channel, customer) WHERE state <> 'closed' DO NOTHING
		RETURNING ` + enquiryColumns + `
	), t AS (
		INSERT INTO transitions (enquiry, to_state, actor, at, note)
		SELECT id, state, COALESCE(NULLIF(staff, ''), 'customer'), opened, 'opened' FROM e WHERE state <> ''
	)
	SELECT ` + enquiryColumns + ` FROM e`

// Open atomically opens e unless (channel, customer) has one open, in
// which case it returns that one and false: enquiry.ErrNotFound if there
// is no such channel. The new enquiry's Version is 1.
func (s *Store) Open(ctx context.Context, e enquiry.Enquiry) (enquiry.Enquiry, bool, error) {
	args := append([]any{e.ID, e.Channel}, enquiryArgs(&e)...)
	for {
		var r enquiryRow
		err := s.pool.QueryRow(ctx, openSQL, args...).Scan(r.dest()...)
		if err == nil {
			return r.value(), true, nil
		}
		if code, _ := pgCode(err); code == foreignKeyViolation {
			return enquiry.Enquiry{}, false, enquiry.ErrNotFound
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return enquiry.Enquiry{}, false, wrap(err, "opening an enquiry")
		}
		// One is open: return it, unless it closed meanwhile; then try again.
		err = s.pool.QueryRow(ctx, "SELECT "+enquiryColumns+" FROM enquiries WHERE channel = $1 AND customer = $2 AND state <> 'closed'",
			e.Channel, e.Customer.ID).Scan(r.dest()...)
		if err == nil {
			return r.value(), false, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return enquiry.Enquiry{}, false, wrap(err, "opening an enquiry")
		}
		if err := ctx.Err(); err != nil {
			return enquiry.Enquiry{}, false, err
		}
	}
}

// updateEnquirySQL applies a Change. It writes the fields the desk
// decides; the ones Receive owns (customer, reply handle, read-only) and the
// ones fixed at opening (channel, opened) stay as stored, and
// last_activity only moves forward, so a change computed from a read that
// a message has since overtaken undoes nothing of it. The update ends any
// ClaimDue lease: whatever was due has been handled.
const updateEnquirySQL = `UPDATE enquiries SET state = $3, staff = $4, invited = $5,
	direct = $6, plan = $7, step = $8, ringing = $9, deadline = $10, timer = $11,
	updated = $12, closed = $13, last_activity = GREATEST(last_activity, $14),
	version = version + 1, last_seq = last_seq + $15, lease_until = NULL, lease_owner = ''
	WHERE id = $1 AND version = $2
	RETURNING last_seq, ` + enquiryColumns

// updateArgs are the arguments of updateEnquirySQL.
func updateArgs(c *enquiry.Change) []any {
	e := &c.Enquiry
	return []any{e.ID, e.Version, string(e.State), e.Staff, e.Invited, e.Direct, jsonb(e.Plan), e.Step,
		e.Ringing, tz(e.Deadline), string(e.Timer), tz(e.Updated), tz(e.Closed), tz(e.LastActivity),
		len(c.Append)}
}

// Update applies c if the enquiry's version is still c.Enquiry.Version
// (enquiry.ErrConflict otherwise, enquiry.ErrNotFound if there is no such
// enquiry) and returns the stored enquiry and the appended messages. The
// fields Receive owns (customer, reply handle, read-only) and those fixed at
// opening (channel, opened) stay as stored, LastActivity only moves
// forward, and any ClaimDue lease ends.
func (s *Store) Update(ctx context.Context, c enquiry.Change) (enquiry.Enquiry, []enquiry.Message, error) {
	e := &c.Enquiry
	var (
		stored   enquiry.Enquiry
		appended []enquiry.Message
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var (
			r       enquiryRow
			lastSeq int64
		)
		err := tx.QueryRow(ctx, updateEnquirySQL, updateArgs(&c)...).Scan(append([]any{&lastSeq}, r.dest()...)...)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM enquiries WHERE id = $1)", e.ID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return enquiry.ErrNotFound
			}
			return enquiry.ErrConflict
		}
		if code, constraint := pgCode(err); code == uniqueViolation && constraint == "enquiries_open" {
			return enquiry.ErrConflict // reopening while another is open
		}
		if err != nil {
			return err
		}
		stored = r.value()

		b := &pgx.Batch{}
		if t := c.Transition; t != nil {
			b.Queue("INSERT INTO transitions (enquiry, from_state, to_state, actor, at, note) VALUES ($1, $2, $3, $4, $5, $6)",
				e.ID, string(t.From), string(t.To), t.By, tz(t.At), t.Note)
		}
		for i, m := range c.Append {
			m.Enquiry, m.Channel = stored.ID, stored.Channel
			m.Seq = lastSeq - int64(len(c.Append)) + int64(i) + 1
			queueInsertMessage(b, &m)
		}
		if b.Len() == 0 {
			return nil
		}
		res := tx.SendBatch(ctx, b)
		defer res.Close()
		if c.Transition != nil {
			if _, err := res.Exec(); err != nil {
				return err
			}
		}
		appended = make([]enquiry.Message, len(c.Append))
		for i := range appended {
			var r messageRow
			if err := res.QueryRow().Scan(r.dest()...); err != nil {
				return err
			}
			appended[i] = r.value()
		}
		return res.Close()
	})
	if err != nil {
		return enquiry.Enquiry{}, nil, wrap(err, "updating an enquiry")
	}
	return stored, appended, nil
}

// Enquiry returns an enquiry by ID: enquiry.ErrNotFound.
func (s *Store) Enquiry(ctx context.Context, id string) (enquiry.Enquiry, error) {
	var r enquiryRow
	err := s.pool.QueryRow(ctx, "SELECT "+enquiryColumns+" FROM enquiries WHERE id = $1", id).Scan(r.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.Enquiry{}, enquiry.ErrNotFound
	}
	if err != nil {
		return enquiry.Enquiry{}, wrap(err, "reading an enquiry")
	}
	return r.value(), nil
}

// Enquiries returns enquiries matching f, newest opened first.
func (s *Store) Enquiries(ctx context.Context, f enquiry.Filter) ([]enquiry.Enquiry, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Channel != "" {
		add("channel = $%d", f.Channel)
	}
	if f.Customer != "" {
		add("customer = $%d", f.Customer)
	}
	if f.Staff != "" {
		add("staff = $%d", f.Staff)
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		add("state = ANY($%d)", states)
		if !slices.Contains(f.States, enquiry.Closed) {
			// Said in words the planner can match, even in a cached
			// plan, to the partial index of open enquiries
			// (enquiries_channel_open, migration 0008).
			where = append(where, "state <> 'closed'")
		}
	}
	if !f.Before.IsZero() {
		add("opened < $%d", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := "SELECT " + enquiryColumns + " FROM enquiries"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	q += fmt.Sprintf(` ORDER BY opened DESC NULLS LAST, n DESC LIMIT $%d`, len(args))
	return s.enquiries(ctx, q, args...)
}

func (s *Store) enquiries(ctx context.Context, q string, args ...any) ([]enquiry.Enquiry, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Enquiry, error) {
		var r enquiryRow
		err := row.Scan(r.dest()...)
		return r.value(), err
	})
	return es, wrap(err, "reading enquiries")
}

// Transitions returns an enquiry's transitions, oldest first, the opening
// recorded by Receive or Open first: enquiry.ErrNotFound if there is no
// such enquiry.
func (s *Store) Transitions(ctx context.Context, id string) ([]enquiry.Transition, error) {
	rows, _ := s.pool.Query(ctx, "SELECT enquiry, from_state, to_state, actor, at, note FROM transitions WHERE enquiry = $1 ORDER BY n", id)
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (enquiry.Transition, error) {
		var (
			t  enquiry.Transition
			at pgtype.Timestamptz
		)
		err := row.Scan(&t.Enquiry, &t.From, &t.To, &t.By, &at, &t.Note)
		t.At = goTime(at)
		return t, err
	})
	if err == nil && len(ts) == 0 {
		err = s.mustExist(ctx, id)
	}
	return ts, wrap(err, "reading transitions")
}

// ClaimDue returns up to limit (0: all) open enquiries with a Timer whose
// Deadline is at or before now and not claimed by anyone else, earliest
// deadline first, and claims them for owner until now+lease. Rows another
// caller is claiming at the same moment are skipped (FOR UPDATE SKIP
// LOCKED), never waited for.
func (s *Store) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]enquiry.Enquiry, error) {
	// The claim is chosen once, in a materialized CTE, so the LIMIT and
	// the row locks apply to exactly the rows updated.
	es, err := s.enquiries(ctx, `WITH due AS MATERIALIZED (
			SELECT id FROM enquiries
			WHERE state <> 'closed' AND timer <> '' AND deadline <= $1
				AND (lease_until IS NULL OR lease_until <= $1)
			ORDER BY deadline LIMIT $3 FOR UPDATE SKIP LOCKED)
		UPDATE enquiries e SET lease_until = $2, lease_owner = $4 FROM due WHERE e.id = due.id
		RETURNING `+qualify(enquiryColumns, "e."), now, now.Add(lease), limitArg(limit), owner)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Deadline.Before(es[j].Deadline) })
	return es, err
}

// TakeReply returns the enquiry's unused reply handle, if any (a zero
// enquiry.Reply if none), and clears it, atomically: a reply handle goes
// to one send at most. enquiry.ErrNotFound if there is no such enquiry.
func (s *Store) TakeReply(ctx context.Context, id string) (enquiry.Reply, error) {
	var (
		handle string
		at     pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, `UPDATE enquiries e SET reply_handle = '', reply_at = NULL
		FROM (SELECT id, reply_handle, reply_at FROM enquiries WHERE id = $1 FOR UPDATE) old
		WHERE e.id = old.id RETURNING old.reply_handle, old.reply_at`, id).Scan(&handle, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return enquiry.Reply{}, enquiry.ErrNotFound
	}
	if err != nil || handle == "" {
		return enquiry.Reply{}, wrap(err, "taking a reply handle")
	}
	return enquiry.Reply{Handle: handle, At: goTime(at)}, nil
}

// limitArg is a LIMIT argument: NULL, no limit, for limit <= 0.
func limitArg(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}

// mustExist returns enquiry.ErrNotFound unless the enquiry exists.
func (s *Store) mustExist(ctx context.Context, id string) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM enquiries WHERE id = $1)", id).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return enquiry.ErrNotFound
	}
	return nil
}

// LastServed returns the staff member who attended the customer's most
// recent closed enquiry on the channel, and when it closed ("" if none).
func (s *Store) LastServed(ctx context.Context, channel, customer string) (string, time.Time, error) {
	var (
		staff string
		at    pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, `SELECT staff, closed FROM enquiries
		WHERE channel = $1 AND customer = $2 AND state = 'closed' AND staff <> ''
		ORDER BY closed DESC NULLS LAST, opened DESC NULLS LAST LIMIT 1`, channel, customer).Scan(&staff, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, wrap(err, "reading who served a customer")
	}
	return staff, goTime(at), nil
}

// Engage records that staff started a conversation with the customer.
func (s *Store) Engage(ctx context.Context, channel, customer, staff string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO engagements (channel, customer, staff, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, customer) DO UPDATE SET staff = EXCLUDED.staff, at = EXCLUDED.at`,
		channel, customer, staff, tz(at))
	return wrap(err, "recording an engagement")
}

// Engagement returns who last started a conversation with the customer,
// and when ("" if nobody).
func (s *Store) Engagement(ctx context.Context, channel, customer string) (string, time.Time, error) {
	var (
		staff string
		at    pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, "SELECT staff, at FROM engagements WHERE channel = $1 AND customer = $2", channel, customer).Scan(&staff, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, wrap(err, "reading an engagement")
	}
	return staff, goTime(at), nil
}

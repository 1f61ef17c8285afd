package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/socialdesk/socialdesk/enquiry"
)

const channelColumns = "id, name, kind, account, credentials, routing, auto_messages, custom_info, custom_info_on, state, created, updated"

// storedCredentials is how credentials are kept, before Options.Encrypt:
// unlike enquiry.Credentials, it marshals the values.
type storedCredentials struct {
	Secret string `json:"secret"`
	Token  string `json:"token"`
}

// seal returns ch's credentials as they are stored.
func (s *Store) seal(ch *enquiry.Channel) ([]byte, error) {
	b, err := json.Marshal(storedCredentials{Secret: ch.Credentials.Secret.Reveal(), Token: ch.Credentials.Token.Reveal()})
	if err != nil {
		return nil, err
	}
	if s.opts.Encrypt == nil {
		return b, nil
	}
	sealed, err := s.opts.Encrypt(b)
	if err != nil {
		return nil, fmt.Errorf("encrypting the credentials of channel %q: %w", ch.ID, err)
	}
	return sealed, nil
}

// open decodes stored credentials.
func (s *Store) open(id string, b []byte) (enquiry.Credentials, error) {
	if len(b) == 0 {
		return enquiry.Credentials{}, nil
	}
	if s.opts.Decrypt != nil {
		var err error
		if b, err = s.opts.Decrypt(b); err != nil {
			return enquiry.Credentials{}, fmt.Errorf("postgres: decrypting the credentials of channel %q: %w", id, err)
		}
	}
	var c storedCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		// Not the JSON error: it may quote the plaintext.
		return enquiry.Credentials{}, fmt.Errorf("postgres: the stored credentials of channel %q are not readable; were they written with another Options.Encrypt?", id)
	}
	return enquiry.Credentials{Secret: enquiry.Secret(c.Secret), Token: enquiry.Secret(c.Token)}, nil
}

// channelArgs are ch's values for channelColumns, in order.
func (s *Store) channelArgs(ch *enquiry.Channel) ([]any, error) {
	creds, err := s.seal(ch)
	if err != nil {
		return nil, err
	}
	return []any{ch.ID, ch.Name, ch.Kind, ch.Account, creds, ch.Routing, ch.AutoMessages,
		ch.CustomInfo, ch.CustomInfoOn, string(ch.State), tz(ch.Created), tz(ch.Updated)}, nil
}

// scanChannel reads a row of channelColumns.
func (s *Store) scanChannel(row pgx.CollectableRow) (enquiry.Channel, error) {
	var (
		ch               enquiry.Channel
		creds            []byte
		created, updated pgtype.Timestamptz
	)
	err := row.Scan(&ch.ID, &ch.Name, &ch.Kind, &ch.Account, &creds, &ch.Routing, &ch.AutoMessages,
		&ch.CustomInfo, &ch.CustomInfoOn, &ch.State, &created, &updated)
	if err != nil {
		return ch, err
	}
	ch.Created, ch.Updated = goTime(created), goTime(updated)
	ch.Credentials, err = s.open(ch.ID, creds)
	return ch, err
}

// accountTaken turns a violation of channels_account into the error
// naming the channel that holds the account.
func (s *Store) accountTaken(ctx context.Context, err error, ch *enquiry.Channel) error {
	if code, constraint := pgCode(err); code != uniqueViolation || constraint != "channels_account" {
		return err
	}
	taken := &enquiry.AccountTakenError{Kind: ch.Kind, Account: ch.Account}
	// The holder may be gone by now; the error still says what failed.
	_ = s.pool.QueryRow(ctx, "SELECT id FROM channels WHERE kind = $1 AND account = $2", ch.Kind, ch.Account).Scan(&taken.Channel)
	return taken
}

// CreateChannel stores a new channel: enquiry.ErrChannelExists if the ID
// is taken, *enquiry.AccountTakenError if another channel holds (Kind,
// Account).
func (s *Store) CreateChannel(ctx context.Context, ch enquiry.Channel) error {
	args, err := s.channelArgs(&ch)
	if err != nil {
		return wrap(err, "creating a channel")
	}
	_, err = s.pool.Exec(ctx, "INSERT INTO channels ("+channelColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", args...)
	if code, constraint := pgCode(err); code == uniqueViolation && constraint == "channels_pkey" {
		return enquiry.ErrChannelExists
	}
	return wrap(s.accountTaken(ctx, err, &ch), "creating a channel")
}

// UpdateChannel replaces a channel: enquiry.ErrNotFound,
// *enquiry.AccountTakenError.
func (s *Store) UpdateChannel(ctx context.Context, ch enquiry.Channel) error {
	args, err := s.channelArgs(&ch)
	if err != nil {
		return wrap(err, "updating a channel")
	}
	tag, err := s.pool.Exec(ctx, `UPDATE channels SET name = $2, kind = $3, account = $4,
		credentials = $5, routing = $6, auto_messages = $7, custom_info = $8,
		custom_info_on = $9, state = $10, created = $11, updated = $12 WHERE id = $1`, args...)
	if err != nil {
		return wrap(s.accountTaken(ctx, err, &ch), "updating a channel")
	}
	if tag.RowsAffected() == 0 {
		return enquiry.ErrNotFound
	}
	return nil
}

// DeleteChannel removes a channel with its enquiries, transcripts,
// transitions, engagements, friendships and events: enquiry.ErrNotFound.
func (s *Store) DeleteChannel(ctx context.Context, id string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM channels WHERE id = $1", id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return enquiry.ErrNotFound
		}
		// Enquiries go with it, and messages and transitions with them
		// (ON DELETE CASCADE); events, engagements and friendships are not tied to a
		// channel row, as they may be recorded before it exists.
		for _, q := range []string{
			"DELETE FROM events WHERE channel = $1",
			"DELETE FROM event_keys WHERE channel = $1",
			"DELETE FROM engagements WHERE channel = $1",
			"DELETE FROM friendships WHERE channel = $1",
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "deleting a channel")
}

// Channel returns a channel by ID: enquiry.ErrNotFound.
func (s *Store) Channel(ctx context.Context, id string) (enquiry.Channel, error) {
	return s.oneChannel(ctx, "SELECT "+channelColumns+" FROM channels WHERE id = $1", id)
}

// ChannelByAccount returns the channel holding (kind, account):
// enquiry.ErrNotFound.
func (s *Store) ChannelByAccount(ctx context.Context, kind, account string) (enquiry.Channel, error) {
	if account == "" {
		return enquiry.Channel{}, enquiry.ErrNotFound
	}
	return s.oneChannel(ctx, "SELECT "+channelColumns+" FROM channels WHERE kind = $1 AND account = $2", kind, account)
}

func (s *Store) oneChannel(ctx context.Context, q string, args ...any) (enquiry.Channel, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	ch, err := pgx.CollectExactlyOneRow(rows, s.scanChannel)
	if errors.Is(err, pgx.ErrNoRows) {
		return ch, enquiry.ErrNotFound
	}
	return ch, wrap(err, "reading a channel")
}

// Channels returns every channel, ordered by ID.
func (s *Store) Channels(ctx context.Context) ([]enquiry.Channel, error) {
	rows, _ := s.pool.Query(ctx, "SELECT "+channelColumns+` FROM channels ORDER BY id COLLATE "C"`)
	chs, err := pgx.CollectRows(rows, s.scanChannel)
	return chs, wrap(err, "reading channels")
}

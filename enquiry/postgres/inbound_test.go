package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

func TestDeskStoresA100000CharacterTextCutWithItsLength(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	a, b := newReplica(t, schema, &sender{}, t0), newReplica(t, schema, &sender{}, t0)
	_, err := a.desk.CreateChannel(ctx, supportChannel())
	require.NoError(t, err)
	r, err := a.desk.Receive(ctx, enquiry.Inbound{
		Channel: "main", Customer: enquiry.Customer{ID: "U1"}, ExternalID: "m1", Time: t0,
		Content: enquiry.Content{Kind: enquiry.Text, Text: strings.Repeat("あ", 100000)},
	})
	require.NoError(t, err)

	// Another replica reads it back from the database.
	msgs, err := b.store.Messages(ctx, r.Enquiry.ID, 0, 1)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	want := enquiry.Content{Kind: enquiry.Text, Text: strings.Repeat("あ", 5000), OriginalLength: 100000}
	assert.True(t, msgs[0].Content == want, "stored: %d characters, OriginalLength %d; want 5000, 100000",
		len([]rune(msgs[0].Content.Text)), msgs[0].Content.OriginalLength)
	var stored int
	require.NoError(t, newPool(t, schema).QueryRow(ctx,
		"SELECT length(content->>'text') FROM messages WHERE id = $1", r.Message.ID).Scan(&stored))
	assert.Equal(t, 5000, stored, "the database holds the cut text, not the whole")
}

// A database written before migration 0003 keyed messages by channel and
// external ID alone. After the upgrade its messages are each their
// customer's: a redelivery is still a duplicate, and another customer's
// message with the ID is recorded and reported.
func TestMigration0003KeepsOldMessagesDeduplicatedPerCustomer(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	pool := newPool(t, schema)
	_, err := pool.Exec(ctx, `CREATE TABLE schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	for i, name := range []string{"0001_init.sql", "0002_event_keys.sql"} {
		sql, err := os.ReadFile(filepath.Join("migrations", name))
		require.NoError(t, err)
		_, err = pool.Exec(ctx, string(sql))
		require.NoError(t, err, name)
		_, err = pool.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", i+1, name)
		require.NoError(t, err)
	}
	s := postgres.New(pool, postgres.Options{})
	createChannels(t, s, "c")
	// A message recorded by the function of migration 0001.
	old := arrival("c", "u1", "m1", t0)
	var duplicate bool
	require.NoError(t, pool.QueryRow(ctx, "SELECT r_duplicate FROM socialdesk_receive("+
		"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "+
		"$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)",
		postgres.ReceiveArgs(old)...).Scan(&duplicate))
	require.False(t, duplicate)

	require.NoError(t, s.Migrate(ctx))
	redelivery, err := s.Receive(ctx, arrival("c", "u1", "m1", t0))
	require.NoError(t, err)
	assert.True(t, redelivery.Duplicate, "a redelivery of a message recorded before the upgrade is a duplicate")
	assert.Equal(t, old.Message.ID, redelivery.Message.ID)
	other, err := s.Receive(ctx, arrival("c", "u2", "m1", t0))
	require.NoError(t, err)
	assert.False(t, other.Duplicate)
	assert.True(t, other.ReusedID, "another customer's message with the ID is recorded and reported")
	m, err := s.Unsend(ctx, "c", "u1", "m1")
	require.NoError(t, err)
	assert.Equal(t, old.Message.ID, m.ID, "Unsend finds the message recorded before the upgrade")
}

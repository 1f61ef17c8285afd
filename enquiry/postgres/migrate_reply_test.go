package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// A database written before migration 0010 kept reply handles and the
// read-only flag in columns named after one platform (reply_token,
// standby). After the upgrade the enquiry, and a send holding a handle,
// read back as they were, and socialdesk_receive, created again under
// the new names, records a later message's handle.
func TestMigration0010KeepsReplyHandlesAndReadOnly(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	pool := newPool(t, schema)
	migrateBefore(t, pool, 10)
	s := postgres.New(pool, postgres.Options{})
	createChannels(t, s, "c")

	// Recorded by 0008's function: a handle, and read-only.
	old := arrival("c", "u1", "m1", t0)
	old.Enquiry.ReadOnly = true
	_, err := pool.Exec(ctx, "SELECT * FROM socialdesk_receive("+
		"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "+
		"$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)",
		postgres.ReceiveArgs(old)...)
	require.NoError(t, err)
	// A send holding a handle when the process stopped.
	held := t0.Add(2 * time.Second)
	_, err = pool.Exec(ctx, `UPDATE messages SET delivery_state = 'pending', reply_token = 'rt-held', reply_token_at = $2 WHERE id = $1`, old.Message.ID, held)
	require.NoError(t, err)

	require.NoError(t, s.Migrate(ctx))
	e, err := s.Enquiry(ctx, old.Enquiry.ID)
	require.NoError(t, err)
	assert.Equal(t, enquiry.Reply{Handle: "rt-m1", At: t0}, e.Reply)
	assert.True(t, e.ReadOnly, "read-only is kept")
	msgs, err := s.Messages(ctx, e.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.NotNil(t, msgs[0].Delivery)
	assert.Equal(t, enquiry.Reply{Handle: "rt-held", At: held}, msgs[0].Delivery.Reply, "the held handle is kept")

	r, err := s.Receive(ctx, arrival("c", "u1", "m2", t0.Add(time.Second)))
	require.NoError(t, err)
	assert.Equal(t, e.ID, r.Enquiry.ID)
	assert.False(t, r.Enquiry.ReadOnly)
	taken, err := s.TakeReply(ctx, e.ID)
	require.NoError(t, err)
	assert.Equal(t, enquiry.Reply{Handle: "rt-m2", At: t0.Add(time.Second)}, taken)
}

package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// A rule saved when a Percentage rule's shares were free weights loads
// after Migrate, as percentages of its total that total exactly 100.
func TestMigrateTurnsSavedWeightsIntoPercentages(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	pool := newPool(t, schema)
	// The schema as it was before 0005.
	migrateBefore(t, pool, 5)
	const saved = `{"teams":[{"name":"weight","method":"fixed_order","members":["w"]}],` +
		`"alternative":[{"rule":{"percentage":[{"weight":70,"staff":"a"},{"weight":50,"team":"weight"}]}},` +
		`{"rule":{"percentage":[{"weight":1,"staff":"b"},{"weight":0,"staff":"c"}]}},` +
		`{"rule":{"percentage":[{"weight":1,"staff":"d"},{"weight":1,"staff":"e"},{"weight":1,"rule":{"percentage":[{"weight":50,"staff":"f"},{"weight":50,"staff":"g"}]}}]}}]}`
	_, err := pool.Exec(ctx, `INSERT INTO channels (id, name, kind, routing, auto_messages, state) VALUES ('old', 'Old', 'chat', $1, '{}', 'active')`, saved)
	require.NoError(t, err)

	s := postgres.New(pool, postgres.Options{})
	require.NoError(t, s.Migrate(ctx))
	ch, err := s.Channel(ctx, "old")
	require.NoError(t, err, "a rule saved with weights loads")
	got, err := json.Marshal(ch.Routing)
	require.NoError(t, err)
	want := `{"teams":[{"name":"weight","method":"fixed_order","members":["w"]}],` +
		`"alternative":[{"rule":{"percentage":[{"percent":58,"staff":"a"},{"percent":42,"team":"weight"}]}},` +
		`{"rule":{"percentage":[{"percent":100,"staff":"b"},{"percent":0,"staff":"c"}]}},` +
		`{"rule":{"percentage":[{"percent":34,"staff":"d"},{"percent":33,"staff":"e"},{"percent":33,"rule":{"percentage":[{"percent":50,"staff":"f"},{"percent":50,"staff":"g"}]}}]}}]}`
	assert.JSONEq(t, want, string(got))
}

// migrateBefore applies the migrations numbered below version to the
// pool's empty schema, as Migrate would have before that version existed,
// and records them, so that Migrate then applies only the later ones.
func migrateBefore(t *testing.T, pool *pgxpool.Pool, version int) {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	require.NoError(t, err)
	for _, f := range files {
		name := filepath.Base(f)
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		require.NoError(t, err)
		if v >= version {
			continue
		}
		sql, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, string(sql))
		require.NoError(t, err, name)
		_, err = pool.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", v, name)
		require.NoError(t, err)
	}
}

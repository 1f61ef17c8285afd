package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The schema, as numbered SQL files applied in order: NNNN_what.sql.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the advisory lock that serializes Migrate
// across processes: any value no other part of the host uses.
const migrationLock int64 = 0x736f6369616c6465 // "socialde"

// ownSchema is the advice when the desk's tables meet another's.
const ownSchema = "give the desk a schema of its own (set search_path on the pool's connections)"

// migration is one file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration file %s is not named NNNN_what.sql", name)
		}
		b, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("postgres: migrations %s and %s have one version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// Migrate creates or upgrades the store's tables in the schema that the
// pool's search_path leads to (the first schema of it that exists), and
// records each applied migration in the table schema_migrations. It is
// idempotent, and safe to call from several processes at once: they take
// turns under an advisory lock, and all of the migrations not yet applied
// are applied in one transaction, so a failure leaves the schema as it was.
// Call it once at start-up, before serving.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The lock is held until the transaction ends.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY,
			name    text NOT NULL,
			applied timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			if code, _ := pgCode(err); code == invalidSchemaName {
				return errors.New("no schema on the connection's search_path exists; create it first (CREATE SCHEMA …) or fix search_path")
			}
			return err
		}
		// Selecting name too tells this table from another tool's.
		rows, _ := tx.Query(ctx, "SELECT version, name FROM schema_migrations")
		applied, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int, error) {
			var (
				v    int
				name string
			)
			err := row.Scan(&v, &name)
			return v, err
		})
		if code, _ := pgCode(err); code == undefinedColumn {
			return errors.New("the table schema_migrations belongs to another tool; " + ownSchema)
		}
		if err != nil {
			return err
		}
		done := make(map[int]bool, len(applied))
		for _, v := range applied {
			done[v] = true
		}
		for _, m := range ms {
			if done[m.version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				if code, _ := pgCode(err); code == duplicateTable || code == duplicateFunction {
					return fmt.Errorf("applying %s: %w; %s", m.name, err, ownSchema)
				}
				return fmt.Errorf("applying %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "migrating")
}

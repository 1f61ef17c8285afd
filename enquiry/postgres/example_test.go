package postgres_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialdesk/socialdesk/enquiry/postgres"
)

// A host makes the pool it wants (size, TLS, schema), hands it to New and
// migrates once at start-up; the store then goes into enquiry.Config.
func ExampleNew() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "desk" // a schema of its own
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store := postgres.New(pool, postgres.Options{})
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	// desk, err := enquiry.New(enquiry.Config{Store: store, …})
}

// Open makes the pool itself; Close closes it.
func ExampleOpen() {
	ctx := context.Background()
	store, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
}

// Credentials sealed with AES-GCM before they reach the database. In
// production the key comes from a KMS or secret manager, never from code.
func ExampleOptions() {
	key := make([]byte, 32) // AES-256; load it, e.g. from your secret manager
	rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		log.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		log.Fatal(err)
	}
	opts := postgres.Options{
		Encrypt: func(plain []byte) ([]byte, error) {
			nonce := make([]byte, gcm.NonceSize())
			rand.Read(nonce)
			return gcm.Seal(nonce, nonce, plain, nil), nil
		},
		Decrypt: func(sealed []byte) ([]byte, error) {
			if len(sealed) < gcm.NonceSize() {
				return nil, errors.New("sealed credentials too short")
			}
			nonce, box := sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():]
			return gcm.Open(nil, nonce, box, nil)
		},
	}
	// store := postgres.New(pool, opts)

	sealed, _ := opts.Encrypt([]byte(`{"secret":"s","token":"t"}`))
	plain, _ := opts.Decrypt(sealed)
	fmt.Println(string(plain))
	// Output: {"secret":"s","token":"t"}
}

package enquiry

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
)

// MemBlobs is a BlobStore in memory, for demos and tests. It is safe for
// concurrent use. The zero value is ready.
type MemBlobs struct {
	mu sync.RWMutex
	m  map[string][]byte
	// Max caps one blob's size; 0 means 200,000,000 bytes.
	Max int64
}

var (
	_ BlobStore   = (*MemBlobs)(nil)
	_ BlobDeleter = (*MemBlobs)(nil)
)

// Put implements BlobStore.
func (b *MemBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	max := b.Max
	if max <= 0 {
		max = 200_000_000
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return 0, err
	}
	if int64(len(data)) > max {
		return 0, fmt.Errorf("enquiry: blob %q is larger than %d bytes", key, max)
	}
	b.mu.Lock()
	if b.m == nil {
		b.m = map[string][]byte{}
	}
	b.m[key] = data
	b.mu.Unlock()
	return int64(len(data)), nil
}

// Open implements BlobStore.
func (b *MemBlobs) Open(ctx context.Context, key string) (Blob, error) {
	b.mu.RLock()
	data, ok := b.m[key]
	b.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	return memBlob{bytes.NewReader(data)}, nil
}

// Delete implements BlobDeleter.
func (b *MemBlobs) Delete(ctx context.Context, key string) error {
	b.mu.Lock()
	delete(b.m, key)
	b.mu.Unlock()
	return nil
}

// Len returns how many blobs are kept.
func (b *MemBlobs) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.m)
}

type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

package line_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
	"github.com/socialdesk/socialdesk/media"
)

// outBlobs is a BlobStore in memory that keeps content only when its
// reader ends cleanly, as the contract asks; with discard it keeps only
// the size.
type outBlobs struct {
	mu      sync.Mutex
	m       map[string][]byte
	discard bool
}

func (s *outBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	var buf bytes.Buffer
	var w io.Writer = &buf
	if s.discard {
		w = io.Discard
	}
	n, err := io.Copy(w, r)
	if err != nil {
		return n, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = buf.Bytes()
	return n, nil
}

func (s *outBlobs) Open(ctx context.Context, key string) (enquiry.Blob, error) {
	return nil, enquiry.ErrNotFound
}

func (s *outBlobs) get(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	return b, ok
}

func TestFetchContentStoresAnImage(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	data := pngBytes(64, 64)
	f.p.AddContent("m1", linetest.Content{Data: data, ContentType: "image/png"})
	blobs := &outBlobs{}
	ref, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "m1", Kind: "image"}, blobs, "blob/m1")
	is.NoErr(err)
	is.Eq(ref.Kind, media.KindImage)
	is.Eq(ref.Size, int64(len(data)))
	is.Eq(ref.Key, "blob/m1")
	got, ok := blobs.get("blob/m1")
	is.True(ok && bytes.Equal(got, data), "the blob holds the content")
	calls := f.p.Calls()
	is.Len(len(calls), 1, "images need no transcoding check")
	is.Eq(calls[0].Path, "/v2/bot/message/m1/content")
}

func TestFetchContentWaitsForTranscoding(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	f.p.AddContent("v1", linetest.Content{Data: wavBytes(48_000), ContentType: "audio/wav", Transcoding: "processing"})
	blobs := &outBlobs{}
	src := line.ContentSource{MessageID: "v1", Kind: "audio", Duration: 3 * time.Second}
	_, err := f.c.FetchContent(context.Background(), f.ch, src, blobs, "v1")
	is.ErrIs(err, line.ErrNotReady)
	is.True(retryableErr(err), "not ready is retryable")
	_, stored := blobs.get("v1")
	is.True(!stored, "nothing stored")

	f.p.SetTranscoding("v1", "succeeded")
	ref, err := f.c.FetchContent(context.Background(), f.ch, src, blobs, "v1")
	is.NoErr(err)
	is.Eq(ref.Duration, 3*time.Second)
	is.Eq(ref.Kind, media.KindAudio)

	f.p.AddContent("v2", linetest.Content{Transcoding: "failed"})
	_, err = f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "v2", Kind: "video"}, blobs, "v2")
	is.ErrIs(err, line.ErrContentFailed)
	is.True(!retryableErr(err), "failed preparation is final")
}

// The SDK's GetMessageContent takes 202 for success; FetchContent does not.
func TestFetchContentTreats202AsNotReady(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	f.p.AddContent("i1", linetest.Content{Data: []byte("x"), Transcoding: "processing"})
	blobs := &outBlobs{}
	_, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "i1", Kind: "image"}, blobs, "i1")
	is.ErrIs(err, line.ErrNotReady)
	var le *line.Error
	is.ErrAs(err, &le)
	is.Eq(le.Status, http.StatusAccepted)
	is.True(le.Retryable())
	_, stored := blobs.get("i1")
	is.True(!stored, "an empty 202 body is not stored as content")
}

func TestFetchContentRefusesContentOverTheLimit(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{MediaPolicy: media.Policy{MaxImageBytes: 1000}})
	big := pngBytes(200, 200)
	is.True(len(big) > 5000, "the picture is over the limit")
	f.p.AddContent("big", linetest.Content{Data: big})
	blobs := &outBlobs{}
	_, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "big", Kind: "image"}, blobs, "big")
	is.ErrIs(err, media.ErrTooLarge)
	_, stored := blobs.get("big")
	is.True(!stored)

	// Without a Content-Length the download is cut at the limit as it streams.
	ext := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(big); i += 300 {
			w.Write(big[i:min(i+300, len(big))])
			w.(http.Flusher).Flush()
		}
	}))
	defer ext.Close()
	_, err = f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "e", Kind: "image", ExternalURL: ext.URL}, blobs, "e")
	is.ErrIs(err, media.ErrTooLarge)
	_, stored = blobs.get("e")
	is.True(!stored, "the blob store saw the download fail")
}

func TestFetchContentFromAnExternalProviderNeverSendsTheToken(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{})
	var auth []string
	ext := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		w.Write(wavBytes(1000))
	}))
	defer ext.Close()
	blobs := &outBlobs{}
	ref, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "a1", Kind: "audio", ExternalURL: ext.URL + "/a.m4a?sig=xyz"}, blobs, "a1")
	is.NoErr(err)
	is.Eq(ref.Size, int64(len(wavBytes(1000))))
	is.Eq(auth, []string{""})
	is.Len(len(f.p.Calls()), 0, "LINE was not asked")
}

func TestFetchContentErrors(t *testing.T) {
	f := newFixture(t, line.Config{MaxAttempts: 3})
	blobs := &outBlobs{}
	for name, tc := range map[string]struct {
		src       line.ContentSource
		want      error
		retryable bool
	}{
		"an unknown message":   {line.ContentSource{MessageID: "nope", Kind: "image"}, line.ErrNotFound, false},
		"a sticker":            {line.ContentSource{MessageID: "s", Kind: "sticker"}, line.ErrUnsendable, false},
		"a bad message ID":     {line.ContentSource{MessageID: "../info", Kind: "image"}, line.ErrBadRequest, false},
		"a bad external URL":   {line.ContentSource{MessageID: "x", Kind: "image", ExternalURL: "ftp://x"}, line.ErrBadRequest, false},
		"an unreachable place": {line.ContentSource{MessageID: "x", Kind: "image", ExternalURL: "http://127.0.0.1:1/x"}, line.ErrTransport, true},
	} {
		t.Run("for "+name, func(t *testing.T) {
			is := outCheck(t)
			_, err := f.c.FetchContent(context.Background(), f.ch, tc.src, blobs, "k")
			is.ErrIs(err, tc.want)
			is.Eq(retryableErr(err), tc.retryable)
		})
	}
}

func TestFetchContentRetriesServerErrors(t *testing.T) {
	is := outCheck(t)
	f := newFixture(t, line.Config{MaxAttempts: 10})
	f.p.SetFaults(linetest.Faults{ServerErrors: 0.5, Seed: 7})
	data := wavBytes(4000)
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		f.p.AddContent(id, linetest.Content{Data: data, Transcoding: "succeeded"})
		blobs := &outBlobs{}
		ref, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: id, Kind: "audio"}, blobs, id)
		is.NoErr(err)
		is.Eq(ref.Size, int64(len(data)))
	}
	is.True(len(f.p.Calls()) > 8, "faults were injected")
}

// A large download goes through a small, fixed amount of memory.
func BenchmarkFetchContent(b *testing.B) {
	f := newFixture(b, line.Config{})
	data := wavBytes(20_000_000)
	size := int64(len(data))
	f.p.AddContent("big", linetest.Content{Data: data, ContentType: "audio/wav", Transcoding: "succeeded"})
	blobs := &outBlobs{discard: true}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		ref, err := f.c.FetchContent(context.Background(), f.ch, line.ContentSource{MessageID: "big", Kind: "audio"}, blobs, "big")
		if err != nil || ref.Size != size {
			b.Fatal(ref, err)
		}
	}
}

// pngBytes returns a real PNG of w×h noisy pixels, so media accepts it.
func pngBytes(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// wavBytes returns a real WAV file (PCM, 8 kHz, mono, 16-bit) with n bytes
// of samples, so media accepts it as audio.
func wavBytes(n int) []byte {
	b := make([]byte, 44+n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], 8000)
	binary.LittleEndian.PutUint32(b[28:], 16000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	return b
}

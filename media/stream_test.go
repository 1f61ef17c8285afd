package media_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/socialdesk/socialdesk/media"
)

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestCheckReaderStopsAsSoonAsARefusalIsCertain(t *testing.T) {
	// HEVC movie header first, then 190 MB of sample data.
	head := cat(ftyp("isom", "isom"), moov(trak("vide", visual("hvc1"))))
	s := &sparse{prefix: cat(head, u32(1), []byte("mdat"), u64(190_000_000-uint64(len(head)))), size: 190_000_000}
	cr := &countingReader{r: s.stream()}
	_, err := media.CheckReader(cr)
	if !errors.Is(err, media.ErrUnsupportedCodec) {
		t.Fatalf("got %v, want ErrUnsupportedCodec", err)
	}
	if cr.n > 64<<10 {
		t.Fatalf("read %d bytes before refusing; want the headers only", cr.n)
	}
}

func TestCheckReaderStopsSoonAfterTheLimit(t *testing.T) {
	f := bigMovie(300_000_000, false) // movie header at the end, past the limit
	cr := &countingReader{r: f.stream()}
	_, err := media.CheckReader(cr)
	if !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if limit := int64(media.DefaultMaxVideoBytes); cr.n > limit+64<<10 {
		t.Fatalf("read %d bytes; want to stop just past the %d-byte limit", cr.n, limit)
	}
}

func TestCheckReaderReadsAcceptedContentToItsEnd(t *testing.T) {
	data := movie(videoTrak, aacTrak)
	cr := &countingReader{r: bytes.NewReader(data)}
	v, err := media.CheckReader(cr)
	if err != nil {
		t.Fatal(err)
	}
	if cr.n != int64(len(data)) || v.Size != int64(len(data)) {
		t.Fatalf("read %d bytes, Size %d; want both %d", cr.n, v.Size, len(data))
	}
}

// A downloader tees the body into storage while CheckReader judges it; after
// a verdict it reads on, and storage holds every byte exactly once.
func TestCheckReaderLeavesTheRestForTheCaller(t *testing.T) {
	body := cat(ftyp("isom", "isom"), moov(trak("vide", visual("hvc1"))), mdat(100_000))
	src := bytes.NewReader(body)
	var stored bytes.Buffer
	tee := io.TeeReader(src, &stored)
	if _, err := media.CheckReader(tee); !errors.Is(err, media.ErrUnsupportedCodec) {
		t.Fatalf("got %v, want ErrUnsupportedCodec", err)
	}
	if stored.Len() == len(body) {
		t.Fatal("CheckReader read everything; the test needs an early stop")
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored.Bytes(), body) {
		t.Fatal("stored bytes differ from the body")
	}
}

// Memory does not grow with the content: judging a 190 MB MP4 streamed
// through CheckReader allocates a few KiB, not megabytes.
func TestCheckReaderMemoryIsBounded(t *testing.T) {
	for _, moovFirst := range []bool{true, false} {
		f := bigMovie(190_000_000, moovFirst)
		r := f.stream()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v, err := media.CheckReader(r)
		runtime.ReadMemStats(&after)
		if err != nil || v.Size != f.size {
			t.Fatalf("moovFirst=%v: %+v, %v", moovFirst, v, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Fatalf("moovFirst=%v: allocated %d bytes judging 190 MB; want under 1 MiB", moovFirst, grew)
		}
	}
}

var errDisk = errors.New("disk on fire")

type failingReaderAt struct{}

func (failingReaderAt) ReadAt([]byte, int64) (int, error) { return 0, errDisk }

func TestReadFailuresAreNotRefusals(t *testing.T) {
	_, err := media.Check(failingReaderAt{}, 1000)
	var e *media.Error
	if !errors.Is(err, errDisk) || errors.As(err, &e) {
		t.Fatalf("Check: got %v; want the read error, not a refusal", err)
	}
	data := movie(videoTrak)
	_, err = media.CheckReader(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(errDisk)))
	if !errors.Is(err, errDisk) || errors.As(err, &e) {
		t.Fatalf("CheckReader: got %v; want the read error, not a refusal", err)
	}
	if _, err := media.Check(bytes.NewReader(nil), -1); err == nil {
		t.Fatal("Check with a negative size: want an error")
	}
}

// An io.ReaderAt that ends before the size it came with, where the
// structure needs the missing bytes, is content cut short.
func TestReaderAtShorterThanItsSizeIsMalformed(t *testing.T) {
	data := pngFile(100)
	data = data[:len(data)-6]
	if _, err := media.Check(bytes.NewReader(data), int64(len(data))+50); !errors.Is(err, media.ErrMalformed) {
		t.Fatalf("got %v, want ErrMalformed", err)
	}
}

func TestConcurrentChecks(t *testing.T) {
	data := movie(videoTrak, aacTrak)
	r := bytes.NewReader(data)
	done := make(chan error)
	for range 8 {
		go func() {
			var err error
			for range 100 {
				if _, err = media.Check(r, int64(len(data))); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

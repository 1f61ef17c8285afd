package media_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

// BenchmarkValidate judges each accepted fixture, grouped by kind, from
// memory through Check (io.ReaderAt) and CheckReader (stream).
func BenchmarkValidate(b *testing.B) {
	for _, fx := range readManifest(b) {
		if !fx.accepted {
			continue
		}
		data, err := os.ReadFile(filepath.Join(fixtures, fx.file))
		if err != nil {
			b.Fatal(err)
		}
		name := string(fx.kind) + "/" + fx.file
		b.Run(name+"/ReaderAt", func(b *testing.B) {
			r := bytes.NewReader(data)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := media.Check(r, int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Reader", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var r bytes.Reader
			for b.Loop() {
				r.Reset(data)
				if _, err := media.CheckReader(&r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidateRefusal judges refused fixtures through Check.
func BenchmarkValidateRefusal(b *testing.B) {
	for _, file := range []string{"bad-hevc.mp4", "bad-two-audio.mp4", "bad-truncated.mp4", "bad.gif"} {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file, func(b *testing.B) {
			r := bytes.NewReader(data)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := media.Check(r, int64(len(data))); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// BenchmarkValidate190MB judges a 190 MB MP4 (held sparsely: headers and
// zeros) with the movie header before and after the sample data: through
// Check, which seeks over mdat, and through CheckReader, which must read
// the whole stream.
func BenchmarkValidate190MB(b *testing.B) {
	for _, c := range []struct {
		name      string
		moovFirst bool
	}{{"moov-first", true}, {"moov-last", false}} {
		f := bigMovie(190_000_000, c.moovFirst)
		b.Run(c.name+"/ReaderAt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := media.Check(f, f.size); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/Reader", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(f.size)
			for b.Loop() {
				if _, err := media.CheckReader(f.stream()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

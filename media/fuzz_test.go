package media_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/socialdesk/socialdesk/media"
)

// Every parser is fuzzed through the public API: whatever the bytes, the
// judgement must not panic, Check (io.ReaderAt) and CheckReader (stream,
// read in odd pieces) must agree, and an acceptance must be complete.

var fuzzPolicies = []media.Policy{{}, {MaxImageBytes: 300, MaxAudioBytes: 300, MaxVideoBytes: 300}, media.WhatsApp,
	withLimits(media.WhatsApp, 300)}

// withLimits is p with every byte limit set to n.
func withLimits(p media.Policy, n int64) media.Policy {
	p.MaxImageBytes, p.MaxAudioBytes, p.MaxVideoBytes = n, n, n
	p.MaxStickerBytes, p.MaxAnimatedStickerBytes, p.MaxDocumentBytes = n, n, n
	return p
}

func fuzzJudge(t *testing.T, data []byte) {
	for _, p := range fuzzPolicies {
		v1, err1 := p.Check(bytes.NewReader(data), int64(len(data)))
		var r io.Reader = bytes.NewReader(data)
		if len(data) < 4096 {
			r = iotest.OneByteReader(r) // the hardest way to read, while it is cheap
		} else {
			r = iotest.HalfReader(r)
		}
		v2, err2 := p.CheckReader(r)
		if code(err1) != code(err2) || v1 != v2 {
			t.Fatalf("policy %+v: Check and CheckReader disagree:\n %+v %v\n %+v %v", p, v1, err1, v2, err2)
		}
		if code(err1) == "read error" {
			t.Fatalf("a read error from in-memory content: %v", err1)
		}
		if err1 != nil {
			continue
		}
		if v1.Size != int64(len(data)) {
			t.Fatalf("accepted with Size %d, want %d", v1.Size, len(data))
		}
		switch v1.Kind {
		case media.KindImage, media.KindAudio, media.KindVideo:
		case media.KindSticker:
			if v1.Format != media.FormatWebP || !p.Formats.Has(media.FormatWebP) {
				t.Fatalf("policy %+v accepted a %s sticker", p, v1.Format)
			}
		default:
			t.Fatalf("accepted with kind %q", v1.Kind)
		}
		if v1.Kind == media.KindVideo && v1.VideoCodec != "h264" {
			t.Fatalf("accepted a video whose codec is %q", v1.VideoCodec)
		}
		if v1.AudioCodec != "" && v1.Format != media.FormatWAV && v1.AudioCodec != "aac" && v1.Format != media.FormatMP3 && v1.Format != media.FormatMPEGAudio &&
			!(v1.Format == media.FormatOgg && v1.AudioCodec == "opus") && !(v1.Format == media.FormatAMR && v1.AudioCodec == "amr") {
			t.Fatalf("accepted %s with audio codec %q", v1.Format, v1.AudioCodec)
		}
	}
}

const maxSeed = 4096

// seedFixtures adds the fixtures whose names match pattern, with prefix
// bytes cut off (the fuzz function puts them back).
func seedFixtures(f *testing.F, pattern string, cut int) {
	files, err := filepath.Glob(filepath.Join(fixtures, pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		b = shrinkMdat(b)
		if len(b) > maxSeed {
			b = b[:maxSeed] // keeps minimising cheap; the headers are what matter
		}
		if len(b) >= cut {
			f.Add(b[cut:])
		}
	}
}

func FuzzCheck(f *testing.F) {
	seedFixtures(f, "*", 0)
	f.Add([]byte{})
	f.Add([]byte{0xFF})
	f.Fuzz(fuzzJudge)
}

func FuzzISOBMFF(f *testing.F) {
	seedFixtures(f, "*.mp4", 0)
	seedFixtures(f, "*.3gp", 0)
	seedFixtures(f, "*.m4a", 0)
	f.Add(movie(videoTrak, aacTrak))
	f.Add(cat(ftyp("isom"), mdat(10), moov(trak("vide", visual("avc1"), visual("hvc1")), trak("soun", audio("mp4a", 2, bx("wave", esds(0x40)))))))
	f.Add(cat(ftyp("M4A "), moov(aacTrak), u32(1), []byte("mdat"), u64(20), zeros(4)))
	f.Fuzz(fuzzJudge)
}

func FuzzPNG(f *testing.F) {
	sig := []byte("\x89PNG\r\n\x1a\n")
	seedFixtures(f, "*.png", len(sig))
	f.Add(pngFile(10)[len(sig):])
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJudge(t, cat(sig, data)) })
}

func FuzzJPEG(f *testing.F) {
	soi := []byte{0xFF, 0xD8, 0xFF}
	seedFixtures(f, "ok.jpg", len(soi))
	f.Add(jpegFile()[len(soi):])
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJudge(t, cat(soi, data)) })
}

func FuzzMPEGAudio(f *testing.F) {
	seedFixtures(f, "ok.mp3", 0)
	seedFixtures(f, "ok.aac", 0)
	f.Add(frames(mp2Frame, 522, 3))
	f.Add(cat(id3(10), adtsFrames(20, 3)))
	f.Fuzz(fuzzJudge)
}

func FuzzWAV(f *testing.F) {
	riff := []byte("RIFF")
	seedFixtures(f, "ok.wav", len(riff))
	f.Add(wavFile(1, 10)[len(riff):])
	f.Add(wavFile(0x55, 10)[len(riff):])
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJudge(t, cat(riff, data)) })
}

// shrinkMdat cuts the sample data of an MP4 fixture to 16 bytes, so the
// fuzzer works on (and minimises) the structure, not the payload. Other
// content is returned as it is.
func shrinkMdat(b []byte) []byte {
	if len(b) < 8 || string(b[4:8]) != "ftyp" {
		return b
	}
	var out []byte
	for off := 0; off+8 <= len(b); {
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size < 8 || off+size > len(b) {
			return b
		}
		if string(b[off+4:off+8]) == "mdat" {
			out = append(out, mdat(16)...)
		} else {
			out = append(out, b[off:off+size]...)
		}
		off += size
	}
	return out
}

func FuzzOgg(f *testing.F) {
	seedFixtures(f, "*.ogg", 0)
	f.Add(opusFile(3, 40))
	f.Add(cat(opusFile(2, 10), opusFile(2, 10)))
	f.Fuzz(fuzzJudge)
}

func FuzzAMR(f *testing.F) {
	magic := []byte("#!AMR\n")
	f.Add(amrFile(7, 5)[len(magic):])
	f.Add([]byte{0x3C, 0x7C, 0x44})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJudge(t, cat(magic, data)) })
}

func FuzzWebP(f *testing.F) {
	riff := []byte("RIFF")
	seedFixtures(f, "*.webp", len(riff))
	f.Add(animatedWebP(2, 30)[len(riff):])
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJudge(t, cat(riff, data)) })
}

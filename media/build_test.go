package media_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/socialdesk/socialdesk/media"
)

// Builders for synthetic ISO-BMFF files: each returns the bytes of one box.

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func zeros(n int) []byte  { return make([]byte, n) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func bx(typ string, payload ...[]byte) []byte {
	p := cat(payload...)
	return cat(u32(uint32(8+len(p))), []byte(typ), p)
}

func fullbox(typ string, payload ...[]byte) []byte {
	return bx(typ, append([][]byte{zeros(4)}, payload...)...)
}

func ftyp(major string, compat ...string) []byte {
	p := cat([]byte(major), u32(0x200))
	for _, c := range compat {
		p = append(p, c...)
	}
	return bx("ftyp", p)
}

func hdlr(h string) []byte {
	return fullbox("hdlr", u32(0), []byte(h), zeros(12), []byte("handler\x00"))
}

func stsd(entries ...[]byte) []byte {
	return fullbox("stsd", append([][]byte{u32(uint32(len(entries)))}, entries...)...)
}

// visual is a VisualSampleEntry of the given type (avc1, hvc1, ...).
func visual(typ string, children ...[]byte) []byte {
	return bx(typ, append([][]byte{zeros(6), u16(1), zeros(70)}, children...)...)
}

// esds is an ES_Descriptor with a DecoderConfigDescriptor naming oti.
func esds(oti byte) []byte {
	return fullbox("esds", []byte{
		0x03, 0x19, 0x00, 0x01, 0x00, // ES_Descriptor, ES_ID, flags
		0x04, 0x11, oti, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // DecoderConfigDescriptor
		0x05, 0x02, 0x12, 0x10, // DecoderSpecificInfo
		0x06, 0x01, 0x02, // SLConfigDescriptor
	})
}

// audio is an AudioSampleEntry (QuickTime sound description version v).
func audio(typ string, v uint16, children ...[]byte) []byte {
	extra := map[uint16]int{0: 0, 1: 16, 2: 36}[v]
	return bx(typ, append([][]byte{zeros(6), u16(1), u16(v), zeros(18 + extra)}, children...)...)
}

func mp4a(oti byte) []byte { return audio("mp4a", 0, esds(oti)) }

func trak(handler string, entries ...[]byte) []byte {
	return bx("trak",
		fullbox("tkhd", zeros(80)),
		bx("mdia",
			fullbox("mdhd", zeros(20)),
			hdlr(handler),
			bx("minf",
				fullbox("vmhd", zeros(8)),
				bx("stbl", stsd(entries...), fullbox("stts", u32(0))))))
}

func moov(traks ...[]byte) []byte {
	return bx("moov", append([][]byte{fullbox("mvhd", zeros(96))}, traks...)...)
}

func mdat(n int) []byte { return bx("mdat", zeros(n)) }

var (
	videoTrak = trak("vide", visual("avc1"))
	aacTrak   = trak("soun", mp4a(0x40))
)

// movie is a plain MP4: ftyp, moov with the tracks, then 100 bytes of mdat.
func movie(traks ...[]byte) []byte {
	return cat(ftyp("isom", "isom", "avc1"), moov(traks...), mdat(100))
}

// judge runs Check and CheckReader over data and fails the test unless they
// agree; it returns Check's answer.
func judge(t testing.TB, p media.Policy, data []byte) (media.Verdict, error) {
	t.Helper()
	v1, err1 := p.Check(bytes.NewReader(data), int64(len(data)))
	v2, err2 := p.CheckReader(iotest.HalfReader(bytes.NewReader(data)))
	if code(err1) != code(err2) || v1.Kind != v2.Kind || v1.Format != v2.Format || v1.Size != v2.Size {
		t.Fatalf("Check and CheckReader disagree:\n Check:       %+v %v\n CheckReader: %+v %v", v1, err1, v2, err2)
	}
	if err1 == nil && v1.Size != int64(len(data)) {
		t.Fatalf("accepted with Size %d, want %d", v1.Size, len(data))
	}
	return v1, err1
}

// code returns the refusal code of err, "" for nil and "read error" for
// errors that are not refusals.
func code(err error) media.Code {
	if err == nil {
		return ""
	}
	var e *media.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "read error"
}

// sparse is a huge file held as a prefix and a suffix with zeros between
// (the inside of mdat). It records whether anyone read the zeros.
type sparse struct {
	prefix, suffix []byte
	size           int64
	touched        bool
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if rest := s.size - off; int64(n) > rest {
		n = int(rest)
	}
	zeroStart, zeroEnd := int64(len(s.prefix)), s.size-int64(len(s.suffix))
	for i := 0; i < n; i++ {
		at := off + int64(i)
		switch {
		case at < zeroStart:
			p[i] = s.prefix[at]
		case at >= zeroEnd:
			p[i] = s.suffix[at-zeroEnd]
		default:
			p[i] = 0
			s.touched = true
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// stream returns the same bytes as s as a plain reader.
func (s *sparse) stream() io.Reader {
	zeros := s.size - int64(len(s.prefix)) - int64(len(s.suffix))
	return io.MultiReader(bytes.NewReader(s.prefix), io.LimitReader(zeroReader{}, zeros), bytes.NewReader(s.suffix))
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// bigMovie is a valid MP4 of size bytes whose mdat holds almost all of it,
// with the movie header before or after the sample data.
func bigMovie(size int64, moovFirst bool) *sparse {
	head := cat(ftyp("isom", "isom", "avc1"))
	mv := moov(videoTrak, aacTrak)
	mdatSize := size - int64(len(head)) - int64(len(mv))
	mdatHdr := cat(u32(1), []byte("mdat"), binary.BigEndian.AppendUint64(nil, uint64(mdatSize)))
	if moovFirst {
		return &sparse{prefix: cat(head, mv, mdatHdr), size: size}
	}
	return &sparse{prefix: cat(head, mdatHdr), suffix: mv, size: size}
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

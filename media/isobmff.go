package media

import (
	"encoding/binary"
	"io"
	"math"
)

// ISO base media file format (MP4, 3GP, M4A, QuickTime-like): boxes of a
// 32-bit size (1 = a 64-bit size follows, 0 = to the end of the file) and a
// four-character type. Only the path to the sample descriptions is read:
// moov/trak/mdia/{hdlr, minf/stbl/stsd}. Every other box, mdat above all,
// is skipped by its size.

// fourCC packs a four-character code for cheap comparison.
func fourCC(s string) uint32 { return binary.BigEndian.Uint32([]byte(s)) }

var (
	boxFtyp  = fourCC("ftyp")
	boxMoov  = fourCC("moov")
	boxTrak  = fourCC("trak")
	boxMdia  = fourCC("mdia")
	boxHdlr  = fourCC("hdlr")
	boxMinf  = fourCC("minf")
	boxStbl  = fourCC("stbl")
	boxStsd  = fourCC("stsd")
	boxEsds  = fourCC("esds")
	boxWave  = fourCC("wave")
	boxMp4a  = fourCC("mp4a")
	boxMp4v  = fourCC("mp4v")
	hdlrVide = fourCC("vide")
	hdlrSoun = fourCC("soun")
)

// maxEntries bounds the sample descriptions remembered per track; real files
// have one.
const maxEntries = 8

type box struct {
	typ       uint32
	off, body int64 // where the box and its payload start
	end       int64 // where it ends; -1: at the end of the file
}

// sampleEntry is what one stsd entry tells: its type and, for mp4a/mp4v,
// the objectTypeIndication of its esds (0 when absent).
type sampleEntry struct {
	typ uint32
	oti byte
}

type track struct {
	handler uint32
	entries [maxEntries]sampleEntry
	n       int
}

// boxAt reads the box header at off. parentEnd bounds a nested box; top
// marks a box at file level, the only place size 0 is allowed.
func (c *checker) boxAt(off, parentEnd int64, top bool) (box, error) {
	var h [16]byte
	if top {
		// Read no further than the header: this may be mdat.
		c.in.stop = off + 8
	}
	if err := c.in.read(h[:8], off); err != nil {
		return box{}, err
	}
	b := box{typ: binary.BigEndian.Uint32(h[4:8]), off: off, body: off + 8}
	switch size := binary.BigEndian.Uint32(h[:4]); size {
	case 0:
		if !top {
			return box{}, c.malformed("a box inside the movie header has no size")
		}
		b.end = -1
	case 1:
		if top {
			c.in.stop = off + 16
		}
		if err := c.in.read(h[8:16], off+8); err != nil {
			return box{}, err
		}
		large := binary.BigEndian.Uint64(h[8:16])
		if large < 16 {
			return box{}, c.malformed("a box's 64-bit size is smaller than its header")
		}
		b.body = off + 16
		if large > uint64(math.MaxInt64-off) {
			b.end = math.MaxInt64
		} else {
			b.end = off + int64(large)
		}
	default:
		if size < 8 {
			return box{}, c.malformed("a box's size is smaller than its header")
		}
		b.end = off + int64(size)
	}
	if !top && b.end > parentEnd {
		return box{}, c.malformed("a box is larger than the box that contains it")
	}
	return b, nil
}

// isobmff walks the top-level boxes to the end of the file.
func (c *checker) isobmff() error {
	var (
		off     int64
		sawMoov bool
		tracks  trackTally
	)
	for {
		b, err := c.boxAt(off, 0, true)
		if err == io.EOF && off > 0 {
			break
		}
		if err != nil {
			return err
		}
		c.in.stop = b.end // a box that is parsed may be read ahead
		switch {
		case b.typ == boxFtyp && off == 0:
			if err := c.ftyp(b); err != nil {
				return err
			}
		case b.typ == boxMoov:
			if sawMoov {
				return c.malformed("it has two movie headers (moov)")
			}
			sawMoov = true
			if b.end < 0 {
				return c.malformed("its movie header (moov) has no size")
			}
			if err := c.moov(b, &tracks); err != nil {
				return err
			}
		}
		if b.end < 0 {
			size, err := c.in.finish()
			if err != nil {
				return err
			}
			if size < b.body {
				return io.ErrUnexpectedEOF
			}
			off = size
			break
		}
		off = b.end
	}
	if !sawMoov {
		return c.malformed("it has no complete movie header (moov); it may be cut short")
	}
	switch {
	case tracks.video > 0:
		c.v.Kind = KindVideo
	case tracks.audio > 0:
		c.v.Kind = KindAudio
	default:
		return c.malformed("it has neither a video nor an audio stream")
	}
	if off > c.pol.Limit(c.v.Kind) {
		return errTooLarge
	}
	c.v.Size = off
	return nil
}

// ftyp settles the format from the brands.
func (c *checker) ftyp(b box) error {
	var buf [4 * 34]byte
	n := b.end - b.body
	if n < 8 {
		return c.malformed("its file type box (ftyp) is too short")
	}
	if n > int64(len(buf)) {
		n = int64(len(buf))
	}
	n &^= 3
	p := buf[:n]
	if err := c.in.read(p, b.body); err != nil {
		return err
	}
	f := brandFormat(p[:4])
	if f == FormatUnknown {
		for i := 8; i+4 <= len(p) && f == FormatUnknown; i += 4 {
			f = brandFormat(p[i : i+4])
		}
	}
	c.v.Format, c.v.Kind = f, kindOf[f]
	switch f {
	case FormatMP4, Format3GP, FormatM4A:
		if c.pol.formats().Has(f) {
			return nil
		}
	case FormatUnknown:
		return &Error{Code: CodeUnsupportedFormat, Reason: "This is an MPEG-4 family file of a kind " + c.pol.platform() + " does not accept (brand \"" + printable(p[:4]) + "\"); send MP4 or 3GP video, or M4A audio."}
	}
	return c.refuseFormat()
}

func brandFormat(b []byte) Format {
	s := string(b)
	switch {
	case s == "qt  ":
		return FormatQuickTime
	case s[:3] == "3gp", s[:3] == "3g2":
		return Format3GP
	}
	switch s {
	case "M4A ", "M4B ", "M4P ":
		return FormatM4A
	case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
		"mp41", "mp42", "mp71", "avc1", "M4V ", "M4VH", "M4VP", "dash", "mmp4", "MSNV", "NDAS", "f4v ":
		return FormatMP4
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis":
		return FormatHEIF
	}
	return FormatUnknown
}

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, x := range b {
		if x < 0x20 || x > 0x7E {
			x = '?'
		}
		out[i] = x
	}
	return string(out)
}

type trackTally struct{ video, audio int }

func (c *checker) moov(moov box, t *trackTally) error {
	for off := moov.body; off+8 <= moov.end; {
		b, err := c.boxAt(off, moov.end, false)
		if err != nil {
			return err
		}
		if b.typ == boxTrak {
			if err := c.trak(b, t); err != nil {
				return err
			}
		}
		off = b.end
	}
	return nil
}

// trak reads one track's handler and sample descriptions, then judges them.
func (c *checker) trak(trak box, t *trackTally) error {
	var tr track
	if err := c.descend(trak, &tr, 0); err != nil {
		return err
	}
	switch tr.handler {
	case 0:
		return c.malformed("a track has no handler (hdlr) saying what it holds")
	case hdlrVide:
		if tr.n == 0 {
			return c.malformed("a video track has no sample description")
		}
		for _, e := range tr.entries[:tr.n] {
			if err := c.videoEntry(e); err != nil {
				return err
			}
		}
		t.video++
	case hdlrSoun:
		if tr.n == 0 {
			return c.malformed("an audio track has no sample description")
		}
		t.audio++
		if t.audio > 1 {
			return &Error{Code: CodeMultipleAudio, Reason: "The video has more than one audio stream; " + c.pol.platform() + " accepts at most one. Keep a single audio track."}
		}
		for _, e := range tr.entries[:tr.n] {
			if err := c.audioEntry(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// descend walks the boxes inside parent along trak/mdia/minf/stbl, reading
// hdlr and stsd. depth tells where it is: 0 trak, 1 mdia, 2 minf, 3 stbl.
func (c *checker) descend(parent box, tr *track, depth int) error {
	for off := parent.body; off+8 <= parent.end; {
		b, err := c.boxAt(off, parent.end, false)
		if err != nil {
			return err
		}
		switch {
		case depth == 0 && b.typ == boxMdia, depth == 1 && b.typ == boxMinf, depth == 2 && b.typ == boxStbl:
			if err := c.descend(b, tr, depth+1); err != nil {
				return err
			}
		case depth == 1 && b.typ == boxHdlr:
			// version/flags(4) pre_defined(4) handler_type(4)
			if b.end-b.body < 12 {
				return c.malformed("a track's handler box is too short")
			}
			var h [4]byte
			if err := c.in.read(h[:], b.body+8); err != nil {
				return err
			}
			tr.handler = binary.BigEndian.Uint32(h[:])
		case depth == 3 && b.typ == boxStsd:
			if err := c.stsd(b, tr); err != nil {
				return err
			}
		}
		off = b.end
	}
	return nil
}

// stsd reads the sample descriptions: a full box with an entry count, then
// one box per entry.
func (c *checker) stsd(stsd box, tr *track) error {
	var h [8]byte
	if stsd.end-stsd.body < 8 {
		return c.malformed("a sample description box is too short")
	}
	if err := c.in.read(h[:], stsd.body); err != nil {
		return err
	}
	count := binary.BigEndian.Uint32(h[4:8])
	if count == 0 {
		return c.malformed("a track has an empty sample description box")
	}
	off := stsd.body + 8
	for i := uint32(0); i < count; i++ {
		if off+8 > stsd.end {
			return c.malformed("a sample description box holds fewer entries than it says")
		}
		b, err := c.boxAt(off, stsd.end, false)
		if err != nil {
			return err
		}
		if tr.n == maxEntries {
			return c.malformed("a track has too many sample descriptions")
		}
		e := sampleEntry{typ: b.typ}
		switch b.typ {
		case boxMp4a:
			e.oti, err = c.audioEsds(b)
		case boxMp4v:
			// VisualSampleEntry: 8 + 70 bytes before its boxes.
			e.oti, err = c.findEsds(b, b.body+78)
		}
		if err != nil {
			return err
		}
		tr.entries[tr.n] = e
		tr.n++
		off = b.end
	}
	return nil
}

// audioEsds finds the esds of an mp4a entry. The AudioSampleEntry fields
// take 28 bytes, or 44/64 in QuickTime's sound description versions 1 and 2.
func (c *checker) audioEsds(b box) (byte, error) {
	var h [10]byte
	if b.end-b.body < 28 {
		return 0, c.malformed("an audio sample description is too short")
	}
	if err := c.in.read(h[:], b.body); err != nil {
		return 0, err
	}
	start := b.body + 28
	switch binary.BigEndian.Uint16(h[8:10]) {
	case 1:
		start += 16
	case 2:
		start += 36
	}
	return c.findEsds(b, start)
}

// findEsds looks for esds among the boxes of entry from off, and inside a
// QuickTime wave box, and returns its objectTypeIndication.
func (c *checker) findEsds(entry box, off int64) (byte, error) {
	for off+8 <= entry.end {
		b, err := c.boxAt(off, entry.end, false)
		if err != nil {
			return 0, err
		}
		switch b.typ {
		case boxEsds:
			return c.esds(b)
		case boxWave:
			if oti, err := c.findEsds(b, b.body); err != nil || oti != 0 {
				return oti, err
			}
		}
		off = b.end
	}
	return 0, nil
}

// esds reads the objectTypeIndication from an ES_Descriptor (tag 3)
// holding a DecoderConfigDescriptor (tag 4).
func (c *checker) esds(b box) (byte, error) {
	var buf [320]byte
	n := b.end - b.body
	if n > int64(len(buf)) {
		n = int64(len(buf))
	}
	p := buf[:n]
	if err := c.in.read(p, b.body); err != nil {
		return 0, err
	}
	if len(p) < 4 {
		return 0, c.badEsds()
	}
	p = p[4:] // version, flags
	p, ok := descriptor(p, 0x03)
	if !ok || len(p) < 3 {
		return 0, c.badEsds()
	}
	flags := p[2]
	p = p[3:] // ES_ID, flags
	if flags&0x80 != 0 {
		if len(p) < 2 {
			return 0, c.badEsds()
		}
		p = p[2:]
	}
	if flags&0x40 != 0 {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return 0, c.badEsds()
		}
		p = p[1+int(p[0]):]
	}
	if flags&0x20 != 0 {
		if len(p) < 2 {
			return 0, c.badEsds()
		}
		p = p[2:]
	}
	p, ok = descriptor(p, 0x04)
	if !ok || len(p) < 1 || p[0] == 0 {
		return 0, c.badEsds()
	}
	return p[0], nil
}

func (c *checker) badEsds() error {
	return c.malformed("an audio stream's codec description (esds) is damaged")
}

// descriptor checks that p starts with an MPEG-4 descriptor of the tag and
// returns what follows its header (the length may run past p; the caller
// checks what it needs).
func descriptor(p []byte, tag byte) ([]byte, bool) {
	if len(p) < 2 || p[0] != tag {
		return nil, false
	}
	p = p[1:]
	for i := 0; i < 4; i++ {
		if len(p) == 0 {
			return nil, false
		}
		more := p[0]&0x80 != 0
		p = p[1:]
		if !more {
			return p, true
		}
	}
	return nil, false
}

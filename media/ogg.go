package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

// Ogg (RFC 3533): a sequence of pages, each a 27-byte header ("OggS",
// version 0, flags, granule position, stream serial number, page sequence
// number, CRC, segment count) and a segment table whose lacing values add
// up to the page's body length. The first page begins the stream (flag
// 0x02) and its first packet names the codec; the last ends it (0x04).
// Only a single Opus stream (RFC 7845: "OpusHead") is accepted.

const (
	oggHeaderLen = 27
	oggBOS       = 0x02
	oggEOS       = 0x04
)

// ogg walks the pages of an Ogg stream to its end, skipping their bodies.
func (c *checker) ogg() error {
	var (
		off    int64
		serial uint32
		seq    uint32
		last   byte
	)
	for page := 0; ; page++ {
		var h [oggHeaderLen + 255]byte
		err := c.in.read(h[:oggHeaderLen], off)
		if page > 0 && err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if string(h[:4]) != "OggS" || h[4] != 0 {
			return c.malformed("a page does not start where the previous one ends")
		}
		flags := h[5]
		n := int(h[26])
		if n > 0 { // a read of nothing at the very end would report the end
			if err := c.in.read(h[oggHeaderLen:oggHeaderLen+n], off+oggHeaderLen); err != nil {
				return err
			}
		}
		body := int64(0)
		for _, l := range h[oggHeaderLen : oggHeaderLen+n] {
			body += int64(l)
		}
		s, q := binary.LittleEndian.Uint32(h[14:18]), binary.LittleEndian.Uint32(h[18:22])
		if page == 0 {
			if flags&oggBOS == 0 || n == 0 {
				return c.malformed("its first page does not begin a stream")
			}
			if err := c.oggCodec(off+oggHeaderLen+int64(n), int64(h[oggHeaderLen])); err != nil {
				return err
			}
			serial = s
		} else {
			if s != serial {
				return &Error{Code: CodeUnsupportedCodec, Reason: "The Ogg file holds more than one stream; " +
					c.pol.platform() + " accepts a single Opus audio stream."}
			}
			if flags&oggBOS != 0 || last&oggEOS != 0 || q != seq+1 {
				return c.malformed("its pages are out of order")
			}
		}
		seq, last = q, flags
		off += oggHeaderLen + int64(n) + body
	}
	if last&oggEOS == 0 {
		return c.malformed("it is cut short: its last page does not end the stream")
	}
	return c.accept(KindAudio)
}

// oggCodec reads the first packet of the stream, at off and first bytes
// long at least, and accepts Opus only.
func (c *checker) oggCodec(off, first int64) error {
	var p [19]byte
	if first < 8 {
		return c.malformed("its first packet is too short to name a codec")
	}
	if err := c.in.read(p[:8], off); err != nil {
		return err
	}
	name := "an unknown"
	switch {
	case string(p[:8]) == "OpusHead":
		if first < 19 {
			return c.malformed("its Opus header is too short")
		}
		if err := c.in.read(p[:], off); err != nil {
			return err
		}
		if p[8]>>4 != 0 || p[9] == 0 {
			return c.malformed("its Opus header has an unknown version or no channels")
		}
		c.v.AudioCodec = "opus"
		return nil
	case bytes.HasPrefix(p[:], []byte("\x01vorbis")):
		name = "the Vorbis"
	case bytes.HasPrefix(p[:], []byte("Speex   ")):
		name = "the Speex"
	case bytes.HasPrefix(p[:], []byte("\x7fFLAC")):
		name = "the FLAC"
	case bytes.HasPrefix(p[:], []byte("\x80theora")):
		name = "the Theora video"
	}
	return &Error{Code: CodeUnsupportedCodec, Reason: "The Ogg file uses " + name + " codec; " +
		c.pol.platform() + " accepts Ogg audio with the Opus codec only. Convert it to Opus, AAC or MP3."}
}

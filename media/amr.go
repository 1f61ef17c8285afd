package media

import "io"

// AMR storage format (RFC 4867, section 5): a magic line, then frames of
// one header byte (0 FT(4 bits) Q 0 0) and speech bits whose length the
// frame type fixes. Single-channel AMR narrowband is accepted; AMR-WB and
// multichannel files are recognised so a refusal can name them.

const (
	amrMagic   = "#!AMR\n"
	amrWBMagic = "#!AMR-WB\n"
)

// amrFrameBytes is the length of an AMR-NB frame, header byte included,
// by frame type; 0 marks types a storage file may not hold.
var amrFrameBytes = [16]int64{13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1}

// amr walks the frames of an AMR-NB file to its end.
func (c *checker) amr() error {
	off := int64(len(amrMagic))
	for frames := 0; ; frames++ {
		var h [1]byte
		err := c.in.read(h[:], off)
		if err == io.EOF {
			if frames == 0 {
				return c.malformed("it holds no audio frame")
			}
			break
		}
		if err != nil {
			return err
		}
		n := amrFrameBytes[h[0]>>3&0xF]
		if h[0]&0x83 != 0 || n == 0 {
			return c.malformed("a frame header is invalid")
		}
		// The frame must be whole.
		if err := c.in.read(h[:], off+n-1); err != nil {
			return err
		}
		off += n
	}
	c.v.AudioCodec = "amr"
	return c.accept(KindAudio)
}

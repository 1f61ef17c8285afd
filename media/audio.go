package media

import (
	"io"
)

// framesToCheck is how many consecutive audio frames must line up before
// an MPEG audio or ADTS stream is believed.
const framesToCheck = 3

// mpegAudio judges MPEG audio (layers I–III) and ADTS AAC, possibly behind
// ID3v2 tags: it skips the tags, then checks that the first frames are
// well formed and follow one another.
func (c *checker) mpegAudio() error {
	off := int64(0)
	for {
		var h [10]byte
		if err := c.in.read(h[:3], off); err != nil {
			return err
		}
		if string(h[:3]) != "ID3" {
			break
		}
		if err := c.in.read(h[:], off); err != nil {
			return err
		}
		if h[3] == 0xFF || h[4] == 0xFF || (h[6]|h[7]|h[8]|h[9])&0x80 != 0 {
			return c.malformed("its ID3 tag is damaged")
		}
		n := int64(h[6])<<21 | int64(h[7])<<14 | int64(h[8])<<7 | int64(h[9])
		off += 10 + n
		if h[5]&0x10 != 0 { // footer present
			off += 10
		}
	}
	// Zero padding may follow a tag: skip it.
	for {
		b, err := c.in.peek(off)
		if err == io.EOF {
			return c.malformed("it holds a tag but no audio")
		}
		if err != nil {
			return err
		}
		i := 0
		for i < len(b) && b[i] == 0 {
			i++
		}
		off += int64(i)
		if i < len(b) {
			break
		}
	}

	var first frame
	for k := 0; k < framesToCheck; k++ {
		var h [7]byte
		err := c.in.read(h[:4], off)
		if k > 0 && (err == io.EOF || err == nil && isTrailer(h[:])) {
			break
		}
		if err == nil && isADTS(h[:]) {
			err = c.in.read(h[:], off)
		}
		if err != nil {
			return err
		}
		f, ok := parseFrame(h)
		if !ok || k > 0 && (f.adts != first.adts || f.layer != first.layer || f.version != first.version) {
			if k == 0 {
				return c.malformed("no valid audio frame was found")
			}
			return c.malformed("its audio frames do not follow one another")
		}
		if k == 0 {
			first = f
		}
		// The frame must be whole.
		var x [1]byte
		if err := c.in.read(x[:], off+f.length-1); err != nil {
			return err
		}
		off += f.length
	}
	switch {
	case first.adts:
		c.v.Format, c.v.AudioCodec = FormatAAC, "aac"
	case first.layer == 3:
		c.v.Format, c.v.AudioCodec = FormatMP3, "mp3"
	default:
		c.v.Format, c.v.AudioCodec = FormatMPEGAudio, "mp"+string(rune('0'+first.layer))
	}
	return c.accept(KindAudio)
}

// isTrailer reports tags that may end an MPEG audio file.
func isTrailer(h []byte) bool {
	s := string(h[:3])
	return s == "TAG" || s == "APE" || s == "LYR" || s == "ID3"
}

type frame struct {
	adts    bool
	version int // 1, 2, or 25 for MPEG 2.5; 0 for ADTS
	layer   int
	length  int64
}

var (
	// bitrates in kbit/s by [version row][layer-1][index].
	bitratesV1 = [3][16]int{
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	}
	bitratesV2 = [3][16]int{
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	sampleRates = map[int][3]int{1: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 25: {11025, 12000, 8000}}
)

// isADTS reports whether h starts with an ADTS sync word (12 bits set,
// layer 0), as opposed to an MPEG audio frame.
func isADTS(h []byte) bool { return h[0] == 0xFF && h[1]&0xF6 == 0xF0 }

// parseFrame reads an MPEG audio frame header (the first 4 bytes of h) or
// an ADTS header (all 7) and the frame's length.
func parseFrame(h [7]byte) (frame, bool) {
	if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return frame{}, false
	}
	if isADTS(h[:]) {
		crc := int64(h[1]&1) ^ 1
		n := int64(h[3]&3)<<11 | int64(h[4])<<3 | int64(h[5]>>5)
		if h[2]>>2&0xF > 12 || n < 7+2*crc {
			return frame{}, false
		}
		return frame{adts: true, length: n}, true
	}
	layerBits := int(h[1]>>1) & 3
	var f frame
	switch h[1] >> 3 & 3 {
	case 0:
		f.version = 25
	case 2:
		f.version = 2
	case 3:
		f.version = 1
	default:
		return frame{}, false
	}
	if layerBits == 0 {
		return frame{}, false
	}
	f.layer = 4 - layerBits
	bi, si, pad := int(h[2]>>4), int(h[2]>>2)&3, int64(h[2]>>1)&1
	if bi == 0 || bi == 15 || si == 3 {
		return frame{}, false // free format or reserved values
	}
	table := &bitratesV1
	if f.version != 1 {
		table = &bitratesV2
	}
	bitrate := int64(table[f.layer-1][bi]) * 1000
	rate := int64(sampleRates[f.version][si])
	switch {
	case f.layer == 1:
		f.length = (12*bitrate/rate + pad) * 4
	case f.layer == 3 && f.version != 1:
		f.length = 72*bitrate/rate + pad
	default:
		f.length = 144*bitrate/rate + pad
	}
	return f, f.length >= 4
}

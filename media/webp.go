package media

import "encoding/binary"

// WebP (RIFF container, RFC 9649): "RIFF", the little-endian length of
// what follows, "WEBP", then chunks of a four-character type, a
// little-endian length and data padded to an even length. A simple file
// is one VP8 (lossy) or VP8L (lossless) chunk; an extended one starts
// with VP8X, whose flags say whether it is animated (ANIM and ANMF
// chunks follow) or a still image (a VP8 or VP8L chunk follows). It is
// accepted only as a sticker, which has its own limits, smaller when
// still.

const webpAnimated = 0x02 // VP8X flag

// webp walks the chunks of a WebP file to the end its RIFF header gives.
func (c *checker) webp() error {
	var h [12]byte
	if err := c.in.read(h[:], 0); err != nil {
		return err
	}
	riffEnd := 8 + int64(binary.LittleEndian.Uint32(h[4:8]))
	if riffEnd < 12+8 {
		return c.malformed("its RIFF header is too short to hold an image")
	}
	var sawImage, sawFrame, extended bool
	for off, first := int64(12), true; off < riffEnd; first = false {
		var ch [18]byte
		if err := c.in.read(ch[:8], off); err != nil {
			return err
		}
		typ := string(ch[:4])
		n := int64(binary.LittleEndian.Uint32(ch[4:8]))
		end := off + 8 + n + n&1
		if end > riffEnd {
			return c.malformed("a chunk runs past the end of the file")
		}
		switch typ {
		case "VP8X":
			if !first || n < 10 {
				return c.malformed("its extended header is misplaced or too short")
			}
			if err := c.in.read(ch[8:9], off+8); err != nil {
				return err
			}
			extended = true
			c.v.Animated = ch[8]&webpAnimated != 0
		case "VP8 ":
			// A frame tag of 3 bytes, then the start code 9D 01 2A.
			if n < 10 {
				return c.malformed("its image data is too short")
			}
			if err := c.in.read(ch[8:14], off+8); err != nil {
				return err
			}
			if ch[11] != 0x9D || ch[12] != 0x01 || ch[13] != 0x2A {
				return c.malformed("its image data has no VP8 start code")
			}
			sawImage = true
		case "VP8L":
			if n < 5 {
				return c.malformed("its image data is too short")
			}
			if err := c.in.read(ch[8:9], off+8); err != nil {
				return err
			}
			if ch[8] != 0x2F {
				return c.malformed("its lossless image data has no signature")
			}
			sawImage = true
		case "ANMF":
			sawFrame = true
		}
		if first && !extended && !sawImage {
			return c.malformed("it does not start with image data or an extended header")
		}
		off = end
	}
	switch {
	case c.v.Animated && !sawFrame:
		return c.malformed("it is marked animated but holds no frame")
	case !c.v.Animated && !sawImage:
		return c.malformed("it holds no image data")
	}
	// The file must end where its RIFF header says.
	size, err := c.in.finish()
	if err != nil {
		return err
	}
	if size != riffEnd {
		return c.malformed("its length does not match its RIFF header")
	}
	return c.acceptSticker(size)
}

// acceptSticker finishes a WebP judgement against the sticker limits.
func (c *checker) acceptSticker(size int64) error {
	lim := c.pol.Limit(KindSticker)
	if c.v.Animated {
		lim = c.pol.animatedStickerLimit()
	}
	if size > lim {
		return errTooLarge
	}
	c.v.Kind, c.v.Size = KindSticker, size
	return nil
}

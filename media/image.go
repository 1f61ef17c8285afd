package media

import (
	"bytes"
	"encoding/binary"
)

// png walks the chunks from the image header (IHDR) to the end marker
// (IEND), skipping chunk data, so a file cut short is caught.
func (c *checker) png() error {
	off := int64(8)
	sawData := false
	for first := true; ; first = false {
		var h [8]byte
		if err := c.in.read(h[:], off); err != nil {
			return err
		}
		n := binary.BigEndian.Uint32(h[:4])
		if n > 1<<31-1 {
			return c.malformed("a chunk has an impossible length")
		}
		typ := string(h[4:8])
		if first && (typ != "IHDR" || n != 13) {
			return c.malformed("it does not start with an image header")
		}
		end := off + 12 + int64(n) // length, type, data, CRC
		switch typ {
		case "IDAT":
			sawData = true
		case "IEND":
			if !sawData {
				return c.malformed("it has no image data")
			}
			var crc [4]byte
			if err := c.in.read(crc[:], end-4); err != nil {
				return err
			}
			return c.accept(KindImage)
		}
		off = end
	}
}

// jpeg walks the marker segments to the first scan, then the entropy-coded
// data to the end-of-image marker, so a file cut short is caught.
func (c *checker) jpeg() error {
	off := int64(2)
	sawFrame := false
	for {
		var m [4]byte
		if err := c.in.read(m[:2], off); err != nil {
			return err
		}
		if m[0] != 0xFF {
			return c.malformed("its structure is broken")
		}
		switch mk := m[1]; {
		case mk == 0xFF: // fill byte
			off++
			continue
		case mk == 0x01 || mk >= 0xD0 && mk <= 0xD7:
			off += 2
			continue
		case mk == 0xD8, mk == 0xD9, mk == 0x00:
			return c.malformed("its structure is broken")
		}
		if err := c.in.read(m[2:4], off+2); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint16(m[2:4]))
		if n < 2 {
			return c.malformed("a segment has an impossible length")
		}
		switch mk := m[1]; {
		case mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC:
			sawFrame = true
		case mk == 0xDA:
			if !sawFrame {
				return c.malformed("its image data comes before the image header")
			}
			if err := c.jpegScan(off + 2 + n); err != nil {
				return err
			}
			return c.accept(KindImage)
		}
		off += 2 + n
	}
}

// jpegScan reads entropy-coded data from off until the end-of-image marker.
// Inside it 0xFF is followed by 0x00 (a stuffed byte), a restart marker, or
// a marker that starts another segment (progressive JPEGs have many scans).
func (c *checker) jpegScan(off int64) error {
	for {
		b, err := c.in.peek(off)
		if err != nil {
			return err
		}
		i := bytes.IndexByte(b, 0xFF)
		if i < 0 {
			off += int64(len(b))
			continue
		}
		off += int64(i)
		var m [4]byte
		if err := c.in.read(m[:2], off); err != nil {
			return err
		}
		switch mk := m[1]; {
		case mk == 0x00 || mk >= 0xD0 && mk <= 0xD7:
			off += 2
		case mk == 0xFF:
			off++
		case mk == 0xD9:
			return nil
		default:
			if err := c.in.read(m[2:4], off+2); err != nil {
				return err
			}
			n := int64(binary.BigEndian.Uint16(m[2:4]))
			if n < 2 {
				return c.malformed("a segment has an impossible length")
			}
			off += 2 + n
		}
	}
}

// accept finishes a judgement of a format whose rules are met: the content
// is read to its end (a stream) and measured against the kind's limit.
func (c *checker) accept(k Kind) error {
	c.v.Kind = k
	if !c.pol.formats().Has(c.v.Format) {
		return c.refuseFormat()
	}
	c.in.limit = min(c.in.limit, c.pol.Limit(k))
	size, err := c.in.finish()
	if err != nil {
		return err
	}
	c.v.Size = size
	return nil
}

package media

import "encoding/binary"

// wav walks the RIFF chunks of a WAVE file up to its sample data: the
// format chunk must come first and say PCM, and the data must be whole.
func (c *checker) wav() error {
	off := int64(12)
	sawFormat := false
	for {
		var h [10]byte
		if err := c.in.read(h[:8], off); err != nil {
			return err
		}
		n := int64(binary.LittleEndian.Uint32(h[4:8]))
		switch string(h[:4]) {
		case "fmt ":
			if n < 16 {
				return c.malformed("its format chunk is too short")
			}
			if err := c.in.read(h[8:10], off+8); err != nil {
				return err
			}
			switch tag := binary.LittleEndian.Uint16(h[8:10]); tag {
			case 1, 0xFFFE: // PCM, WAVE_FORMAT_EXTENSIBLE
				c.v.AudioCodec = "pcm"
			case 3:
				c.v.AudioCodec = "pcm-float"
			default:
				return &Error{Code: CodeUnsupportedCodec, Reason: "The WAV file holds compressed audio (format code " + itoa(int64(tag)) + "); " + c.pol.platform() + " accepts PCM WAV only. Convert it to PCM WAV, AAC or MP3."}
			}
			sawFormat = true
		case "data":
			if !sawFormat {
				return c.malformed("its sample data comes before its format chunk")
			}
			// Writers that stream set the size to 0 or 0xFFFFFFFF: to the end.
			if n != 0 && n != 0xFFFFFFFF {
				var x [1]byte
				if err := c.in.read(x[:], off+8+n-1); err != nil {
					return err
				}
			}
			return c.accept(KindAudio)
		}
		off += 8 + n + n&1
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

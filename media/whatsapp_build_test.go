package media_test

import (
	"encoding/binary"
)

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// oggPage is one Ogg page of the stream serial holding one packet
// (len(packet) < 255*255).
func oggPage(flags byte, serial, seq uint32, packet []byte) []byte {
	var lacing []byte
	n := len(packet)
	for n >= 255 {
		lacing = append(lacing, 255)
		n -= 255
	}
	lacing = append(lacing, byte(n))
	h := cat([]byte("OggS"), []byte{0, flags}, zeros(8), le32(serial), le32(seq), zeros(4), []byte{byte(len(lacing))}, lacing)
	return cat(h, packet)
}

// opusHead is the identification header of RFC 7845 for mono 48 kHz.
func opusHead() []byte {
	return cat([]byte("OpusHead"), []byte{1, 1}, le16(312), le32(48000), le16(0), []byte{0})
}

// opusFile is a minimal Ogg Opus stream: the identification and comment
// headers, then audio pages of packet bytes each, the last ending the
// stream (audio >= 1).
func opusFile(audio, packet int) []byte {
	const serial = 0x1234
	tags := cat([]byte("OpusTags"), le32(2), []byte("sd"), le32(0))
	b := cat(oggPage(0x02, serial, 0, opusHead()), oggPage(0, serial, 1, tags))
	for i := range audio {
		flags := byte(0)
		if i == audio-1 {
			flags = 0x04
		}
		b = append(b, oggPage(flags, serial, uint32(2+i), cat([]byte{0xFC}, zeros(packet-1)))...)
	}
	return b
}

// amrFile is an AMR-NB file of n frames of frame type ft (0–7: 12.2 kbit/s
// is 7, frames of 32 bytes).
func amrFile(ft byte, n int) []byte {
	size := []int{13, 14, 16, 18, 20, 21, 27, 32}[ft]
	b := []byte("#!AMR\n")
	for range n {
		b = append(b, ft<<3|0x04)
		b = append(b, zeros(size-1)...)
	}
	return b
}

func riffChunk(typ string, data []byte) []byte {
	b := cat([]byte(typ), le32(uint32(len(data))), data)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func webpFile(chunks ...[]byte) []byte {
	body := cat(append([][]byte{[]byte("WEBP")}, chunks...)...)
	return cat([]byte("RIFF"), le32(uint32(len(body))), body)
}

// staticWebP is a lossy still WebP whose VP8 data is n bytes (n >= 10).
func staticWebP(n int) []byte {
	vp8 := cat([]byte{0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x00, 0x30, 0x00}, zeros(n-10))
	return webpFile(riffChunk("VP8 ", vp8))
}

// animatedWebP is an extended WebP marked animated with frames ANMF
// chunks of n bytes each.
func animatedWebP(frames, n int) []byte {
	vp8x := cat([]byte{0x02, 0, 0, 0}, []byte{0xFF, 0x01, 0x00, 0xFF, 0x01, 0x00}) // 512x512
	chunks := [][]byte{riffChunk("VP8X", vp8x), riffChunk("ANIM", zeros(6))}
	for range frames {
		chunks = append(chunks, riffChunk("ANMF", zeros(n)))
	}
	return webpFile(chunks...)
}

// bigJPEG is a valid JPEG of about n bytes: jpegFile's headers and a scan
// of n zero bytes.
func bigJPEG(n int) []byte {
	j := jpegFile()
	return cat(j[:len(j)-2], zeros(n), []byte{0xFF, 0xD9})
}

package media_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

func chunk(typ string, data []byte) []byte {
	return cat(u32(uint32(len(data))), []byte(typ), data, zeros(4))
}

func pngFile(idat int) []byte {
	ihdr := cat(u32(64), u32(48), []byte{8, 2, 0, 0, 0})
	return cat([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr), chunk("IDAT", zeros(idat)), chunk("IEND", nil))
}

func seg(marker byte, payload []byte) []byte {
	return cat([]byte{0xFF, marker}, u16(uint16(2+len(payload))), payload)
}

// jpegFile is a baseline JPEG: headers, one scan with stuffed bytes and a
// restart marker, and the end-of-image marker.
func jpegFile() []byte {
	return cat([]byte{0xFF, 0xD8},
		seg(0xE0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")),
		seg(0xDB, zeros(65)),
		seg(0xC0, []byte{8, 0, 16, 0, 16, 1, 1, 0x11, 0}),
		seg(0xC4, zeros(20)),
		seg(0xDA, []byte{1, 1, 0, 0, 63, 0}),
		[]byte{0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0xFF, 0xFF, 0xD1, 0x9A},
		[]byte{0xFF, 0xD9})
}

const (
	mp3Frame = "\xFF\xFB\x90\x00" // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417 bytes
	mp2Frame = "\xFF\xFD\x90\x00" // MPEG-1 Layer II, 160 kbit/s, 44.1 kHz: 522 bytes
)

func frames(header string, length, n int) []byte {
	var b []byte
	for range n {
		b = append(b, header...)
		b = append(b, zeros(length-len(header))...)
	}
	return b
}

func adtsFrames(length, n int) []byte {
	h := []byte{0xFF, 0xF1, 0x50, 0x80 | byte(length>>11)&3, byte(length >> 3), byte(length&7)<<5 | 0x1F, 0xFC}
	var b []byte
	for range n {
		b = append(b, h...)
		b = append(b, zeros(max(length-7, 0))...)
	}
	return b
}

func id3(size int) []byte {
	return cat([]byte("ID3\x04\x00\x00"), []byte{0, 0, byte(size >> 7), byte(size & 0x7F)}, zeros(size))
}

func wavFile(tag uint16, data int) []byte {
	le16 := func(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	fmtc := cat(le16(tag), le16(1), le32(8000), le32(16000), le16(2), le16(16))
	body := cat([]byte("WAVE"), []byte("fmt "), le32(16), fmtc, []byte("data"), le32(uint32(data)), zeros(data))
	return cat([]byte("RIFF"), le32(uint32(len(body))), body)
}

func TestFormatRules(t *testing.T) {
	okJPEG, err := os.ReadFile(filepath.Join(fixtures, "ok.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	okMP3, err := os.ReadFile(filepath.Join(fixtures, "ok.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	okAAC, err := os.ReadFile(filepath.Join(fixtures, "ok.aac"))
	if err != nil {
		t.Fatal(err)
	}
	bareMP3 := okMP3[bytes.Index(okMP3, []byte{0xFF, 0xFB}):]
	wavMP3 := wavFile(0x55, 100)
	dataBeforeFmt := wavFile(1, 10)
	copy(dataBeforeFmt[12:], cat([]byte("junk"), dataBeforeFmt[16:20]))
	streamedWAV := wavFile(1, 100)
	binary.LittleEndian.PutUint32(streamedWAV[40:44], 0xFFFFFFFF)

	tests := []struct {
		name   string
		data   []byte
		code   media.Code
		format media.Format
	}{
		{"0 bytes is refused as empty", nil, media.CodeMalformed, ""},
		{"1 byte of text is not media", []byte("a"), media.CodeUnsupportedFormat, media.FormatText},
		{"1 byte of binary is unknown", []byte{0xFF}, media.CodeUnsupportedFormat, media.FormatUnknown},
		{"a bare MPEG sync word is malformed", []byte{0xFF, 0xFB}, media.CodeMalformed, media.FormatMP3},
		{"a PNG is accepted", pngFile(100), "", media.FormatPNG},
		{"a PNG without image data is malformed", cat(pngFile(0)[:33], chunk("IEND", nil)), media.CodeMalformed, media.FormatPNG},
		{"a PNG not starting with IHDR is malformed", cat([]byte("\x89PNG\r\n\x1a\n"), chunk("IDAT", zeros(5)), chunk("IEND", nil)), media.CodeMalformed, media.FormatPNG},
		{"a PNG cut inside IEND is malformed", pngFile(10)[:len(pngFile(10))-2], media.CodeMalformed, media.FormatPNG},
		{"a PNG with a chunk length over 2^31 is malformed", cat(pngFile(0)[:33], u32(0x80000000), []byte("IDAT")), media.CodeMalformed, media.FormatPNG},
		{"a PNG with data after IEND is accepted", cat(pngFile(10), []byte("trailer")), "", media.FormatPNG},
		{"a JPEG is accepted", jpegFile(), "", media.FormatJPEG},
		{"a JPEG with data after its end is accepted (motion photos)", cat(jpegFile(), movie(videoTrak)), "", media.FormatJPEG},
		{"a progressive JPEG with two scans is accepted", cat(jpegFile()[:len(jpegFile())-2], seg(0xC4, zeros(8)), seg(0xDA, []byte{1, 1, 0, 0, 63, 0}), []byte{1, 2, 3, 0xFF, 0xD9}), "", media.FormatJPEG},
		{"a JPEG cut before its end is malformed", jpegFile()[:len(jpegFile())-2], media.CodeMalformed, media.FormatJPEG},
		{"the JPEG fixture cut short is malformed", okJPEG[:len(okJPEG)-2], media.CodeMalformed, media.FormatJPEG},
		{"a JPEG with a scan before its frame header is malformed", cat([]byte{0xFF, 0xD8}, seg(0xDA, []byte{1}), []byte{0xFF, 0xD9}), media.CodeMalformed, media.FormatJPEG},
		{"a JPEG segment length below 2 is malformed", cat([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 1}), media.CodeMalformed, media.FormatJPEG},
		{"MP3 without ID3 is accepted", bareMP3, "", media.FormatMP3},
		{"MP3 behind ID3v2 is accepted", cat(id3(100), frames(mp3Frame, 417, 4)), "", media.FormatMP3},
		{"MP3 behind ID3v2 and zero padding is accepted", cat(id3(10), zeros(300), frames(mp3Frame, 417, 4)), "", media.FormatMP3},
		{"a single MP3 frame with an ID3v1 tag is accepted", cat(frames(mp3Frame, 417, 1), []byte("TAG"), zeros(125)), "", media.FormatMP3},
		{"MPEG-1 Layer II is MPEG audio", frames(mp2Frame, 522, 5), "", media.FormatMPEGAudio},
		{"MP3 frames that do not follow one another are malformed", cat(frames(mp3Frame, 417, 1), zeros(417)), media.CodeMalformed, media.FormatMP3},
		{"an MP3 frame cut short is malformed", frames(mp3Frame, 417, 1)[:300], media.CodeMalformed, media.FormatMP3},
		{"an ID3 tag with nothing after it is malformed", id3(20), media.CodeMalformed, media.FormatMP3},
		{"an ID3 tag followed by junk is malformed", cat(id3(20), []byte("not audio at all")), media.CodeMalformed, media.FormatMP3},
		{"a damaged ID3 size is malformed", cat([]byte("ID3\x04\x00\x00\x80\x00\x00\x00"), frames(mp3Frame, 417, 2)), media.CodeMalformed, media.FormatMP3},
		{"ADTS AAC is accepted", adtsFrames(200, 5), "", media.FormatAAC},
		{"ADTS AAC behind ID3v2 is accepted", cat(id3(30), adtsFrames(200, 5)), "", media.FormatAAC},
		{"the AAC fixture cut inside its first frame is malformed", okAAC[:100], media.CodeMalformed, media.FormatMP3},
		{"an ADTS frame length below its header is malformed", adtsFrames(5, 1), media.CodeMalformed, media.FormatMP3},
		{"a PCM WAV is accepted", wavFile(1, 1000), "", media.FormatWAV},
		{"an extensible WAV is accepted", wavFile(0xFFFE, 1000), "", media.FormatWAV},
		{"a WAV with a streaming data size is accepted", streamedWAV, "", media.FormatWAV},
		{"a WAV holding MP3 is refused", wavMP3, media.CodeUnsupportedCodec, media.FormatWAV},
		{"a WAV with data before fmt is malformed", dataBeforeFmt, media.CodeMalformed, media.FormatWAV},
		{"a WAV cut inside its data is malformed", wavFile(1, 1000)[:500], media.CodeMalformed, media.FormatWAV},
		{"a WAV with a short format chunk is malformed", cat([]byte("RIFF\x20\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00")), media.CodeMalformed, media.FormatWAV},
		{"a RIFF AVI is refused", cat([]byte("RIFF\x04\x00\x00\x00AVI LIST")), media.CodeUnsupportedFormat, media.FormatUnknown},
		{"a BMP is refused", cat([]byte("BM"), zeros(60)), media.CodeUnsupportedFormat, media.FormatBMP},
		{"a Matroska file is refused", cat([]byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x88}, []byte("matroska"), zeros(20)), media.CodeUnsupportedFormat, media.FormatMatroska},
		{"a GIF87a is refused", []byte("GIF87a\x01\x00\x01\x00"), media.CodeUnsupportedFormat, media.FormatGIF},
		{"UTF-8 text is not media", []byte("こんにちは、これはテキストです。"), media.CodeUnsupportedFormat, media.FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := judge(t, media.Policy{}, tt.data)
			if code(err) != tt.code {
				t.Fatalf("got %+v, %v; want code %q", v, err, tt.code)
			}
			if v.Format != tt.format {
				t.Errorf("format %q, want %q", v.Format, tt.format)
			}
		})
	}
}

func TestImageAndAudioSizeLimits(t *testing.T) {
	png := pngFile(1000)
	wav := wavFile(1, 1000)
	tests := []struct {
		name   string
		policy media.Policy
		data   []byte
		code   media.Code
	}{
		{"a PNG exactly at the limit is accepted", media.Policy{MaxImageBytes: int64(len(png))}, png, ""},
		{"a PNG one byte over the limit is too large", media.Policy{MaxImageBytes: int64(len(png)) - 1}, png, media.CodeTooLarge},
		{"a PNG whose data passes the limit is too large", media.Policy{MaxImageBytes: 100}, png, media.CodeTooLarge},
		{"the image limit does not apply to audio", media.Policy{MaxImageBytes: 1}, wav, ""},
		{"a WAV exactly at the limit is accepted", media.Policy{MaxAudioBytes: int64(len(wav))}, wav, ""},
		{"a WAV one byte over the limit is too large", media.Policy{MaxAudioBytes: int64(len(wav)) - 1}, wav, media.CodeTooLarge},
		{"a negative limit refuses everything", media.Policy{MaxImageBytes: -1}, png, media.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := judge(t, tt.policy, tt.data); code(err) != tt.code {
				t.Fatalf("got %v, want code %q", err, tt.code)
			}
		})
	}
}

// LINE's own limits, at the exact byte: 10,000,000 for images and
// 200,000,000 for audio (1 MB = 1,000,000 bytes).
func TestLINELimitsAtTheExactByte(t *testing.T) {
	bigPNG := func(size int64) *sparse {
		head := pngFile(0)[:33] // signature and IHDR
		idat := size - int64(len(head)) - 12 - 12
		return &sparse{
			prefix: cat(head, u32(uint32(idat)), []byte("IDAT")),
			suffix: cat(zeros(4), chunk("IEND", nil)),
			size:   size,
		}
	}
	bigWAV := func(size int64) *sparse {
		w := wavFile(1, 0)
		binary.LittleEndian.PutUint32(w[40:44], uint32(size-44))
		return &sparse{prefix: w, size: size}
	}
	tests := []struct {
		name string
		file *sparse
		code media.Code
	}{
		{"a 10,000,000-byte PNG is accepted", bigPNG(10_000_000), ""},
		{"a 10,000,001-byte PNG is too large", bigPNG(10_000_001), media.CodeTooLarge},
		{"a 200,000,000-byte WAV is accepted", bigWAV(200_000_000), ""},
		{"a 200,000,001-byte WAV is too large", bigWAV(200_000_001), media.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := media.Check(tt.file, tt.file.size)
			if code(err) != tt.code {
				t.Fatalf("Check: got %+v, %v; want code %q", v, err, tt.code)
			}
			if err == nil && v.Size != tt.file.size {
				t.Fatalf("Check: size %d, want %d", v.Size, tt.file.size)
			}
			if testing.Short() {
				return
			}
			if _, err := media.CheckReader(tt.file.stream()); code(err) != tt.code {
				t.Fatalf("CheckReader: got %v, want code %q", err, tt.code)
			}
		})
	}
}

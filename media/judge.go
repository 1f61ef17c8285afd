package media

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// sniffLen is how much of the start is looked at to recognise text and
// Matroska's document type.
const sniffLen = 512

// judge recognises the format from the first bytes and hands over to the
// parser of that format.
func (c *checker) judge() error {
	defer c.in.release()
	// Most formats show in 16 bytes; reading no more keeps an io.ReaderAt
	// out of the sample data of an MP4 whose mdat comes first.
	h, err := c.in.head(16)
	if err != nil {
		return err
	}
	if len(h) == 0 {
		return refuse(CodeMalformed, "The file is empty.")
	}
	f := sniff(h)
	if f == FormatUnknown || f == FormatText || f == FormatMatroska {
		if h, err = c.in.head(sniffLen); err != nil {
			return err
		}
		f = sniff(h)
	}
	c.v.Format = f
	c.v.Kind = kindOf[f]
	if !c.pol.formats().Has(f) && f != FormatMP3 && f != FormatMP4 {
		// MP3 and MP4 stand for families whose exact format is settled
		// by their parsers, which check it.
		return c.refuseFormat()
	}
	switch f {
	case FormatPNG:
		c.in.limit = c.pol.Limit(KindImage)
		return c.png()
	case FormatJPEG:
		c.in.limit = c.pol.Limit(KindImage)
		return c.jpeg()
	case FormatWAV:
		c.in.limit = c.pol.Limit(KindAudio)
		return c.wav()
	case FormatMP3: // MPEG audio of any layer, or ADTS, possibly behind ID3v2
		c.in.limit = c.pol.Limit(KindAudio)
		return c.mpegAudio()
	case FormatMP4:
		c.in.limit = max(c.pol.Limit(KindAudio), c.pol.Limit(KindVideo))
		return c.isobmff()
	case FormatOgg:
		c.in.limit = c.pol.Limit(KindAudio)
		return c.ogg()
	case FormatAMR:
		c.in.limit = c.pol.Limit(KindAudio)
		return c.amr()
	case FormatWebP:
		c.v.Kind = KindSticker
		c.in.limit = max(c.pol.Limit(KindSticker), c.pol.animatedStickerLimit())
		return c.webp()
	}
	return c.refuseFormat()
}

var kindOf = map[Format]Kind{
	FormatPNG: KindImage, FormatJPEG: KindImage, FormatGIF: KindImage, FormatWebP: KindImage,
	FormatBMP: KindImage, FormatHEIF: KindImage,
	FormatAAC: KindAudio, FormatMP3: KindAudio, FormatWAV: KindAudio, FormatMPEGAudio: KindAudio,
	FormatM4A: KindAudio, FormatOgg: KindAudio, FormatFLAC: KindAudio, FormatAMR: KindAudio, FormatAMRWB: KindAudio,
	FormatMP4: KindVideo, Format3GP: KindVideo, FormatQuickTime: KindVideo,
	FormatWebM: KindVideo, FormatMatroska: KindVideo,
}

var refusals = map[Format]string{
	FormatGIF:       "GIF images cannot be sent on LINE; send a PNG or JPEG instead.",
	FormatWebP:      "WebP images cannot be sent on LINE; send a PNG or JPEG instead.",
	FormatBMP:       "BMP images cannot be sent on LINE; send a PNG or JPEG instead.",
	FormatHEIF:      "HEIF/HEIC/AVIF images cannot be sent on LINE; send a PNG or JPEG instead.",
	FormatOgg:       "Ogg audio (Vorbis, Opus) is not supported by LINE; send AAC, M4A, MP3 or WAV instead.",
	FormatFLAC:      "FLAC audio is not supported by LINE; send AAC, M4A, MP3 or WAV instead.",
	FormatQuickTime: "QuickTime (.mov) videos cannot be sent on LINE; convert it to MP4 with H.264 video and AAC audio.",
	FormatWebM:      "WebM videos cannot be sent on LINE; convert it to MP4 with H.264 video and AAC audio.",
	FormatMatroska:  "Matroska (.mkv) videos cannot be sent on LINE; convert it to MP4 with H.264 video and AAC audio.",
	FormatText:      "This is a text file, not an image, audio or video; files cannot be sent on LINE.",
	FormatUnknown:   "This is not an image, audio or video LINE accepts (PNG, JPEG, AAC, M4A, MP3, WAV, MP4, 3GP); files cannot be sent on LINE.",
}

// refuseFormat refuses the recognised format: in LINE's words under
// LINE's policy, otherwise naming the platform and what it accepts.
func (c *checker) refuseFormat() error {
	if c.pol.isLINE() {
		r, ok := refusals[c.v.Format]
		if !ok {
			r = refusals[FormatUnknown]
		}
		return &Error{Code: CodeUnsupportedFormat, Reason: r}
	}
	what := "This is not an image, audio or video file that"
	switch f := c.v.Format; {
	case f == FormatText:
		what = "This is a text file, not media, and it"
	case f != FormatUnknown && formatNames[f] != "":
		what = "The " + formatNames[f] + " format"
	}
	return &Error{Code: CodeUnsupportedFormat, Reason: what + " cannot be sent on " + c.pol.platform() +
		"; it accepts " + c.pol.accepted() + "."}
}

// sniff recognises a format from the first bytes. MPEG audio, ADTS and
// ID3v2-tagged audio all come back as FormatMP3 and ISO-BMFF files of any
// brand as FormatMP4; their parsers settle the exact format.
func sniff(h []byte) Format {
	switch {
	case bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(h, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(h, []byte("GIF87a")), bytes.HasPrefix(h, []byte("GIF89a")):
		return FormatGIF
	case len(h) >= 12 && string(h[:4]) == "RIFF":
		switch string(h[8:12]) {
		case "WAVE":
			return FormatWAV
		case "WEBP":
			return FormatWebP
		}
		return FormatUnknown
	case len(h) >= 14 && string(h[:2]) == "BM" && binary.LittleEndian.Uint32(h[6:10]) == 0:
		return FormatBMP
	case bytes.HasPrefix(h, []byte("OggS")):
		return FormatOgg
	case bytes.HasPrefix(h, []byte("fLaC")):
		return FormatFLAC
	case bytes.HasPrefix(h, []byte(amrMagic)):
		return FormatAMR
	case bytes.HasPrefix(h, []byte(amrWBMagic)):
		return FormatAMRWB
	case bytes.HasPrefix(h, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		if bytes.Contains(h, []byte{0x42, 0x82, 0x84, 'w', 'e', 'b', 'm'}) {
			return FormatWebM
		}
		return FormatMatroska
	case len(h) >= 8 && string(h[4:8]) == "ftyp":
		return FormatMP4
	case len(h) >= 8 && isQuickTimeAtom(string(h[4:8])):
		return FormatQuickTime
	case bytes.HasPrefix(h, []byte("ID3")), len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0:
		return FormatMP3
	case isText(h):
		return FormatText
	}
	return FormatUnknown
}

func isQuickTimeAtom(t string) bool {
	switch t {
	case "moov", "mdat", "wide", "pnot", "skip", "free":
		return true
	}
	return false
}

// isText reports whether h looks like plain UTF-8 text. The last rune may be
// cut by the sniff window.
func isText(h []byte) bool {
	for i := 0; i < len(h); {
		r, w := utf8.DecodeRune(h[i:])
		if r == utf8.RuneError && w == 1 {
			return len(h)-i < utf8.UTFMax && !utf8.FullRune(h[i:]) && len(h) == sniffLen
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7F {
			return false
		}
		i += w
	}
	return true
}

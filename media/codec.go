package media

import "fmt"

// Sample entry types LINE and WhatsApp accept: H.264 (avc1, avc3) video and AAC audio
// (mp4a whose esds says AAC).
var (
	entryAvc1 = fourCC("avc1")
	entryAvc3 = fourCC("avc3")
)

// videoCodecNames names refused video sample entries for people.
var videoCodecNames = map[string]string{
	"hvc1": "H.265/HEVC", "hev1": "H.265/HEVC", "dvh1": "Dolby Vision (HEVC)", "dvhe": "Dolby Vision (HEVC)",
	"av01": "AV1", "s263": "H.263", "h263": "H.263", "mp4v": "MPEG-4 Part 2",
	"vp08": "VP8", "vp09": "VP9", "avc2": "H.264 with in-band parameter sets (avc2)",
	"avc4": "H.264 with in-band parameter sets (avc4)", "encv": "encrypted video",
	"jpeg": "Motion JPEG", "mjpa": "Motion JPEG", "apcn": "Apple ProRes", "apch": "Apple ProRes",
	"apcs": "Apple ProRes", "apco": "Apple ProRes", "ap4h": "Apple ProRes",
}

// audioCodecNames names refused audio sample entries for people.
var audioCodecNames = map[string]string{
	"ac-3": "AC-3 (Dolby Digital)", "ec-3": "E-AC-3 (Dolby Digital Plus)", "ac-4": "AC-4",
	"Opus": "Opus", "fLaC": "FLAC", "alac": "Apple Lossless", "samr": "AMR", "sawb": "AMR-WB",
	".mp3": "MP3", "lpcm": "PCM", "sowt": "PCM", "twos": "PCM", "ulaw": "G.711 µ-law",
	"alaw": "G.711 A-law", "enca": "encrypted audio", "dtsc": "DTS", "mha1": "MPEG-H",
}

// aacOTI reports whether an esds objectTypeIndication is AAC: MPEG-4 audio
// (0x40) or MPEG-2 AAC Main, LC or SSR (0x66–0x68).
func aacOTI(oti byte) bool { return oti == 0x40 || oti >= 0x66 && oti <= 0x68 }

func (c *checker) videoEntry(e sampleEntry) error {
	if e.typ == entryAvc1 || e.typ == entryAvc3 {
		c.v.VideoCodec = "h264"
		return nil
	}
	name := codecName(videoCodecNames, e.typ)
	if e.typ == boxMp4v {
		switch {
		case e.oti >= 0x60 && e.oti <= 0x65:
			name = "MPEG-2 video"
		case e.oti == 0x6A:
			name = "MPEG-1 video"
		}
	}
	return &Error{Code: CodeUnsupportedCodec, Reason: "The video uses the " + name + " codec; " + c.pol.platform() + " accepts only H.264 video. Convert it to MP4 with H.264 video and AAC audio."}
}

func (c *checker) audioEntry(e sampleEntry) error {
	if e.typ == boxMp4a && aacOTI(e.oti) {
		c.v.AudioCodec = "aac"
		return nil
	}
	name := codecName(audioCodecNames, e.typ)
	if e.typ == boxMp4a {
		switch e.oti {
		case 0:
			return c.malformed("an audio stream has no codec description (esds)")
		case 0x69, 0x6B:
			name = "MP3"
		case 0xA5:
			name = "AC-3 (Dolby Digital)"
		case 0xA6:
			name = "E-AC-3 (Dolby Digital Plus)"
		case 0xAD:
			name = "Opus"
		case 0xDD:
			name = "Vorbis"
		default:
			name = fmt.Sprintf("MPEG-4 object type 0x%02X", e.oti)
		}
	}
	return &Error{Code: CodeUnsupportedCodec, Reason: "The audio stream uses the " + name + " codec; " + c.pol.platform() + " accepts only AAC audio in MP4, 3GP and M4A files."}
}

func codecName(names map[string]string, typ uint32) string {
	b := []byte{byte(typ >> 24), byte(typ >> 16), byte(typ >> 8), byte(typ)}
	if n, ok := names[string(b)]; ok {
		return n
	}
	return "\"" + printable(b) + "\""
}

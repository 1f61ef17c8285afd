package media

import "strings"

// FormatSet is a set of formats a Policy accepts. Build one with Formats;
// its zero value is the empty set, which a Policy reads as LINE's formats.
// A FormatSet is a comparable plain value, safe for concurrent use.
type FormatSet struct{ bits uint64 }

// formatBits numbers the formats a FormatSet can hold.
var formatBits = map[Format]uint{
	FormatPNG: 0, FormatJPEG: 1, FormatGIF: 2, FormatWebP: 3, FormatBMP: 4, FormatHEIF: 5,
	FormatAAC: 6, FormatMP3: 7, FormatWAV: 8, FormatMPEGAudio: 9, FormatM4A: 10, FormatMP4: 11,
	Format3GP: 12, FormatQuickTime: 13, FormatOgg: 14, FormatFLAC: 15, FormatWebM: 16,
	FormatMatroska: 17, FormatText: 18, FormatAMR: 19, FormatAMRWB: 20,
}

// Formats returns the set of the given formats. Formats the package does
// not recognise are left out. It is safe for concurrent use.
func Formats(fs ...Format) FormatSet {
	var s FormatSet
	for _, f := range fs {
		if b, ok := formatBits[f]; ok {
			s.bits |= 1 << b
		}
	}
	return s
}

// Has reports whether f is in s.
func (s FormatSet) Has(f Format) bool {
	b, ok := formatBits[f]
	return ok && s.bits&(1<<b) != 0
}

// IsEmpty reports whether s holds no format.
func (s FormatSet) IsEmpty() bool { return s.bits == 0 }

// lineFormats is what LINE carries: see LINE.
var lineFormats = Formats(FormatPNG, FormatJPEG, FormatAAC, FormatMP3, FormatWAV, FormatMPEGAudio,
	FormatM4A, FormatMP4, Format3GP)

// LINE is the policy of the LINE Messaging API, the same as the zero
// Policy: images (PNG, JPEG) up to 10 MB; audio (AAC, M4A, MP3, WAV, MPEG
// audio) and video (MP4, 3GP with H.264 video and at most one AAC stream)
// up to 200 MB; text up to 4,999 UTF-16 code units; no stickers or files.
// Source: LINE Messaging API reference, "Message objects" (image, video and
// audio messages, text message). 1 MB is 1,000,000 bytes.
var LINE = Policy{
	Platform:      "LINE",
	Formats:       lineFormats,
	MaxImageBytes: DefaultMaxImageBytes,
	MaxAudioBytes: DefaultMaxAudioBytes,
	MaxVideoBytes: DefaultMaxVideoBytes,
	MaxTextUnits:  DefaultMaxTextUnits,
}

// WhatsApp's limits, from the WhatsApp Business Platform Cloud API
// reference, "Supported media types" and the text message object. 1 MB is
// taken as 1,000,000 bytes and 1 KB as 1,000 bytes, the smaller readings,
// so nothing the platform may refuse is accepted.
const (
	WhatsAppMaxImageBytes           = 5_000_000
	WhatsAppMaxAudioBytes           = 16_000_000
	WhatsAppMaxVideoBytes           = 16_000_000
	WhatsAppMaxDocumentBytes        = 100_000_000
	WhatsAppMaxStickerBytes         = 100_000 // a static sticker
	WhatsAppMaxAnimatedStickerBytes = 500_000
	// WhatsAppMaxTextUnits is the 4,096 characters of a text message's
	// body. The reference does not say how it counts characters; they are
	// counted here in UTF-16 code units (an emoji is 2), the stricter
	// reading, so a text is never longer than WhatsApp's count of it.
	WhatsAppMaxTextUnits = 4096
)

// WhatsApp is the policy of the WhatsApp Business Platform Cloud API:
// images (JPEG, PNG) up to 5 MB; audio (AAC, AMR, MP3, MP4 audio (M4A),
// Ogg with Opus only) up to 16 MB; video (MP4, 3GP with H.264 video and at
// most one AAC stream) up to 16 MB; stickers (WebP) up to 100 KB, or
// 500 KB when animated; documents up to 100 MB; text up to 4,096
// characters (counted as UTF-16 code units). WAV, MPEG audio layers I and
// II, AMR-WB and Ogg Vorbis are refused. Source: WhatsApp Business Platform
// Cloud API reference, "Supported media types" and "Text messages".
var WhatsApp = Policy{
	Platform: "WhatsApp",
	Formats: Formats(FormatPNG, FormatJPEG, FormatAAC, FormatAMR, FormatMP3, FormatM4A, FormatOgg,
		FormatMP4, Format3GP, FormatWebP),
	MaxImageBytes:           WhatsAppMaxImageBytes,
	MaxAudioBytes:           WhatsAppMaxAudioBytes,
	MaxVideoBytes:           WhatsAppMaxVideoBytes,
	MaxStickerBytes:         WhatsAppMaxStickerBytes,
	MaxAnimatedStickerBytes: WhatsAppMaxAnimatedStickerBytes,
	MaxDocumentBytes:        WhatsAppMaxDocumentBytes,
	MaxTextUnits:            WhatsAppMaxTextUnits,
}

// platform is the name refusals use.
func (p Policy) platform() string {
	if p.Platform == "" {
		return "LINE"
	}
	return p.Platform
}

// isLINE reports whether refusals are worded as LINE's.
func (p Policy) isLINE() bool { return p.platform() == "LINE" }

// formats is the set in force.
func (p Policy) formats() FormatSet {
	if p.Formats.IsEmpty() {
		return lineFormats
	}
	return p.Formats
}

// base is the named policy of p's platform, whose limits a refusal may
// call the platform's own; ok is false for a platform the package does
// not know.
func (p Policy) base() (Policy, bool) {
	switch p.platform() {
	case "LINE":
		return LINE, true
	case "WhatsApp":
		return WhatsApp, true
	}
	return Policy{}, false
}

// accepted lists, for a refusal, what p accepts: "images in PNG or JPEG,
// audio in AAC, MP3 or M4A, video in MP4 or 3GP and stickers in WebP".
func (p Policy) accepted() string {
	fs := p.formats()
	var parts []string
	for _, g := range []struct {
		what    string
		formats []Format
	}{
		{"images", []Format{FormatPNG, FormatJPEG}},
		{"audio", []Format{FormatAAC, FormatAMR, FormatMP3, FormatM4A, FormatOgg, FormatWAV, FormatMPEGAudio}},
		{"video", []Format{FormatMP4, Format3GP}},
		{"stickers", []Format{FormatWebP}},
	} {
		var names []string
		for _, f := range g.formats {
			if fs.Has(f) {
				n := formatNames[f]
				if f == FormatOgg {
					n = "Ogg with Opus"
				}
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			parts = append(parts, g.what+" in "+orList(names))
		}
	}
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// orList joins names as "A, B or C".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

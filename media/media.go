package media

import (
	"errors"
	"fmt"
	"io"
)

// Kind is what a piece of content is to a platform: an image, audio,
// video, a sticker or a document. Like every type here that is a plain
// value, it is safe for concurrent use.
type Kind string

// The kinds of media platforms carry. LINE carries images, audio and
// video; WhatsApp also stickers and documents.
const (
	KindImage    Kind = "image"
	KindAudio    Kind = "audio"
	KindVideo    Kind = "video"
	KindSticker  Kind = "sticker"
	KindDocument Kind = "document"
)

// Format is the container or file format recognised from the bytes, never
// from a file name or a Content-Type.
type Format string

// The formats the package recognises. Under LINE's policy only PNG, JPEG,
// AAC, MP3, WAV, MPEG audio, M4A, MP4 and 3GP can be accepted; WhatsApp's
// also accepts AMR, Ogg with Opus and WebP stickers (see Policy). The
// others are recognised so that a refusal can name them.
const (
	FormatPNG       Format = "png"
	FormatJPEG      Format = "jpeg"
	FormatGIF       Format = "gif"
	FormatWebP      Format = "webp"
	FormatBMP       Format = "bmp"
	FormatHEIF      Format = "heif"
	FormatAAC       Format = "aac" // AAC in ADTS frames
	FormatMP3       Format = "mp3" // MPEG-1/2/2.5 Layer III, with or without ID3v2
	FormatWAV       Format = "wav"
	FormatMPEGAudio Format = "mpeg-audio" // MPEG audio Layer I or II
	FormatM4A       Format = "m4a"
	FormatMP4       Format = "mp4"
	Format3GP       Format = "3gp"
	FormatQuickTime Format = "quicktime"
	FormatOgg       Format = "ogg"
	FormatFLAC      Format = "flac"
	FormatWebM      Format = "webm"
	FormatMatroska  Format = "matroska"
	FormatText      Format = "text"
	FormatAMR       Format = "amr"    // AMR narrowband, RFC 4867 storage format
	FormatAMRWB     Format = "amr-wb" // AMR wideband, RFC 4867 storage format
	FormatUnknown   Format = "unknown"
)

// Verdict describes accepted content. When Check refuses content it still
// returns what it learned (Kind and Format may be empty). An MP4-family
// file is of KindVideo when it has a video track and of KindAudio when it
// has only audio; an accepted WebP is of KindSticker.
type Verdict struct {
	// Kind is image, audio, video, sticker or document.
	Kind Kind
	// Format is the recognised container or file format.
	Format Format
	// Size is the length of the content in bytes (0 when a refusal came
	// before the end was known).
	Size int64
	// VideoCodec and AudioCodec name the codecs of an MP4/3GP/M4A file,
	// e.g. "h264" and "aac"; AudioCodec is also set for AAC, MP3, MPEG audio
	// and WAV ("pcm"), "opus" for Ogg and "amr" for AMR. Empty when there
	// is no such stream.
	VideoCodec string
	AudioCodec string
	// Animated is true for an animated WebP sticker.
	Animated bool
}

// LINE's limits, used where a Policy field is zero. 1 MB is 1,000,000 bytes
// here, as LINE counts, so nothing the platform may refuse is accepted.
const (
	DefaultMaxImageBytes = 10_000_000
	DefaultMaxAudioBytes = 200_000_000
	DefaultMaxVideoBytes = 200_000_000
	DefaultMaxTextUnits  = 4999
)

// Policy holds the rules content is judged against: one platform's, as
// the named policies LINE and WhatsApp, or a stricter variant of one. The
// zero value is LINE's rules (the same as LINE): images (PNG, JPEG) up to
// 10,000,000 bytes; audio (AAC, M4A, MP3, WAV, MPEG audio) and video (MP4,
// 3GP with H.264 and at most one AAC stream) up to 200,000,000 bytes; text
// up to 4,999 UTF-16 code units. A zero field means LINE's value (for
// stickers and documents, which LINE does not carry: none); a negative
// field allows nothing. A Policy is a plain value and safe for concurrent
// use.
type Policy struct {
	// Platform names the platform in refusals ("LINE" when empty).
	Platform string
	// Formats is the set of formats accepted; empty means LINE's. Only
	// the formats the package can check by their bytes take effect: PNG,
	// JPEG, AAC, AMR, MP3, WAV, MPEG audio, M4A, Ogg (with Opus only), MP4,
	// 3GP and WebP (as a sticker).
	Formats FormatSet
	// MaxImageBytes, MaxAudioBytes and MaxVideoBytes bound images, audio
	// and video.
	MaxImageBytes int64
	MaxAudioBytes int64
	MaxVideoBytes int64
	// MaxStickerBytes bounds a static sticker and MaxAnimatedStickerBytes
	// an animated one (zero: the static limit).
	MaxStickerBytes         int64
	MaxAnimatedStickerBytes int64
	// MaxDocumentBytes bounds a document (see CheckDocument).
	MaxDocumentBytes int64
	// MaxTextUnits bounds a text message, in UTF-16 code units.
	MaxTextUnits int
}

// Limit returns the most bytes content of kind k may have under p: a zero
// field means LINE's limit, a negative one allows nothing. A sticker gets
// the static sticker limit. Kinds other than image, audio, sticker and
// document get the video limit.
func (p Policy) Limit(k Kind) int64 {
	pick := func(v, def int64) int64 {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	switch k {
	case KindImage:
		return pick(p.MaxImageBytes, DefaultMaxImageBytes)
	case KindAudio:
		return pick(p.MaxAudioBytes, DefaultMaxAudioBytes)
	case KindSticker:
		return pick(p.MaxStickerBytes, 0)
	case KindDocument:
		return pick(p.MaxDocumentBytes, 0)
	default:
		return pick(p.MaxVideoBytes, DefaultMaxVideoBytes)
	}
}

// animatedStickerLimit is the most bytes an animated sticker may have.
func (p Policy) animatedStickerLimit() int64 {
	if p.MaxAnimatedStickerBytes == 0 {
		return p.Limit(KindSticker)
	}
	return max(p.MaxAnimatedStickerBytes, 0)
}

// Check judges the content of r, which is size bytes long, by its bytes
// alone. It reads only headers and structure: the sample data of an MP4
// (mdat) is skipped over, never read. It returns the verdict and nil if the
// content may cross a channel of p's platform, or a *Error saying which rule it breaks
// (match it with errors.Is against ErrTooLarge and the other sentinels, or
// errors.As to read Code and Reason). A failure of r itself is returned
// wrapped, and is not an *Error. When content breaks several rules, the one
// found first reading from the start is reported. size must be the length
// of the content: parts that are skipped are taken to be there.
//
// Check is safe for concurrent use if r is.
func (p Policy) Check(r io.ReaderAt, size int64) (Verdict, error) {
	if size < 0 {
		return Verdict{}, errors.New("media: negative size")
	}
	var c checker
	c.in.initAt(r, size)
	return p.run(&c)
}

// CheckReader judges the content read from r, streaming: it reads forward
// through a fixed 8 KiB buffer, so memory does not grow with the content.
// It returns as soon as a refusal is certain (including as soon as the
// content passes the size limit), and on acceptance has read r to its end,
// so Verdict.Size is the exact length. After it returns, the caller may go
// on reading the rest of r (for example to finish teeing a download into
// storage): CheckReader keeps nothing back beyond what it has consumed.
// Errors are as for Check.
//
// CheckReader is safe for concurrent use on distinct readers.
func (p Policy) CheckReader(r io.Reader) (Verdict, error) {
	var c checker
	c.in.initStream(r)
	return p.run(&c)
}

// Check judges content under LINE's rules; see Policy.Check. It is safe
// for concurrent use if r is.
func Check(r io.ReaderAt, size int64) (Verdict, error) { return Policy{}.Check(r, size) }

// CheckReader judges streamed content under LINE's rules; see
// Policy.CheckReader. It is safe for concurrent use on distinct readers.
func CheckReader(r io.Reader) (Verdict, error) { return Policy{}.CheckReader(r) }

// checker carries one judgement.
type checker struct {
	in  input
	pol Policy
	v   Verdict
}

func (p Policy) run(c *checker) (Verdict, error) {
	c.pol = p
	return p.finishRun(c, c.judge())
}

// finishRun turns what a judgement returned into its verdict and error.
func (p Policy) finishRun(c *checker, err error) (Verdict, error) {
	if err == nil {
		return c.v, nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Kind == "" {
			e.Kind = c.v.Kind
		}
		if e.Format == "" {
			e.Format = c.v.Format
		}
		return c.v, e
	}
	if errors.Is(err, errTooLarge) {
		return c.v, c.tooLarge()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errBackward) {
		return c.v, c.malformed("the file is cut short or its structure points past its end")
	}
	return c.v, fmt.Errorf("media: reading content: %w", err)
}

func (c *checker) malformed(why string) *Error {
	return &Error{Code: CodeMalformed, Kind: c.v.Kind, Format: c.v.Format,
		Reason: "The " + c.name() + " file is damaged: " + why + "."}
}

func (c *checker) tooLarge() *Error {
	k := c.v.Kind
	if k == "" {
		k = KindVideo
	}
	lim, baseLim := c.pol.Limit(k), int64(-1)
	base, known := c.pol.base()
	if known {
		baseLim = base.Limit(k)
	}
	what := plural(k)
	if k == KindSticker && c.v.Animated {
		lim, what = c.pol.animatedStickerLimit(), "animated stickers"
		if known {
			baseLim = base.animatedStickerLimit()
		}
	}
	who := c.pol.platform() + " accepts"
	if lim != baseLim {
		who = "allowed here"
	}
	return &Error{Code: CodeTooLarge, Kind: c.v.Kind, Format: c.v.Format,
		Reason: fmt.Sprintf("The %s file is larger than %s, the most %s for %s.", c.name(), megabytes(lim), who, what)}
}

func plural(k Kind) string {
	if k == KindAudio {
		return "audio"
	}
	return string(k) + "s"
}

// megabytes renders a byte count as platforms state limits (1 MB =
// 1,000,000 bytes, 1 KB = 1,000 bytes).
func megabytes(n int64) string {
	if n >= 1_000 && n < 1_000_000 && n%1_000 == 0 {
		return fmt.Sprintf("%d KB", n/1_000)
	}
	if n >= 1_000_000 && n%100_000 == 0 {
		if n%1_000_000 == 0 {
			return fmt.Sprintf("%d MB", n/1_000_000)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d bytes", n)
}

// name is how a refusal refers to the content ("PNG", "MP4", "media").
func (c *checker) name() string {
	if c.v.Kind == KindDocument {
		return "document"
	}
	if n, ok := formatNames[c.v.Format]; ok {
		return n
	}
	return "media"
}

var formatNames = map[Format]string{
	FormatPNG: "PNG", FormatJPEG: "JPEG", FormatGIF: "GIF", FormatWebP: "WebP", FormatBMP: "BMP",
	FormatHEIF: "HEIF", FormatAAC: "AAC", FormatMP3: "MP3", FormatWAV: "WAV", FormatMPEGAudio: "MPEG audio",
	FormatM4A: "M4A", FormatMP4: "MP4", Format3GP: "3GP", FormatQuickTime: "QuickTime", FormatOgg: "Ogg",
	FormatFLAC: "FLAC", FormatWebM: "WebM", FormatMatroska: "Matroska", FormatText: "text",
	FormatAMR: "AMR", FormatAMRWB: "AMR-WB",
}

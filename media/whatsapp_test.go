package media_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

func TestTheZeroPolicyIsLINEs(t *testing.T) {
	for _, k := range []media.Kind{media.KindImage, media.KindAudio, media.KindVideo, media.KindSticker, media.KindDocument} {
		if got, want := (media.Policy{}).Limit(k), media.LINE.Limit(k); got != want {
			t.Errorf("%s: zero policy limit %d, LINE's %d", k, got, want)
		}
	}
	for _, fx := range readManifest(t) {
		data, err := os.ReadFile(filepath.Join(fixtures, fx.file))
		if err != nil {
			t.Fatal(err)
		}
		v0, err0 := judge(t, media.Policy{}, data)
		v1, err1 := judge(t, media.LINE, data)
		if v0 != v1 || code(err0) != code(err1) || err0 != nil && err0.Error() != err1.Error() {
			t.Errorf("%s: zero policy %+v %v, LINE %+v %v", fx.file, v0, err0, v1, err1)
		}
	}
}

// The shared fixtures under WhatsApp's rules: the same bytes, another
// platform's verdict.
func TestFixturesUnderWhatsAppsRules(t *testing.T) {
	tests := []struct {
		file string
		kind media.Kind
		want media.Code
	}{
		{"ok.png", media.KindImage, ""},
		{"ok.jpg", media.KindImage, ""},
		{"ok.aac", media.KindAudio, ""},
		{"ok.m4a", media.KindAudio, ""},
		{"ok.mp3", media.KindAudio, ""},
		{"ok-h264-aac.mp4", media.KindVideo, ""},
		{"ok-h264-silent.mp4", media.KindVideo, ""},
		{"ok-h264-aac.3gp", media.KindVideo, ""},
		{"bad.webp", media.KindSticker, ""}, // a still WebP is a sticker on WhatsApp
		{"ok.wav", media.KindAudio, media.CodeUnsupportedFormat},
		{"bad-vorbis.ogg", media.KindAudio, media.CodeUnsupportedCodec},
		{"bad.gif", media.KindImage, media.CodeUnsupportedFormat},
		{"bad.flac", media.KindAudio, media.CodeUnsupportedFormat},
		{"bad-hevc.mp4", media.KindVideo, media.CodeUnsupportedCodec},
		{"bad-two-audio.mp4", media.KindVideo, media.CodeMultipleAudio},
		{"bad-vp9.webm", media.KindVideo, media.CodeUnsupportedFormat},
		{"bad-truncated.png", media.KindImage, media.CodeMalformed},
		{"bad-text.txt", "", media.CodeUnsupportedFormat},
	}
	for _, tt := range tests {
		t.Run(tt.file+" gets WhatsApp's verdict", func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtures, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			v, err := judge(t, media.WhatsApp, data)
			if code(err) != tt.want {
				t.Fatalf("got %+v %v, want code %q", v, err, tt.want)
			}
			if v.Kind != tt.kind {
				t.Fatalf("kind %q, want %q", v.Kind, tt.kind)
			}
			if err != nil && strings.Contains(err.Error(), "LINE") {
				t.Fatalf("a WhatsApp refusal names LINE: %v", err)
			}
		})
	}
}

func TestASixMegabyteJPEGPassesLINEAndIsRefusedForWhatsApp(t *testing.T) {
	data := bigJPEG(6_000_000)
	v, err := judge(t, media.LINE, data)
	if err != nil || v.Kind != media.KindImage {
		t.Fatalf("LINE: %+v %v, want an accepted image", v, err)
	}
	_, err = judge(t, media.WhatsApp, data)
	if !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("WhatsApp: %v, want too large", err)
	}
	want := "The JPEG file is larger than 5 MB, the most WhatsApp accepts for images."
	var e *media.Error
	if !errors.As(err, &e) || e.Reason != want || e.Kind != media.KindImage {
		t.Fatalf("WhatsApp: %#v, want reason %q", err, want)
	}
}

func TestWhatsAppsNewFormats(t *testing.T) {
	opus := opusFile(3, 40)
	tests := []struct {
		name   string
		policy media.Policy
		data   []byte
		want   media.Code
		kind   media.Kind
		format media.Format
		codec  string
	}{
		{"Ogg with Opus is accepted as audio", media.WhatsApp, opus, "", media.KindAudio, media.FormatOgg, "opus"},
		{"Ogg with Opus is refused on LINE", media.LINE, opus, media.CodeUnsupportedFormat, media.KindAudio, media.FormatOgg, ""},
		{"an Ogg stream cut inside a page is malformed", media.WhatsApp, opus[:len(opus)-5], media.CodeMalformed, media.KindAudio, media.FormatOgg, "opus"},
		{"an Ogg stream whose last page does not end it is malformed", media.WhatsApp, opus[:len(opus)-(27+1+40)], media.CodeMalformed, media.KindAudio, media.FormatOgg, "opus"},
		{"an Ogg file of two streams is refused", media.WhatsApp, cat(opusFile(1, 10)[:47], oggPage(0x04, 99, 1, zeros(5))), media.CodeUnsupportedCodec, media.KindAudio, media.FormatOgg, "opus"},
		{"an Ogg file with Speex is refused", media.WhatsApp, oggPage(0x06, 1, 0, []byte("Speex   1.2")), media.CodeUnsupportedCodec, media.KindAudio, media.FormatOgg, ""},
		{"an Ogg header with no channels is malformed", media.WhatsApp, oggPage(0x06, 1, 0, cat(opusHead()[:9], []byte{0}, opusHead()[10:])), media.CodeMalformed, media.KindAudio, media.FormatOgg, ""},
		{"AMR is accepted as audio", media.WhatsApp, amrFile(7, 50), "", media.KindAudio, media.FormatAMR, "amr"},
		{"AMR with silence frames is accepted", media.WhatsApp, cat(amrFile(0, 2), []byte{0x7C}, amrFile(0, 1)[6:]), "", media.KindAudio, media.FormatAMR, "amr"},
		{"AMR is refused on LINE", media.LINE, amrFile(7, 50), media.CodeUnsupportedFormat, media.KindAudio, media.FormatAMR, ""},
		{"AMR with no frame is malformed", media.WhatsApp, []byte("#!AMR\n"), media.CodeMalformed, media.KindAudio, media.FormatAMR, ""},
		{"AMR cut inside a frame is malformed", media.WhatsApp, amrFile(7, 3)[:75], media.CodeMalformed, media.KindAudio, media.FormatAMR, ""},
		{"AMR with a reserved frame type is malformed", media.WhatsApp, cat(amrFile(7, 1), []byte{12 << 3}), media.CodeMalformed, media.KindAudio, media.FormatAMR, ""},
		{"AMR-WB is refused", media.WhatsApp, cat([]byte("#!AMR-WB\n"), zeros(40)), media.CodeUnsupportedFormat, media.KindAudio, media.FormatAMRWB, ""},
		{"a still WebP is a sticker", media.WhatsApp, staticWebP(200), "", media.KindSticker, media.FormatWebP, ""},
		{"an animated WebP is a sticker", media.WhatsApp, animatedWebP(3, 100), "", media.KindSticker, media.FormatWebP, ""},
		{"a WebP is refused on LINE", media.LINE, staticWebP(200), media.CodeUnsupportedFormat, media.KindImage, media.FormatWebP, ""},
		{"a WebP cut short is malformed", media.WhatsApp, staticWebP(200)[:150], media.CodeMalformed, media.KindSticker, media.FormatWebP, ""},
		{"a WebP longer than its RIFF header is malformed", media.WhatsApp, cat(staticWebP(200), zeros(4)), media.CodeMalformed, media.KindSticker, media.FormatWebP, ""},
		{"a VP8 chunk without its start code is malformed", media.WhatsApp, webpFile(riffChunk("VP8 ", zeros(20))), media.CodeMalformed, media.KindSticker, media.FormatWebP, ""},
		{"an animated WebP without frames is malformed", media.WhatsApp, animatedWebP(0, 0), media.CodeMalformed, media.KindSticker, media.FormatWebP, ""},
		{"a still WebP over 100 KB is too large", media.WhatsApp, staticWebP(100_001), media.CodeTooLarge, media.KindSticker, media.FormatWebP, ""},
		{"an animated WebP of 400 KB is accepted", media.WhatsApp, animatedWebP(4, 100_000), "", media.KindSticker, media.FormatWebP, ""},
		{"an animated WebP over 500 KB is too large", media.WhatsApp, animatedWebP(6, 100_000), media.CodeTooLarge, media.KindSticker, media.FormatWebP, ""},
		{"MPEG audio layer II is refused", media.WhatsApp, frames(mp2Frame, 522, 3), media.CodeUnsupportedFormat, media.KindAudio, media.FormatMPEGAudio, "mp2"},
		{"audio over 16 MB is too large", media.WhatsApp, amrFile(7, 16_000_000/32+1), media.CodeTooLarge, media.KindAudio, media.FormatAMR, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := judge(t, tt.policy, tt.data)
			if code(err) != tt.want {
				t.Fatalf("got %+v %v, want code %q", v, err, tt.want)
			}
			if v.Kind != tt.kind || v.Format != tt.format || v.AudioCodec != tt.codec {
				t.Fatalf("verdict %+v, want kind %q format %q codec %q", v, tt.kind, tt.format, tt.codec)
			}
		})
	}
}

func TestWhatsAppRefusalsSayWhatItAccepts(t *testing.T) {
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"a WAV file", "The WAV format cannot be sent on WhatsApp; it accepts images in PNG or JPEG, audio in AAC, AMR, MP3, M4A or Ogg with Opus, video in MP4 or 3GP and stickers in WebP.", wavFile(1, 10)},
		{"an Ogg Vorbis file", "The Ogg file uses the Vorbis codec; WhatsApp accepts Ogg audio with the Opus codec only. Convert it to Opus, AAC or MP3.", oggPage(0x06, 1, 0, []byte("\x01vorbis\x00\x00\x00\x00"))},
		{"a still sticker over the limit", "The WebP file is larger than 100 KB, the most WhatsApp accepts for stickers.", staticWebP(100_001)},
		{"an animated sticker over the limit", "The WebP file is larger than 500 KB, the most WhatsApp accepts for animated stickers.", animatedWebP(6, 100_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused in words", func(t *testing.T) {
			_, err := judge(t, media.WhatsApp, tt.data)
			var e *media.Error
			if !errors.As(err, &e) || e.Reason != tt.want {
				t.Fatalf("got %v\nwant reason %q", err, tt.want)
			}
		})
	}
}

func TestWhatsAppText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want error
	}{
		{"4,096 letters is the most allowed", strings.Repeat("a", 4096), nil},
		{"4,097 letters is too long", strings.Repeat("a", 4097), media.ErrTextTooLong},
		{"an emoji counts as two units", strings.Repeat("a", 4095) + "😀", media.ErrTextTooLong},
		{"4,999 letters, fine on LINE, is too long", strings.Repeat("a", 4999), media.ErrTextTooLong},
		{"an empty text is refused", "", media.ErrEmptyText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := media.WhatsApp.CheckText(tt.text)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "LINE") {
				t.Fatalf("a WhatsApp refusal names LINE: %v", err)
			}
		})
	}
	if got := media.WhatsApp.TextLimit(); got != 4096 {
		t.Fatalf("TextLimit %d, want 4096", got)
	}
	if got := (media.Policy{}).TextLimit(); got != 4999 {
		t.Fatalf("zero policy TextLimit %d, want 4999", got)
	}
}

func TestKindsPerPlatform(t *testing.T) {
	tests := []struct {
		policy media.Policy
		kind   string
		ok     bool
	}{
		{media.LINE, "image", true},
		{media.LINE, "sticker", false},
		{media.LINE, "document", false},
		{media.LINE, "file", false},
		{media.WhatsApp, "text", true},
		{media.WhatsApp, "audio", true},
		{media.WhatsApp, "sticker", true},
		{media.WhatsApp, "document", true},
		{media.WhatsApp, "location", false},
		{media.WhatsApp, "reaction", false},
	}
	for _, tt := range tests {
		t.Run(tt.policy.Platform+" "+tt.kind, func(t *testing.T) {
			err := tt.policy.CheckKind(tt.kind)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, media.ErrUnsupportedKind) {
				t.Fatalf("got %v, want ErrUnsupportedKind", err)
			}
		})
	}
	if (media.LINE.CheckKind("file") == nil) != (media.CheckKind("file") == nil) {
		t.Fatal("LINE's CheckKind differs from the package's")
	}
}

func TestDocuments(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	tests := []struct {
		name   string
		policy media.Policy
		r      io.Reader
		want   media.Code
		size   int64
	}{
		{"a PDF is a document on WhatsApp", media.WhatsApp, bytes.NewReader(pdf), "", int64(len(pdf))},
		{"a document of exactly 100 MB is accepted", media.WhatsApp, io.LimitReader(zeroReader{}, 100_000_000), "", 100_000_000},
		{"a document over 100 MB is too large", media.WhatsApp, io.LimitReader(zeroReader{}, 100_000_001), media.CodeTooLarge, 0},
		{"an empty document is refused", media.WhatsApp, bytes.NewReader(nil), media.CodeMalformed, 0},
		{"LINE carries no documents", media.LINE, bytes.NewReader(pdf), media.CodeUnsupportedKind, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.policy.CheckDocument(tt.r)
			if code(err) != tt.want {
				t.Fatalf("got %+v %v, want code %q", v, err, tt.want)
			}
			if err == nil && (v.Kind != media.KindDocument || v.Size != tt.size) {
				t.Fatalf("verdict %+v, want a document of %d bytes", v, tt.size)
			}
		})
	}
}

func TestFormatSets(t *testing.T) {
	s := media.Formats(media.FormatPNG, media.FormatOgg, "no-such-format")
	if !s.Has(media.FormatPNG) || !s.Has(media.FormatOgg) || s.Has(media.FormatJPEG) || s.Has("no-such-format") {
		t.Fatalf("set %+v holds the wrong formats", s)
	}
	if !(media.FormatSet{}).IsEmpty() || s.IsEmpty() {
		t.Fatal("IsEmpty is wrong")
	}
	// A policy with its own format set accepts only those.
	p := media.Policy{Formats: media.Formats(media.FormatPNG)}
	if _, err := judge(t, p, jpegFile()); code(err) != media.CodeUnsupportedFormat {
		t.Fatalf("a JPEG under a PNG-only policy: %v", err)
	}
	if _, err := judge(t, p, pngFile(10)); err != nil {
		t.Fatalf("a PNG under a PNG-only policy: %v", err)
	}
}

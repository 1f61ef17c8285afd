package media_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/socialdesk/socialdesk/media"
)

func ExampleCheck() {
	f, err := os.Open("testdata/fixtures/ok-h264-aac.mp4")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		panic(err)
	}
	v, err := media.Check(f, st.Size()) // reads the headers, skips the sample data
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	fmt.Println(v.Kind, v.Format, v.VideoCodec, v.AudioCodec, v.Size)
	// Output: video mp4 h264 aac 13020
}

func ExampleCheck_refusal() {
	f, err := os.Open("testdata/fixtures/bad-hevc.mp4")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	_, err = media.Check(f, st.Size())

	var refusal *media.Error
	if errors.As(err, &refusal) {
		fmt.Println(refusal.Code)
		fmt.Println(refusal.Reason)
	}
	fmt.Println(errors.Is(err, media.ErrUnsupportedCodec))
	// Output:
	// unsupported_codec
	// The video uses the H.265/HEVC codec; LINE accepts only H.264 video. Convert it to MP4 with H.264 video and AAC audio.
	// true
}

// A downloader judges the body while it stores it: whatever CheckReader
// consumed is already in storage, and the rest is copied after the verdict.
func ExampleCheckReader() {
	body, err := os.Open("testdata/fixtures/bad-vorbis.ogg") // e.g. an HTTP response body
	if err != nil {
		panic(err)
	}
	defer body.Close()
	var stored bytes.Buffer // e.g. a blob storage writer
	tee := io.TeeReader(body, &stored)

	_, err = media.CheckReader(tee)
	if errors.Is(err, media.ErrUnsupportedFormat) {
		fmt.Println("refused:", err.(*media.Error).Reason)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // keep the original anyway
		panic(err)
	}
	fmt.Println("stored", stored.Len(), "bytes")
	// Output:
	// refused: Ogg audio (Vorbis, Opus) is not supported by LINE; send AAC, M4A, MP3 or WAV instead.
	// stored 5265 bytes
}

func ExamplePolicy() {
	strict := media.Policy{MaxImageBytes: 100} // other limits stay LINE's
	f, err := os.Open("testdata/fixtures/ok.png")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	_, err = strict.Check(f, st.Size())
	fmt.Println(err)
	// Output: media: too_large: The PNG file is larger than 100 bytes, the most allowed here for images.
}

func ExampleCheckText() {
	fmt.Println(media.CheckText("Thanks, we are on it 👍"))
	fmt.Println(media.CheckText(strings.Repeat("あ", 5000)))
	fmt.Println(media.CheckText(strings.Repeat("😀", 2500)))
	fmt.Println(media.CheckText(""))
	// Output:
	// <nil>
	// media: text_too_long: The message is 5,000 units long as LINE counts text (a letter counts as 1, an emoji as 2); LINE allows at most 4,999. Shorten it by 1 or split it into several messages.
	// media: text_too_long: The message is 5,000 units long as LINE counts text (a letter counts as 1, an emoji as 2); LINE allows at most 4,999. Shorten it by 1 or split it into several messages.
	// media: empty_text: The message is empty; type something to send.
}

func ExampleCheckKind() {
	fmt.Println(media.CheckKind("image"))
	fmt.Println(media.CheckKind("location"))
	// Output:
	// <nil>
	// media: unsupported_kind: Locations cannot be sent from the desk; send the address as text.
}

func ExampleUTF16Len() {
	fmt.Println(media.UTF16Len("hello"), media.UTF16Len("こんにちは"), media.UTF16Len("👍"))
	// Output: 5 5 2
}

// Each platform has its policy: the same JPEG of 6 MB may cross a LINE
// channel but not a WhatsApp one.
func ExamplePolicy_perPlatform() {
	// A JPEG of 6 MB: a small photo whose scan is padded with zero
	// bytes before its end-of-image marker (FF D9).
	photo, err := os.ReadFile("testdata/fixtures/ok.jpg")
	if err != nil {
		panic(err)
	}
	jpeg := append(photo[:len(photo)-2:len(photo)-2], make([]byte, 6_000_000)...)
	jpeg = append(jpeg, 0xFF, 0xD9)
	for _, p := range []media.Policy{media.LINE, media.WhatsApp} {
		_, err := p.Check(bytes.NewReader(jpeg), int64(len(jpeg)))
		fmt.Printf("%s: %v\n", p.Platform, err)
	}
	// Output:
	// LINE: <nil>
	// WhatsApp: media: too_large: The JPEG file is larger than 5 MB, the most WhatsApp accepts for images.
}

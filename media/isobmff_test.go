package media_test

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

func TestISOBMFFRules(t *testing.T) {
	ftypMP4 := ftyp("isom", "isom", "avc1")
	// largeMdat is an mdat with a 64-bit size holding n bytes.
	largeMdat := func(n int) []byte {
		return cat(u32(1), []byte("mdat"), binary.BigEndian.AppendUint64(nil, uint64(16+n)), zeros(n))
	}
	tests := []struct {
		name   string
		data   []byte
		code   media.Code // "" = accepted
		kind   media.Kind
		format media.Format
	}{
		{"H.264 with one AAC stream is accepted", movie(videoTrak, aacTrak), "", media.KindVideo, media.FormatMP4},
		{"H.264 without audio is accepted", movie(videoTrak), "", media.KindVideo, media.FormatMP4},
		{"avc3 sample entries are H.264 too", movie(trak("vide", visual("avc3")), aacTrak), "", media.KindVideo, media.FormatMP4},
		{"the movie header may come after mdat", cat(ftypMP4, mdat(5000), moov(videoTrak, aacTrak)), "", media.KindVideo, media.FormatMP4},
		{"a fragmented MP4 (moov + moof) is accepted",
			cat(ftypMP4, moov(videoTrak, aacTrak, bx("mvex", fullbox("trex", zeros(20)))), bx("moof", fullbox("mfhd", u32(1))), mdat(50), bx("moof", fullbox("mfhd", u32(2))), mdat(50)),
			"", media.KindVideo, media.FormatMP4},
		{"3GP brand is accepted", cat(ftyp("3gp6", "3gp6", "isom"), moov(videoTrak, aacTrak), mdat(10)), "", media.KindVideo, media.Format3GP},
		{"M4A with AAC is audio", cat(ftyp("M4A ", "M4A ", "isom"), moov(aacTrak), mdat(10)), "", media.KindAudio, media.FormatM4A},
		{"MP4 with only an AAC track is audio", movie(aacTrak), "", media.KindAudio, media.FormatMP4},
		{"an unknown major brand with a compatible isom brand is MP4", cat(ftyp("abcd", "abcd", "isom"), moov(videoTrak), mdat(1)), "", media.KindVideo, media.FormatMP4},
		{"AAC objectTypeIndication 0x66 (MPEG-2 AAC Main)", movie(videoTrak, trak("soun", mp4a(0x66))), "", media.KindVideo, media.FormatMP4},
		{"AAC objectTypeIndication 0x67 (MPEG-2 AAC LC)", movie(videoTrak, trak("soun", mp4a(0x67))), "", media.KindVideo, media.FormatMP4},
		{"AAC objectTypeIndication 0x68 (MPEG-2 AAC SSR)", movie(videoTrak, trak("soun", mp4a(0x68))), "", media.KindVideo, media.FormatMP4},
		{"QuickTime version 1 sound description", movie(videoTrak, trak("soun", audio("mp4a", 1, esds(0x40)))), "", media.KindVideo, media.FormatMP4},
		{"QuickTime version 2 sound description with esds in wave", movie(videoTrak, trak("soun", audio("mp4a", 2, bx("wave", bx("frma", []byte("mp4a")), esds(0x40))))), "", media.KindVideo, media.FormatMP4},
		{"text and timecode tracks are ignored", movie(videoTrak, aacTrak, trak("text", bx("tx3g", zeros(30))), trak("tmcd", bx("tmcd", zeros(20)))), "", media.KindVideo, media.FormatMP4},
		{"a stsd with two H.264 entries is accepted", movie(trak("vide", visual("avc1"), visual("avc3")), aacTrak), "", media.KindVideo, media.FormatMP4},
		{"a trak nested in udta is not a track", movie(videoTrak, aacTrak, bx("udta", trak("soun", mp4a(0x40)))), "", media.KindVideo, media.FormatMP4},
		{"a trak nested in a trak is not a track", movie(bx("trak", videoTrak[8:], aacTrak), aacTrak), "", media.KindVideo, media.FormatMP4},
		{"mdat with a 64-bit size", cat(ftypMP4, moov(videoTrak, aacTrak), largeMdat(300)), "", media.KindVideo, media.FormatMP4},
		{"last box with size 0 runs to the end", cat(ftypMP4, moov(videoTrak, aacTrak), u32(0), []byte("mdat"), zeros(777)), "", media.KindVideo, media.FormatMP4},
		{"a few stray bytes at the end of moov are tolerated", movie(videoTrak, aacTrak)[:0], "", "", ""}, // replaced below

		{"HEVC (hvc1) is refused", movie(trak("vide", visual("hvc1")), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"HEVC (hev1) is refused", movie(trak("vide", visual("hev1")), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"AV1 is refused", movie(trak("vide", visual("av01")), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"H.263 is refused", movie(trak("vide", visual("s263")), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"MPEG-4 Part 2 is refused", movie(trak("vide", visual("mp4v", esds(0x20))), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"a stsd with H.264 then HEVC is refused", movie(trak("vide", visual("avc1"), visual("hvc1")), aacTrak), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"a stsd saying two entries but holding one", movie(trakWith("vide", stsdCount(2, visual("avc1")))), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a stsd with no entries", movie(trakWith("vide", stsdCount(0))), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"MP3 inside mp4a (0x6B) is refused", movie(videoTrak, trak("soun", mp4a(0x6B))), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"MP3 inside mp4a (0x69) is refused", movie(videoTrak, trak("soun", mp4a(0x69))), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"AC-3 is refused", movie(videoTrak, trak("soun", audio("ac-3", 0, bx("dac3", zeros(3))))), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"Opus in MP4 is refused", movie(videoTrak, trak("soun", audio("Opus", 0))), media.CodeUnsupportedCodec, media.KindVideo, media.FormatMP4},
		{"an mp4a without esds is malformed", movie(videoTrak, trak("soun", audio("mp4a", 0))), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a damaged esds is malformed", movie(videoTrak, trak("soun", audio("mp4a", 0, fullbox("esds", []byte{0x03, 0x80})))), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"two AAC streams are refused", movie(videoTrak, aacTrak, aacTrak), media.CodeMultipleAudio, media.KindVideo, media.FormatMP4},
		{"two AAC streams in audio-only MP4 are refused", movie(aacTrak, aacTrak), media.CodeMultipleAudio, "", media.FormatMP4},
		{"QuickTime brand is refused", cat(ftyp("qt  ", "qt  "), moov(videoTrak, aacTrak), mdat(10)), media.CodeUnsupportedFormat, media.KindVideo, media.FormatQuickTime},
		{"QuickTime without ftyp is refused", cat(moov(videoTrak, aacTrak), mdat(10)), media.CodeUnsupportedFormat, media.KindVideo, media.FormatQuickTime},
		{"HEIC images are refused", cat(ftyp("heic", "mif1", "heic"), fullbox("meta", zeros(30)), mdat(10)), media.CodeUnsupportedFormat, media.KindImage, media.FormatHEIF},
		{"an unknown brand is refused", cat(ftyp("crx ", "crx "), moov(videoTrak), mdat(10)), media.CodeUnsupportedFormat, "", media.FormatUnknown},
		{"no moov is malformed", cat(ftypMP4, mdat(100)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"two moovs are malformed", cat(ftypMP4, moov(videoTrak), moov(videoTrak), mdat(100)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a moov without tracks is malformed", cat(ftypMP4, moov(), mdat(100)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a track without hdlr is malformed", movie(bx("trak", bx("mdia", bx("minf", bx("stbl", stsd(visual("avc1"))))))), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"mdat cut short is malformed", movie(videoTrak, aacTrak)[:len(movie(videoTrak, aacTrak))-1], media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"moov cut short is malformed", cat(ftypMP4, mdat(10), moov(videoTrak, aacTrak))[:200], media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a half box header at the end is malformed", cat(movie(videoTrak), []byte{0, 0, 0}), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a box size below 8 is malformed", cat(ftypMP4, u32(7), []byte("free"), moov(videoTrak)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a 64-bit size below 16 is malformed", cat(ftypMP4, u32(1), []byte("free"), binary.BigEndian.AppendUint64(nil, 15), moov(videoTrak)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a huge 64-bit size is malformed", cat(ftypMP4, moov(videoTrak), u32(1), []byte("mdat"), binary.BigEndian.AppendUint64(nil, 1<<63-1), zeros(10)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"the largest 64-bit size is malformed", cat(ftypMP4, moov(videoTrak), u32(1), []byte("mdat"), binary.BigEndian.AppendUint64(nil, ^uint64(0)), zeros(10)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a huge 32-bit size is malformed", cat(ftypMP4, moov(videoTrak), u32(0xFFFFFFFF), []byte("mdat"), zeros(10)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a nested box larger than its parent is malformed", cat(ftypMP4, bx("moov", u32(0xFFFF), []byte("trak")), mdat(1)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a nested box of size 0 is malformed", cat(ftypMP4, bx("moov", u32(0), []byte("trak"), zeros(8)), mdat(1)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a moov of size 0 is malformed", cat(ftypMP4, u32(0), []byte("moov"), videoTrak), media.CodeMalformed, media.KindVideo, media.FormatMP4},
		{"a short ftyp is malformed", cat(bx("ftyp", []byte("isom")), moov(videoTrak)), media.CodeMalformed, media.KindVideo, media.FormatMP4},
	}
	// Four zero bytes closing a container, as QuickTime writers leave them.
	mv := moov(videoTrak, aacTrak)
	padded := cat(u32(uint32(len(mv)+4)), mv[4:], zeros(4))
	tests[20].data = cat(ftypMP4, padded, mdat(1))
	tests[20].kind, tests[20].format = media.KindVideo, media.FormatMP4

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := judge(t, media.Policy{}, tt.data)
			if code(err) != tt.code {
				t.Fatalf("got %+v, %v; want code %q", v, err, tt.code)
			}
			if v.Format != tt.format {
				t.Errorf("format %q, want %q", v.Format, tt.format)
			}
			if tt.kind != "" && v.Kind != tt.kind {
				t.Errorf("kind %q, want %q", v.Kind, tt.kind)
			}
			if err != nil {
				return
			}
			if v.VideoCodec != "" && v.VideoCodec != "h264" || v.AudioCodec != "" && v.AudioCodec != "aac" {
				t.Errorf("codecs %q/%q, want h264/aac", v.VideoCodec, v.AudioCodec)
			}
		})
	}
}

func trakWith(handler string, stsd []byte) []byte {
	return bx("trak", bx("mdia", hdlr(handler), bx("minf", bx("stbl", stsd))))
}

func stsdCount(n uint32, entries ...[]byte) []byte {
	return fullbox("stsd", append([][]byte{u32(n)}, entries...)...)
}

func TestISOBMFFSizeLimits(t *testing.T) {
	video := movie(videoTrak, aacTrak)
	audioOnly := movie(aacTrak)
	n := int64(len(video))
	tests := []struct {
		name   string
		policy media.Policy
		data   []byte
		code   media.Code
	}{
		{"a video exactly at the limit is accepted", media.Policy{MaxVideoBytes: n}, video, ""},
		{"a video one byte over the limit is too large", media.Policy{MaxVideoBytes: n - 1}, video, media.CodeTooLarge},
		{"the video limit does not apply to audio-only MP4", media.Policy{MaxVideoBytes: 10, MaxAudioBytes: int64(len(audioOnly))}, audioOnly, ""},
		{"an audio-only MP4 over the audio limit is too large", media.Policy{MaxAudioBytes: int64(len(audioOnly)) - 1}, audioOnly, media.CodeTooLarge},
		{"a video over the limit with moov past the limit is too large", media.Policy{MaxVideoBytes: 100}, cat(ftyp("isom", "isom"), mdat(200), moov(videoTrak)), media.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := judge(t, tt.policy, tt.data)
			if code(err) != tt.code {
				t.Fatalf("got %v, want code %q", err, tt.code)
			}
		})
	}
	t.Run("an M4A passing the limit mid-file is refused as audio", func(t *testing.T) {
		_, err := judge(t, media.Policy{MaxAudioBytes: 50, MaxVideoBytes: 50}, cat(ftyp("M4A "), mdat(100), moov(aacTrak)))
		var e *media.Error
		if !errors.As(err, &e) || e.Code != media.CodeTooLarge || e.Kind != media.KindAudio || !strings.Contains(e.Reason, "M4A") {
			t.Fatalf("got %v", err)
		}
	})
}

// A 190 MB MP4 is judged from its headers: Check never reads inside mdat,
// whether the movie header comes first or last.
func TestLargeMP4IsJudgedWithoutReadingSampleData(t *testing.T) {
	for _, moovFirst := range []bool{true, false} {
		f := bigMovie(190_000_000, moovFirst)
		v, err := media.Check(f, f.size)
		if err != nil {
			t.Fatalf("moovFirst=%v: %v", moovFirst, err)
		}
		if v.Size != f.size || v.Kind != media.KindVideo {
			t.Fatalf("moovFirst=%v: verdict %+v", moovFirst, v)
		}
		if f.touched {
			t.Fatalf("moovFirst=%v: Check read the sample data", moovFirst)
		}
	}
	f := bigMovie(200_000_001, true)
	if _, err := media.Check(f, f.size); code(err) != media.CodeTooLarge {
		t.Fatalf("200,000,001 bytes: got %v, want too_large", err)
	}
	if f.touched {
		t.Fatal("too-large file: Check read the sample data")
	}
}

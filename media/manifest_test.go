package media_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/media"
)

const fixtures = "testdata/fixtures"

type fixture struct {
	file     string
	accepted bool
	kind     media.Kind
	why      string
}

func readManifest(t testing.TB) []fixture {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("manifest line %q: want 4 tab-separated columns", line)
		}
		fx := fixture{file: cols[0], accepted: cols[1] == "yes", why: cols[3]}
		if cols[2] != "-" {
			fx.kind = media.Kind(cols[2])
		}
		out = append(out, fx)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("manifest lists no files")
	}
	return out
}

func TestFixturesGetTheManifestVerdict(t *testing.T) {
	for _, fx := range readManifest(t) {
		t.Run(fx.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtures, fx.file))
			if err != nil {
				t.Fatal(err)
			}
			v, err := judge(t, media.Policy{}, data)
			if fx.accepted {
				if err != nil {
					t.Fatalf("refused (%v), want accepted: %s", err, fx.why)
				}
				if v.Kind != fx.kind {
					t.Fatalf("kind %q, want %q", v.Kind, fx.kind)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted as %+v, want refused: %s", v, fx.why)
			}
			if code(err) == "read error" {
				t.Fatalf("read error %v, want a refusal", err)
			}
		})
	}
}

func TestFixturesFromAnOpenFile(t *testing.T) {
	for _, fx := range readManifest(t) {
		f, err := os.Open(filepath.Join(fixtures, fx.file))
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		_, err = media.Check(f, st.Size())
		f.Close()
		if (err == nil) != fx.accepted {
			t.Errorf("%s: Check on *os.File gave %v, want accepted=%v", fx.file, err, fx.accepted)
		}
	}
}

// The refusals of the fixtures, code by code: each file breaks the rule the
// manifest names.
func TestFixturesAreRefusedForTheRightReason(t *testing.T) {
	want := map[string]media.Code{
		"bad.gif":            media.CodeUnsupportedFormat,
		"bad.webp":           media.CodeUnsupportedFormat,
		"bad-truncated.png":  media.CodeMalformed,
		"bad-vorbis.ogg":     media.CodeUnsupportedFormat,
		"bad.flac":           media.CodeUnsupportedFormat,
		"bad-hevc.mp4":       media.CodeUnsupportedCodec,
		"bad-two-audio.mp4":  media.CodeMultipleAudio,
		"bad-vp9.webm":       media.CodeUnsupportedFormat,
		"bad-mpeg4part2.mp4": media.CodeUnsupportedCodec,
		"bad-truncated.mp4":  media.CodeMalformed,
		"bad-text.txt":       media.CodeUnsupportedFormat,
	}
	for file, c := range want {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := judge(t, media.Policy{}, data); code(err) != c {
			t.Errorf("%s: got %v, want code %s", file, err, c)
		}
	}
}

func TestFixturesAreRecognisedAsTheirFormat(t *testing.T) {
	want := map[string]media.Format{
		"ok.png": media.FormatPNG, "ok.jpg": media.FormatJPEG, "png-content-named.jpg": media.FormatPNG,
		"ok.aac": media.FormatAAC, "ok.m4a": media.FormatM4A, "ok.mp3": media.FormatMP3, "ok.wav": media.FormatWAV,
		"ok-h264-aac.mp4": media.FormatMP4, "ok-h264-silent.mp4": media.FormatMP4, "ok-h264-aac.3gp": media.Format3GP,
		"bad.gif": media.FormatGIF, "bad.webp": media.FormatWebP, "bad-vorbis.ogg": media.FormatOgg,
		"bad.flac": media.FormatFLAC, "bad-vp9.webm": media.FormatWebM, "bad-text.txt": media.FormatText,
	}
	for file, f := range want {
		data, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := judge(t, media.Policy{}, data)
		if v.Format != f {
			t.Errorf("%s: format %q, want %q", file, v.Format, f)
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../media/testdata/fixtures"

func runLines(t *testing.T, stdin string, args ...string) (int, []result, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	var lines []result
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, r)
	}
	return code, lines, errOut.String()
}

func TestEveryFixtureGetsOneLineInArgumentOrder(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join(fixtures, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	want := map[string]bool{}
	for _, line := range strings.Split(string(manifest), "\n") {
		cols := strings.Split(line, "\t")
		if len(cols) != 4 || strings.HasPrefix(line, "#") {
			continue
		}
		p := filepath.Join(fixtures, cols[0])
		args = append(args, p)
		want[p] = cols[1] == "yes"
	}
	code, lines, _ := runLines(t, "", args...)
	if code != exitRefused {
		t.Fatalf("exit status %d, want 1 (some fixtures are refused)", code)
	}
	if len(lines) != len(args) {
		t.Fatalf("%d lines for %d files", len(lines), len(args))
	}
	for i, r := range lines {
		if r.File != args[i] {
			t.Fatalf("line %d is for %q, want %q", i, r.File, args[i])
		}
		if r.Accepted != want[r.File] {
			t.Errorf("%s: accepted=%v, want %v (%s)", r.File, r.Accepted, want[r.File], r.Reason)
		}
		st, _ := os.Stat(r.File)
		if r.Size != st.Size() {
			t.Errorf("%s: size %d, want %d", r.File, r.Size, st.Size())
		}
		if r.Accepted && (r.Kind == "" || r.Format == "" || r.Code != "") {
			t.Errorf("%s: accepted line %+v needs kind and format, no code", r.File, r)
		}
		if !r.Accepted && (r.Code == "" || r.Reason == "" || r.Kind != "") {
			t.Errorf("%s: refused line %+v needs code and reason, no kind", r.File, r)
		}
	}
}

func TestExitStatus(t *testing.T) {
	ok := filepath.Join(fixtures, "ok.png")
	bad := filepath.Join(fixtures, "bad.gif")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"all accepted", []string{ok, filepath.Join(fixtures, "ok-h264-aac.mp4")}, 0},
		{"one refused", []string{ok, bad}, 1},
		{"a missing file", []string{ok, "no-such-file.png", bad}, 2},
		{"a directory", []string{fixtures}, 2},
		{"no arguments", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, lines, stderr := runLines(t, "", tt.args...)
			if code != tt.want {
				t.Fatalf("exit status %d, want %d", code, tt.want)
			}
			if len(lines) != len(tt.args) {
				t.Fatalf("%d lines for %d files", len(lines), len(tt.args))
			}
			if len(tt.args) == 0 && !strings.Contains(stderr, "usage") {
				t.Fatalf("no usage message: %q", stderr)
			}
			for _, r := range lines {
				if strings.Contains(r.File, "no-such") && r.Error == "" {
					t.Fatalf("missing file without an error: %+v", r)
				}
			}
		})
	}
}

func TestStandardInput(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "ok.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	code, lines, _ := runLines(t, string(data), "-")
	if code != 0 || len(lines) != 1 || lines[0].Format != "mp3" || lines[0].Size != int64(len(data)) {
		t.Fatalf("exit %d, lines %+v", code, lines)
	}
}

// The command builds and runs as the README's users would run it.
func TestBuiltCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "mediacheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, filepath.Join(fixtures, "bad-hevc.mp4"))
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1", err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil || r.Code != "unsupported_codec" {
		t.Fatalf("output %q: %v", out, err)
	}
}

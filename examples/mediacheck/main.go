// Command mediacheck tells, for each media file named, whether LINE would
// accept it, judged by its bytes with the socialdesk media package.
//
//	go run ./examples/mediacheck FILE...
//
// It prints one JSON object per file, in argument order, one per line:
//
//	{"file":"clip.mp4","accepted":true,"kind":"video","format":"mp4","size":13020,"video_codec":"h264","audio_codec":"aac"}
//	{"file":"song.ogg","accepted":false,"format":"ogg","size":5265,"code":"unsupported_format","reason":"Ogg audio ..."}
//
// A file that cannot be read gets {"file":...,"error":...}. The name "-"
// reads standard input. Exit status: 0 when every file is accepted, 1 when
// any is refused, 2 on a usage or read error.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/socialdesk/socialdesk/media"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// result is one output line.
type result struct {
	File       string `json:"file"`
	Accepted   bool   `json:"accepted"`
	Kind       string `json:"kind,omitempty"`
	Format     string `json:"format,omitempty"`
	Size       int64  `json:"size"`
	VideoCodec string `json:"video_codec,omitempty"`
	AudioCodec string `json:"audio_codec,omitempty"`
	Code       string `json:"code,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Error      string `json:"error,omitempty"`
}

// Exit statuses.
const (
	exitAccepted = 0
	exitRefused  = 1
	exitTrouble  = 2
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: mediacheck FILE...\n\nPrints, for each file, whether LINE accepts it, as one JSON object per line.\nExit status: 0 all accepted, 1 some refused, 2 usage or read error.")
		return exitTrouble
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	status := exitAccepted
	for _, name := range args {
		res := check(name, stdin)
		switch {
		case res.Error != "":
			status = exitTrouble
		case !res.Accepted && status == exitAccepted:
			status = exitRefused
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "mediacheck:", err)
			return exitTrouble
		}
	}
	return status
}

// check judges one file: a regular file through media.Check, which seeks
// over video sample data; anything else (standard input, a pipe) as a stream.
func check(name string, stdin io.Reader) result {
	res := result{File: name}
	var (
		v   media.Verdict
		err error
	)
	if name == "-" {
		v, err = media.CheckReader(stdin)
	} else {
		f, openErr := os.Open(name)
		if openErr != nil {
			res.Error = openErr.Error()
			return res
		}
		defer f.Close()
		st, statErr := f.Stat()
		switch {
		case statErr != nil:
			res.Error = statErr.Error()
			return res
		case st.IsDir():
			res.Error = name + " is a directory"
			return res
		case st.Mode().IsRegular():
			res.Size = st.Size()
			v, err = media.Check(f, st.Size())
		default:
			v, err = media.CheckReader(f)
		}
	}
	if v.Size > 0 {
		res.Size = v.Size
	}
	var refusal *media.Error
	switch {
	case err == nil:
		res.Accepted = true
		res.Kind, res.Format = string(v.Kind), string(v.Format)
		res.VideoCodec, res.AudioCodec = v.VideoCodec, v.AudioCodec
	case errors.As(err, &refusal):
		res.Format = string(refusal.Format)
		res.Code, res.Reason = string(refusal.Code), refusal.Reason
	default:
		res.Error = err.Error()
	}
	return res
}

// Package media decides whether a piece of content may cross a LINE
// channel, in either direction, and if not, why not. Content is judged by
// its bytes, never by a file name or a Content-Type: images (PNG, JPEG up to
// 10 MB), audio (AAC, M4A, MP3, WAV, MPEG audio up to 200 MB) and video (MP4
// or 3GP with H.264 video and at most one AAC stream, up to 200 MB); text up
// to 4,999 UTF-16 code units. Every refusal is a *Error with a stable Code
// and a Reason a staff member understands.
//
// The two lines a user writes first:
//
//	v, err := media.Check(file, size)          // an io.ReaderAt: skips over MP4 sample data
//	v, err := media.CheckReader(resp.Body)     // a stream: bounded memory, stops early on refusal
//
// Limits are set with a Policy, whose zero value is LINE's rules. Memory
// does not grow with the content: a judgement uses one 8 KiB buffer.
package media

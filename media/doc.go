// Package media decides whether a piece of content may cross a channel of
// one platform, in either direction, and if not, why not. Each platform's
// rules are a Policy: LINE (the zero value) carries images (PNG, JPEG up
// to 10 MB), audio (AAC, M4A, MP3, WAV, MPEG audio up to 200 MB) and video
// (MP4 or 3GP with H.264 video and at most one AAC stream, up to 200 MB),
// text up to 4,999 UTF-16 code units; WhatsApp carries images (JPEG, PNG
// up to 5 MB), audio (AAC, AMR, MP3, M4A, Ogg with Opus up to 16 MB),
// video (as LINE's, up to 16 MB), WebP stickers (100 KB, animated 500 KB),
// documents (100 MB) and text up to 4,096 characters. Content is judged by
// its bytes, never by a file name or a Content-Type. Every refusal is a
// *Error with a stable Code and a Reason a staff member understands.
//
// The two lines a user writes first:
//
//	v, err := media.Check(file, size)                  // LINE's rules; an io.ReaderAt: skips over MP4 sample data
//	v, err := media.WhatsApp.CheckReader(resp.Body)    // WhatsApp's; a stream: bounded memory, stops early on refusal
//
// Memory does not grow with the content: a judgement uses one 8 KiB
// buffer.
package media

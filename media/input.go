package media

import (
	"errors"
	"io"
	"math"
	"sync"
)

// windowSize is the one buffer a judgement uses, whatever the content's size.
const windowSize = 8 << 10

var (
	// errTooLarge means the content runs past the limit in force.
	errTooLarge = errors.New("media: past the size limit")
	// errBackward means a parser asked a stream for bytes it has already
	// passed; only malformed structure can cause it.
	errBackward = errors.New("media: structure points backwards")
)

var windowPool = sync.Pool{New: func() any { return new([windowSize]byte) }}

// input is forward-mostly access to the content through one window, over
// either an io.ReaderAt of known size or a plain io.Reader. Parsers ask for
// bytes at offsets; with an io.Reader, skipped bytes are read and dropped,
// and asking for an offset already passed fails with errBackward.
//
// Reads that reach past limit fail with errTooLarge when the content really
// is longer than limit; otherwise they fail as reads past the end do. Both
// kinds of input therefore give the same answers for the same bytes.
type input struct {
	ra    io.ReaderAt
	r     io.Reader
	size  int64 // content length; -1 while a stream's end is not reached
	limit int64
	stop  int64 // an io.ReaderAt is not read ahead past stop (at least what is asked is read)
	win   *[windowSize]byte
	off   int64 // content offset of win[0]
	n     int   // valid bytes in win
}

func (in *input) initAt(r io.ReaderAt, size int64) {
	*in = input{ra: r, size: size, limit: math.MaxInt64, stop: math.MaxInt64, win: windowPool.Get().(*[windowSize]byte)}
}

func (in *input) initStream(r io.Reader) {
	*in = input{r: r, size: -1, limit: math.MaxInt64, stop: math.MaxInt64, win: windowPool.Get().(*[windowSize]byte)}
}

func (in *input) release() {
	if in.win != nil {
		windowPool.Put(in.win)
		in.win = nil
	}
}

// fill makes the window hold the need bytes from off (need <= windowSize),
// reading ahead where it may. It returns io.EOF if the content ends exactly at
// off and io.ErrUnexpectedEOF if it ends before off+need; the window then
// holds what there is.
func (in *input) fill(off int64, need int) error {
	if in.size >= 0 && off >= in.size {
		if off == in.size {
			return io.EOF
		}
		return io.ErrUnexpectedEOF
	}
	end := in.off + int64(in.n)
	if off >= in.off && off+int64(need) <= end {
		return nil // already there; callers index from off
	}
	if in.ra != nil {
		return in.fillAt(off, need)
	}
	return in.fillStream(off, need)
}

func (in *input) fillAt(off int64, need int) error {
	m := int64(windowSize)
	if rest := in.size - off; rest < m {
		m = rest
	}
	if s := in.stop - off; s < m {
		m = min(max(s, int64(need)), m)
	}
	k, err := in.ra.ReadAt(in.win[:m], off)
	in.off, in.n = off, k
	if int64(k) < m {
		if err == nil || err == io.EOF {
			// The ReaderAt is shorter than the size we were given.
			in.size = off + int64(k)
			err = io.ErrUnexpectedEOF
		}
		if k < need {
			return err
		}
	}
	if k < need {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func (in *input) fillStream(off int64, need int) error {
	if off < in.off {
		return errBackward
	}
	if end := in.off + int64(in.n); off > end {
		// Drop the bytes between the window's end and off.
		skip := off - end
		in.off, in.n = end, 0
		for skip > 0 {
			m := int64(windowSize)
			if skip < m {
				m = skip
			}
			k, err := io.ReadFull(in.r, in.win[:m])
			in.off += int64(k)
			skip -= int64(k)
			if err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					in.size = in.off
					return io.ErrUnexpectedEOF
				}
				return err
			}
		}
	} else if off+int64(need) > in.off+windowSize {
		// Make room: keep the bytes from off on, at the front.
		in.n = copy(in.win[:], in.win[off-in.off:in.n])
		in.off = off
	}
	at := int(off - in.off)
	if in.n >= at+need {
		return nil
	}
	if in.size >= 0 {
		return shortErr(in.n - at)
	}
	k, err := io.ReadAtLeast(in.r, in.win[in.n:], at+need-in.n)
	in.n += k
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		in.size = in.off + int64(in.n)
		return shortErr(in.n - at)
	}
	return err
}

func shortErr(n int) error {
	if n == 0 {
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}

// overLimit reports errTooLarge if the content is longer than the limit.
// With a stream it reads (and drops) up to the limit to find out.
func (in *input) overLimit() error {
	if in.size < 0 {
		if in.off+int64(in.n) > in.limit {
			return errTooLarge
		}
		err := in.fill(in.limit, 1)
		if err == nil {
			return errTooLarge
		}
		if err != io.EOF && err != io.ErrUnexpectedEOF && err != errBackward {
			return err
		}
	}
	if in.size > in.limit {
		return errTooLarge
	}
	return nil
}

// read fills p (len(p) <= windowSize) with the content at off.
func (in *input) read(p []byte, off int64) error {
	if off > in.limit-int64(len(p)) {
		if err := in.overLimit(); err != nil {
			return err
		}
	}
	if err := in.fill(off, len(p)); err != nil {
		return err
	}
	copy(p, in.win[off-in.off:in.n])
	return nil
}

// peek returns at least one byte of content from off on, valid until the
// next call on in.
func (in *input) peek(off int64) ([]byte, error) {
	if off >= in.limit {
		if err := in.overLimit(); err != nil {
			return nil, err
		}
	}
	if err := in.fill(off, 1); err != nil {
		return nil, err
	}
	b := in.win[off-in.off : in.n]
	if rest := in.limit - off; rest < int64(len(b)) {
		b = b[:rest]
	}
	return b, nil
}

// head returns the first bytes of the content, up to max (<= windowSize).
func (in *input) head(max int) ([]byte, error) {
	in.stop = int64(max)
	err := in.fill(0, max)
	in.stop = math.MaxInt64
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	if in.n < max {
		max = in.n
	}
	return in.win[:max], nil
}

// finish returns the content's length, reading a stream to its end, or
// errTooLarge if it is longer than the limit.
func (in *input) finish() (int64, error) {
	if err := in.overLimit(); err != nil {
		return 0, err
	}
	if in.size < 0 {
		// overLimit stops at the end or at the limit, so the end is known
		// unless limit is unset; read on in that case.
		for in.size < 0 {
			if err := in.fill(in.off+int64(in.n), 1); err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				return 0, err
			}
		}
	}
	return in.size, nil
}

package deskhttp

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	_ "image/png" // previews of PNG images
	"io"
)

// maxPreviewPixels bounds the images the Handler draws a preview of
// itself (decoding takes up to 4 bytes a pixel): 24 megapixels, more
// than a phone's camera takes.
const maxPreviewPixels = 24_000_000

// previewSide is the longest side of a preview the Handler draws (it
// draws a smaller one if need be to stay under MaxPreviewBytes).
const previewSide = 1024

// errNoPreview: the image is too large, in pixels, to draw a preview of.
var errNoPreview = errors.New("deskhttp: the image is too large to draw a preview of")

// drawPreview returns a JPEG preview of the PNG or JPEG image r, at most
// previewSide pixels on its longest side, for an image too large to be
// its own preview. It decodes the header first and refuses an image of
// more than maxPreviewPixels.
func drawPreview(r io.ReadSeeker) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(r)
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
		return nil, errNoPreview
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(r)
	if err != nil {
		return nil, err
	}
	// A photo's preview at the first size is far under the limit; noise
	// may need a smaller one.
	for _, side := range []int{previewSide, previewSide / 2, previewSide / 4} {
		var out bytes.Buffer
		if err := jpeg.Encode(&out, scaled(src, side), &jpeg.Options{Quality: 75}); err != nil {
			return nil, err
		}
		if out.Len() <= MaxPreviewBytes {
			return out.Bytes(), nil
		}
	}
	return nil, errNoPreview
}

// scaled returns src scaled down (nearest neighbour) to at most side
// pixels on its longest side.
func scaled(src image.Image, side int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if m := max(w, h); m > side {
		w, h = max(1, w*side/m), max(1, h*side/m)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		sy := b.Min.Y + y*b.Dy()/h
		for x := range w {
			dst.Set(x, y, src.At(b.Min.X+x*b.Dx()/w, sy))
		}
	}
	return dst
}

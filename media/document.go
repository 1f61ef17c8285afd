package media

import "io"

// CheckDocument judges content sent as a document (a file the platform
// passes on as it is, such as a PDF), streaming through one 8 KiB buffer:
// it must not be empty and must be at most MaxDocumentBytes long. Its
// Format is what its first bytes show, or FormatUnknown; any format is
// accepted. Under a policy without a document limit (LINE's) it returns a
// *Error with CodeUnsupportedKind. It stops reading as soon as the
// content passes the limit. Errors are as for Check.
//
// CheckDocument is safe for concurrent use on distinct readers.
func (p Policy) CheckDocument(r io.Reader) (Verdict, error) {
	if p.Limit(KindDocument) <= 0 {
		if p.isLINE() {
			return Verdict{}, CheckKind("file")
		}
		return Verdict{}, &Error{Code: CodeUnsupportedKind, Kind: KindDocument,
			Reason: "Files cannot be sent on " + p.platform() + "."}
	}
	var c checker
	c.in.initStream(r)
	c.pol = p
	c.v.Kind = KindDocument
	err := c.document()
	return p.finishRun(&c, err)
}

func (c *checker) document() error {
	defer c.in.release()
	h, err := c.in.head(sniffLen)
	if err != nil {
		return err
	}
	if len(h) == 0 {
		return refuse(CodeMalformed, "The file is empty.")
	}
	c.v.Format = sniff(h)
	c.in.limit = c.pol.Limit(KindDocument)
	size, err := c.in.finish()
	if err != nil {
		return err
	}
	c.v.Size = size
	return nil
}

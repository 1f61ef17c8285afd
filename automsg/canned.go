package automsg

// Template is a text with placeholders compiled on its own, outside a
// channel's Settings, as a canned reply is: the syntax, the placeholders
// and the length limit of an auto-message's text (see the package
// documentation), rendered with the channel's NameFormat. It is immutable
// and safe for concurrent use.
type Template struct {
	text string
	t    *template
}

// Parse compiles text as Compile compiles an auto-message's text, and
// refuses what Compile refuses, with the same errors naming Kind Canned:
// a *SyntaxError for a mistake at a position, a *TooLongError when the
// longest possible rendering exceeds MaxUnits, a *BlankError when the text
// could render blank. An empty text is blank: a Template has no default
// text. It is safe for concurrent use.
func Parse(text string) (*Template, error) {
	t, err := parse(Canned, text)
	if err != nil {
		return nil, err
	}
	return &Template{text: text, t: t}, nil
}

// Text returns the text t was parsed from.
func (t *Template) Text() string { return t.text }

// Render returns t's text with the values of v, the staff member's name
// written in format f, as Compiled.Render writes an auto-message: unknown
// values take their fallbacks, the text never exceeds MaxUnits UTF-16
// units and is never blank. A format that is none of NameNone, NameFirst
// and NameFull shows no name, as NameNone. It is safe for concurrent use.
func (t *Template) Render(v Vars, f NameFormat) string { return t.t.render(v, f) }

package automsg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDepth is how deep {if …} sections may be nested.
const MaxDepth = 8

// field is a value a template may substitute.
type field uint8

const (
	fieldCustomer field = iota
	fieldStaff
	fieldChannel
	fieldBack

	numFields = 4
)

var fieldNames = [numFields]string{"customer", "staff", "channel", "back"}

// fallbacks are written for a placeholder whose value is unknown, outside
// an {if …} section that tests it.
var fallbacks = [numFields]string{"valued customer", "our team", "us", "as soon as we can"}

func lookupField(name string) (field, bool) {
	for i, n := range fieldNames {
		if name == n {
			return field(i), true
		}
	}
	return 0, false
}

type opcode uint8

const (
	opText  opcode = iota // write text
	opValue               // write the value of field, or its fallback
	opIf                  // when field is unknown, continue at jump
	opJump                // continue at jump
)

type op struct {
	code  opcode
	field field
	jump  int
	text  string
}

// template is a compiled message text: a flat program of ops.
// It is immutable after parse and safe for concurrent use.
type template struct {
	ops      []op
	uses     [numFields]bool // which values Render must compute
	maxUnits int             // UTF-16 units of the longest possible rendering
}

// branch accumulates the measures of one branch of a section while parsing.
type branch struct {
	units    int  // longest rendering, in UTF-16 units
	nonBlank bool // always renders something other than white space
}

// section is an {if …} being parsed.
type section struct {
	pos    int // byte offset of its {if …}
	tag    string
	ifAt   int // index of its opIf
	elseAt int // index of the opJump before the else branch, or -1
	then   branch
	outer  branch // the enclosing branch, resumed at {end}
}

// parse compiles the text of message k. See doc.go for the syntax.
func parse(k Kind, src string) (*template, error) {
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return nil, newSyntaxError(k, src, off, "", ErrInvalidUTF8)
	}
	t := &template{}
	var (
		cur  branch // the branch being parsed
		open []section
		lit  []byte // literal text not yet emitted
	)
	flush := func() {
		if len(lit) == 0 {
			return
		}
		s := string(lit)
		lit = lit[:0]
		t.ops = append(t.ops, op{code: opText, text: s})
		cur.units += utf16Len(s)
		if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
			cur.nonBlank = true
		}
	}
	for i := 0; i < len(src); {
		switch src[i] {
		case '{':
			if i+1 < len(src) && src[i+1] == '{' {
				lit = append(lit, '{')
				i += 2
				continue
			}
			j := i + 1
			for j < len(src) && src[j] != '}' && src[j] != '{' && src[j] != '\n' {
				j++
			}
			if j == len(src) || src[j] != '}' {
				return nil, newSyntaxError(k, src, i, "", ErrUnclosedBrace)
			}
			tag := src[i : j+1]
			name := src[i+1 : j]
			flush()
			switch {
			case name == "else":
				if len(open) == 0 {
					return nil, newSyntaxError(k, src, i, tag, ErrStraySection)
				}
				s := &open[len(open)-1]
				if s.elseAt >= 0 {
					return nil, newSyntaxError(k, src, i, tag, ErrDuplicateElse)
				}
				s.elseAt = len(t.ops)
				t.ops = append(t.ops, op{code: opJump})
				t.ops[s.ifAt].jump = len(t.ops)
				s.then, cur = cur, branch{}
			case name == "end":
				if len(open) == 0 {
					return nil, newSyntaxError(k, src, i, tag, ErrStraySection)
				}
				s := open[len(open)-1]
				open = open[:len(open)-1]
				var then, els branch
				if s.elseAt >= 0 {
					then, els = s.then, cur
					t.ops[s.elseAt].jump = len(t.ops)
				} else {
					then = cur
					t.ops[s.ifAt].jump = len(t.ops)
				}
				cur = s.outer
				cur.units += max(then.units, els.units)
				cur.nonBlank = cur.nonBlank || (then.nonBlank && els.nonBlank)
			case strings.HasPrefix(name, "if "):
				f, ok := lookupField(name[len("if "):])
				if !ok {
					return nil, newSyntaxError(k, src, i, tag, ErrUnknownPlaceholder)
				}
				if len(open) == MaxDepth {
					return nil, newSyntaxError(k, src, i, tag, ErrTooDeep)
				}
				open = append(open, section{pos: i, tag: tag, ifAt: len(t.ops), elseAt: -1, outer: cur})
				t.ops = append(t.ops, op{code: opIf, field: f})
				t.uses[f] = true
				cur = branch{}
			default:
				f, ok := lookupField(name)
				if !ok {
					return nil, newSyntaxError(k, src, i, tag, ErrUnknownPlaceholder)
				}
				t.ops = append(t.ops, op{code: opValue, field: f})
				t.uses[f] = true
				cur.units += MaxValueUnits
				cur.nonBlank = true
			}
			i = j + 1
		case '}':
			if i+1 < len(src) && src[i+1] == '}' {
				lit = append(lit, '}')
				i += 2
				continue
			}
			return nil, newSyntaxError(k, src, i, "", ErrStrayBrace)
		default:
			j := i + 1
			for j < len(src) && src[j] != '{' && src[j] != '}' {
				j++
			}
			lit = append(lit, src[i:j]...)
			i = j
		}
	}
	if len(open) > 0 {
		s := open[len(open)-1]
		return nil, newSyntaxError(k, src, s.pos, s.tag, ErrUnclosedSection)
	}
	flush()
	if !cur.nonBlank {
		return nil, &BlankError{Kind: k}
	}
	if cur.units > MaxUnits {
		return nil, &TooLongError{Kind: k, Units: cur.units, Max: MaxUnits}
	}
	t.maxUnits = cur.units
	return t, nil
}

// render runs the program with the values in v that it uses.
func (t *template) render(v Vars, f NameFormat) string {
	var vals [numFields]value
	if t.uses[fieldCustomer] {
		vals[fieldCustomer] = newValue(v.Customer, "")
	}
	if t.uses[fieldStaff] {
		vals[fieldStaff] = staffValue(v.Staff, f)
	}
	if t.uses[fieldChannel] {
		vals[fieldChannel] = newValue(v.Channel, "")
	}
	if t.uses[fieldBack] {
		vals[fieldBack] = newValue(v.Back, "")
	}
	var b strings.Builder
	b.Grow(t.walk(&vals, nil))
	t.walk(&vals, &b)
	return b.String()
}

// walk runs the program, writing to b, or only measuring when b is nil.
// It returns the length in bytes of the rendering.
func (t *template) walk(vals *[numFields]value, b *strings.Builder) int {
	n := 0
	for pc := 0; pc < len(t.ops); {
		o := &t.ops[pc]
		pc++
		switch o.code {
		case opText:
			n += len(o.text)
			if b != nil {
				b.WriteString(o.text)
			}
		case opValue:
			v := &vals[o.field]
			if !v.known {
				n += len(fallbacks[o.field])
				if b != nil {
					b.WriteString(fallbacks[o.field])
				}
				continue
			}
			n += v.size
			if b != nil {
				v.writeTo(b)
			}
		case opIf:
			if !vals[o.field].known {
				pc = o.jump
			}
		case opJump:
			pc = o.jump
		}
	}
	return n
}

// utf16Len counts s in UTF-16 code units, as LINE counts text. An invalid
// byte counts as one unit, as it is sent as U+FFFD.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16RuneLen(r)
	}
	return n
}

func utf16RuneLen(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

package render

import (
	"strconv"
	"strings"
	"text/template"
	tparse "text/template/parse"
)

// A channel template runs for every part of every release, and
// text/template reaches each field by reflection and prints it through
// fmt. The shipped templates use only literal text, fields and {{if}}, so
// such a template is compiled here into a list of steps that read the
// fields directly; it writes exactly what text/template writes. A
// template with anything else (range, with, pipelines, functions other
// than the comparisons, variables, nested templates) keeps running
// through text/template.

// fields gives compiled templates direct access to the fields of T by
// name: strings and ints are printed, every field may be tested by {{if}},
// ints may be compared.
type fields[T any] struct {
	strs map[string]func(*T) string
	ints map[string]func(*T) int
	lens map[string]func(*T) int // lists: only their length is used
}

var wrapFields = fields[wrapData]{
	strs: map[string]func(*wrapData) string{
		"Title":    func(d *wrapData) string { return d.Title },
		"Dateline": func(d *wrapData) string { return d.Dateline },
		"Date":     func(d *wrapData) string { return d.Date },
		"Location": func(d *wrapData) string { return d.Location },
		"Lang":     func(d *wrapData) string { return d.Lang },
		"URL":      func(d *wrapData) string { return d.URL },
		"ReadMore": func(d *wrapData) string { return d.ReadMore },
		"Tags":     func(d *wrapData) string { return d.Tags },
	},
	lens: map[string]func(*wrapData) int{
		"Hashtags": func(d *wrapData) int { return len(d.Hashtags) },
	},
}

var replyFields = fields[replyData]{
	strs: map[string]func(*replyData) string{
		"Text": func(d *replyData) string { return d.Text },
	},
	ints: map[string]func(*replyData) int{
		"N":     func(d *replyData) int { return d.N },
		"Total": func(d *replyData) int { return d.Total },
	},
}

// fastTemplate is a compiled template: its steps in order.
type fastTemplate[T any] []step[T]

// step writes literal text, a field, or one branch of an {{if}}.
type step[T any] struct {
	text      string
	str       func(*T) string
	num       func(*T) int
	cond      func(*T) bool
	then, alt fastTemplate[T]
}

// compileTemplate compiles the template name of t for data of type T; ok
// is false when it uses anything compiled templates do not do.
func compileTemplate[T any](t *template.Template, name string, f fields[T]) (fastTemplate[T], bool) {
	tt := t.Lookup(name)
	if tt == nil || tt.Tree == nil || tt.Root == nil {
		return nil, false
	}
	return f.list(tt.Root)
}

func (f fields[T]) list(l *tparse.ListNode) (fastTemplate[T], bool) {
	if l == nil {
		return nil, true
	}
	var out fastTemplate[T]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *tparse.TextNode:
			out = append(out, step[T]{text: string(n.Text)})
		case *tparse.ActionNode:
			name, ok := field(n.Pipe)
			if !ok {
				return nil, false
			}
			if s, ok := f.strs[name]; ok {
				out = append(out, step[T]{str: s})
			} else if i, ok := f.ints[name]; ok {
				out = append(out, step[T]{num: i})
			} else {
				return nil, false
			}
		case *tparse.IfNode:
			cond, ok := f.cond(n.Pipe)
			if !ok {
				return nil, false
			}
			then, ok := f.list(n.List)
			if !ok {
				return nil, false
			}
			alt, ok := f.list(n.ElseList)
			if !ok {
				return nil, false
			}
			out = append(out, step[T]{cond: cond, then: then, alt: alt})
		default:
			return nil, false
		}
	}
	return out, true
}

// field returns the field a pipeline such as {{.Title}} prints.
func field(p *tparse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	return fieldName(p.Cmds[0].Args[0])
}

func fieldName(n tparse.Node) (string, bool) {
	if fn, ok := n.(*tparse.FieldNode); ok && len(fn.Ident) == 1 {
		return fn.Ident[0], true
	}
	return "", false
}

// cond compiles the pipeline of an {{if}}: a field (true when not empty
// or zero, as text/template has it) or a comparison of two numbers
// (fields or integer constants) with eq, ne, lt, le, gt or ge.
func (f fields[T]) cond(p *tparse.PipeNode) (func(*T) bool, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return nil, false
	}
	args := p.Cmds[0].Args
	if len(args) == 1 {
		name, ok := fieldName(args[0])
		if !ok {
			return nil, false
		}
		if s, ok := f.strs[name]; ok {
			return func(d *T) bool { return s(d) != "" }, true
		}
		if i, ok := f.ints[name]; ok {
			return func(d *T) bool { return i(d) != 0 }, true
		}
		if l, ok := f.lens[name]; ok {
			return func(d *T) bool { return l(d) > 0 }, true
		}
		return nil, false
	}
	fn, ok := args[0].(*tparse.IdentifierNode)
	if !ok || len(args) != 3 {
		return nil, false
	}
	a, okA := f.number(args[1])
	b, okB := f.number(args[2])
	if !okA || !okB {
		return nil, false
	}
	switch fn.Ident {
	case "eq":
		return func(d *T) bool { return a(d) == b(d) }, true
	case "ne":
		return func(d *T) bool { return a(d) != b(d) }, true
	case "lt":
		return func(d *T) bool { return a(d) < b(d) }, true
	case "le":
		return func(d *T) bool { return a(d) <= b(d) }, true
	case "gt":
		return func(d *T) bool { return a(d) > b(d) }, true
	case "ge":
		return func(d *T) bool { return a(d) >= b(d) }, true
	}
	return nil, false
}

// number compiles an int field or a decimal integer constant.
func (f fields[T]) number(n tparse.Node) (func(*T) int, bool) {
	if name, ok := fieldName(n); ok {
		i, ok := f.ints[name]
		return i, ok
	}
	num, ok := n.(*tparse.NumberNode)
	if !ok || !num.IsInt || strings.TrimLeft(num.Text, "-0123456789") != "" {
		return nil, false
	}
	v, err := strconv.Atoi(num.Text)
	if err != nil {
		return nil, false
	}
	return func(*T) int { return v }, true
}

// execute writes the template for d and trims the result, as the
// package's execute does.
func (ft fastTemplate[T]) execute(d *T) string {
	var b strings.Builder
	b.Grow(ft.size(d))
	ft.write(&b, d)
	return strings.TrimSpace(b.String())
}

func (ft fastTemplate[T]) write(b *strings.Builder, d *T) {
	for i := range ft {
		s := &ft[i]
		switch {
		case s.str != nil:
			b.WriteString(s.str(d))
		case s.num != nil:
			b.WriteString(strconv.Itoa(s.num(d)))
		case s.cond != nil:
			if s.cond(d) {
				s.then.write(b, d)
			} else {
				s.alt.write(b, d)
			}
		default:
			b.WriteString(s.text)
		}
	}
}

// size is about the length of the output (numbers count a few bytes).
func (ft fastTemplate[T]) size(d *T) int {
	n := 0
	for i := range ft {
		s := &ft[i]
		switch {
		case s.str != nil:
			n += len(s.str(d))
		case s.num != nil:
			n += 4
		case s.cond != nil:
			if s.cond(d) {
				n += s.then.size(d)
			} else {
				n += s.alt.size(d)
			}
		default:
			n += len(s.text)
		}
	}
	return n
}

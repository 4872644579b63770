// Package htmlexec executes html/template templates with the same output
// at a fraction of the cost. html/template parses and escapes a template
// as always; htmlexec then compiles the escaped parse tree, for the type of
// the data it is executed with, into Go closures that reach fields by
// index and run html/template's escapers as direct calls. text/template
// instead looks every field up by name and calls every escaper through
// reflection, with about seven allocations per action.
//
// Only what a page template needs is compiled: text, actions whose value
// is a field, variable or dot (or len of one) piped into html/template's
// escapers, if, with, range over a slice, template calls, and the builtins
// not, eq, ne, lt, le, gt and ge on integers. A template that uses
// anything else, or data of another kind (interfaces, maps, methods,
// CSS or JS content), runs through html/template itself; so does an
// execution that meets a nil pointer, from the start, so that its output
// and its error are html/template's own.
//
// The template set must not redefine the builtins with Funcs.
package htmlexec

import (
	"bytes"
	"errors"
	"html/template"
	"reflect"
	"sync"
)

// Set executes the templates of one html/template set. It is safe for
// concurrent use.
type Set struct {
	t     *template.Template
	off   bool       // run everything through html/template (Interpreted)
	mu    sync.Mutex // serializes compiling
	progs sync.Map   // key → *program; nil: run through html/template
}

// key names a compiled program: a template and the type of its data.
type key struct {
	name string
	typ  reflect.Type
}

// New returns a Set executing the templates of t.
func New(t *template.Template) *Set { return &Set{t: t} }

// Interpreted returns a Set over the same templates that runs every
// execution through html/template, to compare output with.
func (s *Set) Interpreted() *Set { return &Set{t: s.t, off: true} }

// Execute writes the template name applied to data to buf, as
// t.ExecuteTemplate(buf, name, data) does. The first execution for a
// template and data type runs through html/template, which escapes the
// template; later ones run the compiled program when there is one.
func (s *Set) Execute(buf *bytes.Buffer, name string, data any) error {
	if s.off {
		return s.t.ExecuteTemplate(buf, name, data)
	}
	k := key{name, reflect.TypeOf(data)}
	p, ok := s.progs.Load(k)
	if !ok {
		if err := s.t.ExecuteTemplate(buf, name, data); err != nil {
			return err
		}
		s.compile(k)
		return nil
	}
	if prog := p.(*program); prog != nil {
		start := buf.Len()
		if prog.run(buf, reflect.ValueOf(data)) == nil {
			return nil
		}
		buf.Truncate(start) // a nil pointer: html/template says what went wrong
	}
	return s.t.ExecuteTemplate(buf, name, data)
}

// Compiled reports whether name, executed with data of data's type, runs
// as a compiled program (after its first execution).
func (s *Set) Compiled(name string, data any) bool {
	p, _ := s.progs.Load(key{name, reflect.TypeOf(data)})
	prog, _ := p.(*program)
	return prog != nil
}

// compile compiles the escaped tree of k.name for data of type k.typ and
// stores the program, or nil when the template needs html/template.
func (s *Set) compile(k key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.progs.Load(k); ok {
		return
	}
	var prog *program
	if k.typ != nil {
		c := &compiler{set: s.t}
		if root, slot, err := c.template(k.name, k.typ, 0); err == nil {
			prog = &program{root: root, slot: slot, nslots: c.nslots}
		}
	}
	s.progs.Store(k, prog)
}

// program is a compiled template.
type program struct {
	root   exec
	slot   int // the slot of $
	nslots int
}

// run executes p with data into buf.
func (p *program) run(buf *bytes.Buffer, data reflect.Value) error {
	st := &state{buf: buf, vars: make([]reflect.Value, p.nslots)}
	st.vars[p.slot] = data
	return p.root(st, data)
}

// state is one execution: where it writes and its variables, each in the
// slot the compiler gave it.
type state struct {
	buf  *bytes.Buffer
	vars []reflect.Value
}

// errFallback stops a compiled execution that met what only html/template
// can report (a nil pointer).
var errFallback = errors.New("htmlexec: run through html/template")

// errUnsupported stops compiling a template that uses what the compiler
// does not know.
var errUnsupported = errors.New("htmlexec: not compiled")

// exec writes a node's output; value evaluates a node.
type (
	exec  func(st *state, dot reflect.Value) error
	value func(st *state, dot reflect.Value) (reflect.Value, error)
)

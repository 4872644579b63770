package htmlexec

import (
	"html/template"
	"reflect"
	"text/template/parse"
)

// maxDepth bounds nested template calls; deeper ones (recursion) are left
// to html/template.
const maxDepth = 16

// compiler turns escaped parse trees into closures for static data types.
type compiler struct {
	set    *template.Template
	scope  []variable // the variables in scope, innermost last
	nslots int
}

// variable is a template variable and the state slot that holds it.
type variable struct {
	name string
	typ  reflect.Type
	slot int
}

// declare adds a variable to the scope in a new slot.
func (c *compiler) declare(name string, typ reflect.Type) int {
	slot := c.nslots
	c.nslots++
	c.scope = append(c.scope, variable{name, typ, slot})
	return slot
}

// template compiles the named template for dot of type typ, in a scope of
// its own where $ is dot, and returns the slot of $.
func (c *compiler) template(name string, typ reflect.Type, depth int) (exec, int, error) {
	t := c.set.Lookup(name)
	if depth > maxDepth || t == nil || t.Tree == nil || t.Tree.Root == nil {
		return nil, 0, errUnsupported
	}
	outer := c.scope
	c.scope = nil
	slot := c.declare("$", typ)
	e, err := c.list(t.Tree.Root, typ, depth)
	c.scope = outer
	return e, slot, err
}

// list compiles the nodes of l in order; a nil list writes nothing.
func (c *compiler) list(l *parse.ListNode, dot reflect.Type, depth int) (exec, error) {
	var parts []exec
	if l != nil {
		for _, n := range l.Nodes {
			e, err := c.node(n, dot, depth)
			if err != nil {
				return nil, err
			}
			if e != nil {
				parts = append(parts, e)
			}
		}
	}
	return func(st *state, d reflect.Value) error {
		for _, e := range parts {
			if err := e(st, d); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// node compiles one node of a list.
func (c *compiler) node(n parse.Node, dot reflect.Type, depth int) (exec, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		text := n.Text
		return func(st *state, _ reflect.Value) error { st.buf.Write(text); return nil }, nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		return c.action(n.Pipe, dot)
	case *parse.IfNode:
		return c.branch(&n.BranchNode, dot, depth, false)
	case *parse.WithNode:
		return c.branch(&n.BranchNode, dot, depth, true)
	case *parse.RangeNode:
		return c.rangeNode(n, dot, depth)
	case *parse.TemplateNode:
		return c.call(n, dot, depth)
	}
	return nil, errUnsupported
}

// action compiles {{value | escaper | ...}}, the form html/template gives
// every action that prints.
func (c *compiler) action(p *parse.PipeNode, dot reflect.Type) (exec, error) {
	if len(p.Decl) > 0 || len(p.Cmds) < 2 {
		return nil, errUnsupported
	}
	v, typ, err := c.command(p.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	str, ct, err := stringify(typ)
	if err != nil {
		return nil, err
	}
	escs, err := escaperChain(p.Cmds[1:], ct)
	if err != nil {
		return nil, err
	}
	first, last := escs[0], escs[len(escs)-1]
	if len(escs) == 1 {
		return func(st *state, d reflect.Value) error {
			x, err := v(st, d)
			if err == nil {
				first.write(st.buf, str(x), ct)
			}
			return err
		}, nil
	}
	mid := escs[1 : len(escs)-1]
	return func(st *state, d reflect.Value) error {
		x, err := v(st, d)
		if err != nil {
			return err
		}
		s := first.apply(str(x), ct)
		for _, e := range mid {
			s = e.apply(s, plain)
		}
		last.write(st.buf, s, plain)
		return nil
	}, nil
}

// escaperChain returns the escapers that cmds name; the first gets
// content of type ct, the others the plain string before them returned.
func escaperChain(cmds []*parse.CommandNode, ct contentType) ([]*escaper, error) {
	escs := make([]*escaper, len(cmds))
	for i, cmd := range cmds {
		if len(cmd.Args) != 1 {
			return nil, errUnsupported
		}
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok || escapers[id.Ident] == nil {
			return nil, errUnsupported
		}
		escs[i] = escapers[id.Ident]
		if i > 0 {
			ct = plain
		}
		if !escs[i].handles(ct) {
			return nil, errUnsupported
		}
	}
	return escs, nil
}

// branch compiles {{if}} or, when with is set, {{with}}.
func (c *compiler) branch(b *parse.BranchNode, dot reflect.Type, depth int, with bool) (exec, error) {
	if len(b.Pipe.Decl) > 0 || len(b.Pipe.Cmds) != 1 {
		return nil, errUnsupported
	}
	v, typ, err := c.command(b.Pipe.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	truth, err := truthOf(typ)
	if err != nil {
		return nil, err
	}
	inner := dot
	if with {
		inner = typ
	}
	then, err := c.list(b.List, inner, depth)
	if err != nil {
		return nil, err
	}
	els, err := c.list(b.ElseList, dot, depth)
	if err != nil {
		return nil, err
	}
	return func(st *state, d reflect.Value) error {
		x, err := v(st, d)
		switch {
		case err != nil:
			return err
		case !truth(x):
			return els(st, d)
		case with:
			return then(st, x)
		}
		return then(st, d)
	}, nil
}

// rangeNode compiles {{range}} over a slice, with up to two variables
// declared (element; or index and element).
func (c *compiler) rangeNode(n *parse.RangeNode, dot reflect.Type, depth int) (exec, error) {
	p := n.Pipe
	if p.IsAssign || len(p.Decl) > 2 || len(p.Cmds) != 1 {
		return nil, errUnsupported
	}
	v, typ, err := c.command(p.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	if typ.Kind() != reflect.Slice || typ.Elem().Kind() == reflect.Interface {
		return nil, errUnsupported
	}
	elem, mark := typ.Elem(), len(c.scope)
	index, each := -1, -1
	if len(p.Decl) == 2 {
		index = c.declare(p.Decl[0].Ident[0], reflect.TypeFor[int]())
	}
	if len(p.Decl) > 0 {
		each = c.declare(p.Decl[len(p.Decl)-1].Ident[0], elem)
	}
	body, err := c.list(n.List, elem, depth)
	c.scope = c.scope[:mark]
	if err != nil {
		return nil, err
	}
	els, err := c.list(n.ElseList, dot, depth)
	if err != nil {
		return nil, err
	}
	return func(st *state, d reflect.Value) error {
		x, err := v(st, d)
		if err != nil {
			return err
		}
		if x.Len() == 0 {
			return els(st, d)
		}
		for i := range x.Len() {
			e := x.Index(i)
			if index >= 0 {
				st.vars[index] = reflect.ValueOf(i)
			}
			if each >= 0 {
				st.vars[each] = e
			}
			if err := body(st, e); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// call compiles {{template "name" pipeline}}.
func (c *compiler) call(n *parse.TemplateNode, dot reflect.Type, depth int) (exec, error) {
	if n.Pipe == nil || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 {
		return nil, errUnsupported
	}
	v, typ, err := c.command(n.Pipe.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	body, slot, err := c.template(n.Name, typ, depth+1)
	if err != nil {
		return nil, err
	}
	return func(st *state, d reflect.Value) error {
		x, err := v(st, d)
		if err != nil {
			return err
		}
		st.vars[slot] = x
		return body(st, x)
	}, nil
}

// truthOf returns text/template's truth test for values of type typ.
func truthOf(typ reflect.Type) (func(reflect.Value) bool, error) {
	switch typ.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return func(v reflect.Value) bool { return v.Len() > 0 }, nil
	case reflect.Bool:
		return reflect.Value.Bool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) bool { return v.Int() != 0 }, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) bool { return v.Uint() != 0 }, nil
	case reflect.Pointer, reflect.Chan, reflect.Func:
		return func(v reflect.Value) bool { return !v.IsNil() }, nil
	case reflect.Struct:
		return func(reflect.Value) bool { return true }, nil
	}
	return nil, errUnsupported
}

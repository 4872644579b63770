package htmlexec

import (
	"reflect"
	"strings"
	"text/template/parse"
)

// command compiles the command that starts a pipeline: a field chain, a
// variable, dot, or a builtin applied to such operands.
func (c *compiler) command(cmd *parse.CommandNode, dot reflect.Type) (value, reflect.Type, error) {
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		return c.builtin(id.Ident, cmd.Args[1:], dot)
	}
	if len(cmd.Args) != 1 {
		return nil, nil, errUnsupported
	}
	return c.operand(cmd.Args[0], dot)
}

// operand compiles a field chain, a variable (with its fields) or dot.
func (c *compiler) operand(n parse.Node, dot reflect.Type) (value, reflect.Type, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return func(_ *state, d reflect.Value) (reflect.Value, error) { return d, nil }, dot, nil
	case *parse.FieldNode:
		return fields(func(_ *state, d reflect.Value) (reflect.Value, error) { return d, nil }, dot, n.Ident)
	case *parse.VariableNode:
		for i := len(c.scope) - 1; i >= 0; i-- {
			if v := c.scope[i]; v.name == n.Ident[0] {
				slot := v.slot
				get := func(st *state, _ reflect.Value) (reflect.Value, error) { return st.vars[slot], nil }
				return fields(get, v.typ, n.Ident[1:])
			}
		}
	}
	return nil, nil, errUnsupported
}

// fields compiles the field chain names after base, of type typ. Like
// text/template, each step looks through one pointer; a nil one makes the
// execution fall back to html/template, which reports it.
func fields(base value, typ reflect.Type, names []string) (value, reflect.Type, error) {
	for _, name := range names {
		t, ptr := typ, typ.Kind() == reflect.Pointer
		if ptr {
			t = typ.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, nil, errUnsupported
		}
		f, ok := t.FieldByName(name)
		if !ok || !f.IsExported() || len(f.Index) != 1 || hasMethod(t, name) {
			return nil, nil, errUnsupported
		}
		prev, i := base, f.Index[0]
		base = func(st *state, d reflect.Value) (reflect.Value, error) {
			v, err := prev(st, d)
			if err != nil {
				return v, err
			}
			if ptr {
				if v.IsNil() {
					return v, errFallback
				}
				v = v.Elem()
			}
			return v.Field(i), nil
		}
		typ = f.Type
	}
	if typ.Kind() == reflect.Interface {
		return nil, nil, errUnsupported // the dynamic type decides
	}
	return base, typ, nil
}

// hasMethod reports whether t or *t has a method called name, which
// text/template would call instead of reading the field.
func hasMethod(t reflect.Type, name string) bool {
	_, ok := reflect.PointerTo(t).MethodByName(name)
	return ok
}

// builtin compiles a call of one of text/template's builtins.
func (c *compiler) builtin(name string, args []parse.Node, dot reflect.Type) (value, reflect.Type, error) {
	switch name {
	case "len":
		return c.length(args, dot)
	case "not":
		return c.not(args, dot)
	case "eq", "ne", "lt", "le", "gt", "ge":
		return c.compare(name, args, dot)
	}
	return nil, nil, errUnsupported
}

// length compiles len of an array, slice, map or string.
func (c *compiler) length(args []parse.Node, dot reflect.Type) (value, reflect.Type, error) {
	if len(args) != 1 {
		return nil, nil, errUnsupported
	}
	v, typ, err := c.operand(args[0], dot)
	if err != nil {
		return nil, nil, err
	}
	switch typ.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
	default:
		return nil, nil, errUnsupported
	}
	return func(st *state, d reflect.Value) (reflect.Value, error) {
		x, err := v(st, d)
		if err != nil {
			return x, err
		}
		return reflect.ValueOf(x.Len()), nil
	}, reflect.TypeFor[int](), nil
}

// not compiles not of an operand.
func (c *compiler) not(args []parse.Node, dot reflect.Type) (value, reflect.Type, error) {
	if len(args) != 1 {
		return nil, nil, errUnsupported
	}
	v, typ, err := c.operand(args[0], dot)
	if err != nil {
		return nil, nil, err
	}
	truth, err := truthOf(typ)
	if err != nil {
		return nil, nil, err
	}
	return func(st *state, d reflect.Value) (reflect.Value, error) {
		x, err := v(st, d)
		if err != nil {
			return x, err
		}
		return reflect.ValueOf(!truth(x)), nil
	}, reflect.TypeFor[bool](), nil
}

// compare compiles a comparison of two signed integers (operands or
// integer constants).
func (c *compiler) compare(op string, args []parse.Node, dot reflect.Type) (value, reflect.Type, error) {
	if len(args) != 2 {
		return nil, nil, errUnsupported
	}
	a, err := c.integer(args[0], dot)
	if err != nil {
		return nil, nil, err
	}
	b, err := c.integer(args[1], dot)
	if err != nil {
		return nil, nil, err
	}
	cmp := comparisons[op]
	return func(st *state, d reflect.Value) (reflect.Value, error) {
		x, err := a(st, d)
		if err != nil {
			return reflect.Value{}, err
		}
		y, err := b(st, d)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(cmp(x, y)), nil
	}, reflect.TypeFor[bool](), nil
}

// comparisons are the builtins' results for two integers.
var comparisons = map[string]func(x, y int64) bool{
	"eq": func(x, y int64) bool { return x == y },
	"ne": func(x, y int64) bool { return x != y },
	"lt": func(x, y int64) bool { return x < y },
	"le": func(x, y int64) bool { return x <= y },
	"gt": func(x, y int64) bool { return x > y },
	"ge": func(x, y int64) bool { return x >= y },
}

// integer compiles a signed integer operand or an integer constant.
func (c *compiler) integer(n parse.Node, dot reflect.Type) (func(*state, reflect.Value) (int64, error), error) {
	if num, ok := n.(*parse.NumberNode); ok {
		if !num.IsInt || num.IsComplex || strings.ContainsAny(num.Text, ".eEpP") {
			return nil, errUnsupported // text/template would see a float
		}
		k := num.Int64
		return func(*state, reflect.Value) (int64, error) { return k, nil }, nil
	}
	v, typ, err := c.operand(n, dot)
	if err != nil {
		return nil, err
	}
	switch typ.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
	default:
		return nil, errUnsupported
	}
	return func(st *state, d reflect.Value) (int64, error) {
		x, err := v(st, d)
		if err != nil {
			return 0, err
		}
		return x.Int(), nil
	}, nil
}

package content

import "time"

// kind is the shape of a front matter value.
type kind int

const (
	kindNull   kind = iota // no value (YAML "key:" or null)
	kindScalar             // text, number or bool written as a scalar
	kindTime               // a TOML date-time value
	kindList               // a list of scalars (items in field.list)
	kindOther              // a mapping, table or mixed list: never valid
)

// item is one scalar of a list, with its position.
type item struct {
	text string
	at   pos
	ok   bool // false when the item is not a scalar
}

// field is one top-level front matter entry, decoded from YAML or TOML into
// a common form so that both formats share the same validation.
type field struct {
	key   string // as written
	keyAt pos
	valAt pos
	kind  kind
	text  string // kindScalar: the scalar as written (YAML) or formatted (TOML)
	// isBool is set when the value is a boolean (YAML !!bool, TOML bool).
	isBool bool
	// when is set for kindTime; local reports a TOML local date or
	// date-time that must be read in the configured zone.
	when  time.Time
	local bool
	list  []item
}

// describe names the kind of a value for messages.
func (f *field) describe() string {
	switch f.kind {
	case kindNull:
		return "nothing"
	case kindScalar:
		return "a single value"
	case kindTime:
		return "a date"
	case kindList:
		return "a list"
	}
	return "a nested table"
}

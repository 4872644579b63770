package release

import (
	"slices"
	"strings"
)

// SameTag reports whether a and b name the same tag: case does not count,
// nor a leading '#' ("Sensitive", "#sensitive" and "sensitive" are one).
// Approval rules match a release's tags with it.
func SameTag(a, b string) bool {
	return strings.EqualFold(strings.TrimPrefix(a, "#"), strings.TrimPrefix(b, "#"))
}

// PrivateTags are workflow tags (those of approval rules): they steer how
// a release is approved and are kept out of everything public, the posts'
// hashtags and the newsroom alike. The zero value hides nothing.
type PrivateTags []string

// Has reports whether tag is one of p (by SameTag).
func (p PrivateTags) Has(tag string) bool {
	return slices.ContainsFunc(p, func(t string) bool { return SameTag(t, tag) })
}

// Public returns tags without the private ones, in order; tags itself
// when none is private.
func (p PrivateTags) Public(tags []string) []string {
	if len(p) == 0 || !slices.ContainsFunc(tags, p.Has) {
		return tags
	}
	return slices.DeleteFunc(slices.Clone(tags), p.Has)
}

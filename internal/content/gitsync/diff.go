package gitsync

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Changes lists the release files that differ between two commits, as
// paths relative to the content folder (Config.Subdir) with forward
// slashes, sorted. A rename is a removal plus an addition. Files lists the
// other files there (pictures) added, changed or removed.
type Changes struct {
	From, To                string // commits; From is "" when everything is reported as added
	Added, Changed, Removed []string
	Files                   []string
}

// Empty reports whether no file of the content folder changed.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Changed) == 0 && len(c.Removed) == 0 && len(c.Files) == 0
}

// entry is one line of `git diff --name-status -z`.
type entry struct {
	status   byte   // A, C, D, M, R, T, U, X
	src, dst string // dst is set for renames and copies only
}

// parseNameStatus reads the NUL-separated output of
// `git diff --name-status -z`: a status (with a score for R and C) followed
// by one path, or two for renames and copies.
func parseNameStatus(out []byte) ([]entry, error) {
	fields := bytes.Split(out, []byte{0})
	if n := len(fields); n > 0 && len(fields[n-1]) == 0 {
		fields = fields[:n-1]
	}
	var entries []entry
	for i := 0; i < len(fields); {
		st := fields[i]
		if len(st) == 0 {
			return nil, fmt.Errorf("empty status at field %d", i)
		}
		e := entry{status: st[0]}
		paths := 1
		if e.status == 'R' || e.status == 'C' {
			paths = 2
		}
		if i+paths >= len(fields) {
			return nil, fmt.Errorf("status %q at field %d lacks its path", st, i)
		}
		e.src = string(fields[i+1])
		if paths == 2 {
			e.dst = string(fields[i+2])
		}
		entries = append(entries, e)
		i += 1 + paths
	}
	return entries, nil
}

// classify turns diff entries into Changes for the release files under
// subdir ("" = the repository root).
func classify(entries []entry, subdir string) Changes {
	var c Changes
	add := func(list *[]string, p string) {
		if rel, ok := releasePath(p, subdir); ok {
			*list = append(*list, rel)
		} else if rel, ok := otherPath(p, subdir); ok {
			c.Files = append(c.Files, rel)
		}
	}
	for _, e := range entries {
		switch e.status {
		case 'A':
			add(&c.Added, e.src)
		case 'D':
			add(&c.Removed, e.src)
		case 'R':
			add(&c.Removed, e.src)
			add(&c.Added, e.dst)
		case 'C':
			add(&c.Added, e.dst)
		default: // M, T (type change), U, X: the file is there and may differ
			add(&c.Changed, e.src)
		}
	}
	for _, l := range []*[]string{&c.Added, &c.Changed, &c.Removed, &c.Files} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return c
}

// releasePath returns p relative to subdir when p is a release file there:
// *.md, not starting with "_" (Hugo's _index.md) and not inside a hidden
// folder, the same rule content.Load applies.
func releasePath(p, subdir string) (string, bool) {
	rel, ok := visiblePath(p, subdir)
	name := path.Base(rel)
	if !ok || !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, "_") {
		return "", false
	}
	return rel, true
}

// otherPath returns p relative to subdir when p is a file there that is
// not Markdown (a picture a release may name), outside hidden folders.
func otherPath(p, subdir string) (string, bool) {
	rel, ok := visiblePath(p, subdir)
	if !ok || strings.HasSuffix(rel, ".md") {
		return "", false
	}
	return rel, true
}

// visiblePath returns p relative to subdir when it lies there and no part
// of it is hidden (starts with ".").
func visiblePath(p, subdir string) (string, bool) {
	rel := p
	if subdir != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(p, subdir+"/"); !ok {
			return "", false
		}
	}
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") || part == "" {
			return "", false
		}
	}
	return rel, true
}

package content

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a problem invalidates a release.
type Severity int

// Severities. An error keeps the release out of Result.Releases; a warning
// does not.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Problem is one finding in one file. Line and Col are 1-based; Col counts
// characters (not bytes) from the start of the line.
type Problem struct {
	Path     string
	Line     int
	Col      int
	Severity Severity
	// Message says what is wrong and what to do about it.
	Message string
	// LeftOut names, for a warning that the newsroom leaves a local
	// picture out (a link leading out of the content folder, a file that
	// cannot be read), that picture as a slash path under the content
	// folder; "" otherwise. A build that also reports the pictures it
	// left out can then say each once.
	LeftOut string
}

// String formats p as "path:line:col: message", with "warning: " before
// the message of a warning.
func (p Problem) String() string {
	if p.Severity == SeverityWarning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", p.Path, p.Line, p.Col, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Path, p.Line, p.Col, p.Message)
}

// SortProblems orders problems by path, line, column, then message.
func SortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// HasErrors reports whether any problem in ps is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// pos is a 1-based position in a file.
type pos struct{ line, col int }

// problems collects the findings for one file.
type problems struct {
	path string
	list []Problem
}

// errorf records an error at p.
func (ps *problems) errorf(p pos, format string, args ...any) {
	ps.add(p, SeverityError, fmt.Sprintf(format, args...))
}

// warnf records a warning at p.
func (ps *problems) warnf(p pos, format string, args ...any) {
	ps.add(p, SeverityWarning, fmt.Sprintf(format, args...))
}

// leftOut marks the last problem recorded as about picture img, which
// the newsroom leaves out (Problem.LeftOut).
func (ps *problems) leftOut(img string) {
	if n := len(ps.list); n > 0 {
		ps.list[n-1].LeftOut = strings.TrimLeft(img, "/")
	}
}

func (ps *problems) add(p pos, sev Severity, msg string) {
	p.line = max(p.line, 1)
	p.col = max(p.col, 1)
	np := Problem{Path: ps.path, Line: p.line, Col: p.col, Severity: sev, Message: msg}
	if n := len(ps.list); n > 0 && ps.list[n-1] == np {
		return // the same finding again (list entries from one alias)
	}
	ps.list = append(ps.list, np)
}

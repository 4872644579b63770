package textlen

import (
	"strings"
	"testing"
)

// TestPathologicalInputs keeps the scanners linear on inputs built to make
// a backtracking matcher slow; a quadratic scanner takes minutes here.
func TestPathologicalInputs(t *testing.T) {
	inputs := map[string]string{
		"dotted run":      strings.Repeat("a.", 50000),
		"dotted words":    strings.Repeat("ab.cd-", 20000),
		"scheme and CJK":  "http://" + strings.Repeat("故", 50000),
		"many schemes":    strings.Repeat("http://a", 20000),
		"open parens":     "http://a.com/" + strings.Repeat("(", 50000),
		"nested parens":   "http://a.com/" + strings.Repeat("(a", 50000),
		"long path":       "http://a.com/" + strings.Repeat("a,", 50000),
		"query":           "http://a.com/?" + strings.Repeat("?", 50000),
		"ampersands":      strings.Repeat("&#", 50000),
		"unclosed tags":   strings.Repeat("<a href='", 20000),
		"emoji tail":      "👍" + strings.Repeat("\u200d👍", 30000),
		"combining marks": "a" + strings.Repeat("\u0301", 50000),
		"words":           strings.Repeat("word ", 20000),
		"one long word":   strings.Repeat("x", 100000),
	}
	for name, s := range inputs {
		t.Run(name, func(t *testing.T) {
			XWeight(s)
			TelegramLen(s)
			head, rest := CutX(s, XMaxWeight)
			checkCut(t, s, XMaxWeight, head, rest)
		})
	}
}

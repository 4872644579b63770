package content

import "testing"

// TestDefaultSummary checks the summary taken from the body.
func TestDefaultSummary(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"plain", "First para\ncontinues.\n\nSecond.\n", "First para continues."},
		{"emphasis", "**6 February 2020, Tashkent** – The *UN* and __EU__ _met_ ~~not~~.\n", "6 February 2020, Tashkent – The UN and EU met not."},
		{"links and images", "See [the page](https://x.org \"t\") ![pic](a.jpg) and [ref][1].\n", "See the page and ref."},
		{"code and escapes", "Run `pressbot check` \\*now\\*.\n", "Run pressbot check *now*."},
		{"inner underscores kept", "Use snake_case_names and 2*3*4.\n", "Use snake_case_names and 2*3*4."},
		{"skips heading list quote", "# Title\n\n- item\nlazy line\n\n> quote\n\n1. one\n\nThe lead.\n", "The lead."},
		{"skips code fence", "```\ncode\n\nmore code\n```\n\nAfter code.\n", "After code."},
		{"skips html and table", "<div>x</div>\n\n| a | b |\n|---|---|\n\nText.\n", "Text."},
		{"inline html dropped", "A <b>bold</b> word<br>and <!-- a note --> a <a href=\"https://x.org\">link</a>.\n", "A bold wordand a link."},
		{"escaped bracket kept", "An \\<b> is text, as is <https://x.org>.\n", "An <b> is text, as is <https://x.org>."},
		{"emphasis at line start", "*Lead* in italics.\n", "Lead in italics."},
		{"no paragraph", "## Only a heading\n\n- a list\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := defaultSummary(tt.body); got != tt.want {
				t.Errorf("defaultSummary(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

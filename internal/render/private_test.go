package render

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/config"
)

// TestPrivateTags checks that the tag of an approval rule becomes no
// hashtag on any channel unless the rule says public: true, whatever its
// case or a leading '#': the posts are exactly those of the release
// without that tag.
func TestPrivateTags(t *testing.T) {
	sensitive := []config.ApprovalRule{{Tag: "sensitive", Required: 2}}
	tests := []struct {
		name   string
		tags   string // the front matter's list
		rules  []config.ApprovalRule
		public []string // the tags that stay
	}{
		{"private", `["sensitive", "water"]`, sensitive, []string{"water"}},
		{"public: true", `["sensitive", "water"]`, []config.ApprovalRule{{Tag: "sensitive", Required: 2, Public: true}}, []string{"sensitive", "water"}},
		{"tag in another case", `["Sensitive", "water"]`, sensitive, []string{"water"}},
		{"tag with #", `["#sensitive", "water"]`, sensitive, []string{"water"}},
		{"rule with # and capitals", `["water", "sensitive"]`, []config.ApprovalRule{{Tag: "#SENSITIVE", Required: 2}}, []string{"water"}},
		{"only private tags", `["sensitive"]`, sensitive, nil},
		{"no rule", `["sensitive", "water"]`, nil, []string{"sensitive", "water"}},
	}
	plain := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			private := config.Approval{Rules: tt.rules}.PrivateTags()
			r, err := New(Config{BaseURL: testBase, Channels: testChannels, PrivateTags: private})
			if err != nil {
				t.Fatal(err)
			}
			fm := strings.Replace(frontMatter("Water deal"), `["water", "climate"]`, tt.tags, 1)
			rel := parseRelease(t, "2024/water", []byte(fm+"Five countries signed.\n"))
			got, err := r.Render(rel)
			if err != nil {
				t.Fatal(err)
			}
			without := rel
			without.Tags = tt.public
			want, err := plain.Render(without)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("posts differ from those of the release tagged only %q:\ngot  %+v\nwant %+v", tt.public, got, want)
			}
			hidden := private.Has("sensitive")
			for _, p := range got {
				var text strings.Builder
				for _, part := range p.Parts {
					text.WriteString(part.Text + "\n")
				}
				if strings.Contains(text.String(), "#Sensitive") == hidden {
					t.Errorf("%s: private %v, but the post is:\n%s", p.Channel, hidden, text.String())
				}
			}
		})
	}
}

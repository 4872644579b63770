package release

import (
	"slices"
	"testing"
)

// TestSameTag checks that case and a leading '#' do not count.
func TestSameTag(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sensitive", "sensitive", true},
		{"Sensitive", "sensitive", true},
		{"#sensitive", "SENSITIVE", true},
		{"#Sensitive", "#sensitive", true},
		{"sensitive", "sensitive-info", false},
		{"##sensitive", "sensitive", false},
		{"Выборы", "#выборы", true},
	}
	for _, tt := range tests {
		if got := SameTag(tt.a, tt.b); got != tt.want {
			t.Errorf("SameTag(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestPrivateTagsPublic checks that Public drops the private tags, keeps
// the order of the others and leaves its argument alone.
func TestPrivateTagsPublic(t *testing.T) {
	tags := []string{"a", "Secret", "b", "#secret"}
	tests := []struct {
		private PrivateTags
		want    []string
	}{
		{nil, tags},
		{PrivateTags{"other"}, tags},
		{PrivateTags{"#secret"}, []string{"a", "b"}},
		{PrivateTags{"secret", "A"}, []string{"b"}},
	}
	for _, tt := range tests {
		if got := tt.private.Public(tags); !slices.Equal(got, tt.want) {
			t.Errorf("%q.Public = %q, want %q", tt.private, got, tt.want)
		}
	}
	if !slices.Equal(tags, []string{"a", "Secret", "b", "#secret"}) {
		t.Errorf("Public changed its argument to %q", tags)
	}
}

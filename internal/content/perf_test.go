package content

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// TestParseKeepsNoData checks that a parsed release and its problems hold
// no part of the data they were parsed from: the loader reuses its read
// buffer for the next file.
func TestParseKeepsNoData(t *testing.T) {
	var inputs [][]byte
	for _, c := range fastYAMLCases {
		inputs = append(inputs, []byte("---\n"+c.fm+"---\nBody text.\n"))
	}
	names, _ := filepath.Glob(filepath.Join("testdata", "files", "*", "*.md"))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	inputs = append(inputs, []byte("+++\ntitle = 'T'\ndate = 2020-02-06\ntags = ['a']\n+++\nBody.\n"))
	for _, data := range inputs {
		r, ps := Parse("f.md", "f", data, Options{})
		wantR, wantPs := Parse("f.md", "f", append([]byte(nil), data...), Options{})
		for i := range data {
			data[i] = 'x'
		}
		if !reflect.DeepEqual(r, wantR) || !reflect.DeepEqual(ps, wantPs) {
			t.Errorf("overwriting the data changed what was parsed from it:\n%+v\n%+v", r, wantR)
		}
	}
}

// TestMaxCanonical checks that a fieldSet can hold every canonical key.
func TestMaxCanonical(t *testing.T) {
	canon := map[string]bool{}
	for _, c := range canonicalKeys {
		canon[c] = true
	}
	if len(canon) > maxCanonical {
		t.Fatalf("%d canonical keys, a fieldSet holds %d: raise maxCanonical", len(canon), maxCanonical)
	}
}

// TestLangTagCache checks that cached lang answers equal fresh ones, and
// that the cache stays bounded.
func TestLangTagCache(t *testing.T) {
	s := Options{}.resolve()
	values := []string{"en", "EN", "ru", "uz-cyrl", "uz-Latn-UZ", "en_GB", "english", "x", "i-klingon", "zh-min-nan"}
	for range 2 {
		for _, v := range values {
			want, wantOK := "", false
			if tag, err := language.Parse(v); err == nil && !strings.Contains(v, "_") {
				want, wantOK = tag.String(), true
			}
			if got, ok := s.langTag(v); got != want || ok != wantOK {
				t.Errorf("langTag(%q) = %q, %v; want %q, %v", v, got, ok, want, wantOK)
			}
		}
	}
	for i := range 2 * maxLangTags {
		s.langTag(strconv.Itoa(i))
	}
	if len(s.langTags) > maxLangTags {
		t.Errorf("the cache holds %d entries, more than %d", len(s.langTags), maxLangTags)
	}
}

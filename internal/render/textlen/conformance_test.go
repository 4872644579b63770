package textlen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// conformanceDir holds twitter-text's own test data (Apache 2.0, see LICENSE there).
var conformanceDir = filepath.Join("testdata", "twitter-text")

type weightedCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    struct {
		WeightedLength *int `yaml:"weightedLength"`
	} `yaml:"expected"`
}

// loadWeightedCases reads one section of validate.yml.
func loadWeightedCases(t *testing.T, section string) []weightedCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, "validate.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// Other sections have booleans under "expected": decode this one only.
	var doc struct {
		Tests map[string]yaml.Node `yaml:"tests"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("validate.yml: %v", err)
	}
	node, ok := doc.Tests[section]
	if !ok {
		t.Fatalf("validate.yml: no section %s", section)
	}
	var cases []weightedCase
	if err := node.Decode(&cases); err != nil {
		t.Fatalf("validate.yml: section %s: %v", section, err)
	}
	if len(cases) == 0 {
		t.Fatalf("validate.yml: no cases in section %s", section)
	}
	return cases
}

// TestTwitterTextConformance runs every case of the weighted-length
// sections of twitter-text's validate.yml. WeightedTweetsCounterTest is
// twitter-text's v2 configuration (no emoji parsing);
// WeightedTweetsWithDiscountedEmojiCounterTest is v3, what XWeight does;
// UnicodeDirectionalMarkerCounterTest adds bidi marks around a URL.
func TestTwitterTextConformance(t *testing.T) {
	sections := []struct {
		name  string
		emoji bool
	}{
		{"WeightedTweetsCounterTest", false},
		{"WeightedTweetsWithDiscountedEmojiCounterTest", true},
		{"UnicodeDirectionalMarkerCounterTest", true},
	}
	total := 0
	for _, sec := range sections {
		cases := loadWeightedCases(t, sec.name)
		for i, c := range cases {
			if c.Expected.WeightedLength == nil {
				t.Fatalf("%s[%d] %q: no expected weightedLength", sec.name, i, c.Description)
			}
			got := weigh(c.Text, sec.emoji)
			if sec.emoji && got != XWeight(c.Text) {
				t.Errorf("%s[%d]: XWeight differs from weigh(emoji)", sec.name, i)
			}
			if got != *c.Expected.WeightedLength {
				t.Errorf("%s[%d] %q: weight %d, want %d (text %.80q)", sec.name, i, c.Description, got, *c.Expected.WeightedLength, c.Text)
			}
			total++
		}
	}
	t.Logf("%d twitter-text conformance cases checked", total)
}

// TestConfigV3Ranges checks runeWeight against config-v3.json itself.
func TestConfigV3Ranges(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(conformanceDir, "config-v3.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		MaxWeightedTweetLength int  `json:"maxWeightedTweetLength"`
		Scale                  int  `json:"scale"`
		DefaultWeight          int  `json:"defaultWeight"`
		EmojiParsingEnabled    bool `json:"emojiParsingEnabled"`
		TransformedURLLength   int  `json:"transformedURLLength"`
		Ranges                 []struct {
			Start, End, Weight int
		} `json:"ranges"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.MaxWeightedTweetLength != XMaxWeight || cfg.TransformedURLLength != XURLWeight || !cfg.EmojiParsingEnabled {
		t.Fatalf("config-v3.json disagrees with the constants: %+v", cfg)
	}
	inRange := func(r rune) int {
		for _, rg := range cfg.Ranges {
			if int(r) >= rg.Start && int(r) <= rg.End {
				return rg.Weight / cfg.Scale
			}
		}
		return cfg.DefaultWeight / cfg.Scale
	}
	for _, rg := range cfg.Ranges {
		for _, r := range []rune{rune(rg.Start - 1), rune(rg.Start), rune(rg.End), rune(rg.End + 1)} {
			if r < 0 {
				continue
			}
			if got, want := runeWeight(r), inRange(r); got != want {
				t.Errorf("runeWeight(U+%04X) = %d, want %d", r, got, want)
			}
		}
	}
	for _, r := range []rune{0x1F600, 0x4E00, 0x2026, 0x10FFFF} {
		if got, want := runeWeight(r), inRange(r); got != want {
			t.Errorf("runeWeight(U+%04X) = %d, want %d", r, got, want)
		}
	}
}

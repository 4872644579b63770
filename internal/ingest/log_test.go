package ingest

import (
	"os/exec"
	"testing"
)

// TestShellWord checks that the approve command logged for a release can
// be pasted into a shell as it is: sh gives back the ID unchanged.
func TestShellWord(t *testing.T) {
	for _, id := range []string{"2020/imts-success", "2020/пресс релиз 1", "2020/it's", `2020/"$HOME" a\b`} {
		out, err := exec.Command("sh", "-c", "printf %s "+shellWord(id)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != id {
			t.Errorf("shellWord(%q) = %s, which sh reads as %q", id, shellWord(id), out)
		}
	}
	if got := shellWord("2020/imts-success"); got != "2020/imts-success" {
		t.Errorf("a plain ID is quoted: %s", got)
	}
}

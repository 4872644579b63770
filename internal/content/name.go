package content

import (
	"fmt"
	"strings"
)

// badNameChars are the characters a release's file or folder name cannot
// hold: the name becomes the path of the release's page (/releases/{id}/),
// and these would end or bend that path ("?" starts a query, "#" a
// fragment, "%" an escape, "\" a Windows separator).
const badNameChars = `?#%\`

// nameProblem says what is wrong with release ID id as part of a web
// address, and what to rename; "" when nothing is.
func nameProblem(id string) string {
	i := strings.IndexFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f || strings.ContainsRune(badNameChars, r) })
	if i < 0 {
		return ""
	}
	segs := strings.Split(id, "/")
	n := strings.Count(id[:i], "/")
	what, name, fixed := "folder", segs[n], suggestName(segs[n])
	if n == len(segs)-1 {
		what, name, fixed = "file", name+".md", fixed+".md"
	}
	return fmt.Sprintf("%s name %q holds %q, which a web address cannot carry (this release's page would be /releases/%s/): rename the %s without ? # %% \\ or control characters, for example to %q",
		what, name, id[i:i+1], id, what, fixed)
}

// suggestName replaces the characters nameProblem refuses, and spaces, by
// hyphens, one for each run.
func suggestName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(badNameChars, r) {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	return strings.TrimRight(b.String(), "-")
}

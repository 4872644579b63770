package fastparser

import (
	"testing"

	"github.com/yuin/goldmark/text"
)

// TestAdvanceSameAsGoldmark compares advance with BlockReader.Advance
// from every position of blocks of one to three lines, with and without
// newlines and padding, for every n up to past the block's end.
func TestAdvanceSameAsGoldmark(t *testing.T) {
	src := []byte("abc\ndefg\nhi\n")
	blocks := map[string][]text.Segment{
		"one line":              {{Start: 0, Stop: 3}},
		"one line, newline":     {{Start: 0, Stop: 4}},
		"lines, last trimmed":   {{Start: 0, Stop: 4}, {Start: 4, Stop: 8}},
		"lines without ends":    {{Start: 0, Stop: 3}, {Start: 4, Stop: 8}, {Start: 9, Stop: 11}},
		"padded last line":      {{Start: 0, Stop: 4}, {Start: 4, Stop: 8, Padding: 2}},
		"padded only line":      {{Start: 4, Stop: 8, Padding: 1}},
		"empty line at the end": {{Start: 0, Stop: 4}, {Start: 12, Stop: 12}},
	}
	for name, segs := range blocks {
		lines := text.NewSegments()
		for _, s := range segs {
			lines.Append(s)
		}
		for line := range segs {
			for skip := 0; skip <= 4; skip++ {
				for n := 1; n <= 12; n++ {
					want, got := text.NewBlockReader(src, lines), text.NewBlockReader(src, lines)
					for _, r := range []text.BlockReader{want, got} {
						for range line {
							r.AdvanceLine()
						}
						r.Advance(skip)
					}
					want.Advance(n)
					advance(got, n, lastStop(lines))
					wl, wp := want.Position()
					gl, gp := got.Position()
					if wl != gl || wp != gp {
						t.Errorf("%s, line %d, after %d, advance %d: got line %d %+v, want line %d %+v", name, line, skip, n, gl, gp, wl, wp)
					}
				}
			}
		}
	}
}

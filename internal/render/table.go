package render

import (
	"strings"

	"github.com/rivo/uniseg"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// table renders a GFM table as aligned columns of plain text, inside a
// <pre> block for Telegram so that the columns line up in a monospace font.
func (nr *nodeRenderer) table(bw util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	w := bw.(*writer)
	rows, aligns := nr.tableCells(w, source, n.(*east.Table))
	text := layoutTable(rows, aligns)
	if strings.TrimSpace(text) == "" {
		return ast.WalkSkipChildren, nil
	}
	w.brk(2)
	w.block()
	w.tag("<pre>")
	w.literal([]byte(text))
	w.tag("</pre>")
	w.brk(2)
	return ast.WalkSkipChildren, nil
}

// tableCells returns the plain text of every cell, row by row (the header
// first), and the column alignments.
func (nr *nodeRenderer) tableCells(w *writer, source []byte, t *east.Table) ([][]string, []east.Alignment) {
	var rows [][]string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var row []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cw := newWriter(false, w.base)
			_ = nr.cells.Render(cw, source, c) // a *writer never fails
			row = append(row, strings.Join(strings.Fields(cw.String()), " "))
		}
		rows = append(rows, row)
	}
	return rows, t.Alignments
}

// layoutTable pads cells to their column's display width (wide CJK
// characters count two) and draws a rule under the header row.
func layoutTable(rows [][]string, aligns []east.Alignment) string {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], uniseg.StringWidth(c))
		}
	}
	var b strings.Builder
	for ri, row := range rows {
		if ri > 0 {
			b.WriteByte('\n')
		}
		var line strings.Builder
		for i := range widths {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			if i > 0 {
				line.WriteString(" │ ")
			}
			align := east.AlignNone
			if i < len(aligns) {
				align = aligns[i]
			}
			line.WriteString(pad(cell, widths[i], align))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		if ri == 0 && len(rows) > 1 {
			b.WriteByte('\n')
			for i, wd := range widths {
				if i > 0 {
					b.WriteString("─┼─")
				}
				b.WriteString(strings.Repeat("─", wd))
			}
		}
	}
	return b.String()
}

// pad fills s with spaces to width columns, aligned as a says.
func pad(s string, width int, a east.Alignment) string {
	gap := width - uniseg.StringWidth(s)
	if gap <= 0 {
		return s
	}
	switch a {
	case east.AlignRight:
		return strings.Repeat(" ", gap) + s
	case east.AlignCenter:
		return strings.Repeat(" ", gap/2) + s + strings.Repeat(" ", gap-gap/2)
	}
	return s + strings.Repeat(" ", gap)
}

// Command baseline is the yardstick for `pressbot build -all`: the least a
// static generator must do with the same files. It reads every *.md under
// a directory, splits off the front matter (without parsing it), renders the
// body with goldmark's defaults and writes one HTML file per release.
//
//	go run ./bench/build/baseline -in DIR -out DIR [-j N]
//
// -j sets the number of workers (default 1: plain sequential goldmark).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark"
)

func main() {
	in := flag.String("in", "", "directory of Markdown files")
	out := flag.String("out", "", "output directory")
	jobs := flag.Int("j", 1, "workers")
	flag.Parse()
	if *in == "" || *out == "" || *jobs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	n, err := run(*in, *out, *jobs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	fmt.Printf("baseline: %d files\n", n)
}

// run converts every file under in and returns how many it wrote.
func run(in, out string, jobs int) (int, error) {
	var files []string
	err := filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	md := goldmark.New()
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range jobs {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := int(next.Add(1)) - 1; i < len(files); i = int(next.Add(1)) - 1 {
				if err := convert(md, &buf, in, out, files[i]); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return len(files), first
}

// convert renders one file to out/{id}/index.html.
func convert(md goldmark.Markdown, buf *bytes.Buffer, in, out, p string) error {
	src, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	_, body := splitFrontMatter(src)
	buf.Reset()
	buf.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n")
	if err := md.Convert(body, buf); err != nil {
		return err
	}
	buf.WriteString("</body></html>\n")
	rel, _ := filepath.Rel(in, p)
	dst := filepath.Join(out, strings.TrimSuffix(rel, ".md"), "index.html")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}

// splitFrontMatter returns the front matter between the first two "---"
// (or "+++") lines and the rest.
func splitFrontMatter(src []byte) (fm, body []byte) {
	for _, delim := range []string{"---", "+++"} {
		if !bytes.HasPrefix(src, []byte(delim+"\n")) {
			continue
		}
		rest := src[len(delim)+1:]
		if i := bytes.Index(rest, []byte("\n"+delim+"\n")); i >= 0 {
			return rest[:i], rest[i+len(delim)+2:]
		}
	}
	return nil, src
}

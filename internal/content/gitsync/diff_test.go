package gitsync

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseNameStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []entry
		wantErr bool
	}{
		{"empty", "", nil, false},
		{"add modify delete", "A\x00a.md\x00M\x00b c.md\x00D\x00d.md\x00",
			[]entry{{'A', "a.md", ""}, {'M', "b c.md", ""}, {'D', "d.md", ""}}, false},
		{"rename with score", "R087\x00old.md\x00new dir/new.md\x00", []entry{{'R', "old.md", "new dir/new.md"}}, false},
		{"copy and type change", "C100\x00a.md\x00b.md\x00T\x00l.md\x00", []entry{{'C', "a.md", "b.md"}, {'T', "l.md", ""}}, false},
		{"odd name", "A\x00tab\there\n\"q\".md\x00", []entry{{'A', "tab\there\n\"q\".md", ""}}, false},
		{"missing path", "M\x00", nil, true},
		{"rename missing target", "R100\x00a.md\x00", nil, true},
		{"empty status", "\x00a.md\x00", nil, true},
	}
	for _, tt := range tests {
		got, err := parseNameStatus([]byte(tt.in))
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parseNameStatus = %q, %v; want %q, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReleasePath(t *testing.T) {
	tests := []struct {
		path, subdir, want string
		ok                 bool
	}{
		{"content/2020/a.md", "content", "2020/a.md", true},
		{"content/a.md", "", "content/a.md", true},
		{"contentx/a.md", "content", "", false},
		{"content.md", "content", "", false},
		{"content/_index.md", "content", "", false},
		{"content/.hidden/a.md", "content", "", false},
		{".github/a.md", "", "", false},
		{"content/a.markdown", "content", "", false},
		{"content/a.md.txt", "content", "", false},
		{"site/content/a.md", "site/content", "a.md", true},
	}
	for _, tt := range tests {
		got, ok := releasePath(tt.path, tt.subdir)
		if got != tt.want || ok != tt.ok {
			t.Errorf("releasePath(%q, %q) = %q, %v; want %q, %v", tt.path, tt.subdir, got, ok, tt.want, tt.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	entries := []entry{
		{'M', "c/b.md", ""}, {'A', "c/a.md", ""}, {'D', "c/z.md", ""},
		{'R', "c/old.md", "c/new.md"}, {'R', "c/x.txt", "c/x.md"}, {'R', "c/y.md", "elsewhere/y.md"},
		{'C', "c/a.md", "c/copy.md"}, {'T', "c/link.md", ""}, {'A', "c/n.txt", ""},
		{'M', "c/images/p.jpg", ""}, {'M', "c/.hidden/p.jpg", ""}, {'M', "elsewhere/p.jpg", ""}, {'M', "c/_index.md", ""},
	}
	got := classify(entries, "c")
	want := Changes{Added: []string{"a.md", "copy.md", "new.md", "x.md"}, Changed: []string{"b.md", "link.md"}, Removed: []string{"old.md", "y.md", "z.md"},
		Files: []string{"images/p.jpg", "n.txt", "x.txt"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("classify = %+v, want %+v", got, want)
	}
}

func FuzzParseNameStatus(f *testing.F) {
	for _, s := range []string{"", "A\x00a.md\x00", "R100\x00a.md\x00b.md\x00", "M\x00", "C050\x00a\x00", "\x00\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		entries, err := parseNameStatus(in)
		if err != nil {
			return
		}
		// Every field of the input is consumed: one status plus one path,
		// or two for renames and copies.
		n := 0
		for _, e := range entries {
			n += 2
			if e.status == 'R' || e.status == 'C' {
				n++
			}
		}
		var fields []string
		if len(in) > 0 {
			fields = strings.Split(strings.TrimSuffix(string(in), "\x00"), "\x00")
		}
		if n != len(fields) {
			t.Fatalf("%d fields consumed of %d in %q", n, len(fields), in)
		}
		c := classify(entries, "content")
		for _, p := range c.Files {
			if strings.HasSuffix(p, ".md") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, ".") {
				t.Fatalf("classify produced file %q from %q", p, in)
			}
		}
		for _, l := range [][]string{c.Added, c.Changed, c.Removed} {
			for _, p := range l {
				if !strings.HasSuffix(p, ".md") || strings.HasPrefix(p, "/") {
					t.Fatalf("classify produced %q from %q", p, in)
				}
			}
		}
	})
}

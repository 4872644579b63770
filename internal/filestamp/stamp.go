// Package filestamp tells whether a file may have changed since it was last
// looked at, without reading it, and names a file's kind for messages.
package filestamp

import "os"

// Stamp is what a file's metadata says about its contents: size and
// modification time, and where the platform has them, the inode and the
// change time. Programs can set a file's modification time back (cp -p,
// touch -r, tar, rsync -t), but not its change time, and a file renamed over
// another has a new inode: so two equal Stamps mean the same contents far
// more surely than size and modification time alone.
type Stamp struct {
	Size  int64
	Mtime int64 // nanoseconds since 1970
	Ctime int64 // nanoseconds since 1970; 0 where the platform has none
	Ino   uint64
}

// Of returns the stamp of a file from its FileInfo.
func Of(info os.FileInfo) Stamp {
	s := Stamp{Size: info.Size(), Mtime: info.ModTime().UnixNano()}
	addSys(&s, info)
	return s
}

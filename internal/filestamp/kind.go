package filestamp

import "io/fs"

// Kind names the kind of file that mode m describes, for messages: "a
// named pipe (FIFO)", "a device", "a socket", "a folder", "a symbolic
// link", "a regular file", or "a special file" for any other.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

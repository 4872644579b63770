//go:build !unix

package content

import (
	"io"
	"io/fs"
	"os"
)

// readLimited reads a file unless it is larger than MaxFileSize; it
// returns the size either way. It reads into buf when its capacity is
// enough. A file that is neither a regular file nor a folder is not read:
// the error is then a *notRegularError. Unless regular says the walker
// saw a regular file at path, what path leads to is looked at before it
// is opened.
func readLimited(path string, regular bool, buf []byte) ([]byte, int64, error) {
	if !regular {
		if st, err := os.Stat(path); err == nil && !readable(st.Mode()) {
			return nil, 0, &notRegularError{mode: st.Mode().Type()}
		}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !readable(st.Mode()) {
		return nil, 0, &notRegularError{mode: st.Mode().Type()}
	}
	if st.Size() > MaxFileSize {
		return nil, st.Size(), nil
	}
	data := readBuffer(buf, st.Size())
	for int64(len(data)) <= MaxFileSize {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := fh.Read(data[len(data):min(cap(data), MaxFileSize+1)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
	}
	return data, int64(len(data)), nil
}

// readable reports whether a file of mode m may be read: a regular file,
// or a folder, whose read fails at once, saying so.
func readable(m fs.FileMode) bool { return m.IsRegular() || m.IsDir() }

// openNonblock is the flag that opens a file without waiting for it: none
// where named pipes are no files in folders.
const openNonblock = 0

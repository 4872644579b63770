//go:build !unix

package content

import (
	"io"
	"os"
)

// readLimited reads a file unless it is larger than MaxFileSize; it
// returns the size either way. It reads into buf when its capacity is
// enough.
func readLimited(path string, buf []byte) ([]byte, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, 0, err
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

//go:build unix

package content

import (
	"io/fs"
	"syscall"
)

// readLimited reads a file unless it is larger than MaxFileSize; it
// returns the size either way. It reads into buf when its capacity is
// enough.
//
// It calls the system directly: an *os.File would also set the descriptor
// non-blocking, try to register it with the runtime's poller (an
// epoll_ctl that fails for a regular file) and allocate, about nine
// system calls for a file where open, fstat, read and close do. Errors
// are *fs.PathError, as from os.Open and (*os.File).Read, so that
// messages stay the same.
func readLimited(path string, buf []byte) ([]byte, int64, error) {
	fd, err := openRead(path)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	for {
		if err = syscall.Fstat(fd, &st); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	size := int64(st.Size)
	if size > MaxFileSize {
		return nil, size, nil
	}
	data, err := readFD(fd, readBuffer(buf, size), size)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return data, int64(len(data)), nil
}

// openRead opens path read-only and close-on-exec, retrying when
// interrupted by a signal.
func openRead(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// readFD appends what fd holds to data, up to one byte over MaxFileSize,
// and returns it. It reads until the end of the file, where read returns
// 0; but a short read that brings data to size, the size fstat gave, is
// the end already, which saves that last read. A file that grew since
// fstat fills the read it was given, so it is still read to its end.
func readFD(fd int, data []byte, size int64) ([]byte, error) {
	for int64(len(data)) <= MaxFileSize {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		free := data[len(data):min(cap(data), MaxFileSize+1)]
		n, err := syscall.Read(fd, free)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		data = data[:len(data)+n]
		if n == 0 || (n < len(free) && int64(len(data)) == size) {
			break
		}
	}
	return data, nil
}

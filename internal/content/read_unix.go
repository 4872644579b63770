//go:build unix

package content

import (
	"io/fs"
	"syscall"
)

// readLimited reads a file unless it is larger than MaxFileSize; it
// returns the size either way. It reads into buf when its capacity is
// enough. A file that is neither a regular file nor a folder is not read:
// the error is then a *notRegularError. Unless regular says the walker
// saw a regular file at path, what path leads to is looked at first, so
// that a device is never opened; and the file is opened without waiting
// (O_NONBLOCK), so that a named pipe put there meanwhile cannot hang the
// load, then checked again.
//
// It calls the system directly: an *os.File would also try to register
// the descriptor with the runtime's poller (an epoll_ctl that fails for a
// regular file) and allocate, about nine system calls for a file where
// open, fstat, read and close do. Errors are *fs.PathError, as from
// os.Open and (*os.File).Read, so that messages stay the same.
func readLimited(path string, regular bool, buf []byte) ([]byte, int64, error) {
	var st syscall.Stat_t
	if !regular {
		err := syscall.Stat(path, &st)
		for err == syscall.EINTR {
			err = syscall.Stat(path, &st)
		}
		// An error is left to open, which reports it as os.Open does.
		if err == nil && !readable(uint32(st.Mode)) {
			return nil, 0, &notRegularError{mode: fileType(uint32(st.Mode))}
		}
	}
	fd, err := openRead(path)
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	for {
		if err = syscall.Fstat(fd, &st); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if !readable(uint32(st.Mode)) {
		return nil, 0, &notRegularError{mode: fileType(uint32(st.Mode))}
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

// readable reports whether a file of stat mode m may be read: a regular
// file, or a folder, whose read fails at once (EISDIR), saying so.
func readable(m uint32) bool {
	t := m & syscall.S_IFMT
	return t == syscall.S_IFREG || t == syscall.S_IFDIR
}

// fileType is the fs.FileMode type bits of stat mode m.
func fileType(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	}
	return fs.ModeIrregular
}

// openRead opens path read-only and close-on-exec, retrying when
// interrupted by a signal. It does not wait for a writer when path is a
// named pipe (O_NONBLOCK, which changes nothing for a regular file), and
// a terminal it opens does not become the process's (O_NOCTTY).
func openRead(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
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

// openNonblock is the flag that opens a file without waiting for it (a
// named pipe for a writer).
const openNonblock = syscall.O_NONBLOCK

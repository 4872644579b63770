//go:build !unix

package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openNonblock is the flag that opens a file without waiting for it (a
// named pipe without a writer), or 0 where there is none.
const openNonblock = 0

// createFile writes b to a new file full. It returns an error wrapping
// fs.ErrExist when the file exists.
func createFile(full string, b []byte) error {
	f, err := openNew(full)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("site: write: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(full)
		return fmt.Errorf("site: write %s: %w", full, err)
	}
	return nil
}

// sameContent reports whether the file full holds exactly b. The error
// wraps fs.ErrNotExist when there is no file full.
func sameContent(full string, b []byte) (bool, error) {
	old, err := os.ReadFile(full)
	return err == nil && bytes.Equal(old, b), err
}

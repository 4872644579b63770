//go:build !linux

package filestamp

import "os"

// addSys adds nothing where this package does not read the platform's stat:
// size and modification time alone make the stamp there.
func addSys(*Stamp, os.FileInfo) {}

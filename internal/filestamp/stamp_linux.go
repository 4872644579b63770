package filestamp

import (
	"os"
	"syscall"
)

// addSys adds the inode and change time from Linux's stat.
func addSys(s *Stamp, info os.FileInfo) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		s.Ino = st.Ino
		s.Ctime = st.Ctim.Nano()
	}
}

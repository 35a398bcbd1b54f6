package kratostest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const tempDirPrefix = "kratostest-"

// makeTempDir creates a data directory named after this process, first
// removing the directories left by processes that died without Stop (a
// test binary killed by its timeout, for example).
func makeTempDir() (string, error) {
	sweepStaleTempDirs()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-*", tempDirPrefix, os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("make data dir: %w", err)
	}
	return dir, nil
}

func sweepStaleTempDirs() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), tempDirPrefix+"*-*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), tempDirPrefix)
		pid, err := strconv.Atoi(rest[:strings.IndexByte(rest, '-')])
		if err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(m)
	}
}

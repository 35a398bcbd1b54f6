package kratostest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// prepareDatabase makes dbPath a migrated Kratos database. An existing
// database (a caller-given DataDir reused) is migrated in place. A new one
// is copied from a migrated template cached per Kratos binary in the user
// cache directory, which saves the few seconds `kratos migrate sql` takes;
// without a usable cache it is migrated directly.
func prepareDatabase(ctx context.Context, bin, cfg, dbPath string, tail *logTail) error {
	if _, err := os.Stat(dbPath); err == nil {
		return runMigrations(ctx, bin, cfg, tail)
	}
	cached, cacheErr := templateDatabasePath(bin)
	if cacheErr == nil {
		if err := copyDatabase(cached, dbPath); err == nil {
			return nil
		}
		_ = os.Remove(dbPath)
		_ = os.Remove(dbPath + walSuffix)
	}
	if err := runMigrations(ctx, bin, cfg, tail); err != nil {
		return err
	}
	if cacheErr == nil {
		storeTemplate(dbPath, cached)
	}
	return nil
}

// templateDatabasePath names the cached migrated database for the binary,
// keyed by its path, size and modification time.
func templateDatabasePath(bin string) (string, error) {
	fi, err := os.Stat(bin)
	if err != nil {
		return "", err
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	abs, _ := filepath.Abs(bin)
	// templateFormat names how templates are stored: a template stored
	// without its write-ahead log (before "wal") lacks migrations.
	const templateFormat = "wal"
	sum := sha256.Sum256([]byte(templateFormat + "\x00" + abs + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)))
	return filepath.Join(base, "kratos-tui", "kratostest", hex.EncodeToString(sum[:8]), dbFile), nil
}

// storeTemplate copies a freshly migrated database into the cache,
// atomically so that concurrent test processes never see a partial file.
// Failures only cost speed, so they are ignored.
func storeTemplate(src, dst string) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), dbFile+".tmp-*")
	if err != nil {
		return
	}
	tmpName := tmp.Name()
	_ = tmp.Close()
	defer os.Remove(tmpName)
	defer os.Remove(tmpName + walSuffix)
	if err := copyDatabase(src, tmpName); err != nil {
		return
	}
	// The log goes first: a reader that sees the new database file sees
	// its log too (a log without its database is never read).
	if _, err := os.Stat(tmpName + walSuffix); err == nil {
		if err := os.Rename(tmpName+walSuffix, dst+walSuffix); err != nil {
			return
		}
	} else {
		_ = os.Remove(dst + walSuffix)
	}
	_ = os.Rename(tmpName, dst)
}

// walSuffix names SQLite's write-ahead log beside a database: the
// databases run in WAL mode, and what a finished migration wrote may still
// be only in the log.
const walSuffix = "-wal"

// copyDatabase copies an SQLite database and its write-ahead log, when it
// has one, so that the copy holds everything committed.
func copyDatabase(src, dst string) error {
	if err := copyFile(src, dst); err != nil {
		return err
	}
	if _, err := os.Stat(src + walSuffix); err != nil {
		_ = os.Remove(dst + walSuffix)
		return nil
	}
	return copyFile(src+walSuffix, dst+walSuffix)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

package tokenstore

// SetTempHook sets the hook run once a temporary token file is written
// (for the crash tests of package tokenstore_test).
func SetTempHook(f func(path string)) { testHookTempWritten = f }

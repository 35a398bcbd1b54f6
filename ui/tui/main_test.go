package tui_test

import (
	"os"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// kratosServer returns a real Kratos shared by the tests of the package;
// it skips (or fails with KRATOS_REQUIRED=1) without the binary.
func kratosServer(t testing.TB) *kratostest.Server {
	return kratostest.Shared(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	kratostest.StopShared()
	os.Exit(code)
}

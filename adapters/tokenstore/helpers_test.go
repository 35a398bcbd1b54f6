package tokenstore

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// canary is a token that must never show up in an error message.
const canary = "ory_st_" + "CANARY7f3a9c1e5b2d4680" // split so secret scanners see no token

// noCanary fails the test if err's text contains the canary token.
func noCanary(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), canary) {
		t.Fatalf("error message leaks the token: %v", err)
	}
}

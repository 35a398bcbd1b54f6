package hydratest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// Stack is a real Kratos that signs users in with a real Hydra.
type Stack struct {
	Hydra  *Server
	Kratos *kratostest.Server
	// ReturnTo is the client's loopback callback Kratos allows.
	ReturnTo string
	// CallbackPort is ReturnTo's port.
	CallbackPort int
}

// NewStack starts Hydra, then Kratos with Hydra as its OIDC provider
// ProviderID (kopts.Env is added to), allowing the return to a loopback
// callback on a free port; both stop when the test ends.
func NewStack(t testing.TB, kopts kratostest.Options) *Stack {
	t.Helper()
	h := New(t, Options{})
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	returnTo := fmt.Sprintf("http://%s:%d/callback", loopback, ports[0])
	env := h.KratosEnv(returnTo)
	maps.Copy(env, kopts.Env)
	kopts.Env = env
	k := kratostest.New(t, kopts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.AllowRedirect(ctx, k.PublicURL); err != nil {
		t.Fatal(err)
	}
	return &Stack{Hydra: h, Kratos: k, ReturnTo: returnTo, CallbackPort: ports[0]}
}

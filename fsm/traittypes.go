package fsm

import (
	"context"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// traitTyper is a Kratos adapter that reads the identity schema's trait
// types (adapters/kratos.Client does).
type traitTyper interface {
	TraitTypes(ctx context.Context, id string) (map[string]adapters.TraitType, error)
}

// ensureTraitTypes reads the identity schema's trait types the first time a
// sign-up or settings form is about to be shown, as a call of the flow like
// any other (kratos.identity_schema: recorded with its HTTP exchange, and
// answered from the recording in a replay). One read a run: a failure is
// kept too, and the forms then go by their nodes alone.
func (m *Machine) ensureTraitTypes(ctx context.Context) {
	tt, ok := m.cfg.Kratos.(traitTyper)
	m.mu.Lock()
	done := m.traitTypesRead
	m.traitTypesRead = true
	m.mu.Unlock()
	if !ok || done {
		return
	}
	types, err := call(ctx, m, "kratos.identity_schema", nil, func(ctx context.Context) (map[string]adapters.TraitType, error) {
		return tt.TraitTypes(ctx, "")
	})
	if err != nil {
		m.log.Debug().Err(err).Msg("identity schema not read: sign-up and settings forms go by their nodes alone")
		return
	}
	m.mu.Lock()
	m.traitTypes = types
	m.mu.Unlock()
}

package fsm

import (
	"context"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// traitTyper is a Kratos adapter that reads the identity schema's trait
// types (adapters/kratos.Client does).
type traitTyper interface {
	TraitTypes(ctx context.Context, id string) (map[string]adapters.TraitType, error)
}

// traitTypesWait bounds how long a sign-up or settings form waits for the
// trait types still being read: they refine the form, which never waits
// long for them.
const traitTypesWait = 2 * time.Second

// startTraitTypes reads the identity schema's trait types once, in the
// background, from the moment the machine starts. It is configuration,
// not flow state: the read is not one of the flow's recorded calls, and a
// replay (which answers calls from a recording) does without it.
func (m *Machine) startTraitTypes(ctx context.Context) {
	m.traitTypesDone = make(chan struct{})
	tt, ok := m.cfg.Kratos.(traitTyper)
	if !ok || m.cfg.Responder != nil {
		close(m.traitTypesDone)
		return
	}
	go func() {
		defer close(m.traitTypesDone)
		types, err := tt.TraitTypes(context.WithoutCancel(ctx), "")
		if err != nil {
			m.log.Debug().Err(err).Msg("identity schema not read: sign-up and settings forms go by their nodes alone")
			return
		}
		m.traitTypes = types
	}()
}

// currentTraitTypes returns the trait types, waiting a moment for a read
// still under way; nil when there are none.
func (m *Machine) currentTraitTypes() map[string]adapters.TraitType {
	if m.traitTypesDone == nil {
		return nil
	}
	select {
	case <-m.traitTypesDone:
		return m.traitTypes
	case <-time.After(traitTypesWait):
		return nil
	}
}

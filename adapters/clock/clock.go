// Package clock implements the adapters.Clock and adapters.IDSource ports:
// the real wall clock and random identifiers for production, and fixed,
// stepping and sequential sources for tests and replays.
package clock

import (
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// System is the real wall clock. Its zero value is ready to use.
type System struct{}

var _ adapters.Clock = System{}

// Now returns the current time in UTC.
func (System) Now() time.Time {
	return time.Now().UTC()
}

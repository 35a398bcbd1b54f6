package kratos

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		op     operation
		status int
		id     string
		want   adapters.Class
	}{
		{opCreateFlow, 400, idSessionAlreadyAvailable, adapters.ClassSessionAlreadyAvailable},
		{opSubmit, 400, "", adapters.ClassInternal},
		{opWhoami, 401, "", adapters.ClassUnauthorized},
		{opCreateFlow, 401, idAAL1Required, adapters.ClassAAL1Required},
		{opWhoami, 403, idAAL2Required, adapters.ClassAAL2Required},
		{opSubmit, 403, idRefreshRequired, adapters.ClassRefreshRequired},
		{opSubmit, 403, "security_csrf_violation", adapters.ClassForbidden},
		{opLogout, 403, "", adapters.ClassUnauthorized},
		{opLogout, 403, "security_csrf_violation", adapters.ClassUnauthorized},
		{opLogout, 401, "", adapters.ClassUnauthorized},
		{opSubmit, 404, "", adapters.ClassFlowNotFound},
		{opCreateFlow, 404, "", adapters.ClassBadResponse},
		{opWhoami, 404, "", adapters.ClassBadResponse},
		{opSubmit, 410, idFlowExpired, adapters.ClassFlowExpired},
		{opSubmit, 410, "", adapters.ClassFlowExpired},
		{opSubmit, 410, idFlowReplaced, adapters.ClassFlowReplaced},
		{opSubmit, 422, idBrowserRequired, adapters.ClassBrowserRequired},
		{opSubmit, 405, "", adapters.ClassBadResponse},
	}
	for _, tt := range tests {
		if got := classify(tt.op, tt.status, tt.id); got != tt.want {
			t.Errorf("classify(%d, %d, %q) = %s, want %s", tt.op, tt.status, tt.id, got, tt.want)
		}
	}
}

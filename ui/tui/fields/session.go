package fields

import (
	"time"

	"github.com/kratos-tui/kratos-tui/events"
)

// Row is one labelled value of the session screen.
type Row struct {
	Label string
	Value string
}

// TimeLayout is how times are shown (always in UTC, so screens are the same
// everywhere).
const TimeLayout = "2006-01-02 15:04:05 UTC"

// FormatTime renders a time for people, or "unknown" for nil.
func FormatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(TimeLayout)
}

// SessionRows are the rows of "Session information": identity id, email,
// verified, expiry, AAL and the token (masked unless reveal).
func SessionRows(s events.SignedIn, reveal bool) []Row {
	token := MaskToken(s.Token)
	if reveal && s.Token != "" {
		token = s.Token
	}
	aal := s.AAL
	if aal == "" {
		aal = "unknown"
	}
	return []Row{
		{"Identity ID", s.IdentityID},
		{"Email", s.Email},
		{"Verified", YesNo(s.Verified)},
		{"Session expires", FormatTime(s.ExpiresAt)},
		{"Assurance level", aal},
		{"Session token", token},
	}
}

// ExpiresSoon reports whether the session is in the last tenth of its
// lifespan (from authentication to expiry) at now, and how long it has
// left. Kratos extends a session only by signing in again (a login flow
// with refresh=true), so this is when to offer it. An expired session, or
// one without both times, is not "soon".
func ExpiresSoon(s events.SignedIn, now time.Time) (bool, time.Duration) {
	if s.ExpiresAt == nil || s.AuthenticatedAt == nil {
		return false, 0
	}
	left := s.ExpiresAt.Sub(now)
	lifespan := s.ExpiresAt.Sub(*s.AuthenticatedAt)
	if left <= 0 || lifespan <= 0 {
		return false, left
	}
	return left <= lifespan/10, left
}

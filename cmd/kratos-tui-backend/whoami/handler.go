package whoami

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	ory "github.com/ory/client-go"
	"github.com/rs/zerolog"
)

// DefaultTimeout bounds each call to Kratos when NewHandler gets no client.
const DefaultTimeout = 10 * time.Second

// maxTokenLen rejects absurd tokens before they reach Kratos.
const maxTokenLen = 4096

// handler serves GET /whoami.
type handler struct {
	kratos *ory.APIClient
	log    zerolog.Logger
}

// NewHandler returns the GET /whoami handler. kratosPublicURL is the Kratos
// public API base URL. httpClient makes the calls to Kratos; nil means a
// client with DefaultTimeout. It should have no cookie jar.
func NewHandler(kratosPublicURL string, httpClient *http.Client, logger zerolog.Logger) http.Handler {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultTimeout}
	}
	cfg := ory.NewConfiguration()
	cfg.Servers = ory.ServerConfigurations{{URL: strings.TrimRight(kratosPublicURL, "/")}}
	cfg.HTTPClient = httpClient
	cfg.UserAgent = "kratos-tui-backend"
	return &handler{kratos: ory.NewAPIClient(cfg), log: logger}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status, kratosStatus := h.serve(w, r)
	h.log.Info().
		Str("method", r.Method).
		Str("path", r.URL.Path).
		Int("status", status).
		Int("kratos_status", kratosStatus).
		Dur("duration", time.Since(start)).
		Msg("whoami")
}

// serve answers the request and returns the status sent and the status
// Kratos answered (0 when Kratos was not asked or not reached).
func (h *handler) serve(w http.ResponseWriter, r *http.Request) (int, int) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "", "method not allowed; use GET")
		return http.StatusMethodNotAllowed, 0
	}
	token := sessionToken(r.Header)
	if token == "" {
		writeError(w, http.StatusUnauthorized, "", "missing session token (send header Session_token or X-Session-Token)")
		return http.StatusUnauthorized, 0
	}
	if len(token) > maxTokenLen {
		writeError(w, http.StatusUnauthorized, "", "invalid or expired session token")
		return http.StatusUnauthorized, 0
	}

	sess, resp, err := h.kratos.FrontendAPI.ToSession(r.Context()).XSessionToken(token).Execute()
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	kratosStatus := 0
	if resp != nil {
		kratosStatus = resp.StatusCode
	}
	switch {
	case resp == nil:
		h.logKratosError(r.Context(), err, "kratos unreachable")
		writeError(w, http.StatusBadGateway, "", "session service unreachable")
		return http.StatusBadGateway, kratosStatus
	case kratosStatus == http.StatusUnauthorized:
		writeError(w, http.StatusUnauthorized, kratosErrorID(err), "invalid or expired session token")
		return http.StatusUnauthorized, kratosStatus
	case kratosStatus == http.StatusForbidden:
		id, msg := kratosErrorID(err), kratosErrorMessage(err)
		if msg == "" {
			msg = "the session does not satisfy the required authenticator assurance level"
		}
		writeError(w, http.StatusForbidden, id, msg)
		return http.StatusForbidden, kratosStatus
	case err != nil || kratosStatus != http.StatusOK || sess == nil:
		h.logKratosError(r.Context(), err, "unexpected kratos answer")
		writeError(w, http.StatusBadGateway, "", "unexpected answer from the session service")
		return http.StatusBadGateway, kratosStatus
	}

	out, ok := toResponse(sess)
	if !ok {
		h.log.Warn().Msg("kratos session without an identity")
		writeError(w, http.StatusBadGateway, "", "unexpected answer from the session service")
		return http.StatusBadGateway, kratosStatus
	}
	writeJSON(w, http.StatusOK, out)
	return http.StatusOK, kratosStatus
}

func (h *handler) logKratosError(ctx context.Context, err error, msg string) {
	ev := h.log.Warn()
	if ctx.Err() != nil {
		ev = h.log.Debug() // the caller went away
	}
	// Errors from net/http and client-go hold the URL and status, never
	// the request headers, so the token cannot leak through them.
	ev.Err(err).Msg(msg)
}

// sessionToken returns the token from Session_token (any case) or
// X-Session-Token, trimmed.
func sessionToken(h http.Header) string {
	var fallback string
	for k, vs := range h {
		if len(vs) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(k, "Session_token"):
			if t := strings.TrimSpace(vs[0]); t != "" {
				return t
			}
		case strings.EqualFold(k, "X-Session-Token"):
			fallback = strings.TrimSpace(vs[0])
		}
	}
	return fallback
}

// kratosError is the generic Kratos error body.
type kratosError struct {
	Error struct {
		ID      string `json:"id"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
	} `json:"error"`
}

func parseKratosError(err error) (kratosError, bool) {
	var ke kratosError
	var oe *ory.GenericOpenAPIError
	if !errors.As(err, &oe) || json.Unmarshal(oe.Body(), &ke) != nil {
		return ke, false
	}
	return ke, true
}

func kratosErrorID(err error) string {
	ke, _ := parseKratosError(err)
	return ke.Error.ID
}

func kratosErrorMessage(err error) string {
	ke, _ := parseKratosError(err)
	if ke.Error.Reason != "" {
		return ke.Error.Reason
	}
	return ke.Error.Message
}

// toResponse maps a Kratos session; ok is false when it has no identity.
func toResponse(s *ory.Session) (Response, bool) {
	id := s.Identity
	if id == nil {
		return Response{}, false
	}
	email := ""
	if traits, ok := id.Traits.(map[string]any); ok {
		email, _ = traits["email"].(string)
	}
	verified := false
	for _, a := range id.VerifiableAddresses {
		if email != "" && strings.EqualFold(a.Value, email) && a.Verified {
			verified = true
			break
		}
	}
	aal := ""
	if s.AuthenticatorAssuranceLevel != nil {
		aal = string(*s.AuthenticatorAssuranceLevel)
	}
	return Response{
		OryUser: User{ID: id.Id, Email: email, Verified: verified},
		Session: Session{ID: s.Id, ExpiresAt: s.ExpiresAt, AuthenticatedAt: s.AuthenticatedAt, AAL: aal},
	}, true
}

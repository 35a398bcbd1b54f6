package kratostest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// CreateIdentity creates an identity with the given email and password
// through the admin API (POST /admin/identities) and returns its id. The
// email address is not verified.
func (s *Server) CreateIdentity(ctx context.Context, email, password string) (string, error) {
	return s.createIdentity(ctx, email, password, false)
}

// CreateVerifiedIdentity is CreateIdentity with the email address already
// marked as verified.
func (s *Server) CreateVerifiedIdentity(ctx context.Context, email, password string) (string, error) {
	return s.createIdentity(ctx, email, password, true)
}

func (s *Server) createIdentity(ctx context.Context, email, password string, verified bool) (string, error) {
	body := map[string]any{
		"schema_id": "default",
		"traits":    map[string]any{"email": email},
		"credentials": map[string]any{
			"password": map[string]any{"config": map[string]any{"password": password}},
		},
	}
	if verified {
		body["verifiable_addresses"] = []map[string]any{{
			"value": email, "verified": true, "via": "email", "status": "completed",
		}}
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := s.doJSON(ctx, http.MethodPost, s.AdminURL+"/admin/identities", body, http.StatusCreated, &out); err != nil {
		return "", fmt.Errorf("create identity: %w", err)
	}
	return out.ID, nil
}

// ListCourierMessages returns the courier messages queued or sent to
// recipient (GET /admin/courier/messages?recipient=), in Kratos's order, as
// raw JSON objects. With --dev (always set here) the body holds the codes.
func (s *Server) ListCourierMessages(ctx context.Context, recipient string) ([]json.RawMessage, error) {
	u := s.AdminURL + "/admin/courier/messages?recipient=" + url.QueryEscape(recipient)
	var out []json.RawMessage
	if err := s.doJSON(ctx, http.MethodGet, u, nil, http.StatusOK, &out); err != nil {
		return nil, fmt.Errorf("list courier messages: %w", err)
	}
	return out, nil
}

// LoginSessionToken signs in through a native login flow with the
// password method and returns the session token.
func (s *Server) LoginSessionToken(ctx context.Context, identifier, password string) (string, error) {
	var flow struct {
		ID string `json:"id"`
	}
	if err := s.doJSON(ctx, http.MethodGet, s.PublicURL+"/self-service/login/api", nil, http.StatusOK, &flow); err != nil {
		return "", fmt.Errorf("login: create flow: %w", err)
	}
	body := map[string]string{"method": "password", "identifier": identifier, "password": password}
	var out struct {
		SessionToken string `json:"session_token"`
	}
	u := s.PublicURL + "/self-service/login?flow=" + url.QueryEscape(flow.ID)
	if err := s.doJSON(ctx, http.MethodPost, u, body, http.StatusOK, &out); err != nil {
		return "", fmt.Errorf("login: submit: %w", err)
	}
	return out.SessionToken, nil
}

// doJSON sends body (if not nil) as JSON and decodes a want-status answer
// into out.
func (s *Server) doJSON(ctx context.Context, method, u string, body any, want int, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read body: %w", method, u, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, u, resp.StatusCode, want, b)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode: %w", method, u, err)
	}
	return nil
}

// IdentityTraits returns the traits, as Kratos stores them, of the identity
// whose credentials identifier is identifier (GET
// /admin/identities?credentials_identifier=).
func (s *Server) IdentityTraits(ctx context.Context, identifier string) (map[string]any, error) {
	var out []struct {
		Traits map[string]any `json:"traits"`
	}
	u := s.AdminURL + "/admin/identities?credentials_identifier=" + url.QueryEscape(identifier)
	if err := s.doJSON(ctx, http.MethodGet, u, nil, http.StatusOK, &out); err != nil {
		return nil, fmt.Errorf("get identity: %w", err)
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("get identity: %d identities with identifier %q", len(out), identifier)
	}
	return out[0].Traits, nil
}

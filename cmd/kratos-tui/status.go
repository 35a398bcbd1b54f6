package main

import (
	"context"
	"encoding/json"

	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
)

// Exit codes of status and token (documented in the README).
const (
	codeSignedIn    = 0
	codeNotSignedIn = 1
	codeError       = 2
)

// StatusJSON is what `kratos-tui status --json` prints: one JSON object,
// whatever the outcome (exit 0 signed in, 1 not signed in, 2 error). Its
// schema is in the README; TestStatusJSONSchema holds it to that.
type StatusJSON struct {
	// SignedIn is true when a stored token names a live session that
	// needs nothing more (exit 0).
	SignedIn bool `json:"signed_in"`
	// SecondFactorRequired: signed in with a password, a second factor is
	// still needed (exit 1).
	SecondFactorRequired bool `json:"second_factor_required"`
	// KratosAPI is the Kratos public URL checked; Backend the backend URL
	// that answered whoami ("" when Kratos did).
	KratosAPI string `json:"kratos_api,omitempty"`
	Backend   string `json:"backend,omitempty"`
	// SettingsFrom lists the env files the settings were read from.
	SettingsFrom []string `json:"settings_from,omitempty"`
	// TokenStore is keyring, file or memory; TokenFile the file's path
	// (file only); Warning says why a plain file is weaker than a keyring.
	TokenStore string `json:"token_store,omitempty"`
	TokenFile  string `json:"token_file,omitempty"`
	Warning    string `json:"warning,omitempty"`
	// Token is the session token, masked (its last four characters).
	Token string `json:"token,omitempty"`
	// Identity, AAL and the session's times, when signed in.
	Identity        *StatusIdentity `json:"identity,omitempty"`
	AAL             string          `json:"aal,omitempty"`
	SessionID       string          `json:"session_id,omitempty"`
	ExpiresAt       *time.Time      `json:"expires_at,omitempty"`
	AuthenticatedAt *time.Time      `json:"authenticated_at,omitempty"`
	// Message is the human sentence (why not signed in, say); Error is set
	// only with exit 2.
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// StatusIdentity is the signed-in identity.
type StatusIdentity struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	Email      string `json:"email"`
	Verified   bool   `json:"verified"`
}

// plainFileWarning is said when the token is kept in a plain file.
const plainFileWarning = "the token is in a plain file (0600), not the OS keyring: anyone who can read your files as you can use it"

func statusCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say who is signed in, where the token lives; exit 0 signed in, 1 not, 2 error",
		Long: `status checks the stored session token with Kratos (or the backend) and
says who is signed in: identity id, identifier, e-mail and whether it is
verified, the AAL, when the session expires, the Kratos URL, where the
token lives (OS keyring, or a file: with a warning) and the token, masked.

Exit status: 0 signed in, 1 not signed in (or a second factor is still
needed), 2 an error (bad settings, Kratos unreachable).`,
		Example: `  kratos-tui status
  kratos-tui status --json | jq -r .identity.email
  kratos-tui status >/dev/null && echo signed in`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := s.status(cmd, stdin, stdout, stderr)
			code := codeSignedIn
			switch {
			case err != nil:
				code = codeError
				st.Error = err.Error()
			case !st.SignedIn:
				code = codeNotSignedIn
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				if werr := enc.Encode(st); werr != nil {
					return werr
				}
				if code != 0 {
					return exitError{code: code}
				}
				return nil
			}
			if err != nil {
				return err
			}
			printStatus(stdout, st)
			if code != 0 {
				return exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (schema in the README) instead of text")
	return cmd
}

// status runs the launch check and describes its outcome.
func (s *settings) status(cmd *cobra.Command, stdin *os.File, stdout, stderr *os.File) (StatusJSON, error) {
	var out StatusJSON
	script := &app.Script{}
	cfg, client, err := s.runScript(cmd, script, stdin, stdout, stderr)
	out.KratosAPI, out.Backend, out.SettingsFrom = cfg.KratosAPI, cfg.Backend, s.loadedFiles
	if client != nil {
		out.TokenStore, out.TokenFile = tokenWhere(client.TokenWhere)
		if out.TokenStore == "file" {
			out.Warning = plainFileWarning
		}
	}
	if err != nil {
		return out, err
	}
	switch st := script.Last().(type) {
	case events.SignedIn:
		out.SignedIn = true
		out.Identity = &StatusIdentity{ID: st.IdentityID, Identifier: st.Email, Email: st.Email, Verified: st.Verified}
		out.Token = events.Mask(st.Token)
		out.AAL, out.SessionID, out.ExpiresAt, out.AuthenticatedAt = st.AAL, st.SessionID, st.ExpiresAt, st.AuthenticatedAt
	case events.SecondFactorFormShown:
		out.SecondFactorRequired = true
		out.Message = "Signed in with a password, but a second factor is needed: run kratos-tui to enter it."
	case events.SignedOut:
		out.Message = "Not signed in."
		if st.Message != "" {
			out.Message = st.Message
		}
	default:
		return out, unexpected(st)
	}
	return out, nil
}

// tokenWhere splits app.Client.TokenWhere ("OS keyring", "file PATH",
// "memory (not saved)") into the store's name and the file's path.
func tokenWhere(where string) (store, file string) {
	switch {
	case where == "OS keyring":
		return "keyring", ""
	case strings.HasPrefix(where, "file "):
		return "file", strings.TrimPrefix(where, "file ")
	case strings.HasPrefix(where, "memory"):
		return "memory", ""
	}
	return where, ""
}

// printStatus writes the status for a person, like `gh auth status`.
func printStatus(w io.Writer, st StatusJSON) {
	fmt.Fprintf(w, "Kratos %s\n", st.KratosAPI)
	switch {
	case st.SignedIn:
		verified := "not verified"
		if st.Identity.Verified {
			verified = "verified"
		}
		fmt.Fprintf(w, "  ✓ Signed in as %s (e-mail %s)\n", st.Identity.Identifier, verified)
		fmt.Fprintf(w, "  - Identity: %s\n", st.Identity.ID)
		if st.AAL != "" {
			fmt.Fprintf(w, "  - AAL: %s\n", st.AAL)
		}
		if st.ExpiresAt != nil {
			fmt.Fprintf(w, "  - Session expires: %s (in %s)\n", st.ExpiresAt.Local().Format(time.RFC1123), time.Until(*st.ExpiresAt).Round(time.Minute))
		}
		fmt.Fprintf(w, "  - Token: %s\n", st.Token)
	default:
		fmt.Fprintf(w, "  X %s\n", st.Message)
	}
	switch st.TokenStore {
	case "file":
		fmt.Fprintf(w, "  - Token store: file %s\n  ! Warning: %s\n", st.TokenFile, st.Warning)
	case "keyring":
		fmt.Fprintln(w, "  - Token store: OS keyring")
	case "":
	default:
		fmt.Fprintf(w, "  - Token store: %s\n", st.TokenStore)
	}
	if st.Backend != "" {
		fmt.Fprintf(w, "  - Backend: %s\n", st.Backend)
	}
	if len(st.SettingsFrom) > 0 {
		fmt.Fprintf(w, "  - Settings from: %s\n", strings.Join(st.SettingsFrom, ", "))
	}
}

func tokenCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var reveal bool
	var jwt string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print the stored session token (masked on a terminal unless --reveal)",
		Long: `token prints the session token the client keeps for this Kratos, without
asking Kratos. On a terminal it is masked unless --reveal is given; into a
pipe or a command substitution it is printed in clear, so that scripts can
call Kratos or the backend as the signed-in user.

With --jwt TEMPLATE it asks Kratos's whoami for the session as a JWT made
by that tokenizer template (session.whoami.tokenizer.templates.TEMPLATE in
the Kratos config: signed with its jwks_url key, valid for its ttl) and
prints the JWT instead, for tools that take a JWT rather than a Kratos
session token.

Exit status: 0 printed, 1 no token stored (or no longer valid, with
--jwt), 2 an error.`,
		Example: `  curl -H "X-Session-Token: $(kratos-tui token)" http://127.0.0.1:4000/whoami
  kratos-tui token --reveal
  curl -H "Authorization: Bearer $(kratos-tui token --jwt my-template)" https://api.example.com/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, closeLog, err := s.config(stdin, stdout, stderr)
			if err != nil {
				return err
			}
			defer closeLog()
			client, err := app.NewClient(cfg)
			if err != nil {
				return err
			}
			token, err := client.Tokens.Load()
			if err != nil {
				return fmt.Errorf("read the token (%s): %w", client.TokenWhere, err)
			}
			if token == "" {
				fmt.Fprintf(stderr, "Not signed in to %s: no token in %s. Run kratos-tui to sign in.\n", cfg.KratosAPI, client.TokenWhere)
				return exitError{code: codeNotSignedIn}
			}
			if jwt != "" {
				if token, err = tokenize(cmd.Context(), client, cfg, stderr, token, jwt); err != nil {
					return err
				}
			}
			if !reveal && isatty.IsTerminal(stdout.Fd()) {
				token = events.Mask(token) + "   (masked: --reveal prints it)"
			}
			_, err = fmt.Fprintln(stdout, token)
			return err
		},
	}
	cmd.Flags().BoolVar(&reveal, "reveal", false, "print the token in clear on a terminal too")
	cmd.Flags().StringVar(&jwt, "jwt", "", "print the session as a JWT made by this Kratos tokenizer template (session.whoami.tokenizer.templates) instead")
	return cmd
}

// tokenize asks Kratos for the session of token as a JWT of template.
func tokenize(ctx context.Context, client *app.Client, cfg app.Config, stderr io.Writer, token, template string) (string, error) {
	t, ok := client.Kratos.(interface {
		TokenizeSession(ctx context.Context, token, template string) (string, error)
	})
	if !ok {
		return "", fmt.Errorf("this Kratos client cannot make JWTs")
	}
	jwt, err := t.TokenizeSession(ctx, token, template)
	if err != nil {
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassUnauthorized {
			fmt.Fprintf(stderr, "The stored session is no longer valid at %s. Run kratos-tui to sign in.\n", cfg.KratosAPI)
			return "", exitError{code: codeNotSignedIn}
		}
		return "", fmt.Errorf("JWT of template %q from %s: %s (is it in session.whoami.tokenizer.templates?)", template, cfg.KratosAPI, ae.Message)
	}
	if cfg.Secrets != nil {
		cfg.Secrets.Add(jwt)
	}
	return jwt, nil
}

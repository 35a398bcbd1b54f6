package fsm

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// Social sign-in (OIDC): SocialSignInRequested starts a fresh native flow
// with an exchange code and the loopback return_to, and waits in
// StateSocialSignIn for the browser; SocialSignInCallbackReceived (from
// the loopback listener, or pasted) exchanges the code for the session.

// Messages of social sign-in.
const (
	// MessageSocialNoCode: the browser came back without a code, the trap
	// of a browser that already holds a Kratos session (Kratos v1.3.1 then
	// skips the exchange).
	MessageSocialNoCode = "The browser came back without a sign-in code. That happens when the browser is already signed in to this Kratos " +
		"(Kratos then skips the code a terminal needs). Sign in again in a private (incognito) window, or sign out in the browser first."
	// MessageSocialLink: the provider's address belongs to an account with
	// another way to sign in (Kratos message 1010016).
	MessageSocialLink = "Sign in to your existing account below to link %s to it."
	// MessageSocialExpired: the flow expired before the browser came back.
	MessageSocialExpired = "This sign-in expired before the browser came back. Start it again: a new sign-in begins."
)

// msgAccountLinking is Kratos's message id asking to sign in to link.
const msgAccountLinking = 1010016

// socialSignIn is the social sign-in under way.
type socialSignIn struct {
	provider, label string
	registration    bool
	flowID          string
	url             string
	returnTo        string
	expiresAt       *time.Time
	// initCode is the flow's half of the exchange: a secret, never in a
	// state event.
	initCode string
	// err is shown on the waiting screen (an address that was not the
	// callback).
	err string
}

// socialRequest is the traced request of starting a social sign-in.
type socialRequest = adapters.SocialSignInRequest

// listenRequest is the traced request of the callback listener: the
// configured callback (--callback-port), under which it listens on a path
// of this sign-in's own.
type listenRequest struct {
	CallbackURL string `json:"callback_url"`
}

// listenResult is the traced result of the callback listener: the
// address it receives the browser on.
type listenResult struct {
	ReturnTo string `json:"return_to"`
}

func (m *Machine) requestSocialSignIn(ctx context.Context, intent events.Event) {
	in := intent.(events.SocialSignInRequested)
	m.mu.Lock()
	ui := m.view.form.UI
	m.mu.Unlock()
	back := EventSignInRejected
	if in.Registration {
		back = EventSignUpRejected
	}
	fail := func(msg string) {
		m.mu.Lock()
		m.view.form.GeneralError = msg
		m.mu.Unlock()
		m.must(ctx, back)
	}
	if m.cfg.Social == nil && m.cfg.Responder == nil {
		fail("Social sign-in is not available in this client.")
		return
	}
	// The address listened on is the call's result, so that a replay
	// sends Kratos the recorded return_to.
	// The browser comes back to a path of its own (/callback/<nonce>):
	// a request that does not know it (a web page or a local process
	// guessing the port) is not this sign-in's return. Kratos allows it,
	// since allowed_return_urls matches the path by prefix.
	base := m.cfg.CallbackURL
	if mutation.On(mutation.CallbackPortIgnored) {
		base = "http://127.0.0.1:4446/callback"
	}
	listening, err := call(ctx, m, "callback.listen", listenRequest{CallbackURL: base}, func(context.Context) (listenResult, error) {
		if base == "" {
			return listenResult{}, &adapters.Error{Class: adapters.ClassInternal, Message: "Social sign-in needs a callback address (--callback-port)."}
		}
		nonce, err := callbackNonce()
		if err != nil {
			return listenResult{}, &adapters.Error{Class: adapters.ClassInternal, Message: "Could not make the callback's address: " + err.Error()}
		}
		returnTo := strings.TrimRight(base, "/") + "/" + nonce
		if m.cfg.Callbacks == nil {
			return listenResult{ReturnTo: returnTo}, nil
		}
		return listenResult{ReturnTo: returnTo}, m.cfg.Callbacks.Listen(returnTo, m.deliverCallback)
	})
	if err != nil {
		fail(adapters.AsError(err).Message)
		return
	}
	returnTo := listening.ReturnTo
	if !strings.HasPrefix(returnTo, strings.TrimRight(base, "/")+"/") {
		// Only a recorded answer (replay) can differ: the callback a
		// recording listened on is not the one configured here.
		m.stopCallbacks()
		fail(fmt.Sprintf("The callback listened on (%s) is not under the configured one (%s).", returnTo, base))
		return
	}
	req := socialRequest{Provider: in.Provider, Registration: in.Registration, ReturnTo: returnTo}
	start, err := call(ctx, m, "kratos.start_social_sign_in", req, func(ctx context.Context) (*adapters.SocialSignInStart, error) {
		return m.cfg.Social.StartSocialSignIn(ctx, req)
	})
	if err != nil {
		m.stopCallbacks()
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassValidation && ae.Flow != nil {
			fail(ae.Message)
			return
		}
		fail("Could not start the sign-in with " + in.Provider + ": " + sentence(ae.Message))
		return
	}
	m.mu.Lock()
	m.social = &socialSignIn{
		provider: in.Provider, label: providerLabel(ui, start.Flow, in.Provider), registration: in.Registration,
		flowID: start.FlowID, url: start.RedirectTo, returnTo: returnTo, expiresAt: start.ExpiresAt,
		initCode: start.ExchangeCode,
	}
	m.mu.Unlock()
	m.must(ctx, EventSocialSignInStarted)
}

// deliverCallback publishes the browser's return as an intent, as if the
// user had pasted it: the loopback listener is an input like the keyboard.
func (m *Machine) deliverCallback(u string) {
	ev := events.SocialSignInCallbackReceived{URL: u}
	m.cfg.Secrets.Learn(ev)
	if _, err := m.cfg.Bus.Publish(ev, bus.Meta{}); err != nil {
		m.log.Error().Err(err).Msg("social sign-in: publish the browser's return")
	}
}

func (m *Machine) stopCallbacks() {
	if m.cfg.Callbacks != nil && m.cfg.Responder == nil {
		if err := m.cfg.Callbacks.Stop(); err != nil {
			m.log.Warn().Err(err).Msg("social sign-in: stop the callback listener")
		}
	}
}

func (m *Machine) receiveSocialCallback(ctx context.Context, intent events.Event) {
	in := intent.(events.SocialSignInCallbackReceived)
	m.mu.Lock()
	s := m.social
	m.mu.Unlock()
	if s == nil {
		m.socialBack(ctx, false, "There is no sign-in waiting for a browser; choose a provider again.")
		return
	}
	q, problem := callbackQuery(in.URL, s.returnTo)
	if mutation.On(mutation.CallbackQueryDropped) {
		q = url.Values{}
	}
	if problem != "" {
		m.mu.Lock()
		s.err = problem
		m.mu.Unlock()
		m.must(ctx, EventSocialSignInStarted)
		return
	}
	code, linkFlow := q.Get("code"), q.Get("flow")
	switch {
	case code != "":
		req := adapters.SessionTokenExchange{InitCode: s.initCode, ReturnToCode: code}
		sess, err := call(ctx, m, "kratos.exchange_session_token", req, func(ctx context.Context) (*adapters.Session, error) {
			return m.cfg.Social.ExchangeSessionToken(ctx, req)
		})
		if err != nil {
			ae := adapters.AsError(err)
			if s.expired(m.intentTime()) {
				m.socialBack(ctx, s.registration, MessageSocialExpired)
				return
			}
			// A code that is not this sign-in's (a pasted address of
			// another sign-in, a forged request) does not end it: the
			// real browser may still come back until the flow expires.
			m.mu.Lock()
			s.err = "That address's code did not sign you in: " + sentence(ae.Message) +
				" Still waiting for the browser to come back from the provider."
			m.mu.Unlock()
			m.must(ctx, EventSocialSignInStarted)
			return
		}
		m.mu.Lock()
		m.social = nil
		m.mu.Unlock()
		m.loggedIn(ctx, sess, sess.Email)
	case linkFlow != "":
		flow, err := call(ctx, m, "kratos.get_login_flow", flowRequest{FlowID: linkFlow}, func(ctx context.Context) (*adapters.Flow, error) {
			return m.cfg.Social.GetLoginFlow(ctx, linkFlow)
		})
		if err != nil {
			m.socialBack(ctx, s.registration, "The sign-in came back with a form that could not be fetched: "+sentence(adapters.AsError(err).Message))
			return
		}
		f := newForm(flow, linkEmail(flow))
		notice := ""
		if hasMessage(flow, msgAccountLinking) {
			f.GeneralError = ""
			notice = fmt.Sprintf(MessageSocialLink, s.label)
		}
		m.mu.Lock()
		m.social = nil
		m.mu.Unlock()
		m.setForm(f, notice)
		m.must(ctx, EventLoginFormUpdated)
	default:
		msg := MessageSocialNoCode
		if e := plainText(q.Get("error")); e != "" {
			msg = "The provider refused the sign-in: " + e
			if d := plainText(q.Get("error_description")); d != "" {
				msg += " (" + d + ")"
			}
			msg += "."
		}
		m.socialBack(ctx, s.registration, msg)
	}
}

// intentTime is when the intent being handled was published (its
// recorded time under replay), else now.
func (m *Machine) intentTime() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t := m.cause.Time; !t.IsZero() {
		return t
	}
	return time.Now()
}

// expired says the sign-in's flow has expired at now.
func (s *socialSignIn) expired(now time.Time) bool {
	return s.expiresAt != nil && !now.Before(*s.expiresAt)
}

// callbackNonce is the random path segment that ties the browser's return
// to this sign-in: 128 bits, URL-safe.
func callbackNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// maxProviderText is how much of a provider's error words are shown.
const maxProviderText = 200

// plainText is words from the browser's address (a provider's error)
// made plain text to show: control characters (terminal escapes, line
// breaks) become spaces, runs of spaces one, and the text is cut to
// maxProviderText runes. The UIs escape their own markup.
func plainText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxProviderText {
		s = string(r[:maxProviderText]) + "…"
	}
	return s
}

// socialBack ends the sign-in on the form it started from, with msg.
func (m *Machine) socialBack(ctx context.Context, registration bool, msg string) {
	m.mu.Lock()
	m.social = nil
	m.view.form.GeneralError = msg
	m.mu.Unlock()
	if registration {
		m.must(ctx, EventSignUpRejected)
		return
	}
	m.must(ctx, EventSignInRejected)
}

// callbackQuery checks that raw is the callback address (scheme, host,
// port and path of returnTo; what a user pastes may have spaces or lack
// the scheme: events.ParseCallback, which the recorder's redaction reads
// it with too) and returns its query, or why it is not.
func callbackQuery(raw, returnTo string) (url.Values, string) {
	want, err := url.Parse(returnTo)
	if err != nil {
		return nil, "The callback address is not configured correctly."
	}
	u, err := events.ParseCallback(raw)
	if err != nil {
		return nil, fmt.Sprintf("That is not an address. Paste the whole address your browser ended at; it starts with %s", returnTo)
	}
	if !strings.EqualFold(u.Host, want.Host) || strings.TrimRight(u.Path, "/") != strings.TrimRight(want.Path, "/") {
		return nil, fmt.Sprintf("That address is not this sign-in's callback: it must start with %s (the page your browser could not open at the end).", returnTo)
	}
	return u.Query(), ""
}

// providerLabel is the label of the provider's button ("Sign in with
// Google" gives "Google"), from the form or the new flow; else the id.
func providerLabel(ui adapters.UI, flow *adapters.Flow, provider string) string {
	uis := []adapters.UI{ui}
	if flow != nil {
		uis = append(uis, flow.UI)
	}
	for _, u := range uis {
		for _, n := range u.Nodes {
			if n.Group != "oidc" || n.Attributes.Name != "provider" || fmt.Sprint(n.Attributes.Value) != provider || n.Meta.Label == nil {
				continue
			}
			if p, ok := n.Meta.Label.Context["provider"].(string); ok && p != "" {
				return p
			}
		}
	}
	return provider
}

// linkEmail is the identifier Kratos filled in on a linking form.
func linkEmail(f *adapters.Flow) string {
	for _, n := range f.UI.Nodes {
		if n.Attributes.Name == "identifier" {
			if v, ok := n.Attributes.Value.(string); ok {
				return v
			}
		}
	}
	return ""
}

func hasMessage(f *adapters.Flow, id int64) bool {
	for _, msg := range f.UI.Messages {
		if msg.ID == id {
			return true
		}
	}
	return false
}

// flowRequest is the traced request of fetching a flow.
type flowRequest struct {
	FlowID string `json:"flow_id"`
}

// socialEvent is the state event of StateSocialSignIn.
func (m *Machine) socialEvent() events.Event {
	s := m.social
	if s == nil {
		return events.SocialSignInStarted{Error: "no sign-in is waiting"}
	}
	return events.SocialSignInStarted{
		Provider: s.provider, ProviderLabel: s.label, Registration: s.registration,
		URL: s.url, ReturnTo: s.returnTo, FlowID: s.flowID, ExpiresAt: s.expiresAt, Error: s.err,
	}
}

package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/ui"
)

// LiveOptions configure a live re-run.
type LiveOptions struct {
	// Secrets maps a recording's placeholders («secret:1») to the values
	// to send in their place: recordings hold no secrets. They come from
	// the environment (SecretsFromEnv), a 0600 file (ReadSecretsFile) or
	// Prompt, never from the command line. Secrets the live Kratos shows
	// during the run (backup codes, a TOTP secret) and one-time codes are
	// found by the run itself and need not be given.
	Secrets map[string]string
	// Prompt, when set, asks for the value of a placeholder that Secrets
	// lacks (without echo, on a terminal); what says where the recording
	// used it. The answer is kept in Secrets.
	Prompt func(placeholder, what string) (string, error)
	// RewriteEmail maps an email of the recording to the one to use (a
	// fresh one when the recorded sign-up would now collide).
	RewriteEmail map[string]string
	// TOTPSecret is the TOTP secret of an existing identity, for a
	// recording that signs in with a TOTP code without enrolling first.
	// During a replayed enrolment the secret the live Kratos shows is used.
	TOTPSecret string
	// Mail reads e-mailed one-time codes (recovery, verification); without
	// it, a recording that submits one needs it as a secret.
	Mail MailSource
	// Now is the clock for TOTP codes; time.Now when nil.
	Now func() time.Time
}

// SecretsFromEnv returns the secrets given as KRATOS_TUI_SECRET_N=value:
// the value of placeholder «secret:N».
func SecretsFromEnv(environ []string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`^KRATOS_TUI_SECRET_([0-9]+)=(.*)$`)
	for _, kv := range environ {
		if m := re.FindStringSubmatch(kv); m != nil {
			out["«secret:"+m[1]+"»"] = m[2]
		}
	}
	return out
}

// ParseSecret parses one line of a secrets file: '«secret:N»=value' or
// 'N=value'.
func ParseSecret(s string) (string, string, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return "", "", fmt.Errorf("want «secret:N»=value or N=value, got %q", strings.SplitN(s, "=", 2)[0]+"=…")
	}
	if !flowlog.IsPlaceholder(k) {
		k = "«secret:" + k + "»"
		if !flowlog.IsPlaceholder(k) {
			return "", "", fmt.Errorf("%q names no placeholder", strings.Trim(k, "«»"))
		}
	}
	return k, v, nil
}

// ReadSecretsFile reads secrets from a file of lines '«secret:N»=value' or
// 'N=value' (blank lines and lines starting with # are skipped). The file
// must be a regular file that only its owner can read (mode 0600 or
// stricter), like the token file.
func ReadSecretsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("secrets file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secrets file %s has mode %04o: others may read it; run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		k, v, err := ParseSecret(line)
		if err != nil {
			// The line may hold a secret: only its number is shown.
			return nil, fmt.Errorf("secrets file %s line %d: want «secret:N»=value or N=value", path, i+1)
		}
		out[k] = v
	}
	return out, nil
}

// SecretHint says how to give the value of a placeholder: never on the
// command line, where ps and shell history would see it.
func SecretHint(ph string) string {
	n := strings.TrimSuffix(strings.TrimPrefix(ph, "«secret:"), "»")
	return fmt.Sprintf("give it in the environment as %s=VALUE, as a line %s=VALUE in a --secrets-file (mode 0600), or run on a terminal to be asked for it (input hidden)", envName(ph), n)
}

// LiveResult is the outcome of a live re-run.
type LiveResult struct {
	// Expected and Actual are the stable views of the state events of the
	// recording and of the live run.
	Expected, Actual []map[string]any
	// Drift describes the first difference, naming the recorded record;
	// empty when none.
	Drift string
	// DriftSeq is the seq of the first recorded state event that differs
	// (0 when none, or when the live run has more state events).
	DriftSeq uint64
}

// Runner runs plugin against a live Kratos with the given token store.
type Runner func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error

// Live re-runs a recording against a live Kratos through run. It sends the
// recorded intents one at a time, each once the previous one has been
// handled, into fresh flows: recorded flow and session ids are mapped to
// the live ones by the position of the screens that showed them (an id the
// live run has not shown is left out, so the machine uses its current
// flow). Secrets come from opts, or from what the live Kratos shows at the
// same place as the recording (backup codes, the TOTP secret); TOTP codes
// are computed from the TOTP secret and e-mailed codes read from
// opts.Mail. A code the recording shows was refused is sent wrong on
// purpose. Then it compares the stable view of every state event (see
// StableView) with the recording's and reports the first difference.
func Live(ctx context.Context, rec *Recording, opts LiveOptions, run Runner) (*LiveResult, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &livePlugin{opts: opts, secrets: map[string]string{}, ids: map[string]string{}}
	for k, v := range opts.Secrets {
		p.secrets[k] = v
	}
	for _, r := range rec.Records {
		switch r.Kind {
		case events.KindIntent:
			p.script = append(p.script, liveStep{intent: r, statesBefore: len(p.recorded)})
		case events.KindState:
			p.recorded = append(p.recorded, r)
		}
	}
	tokens := tokenstore.NewMemory()
	for _, ret := range rec.results() {
		if ret.Operation != "tokens.load" {
			continue
		}
		var ph string
		if json.Unmarshal(ret.Result, &ph) == nil && flowlog.IsPlaceholder(ph) {
			v, ok := opts.Secrets[ph]
			if !ok {
				if p.opts.Prompt != nil {
					var err error
					if v, err = p.opts.Prompt(ph, "the stored session token of the launch"); err != nil {
						return nil, err
					}
					p.secrets[ph], ok = v, true
				}
			}
			if !ok {
				return nil, fmt.Errorf("the recording launched with a stored session token (%s): %s", ph, SecretHint(ph))
			}
			if err := tokens.Save(v); err != nil {
				return nil, fmt.Errorf("store the session token: %w", err)
			}
		}
		break
	}
	p.started = time.Now()
	if err := run(ctx, tokens, p); err != nil {
		return nil, fmt.Errorf("live run: %w", err)
	}
	if err := p.failure(); err != nil {
		return nil, err
	}
	res := &LiveResult{Actual: p.views()}
	for _, r := range p.recorded {
		res.Expected = append(res.Expected, StableView(r.Event, opts.RewriteEmail))
	}
	res.Drift, res.DriftSeq = p.drift(res.Expected, res.Actual)
	return res, nil
}

func envName(ph string) string {
	return "KRATOS_TUI_SECRET_" + strings.TrimSuffix(strings.TrimPrefix(ph, "«secret:"), "»")
}

// liveStep is a recorded intent and how many state events the recording
// had before it.
type liveStep struct {
	intent       flowlog.Record
	statesBefore int
}

// livePlugin is a UI without a user: it publishes the recorded intents one
// at a time, each once the previous one has been handled, filled in from
// the live run, and keeps the state events.
type livePlugin struct {
	opts     LiveOptions
	script   []liveStep
	recorded []flowlog.Record

	mu   sync.Mutex
	seen []events.Envelope
	err  error
	// secrets are the values of placeholders: given, or learned from the
	// live screens; ids maps recorded flow and session ids to live ones.
	secrets map[string]string
	ids     map[string]string
	// learned is how many screens have been matched up so far.
	learned int
	// totpSecret is the last TOTP secret a live screen showed.
	totpSecret string
	// email is the address the last intent used, for e-mailed codes.
	email string
	// started is when the run began: e-mailed codes are looked for in
	// messages sent since.
	started time.Time
}

// views returns the stable views of the state events seen.
func (p *livePlugin) views() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]map[string]any, len(p.seen))
	for i, env := range p.seen {
		out[i] = StableView(env.Event, nil)
	}
	return out
}

func (p *livePlugin) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Run implements ui.Plugin.
func (p *livePlugin) Run(ctx context.Context, host ui.Host) error {
	if err := host.Subscribe(ctx, func(env events.Envelope) {
		p.mu.Lock()
		p.seen = append(p.seen, env)
		p.mu.Unlock()
	}); err != nil {
		return err
	}
	for _, st := range p.script {
		if err := host.Wait(ctx); err != nil {
			return err
		}
		p.mu.Lock()
		p.learn()
		// The live run went elsewhere before this intent: the comparison
		// reports where; sending more would only add noise. More screens
		// than the recording had before the intent is not that: an intent
		// a UI sent while the machine was busy (a script piped into the
		// json UI) was recorded before screens it waited for.
		ahead := len(p.seen) < st.statesBefore || !p.sameScreens(st.statesBefore)
		p.mu.Unlock()
		if ahead {
			return nil
		}
		in, err := p.fill(ctx, st)
		if err != nil {
			p.mu.Lock()
			if p.err == nil {
				p.err = fmt.Errorf("intent at seq %d (%s): %w", st.intent.Seq, st.intent.Type, err)
			}
			p.mu.Unlock()
			return nil
		}
		if err := host.Publish(in); err != nil {
			return err
		}
	}
	return host.Wait(ctx)
}

// sameScreens reports whether the first n live state events have the
// stable views of the recorded ones; p.mu must be held.
func (p *livePlugin) sameScreens(n int) bool {
	for i := 0; i < n && i < len(p.seen) && i < len(p.recorded); i++ {
		a, _ := json.Marshal(StableView(p.seen[i].Event, nil))
		b, _ := json.Marshal(StableView(p.recorded[i].Event, p.opts.RewriteEmail))
		if string(a) != string(b) {
			return false
		}
	}
	return true
}

// learn matches the recorded screens with the live ones at the same
// places: a placeholder in the recording gets the live value at the same
// path, a recorded flow or session id the live id; p.mu must be held.
func (p *livePlugin) learn() {
	for ; p.learned < len(p.seen) && p.learned < len(p.recorded); p.learned++ {
		live := p.seen[p.learned]
		rec := p.recorded[p.learned]
		if live.Type != rec.Type {
			return
		}
		if rec.FlowID != "" && live.FlowID != "" {
			p.ids[rec.FlowID] = live.FlowID
		}
		lv, rv := toJSON(live.Event), toJSON(rec.Event)
		zipStrings("", rv, lv, func(path, r, l string) {
			switch {
			case flowlog.IsPlaceholder(r):
				if _, given := p.secrets[r]; !given && l != "" {
					p.secrets[r] = l
				}
			case isIDKey(path) && r != "" && l != "":
				p.ids[r] = l
			}
		})
		if s := totpSecretShown(live.Event); s != "" {
			p.totpSecret = s
		}
	}
}

// isIDKey says whether a JSON path ends in a flow or session id.
func isIDKey(path string) bool {
	return strings.HasSuffix(path, ".flow_id") || strings.HasSuffix(path, ".session_id") ||
		strings.HasPrefix(path, ".sessions[") && strings.HasSuffix(path, ".id")
}

func toJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// zipStrings walks two JSON values of the same shape and calls f for each
// pair of strings at the same path.
func zipStrings(path string, a, b any, f func(path, a, b string)) {
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok {
			return
		}
		for k, av := range at {
			zipStrings(path+"."+k, av, bt[k], f)
		}
	case []any:
		bt, ok := b.([]any)
		if !ok {
			return
		}
		for i := 0; i < len(at) && i < len(bt); i++ {
			zipStrings(fmt.Sprintf("%s[%d]", path, i), at[i], bt[i], f)
		}
	case string:
		if bs, ok := b.(string); ok {
			f(path, at, bs)
		}
	}
}

// totpSecretShown is the TOTP secret a settings screen shows for
// enrolment, if any.
func totpSecretShown(ev events.Event) string {
	f, ok := formOf(ev)
	if !ok {
		return ""
	}
	for _, n := range f.UI.Nodes {
		if n.Attributes.ID != "totp_secret_key" && n.Attributes.Name != "totp_secret_key" || n.Attributes.Text == nil {
			continue
		}
		if s, ok := n.Attributes.Text.Context["secret"].(string); ok && s != "" {
			return s
		}
		return n.Attributes.Text.Text
	}
	return ""
}

// formOf returns the form a state event shows, if any.
func formOf(ev events.Event) (events.Form, bool) {
	switch e := ev.(type) {
	case events.LoginFormShown:
		return e.Form, true
	case events.RegistrationFormShown:
		return e.Form, true
	case events.SettingsFormShown:
		return e.Form, true
	case events.SecondFactorFormShown:
		return e.Form, true
	case events.ReauthenticationFormShown:
		return e.Form, true
	case events.RecoveryFormShown:
		return e.Form, true
	case events.VerificationFormShown:
		return e.Form, true
	}
	return events.Form{}, false
}

// fill turns a recorded intent into the one to send live.
func (p *livePlugin) fill(ctx context.Context, st liveStep) (events.Event, error) {
	ev := st.intent.Event
	refused := p.refusedAfter(st)
	// One-time values first: they are not secrets anyone can give.
	var err error
	switch e := ev.(type) {
	case events.SecondFactorSubmitted:
		if e.Method == "totp" {
			if e.Code, err = p.totpCode(refused); err != nil {
				return nil, err
			}
			ev = e
		}
	case events.SettingsSubmitted:
		if _, ok := e.Values["totp_code"]; ok && e.Method == "totp" {
			code, err := p.totpCode(refused)
			if err != nil {
				return nil, err
			}
			values := map[string]any{}
			for k, v := range e.Values {
				values[k] = v
			}
			values["totp_code"] = code
			e.Values = values
			ev = e
		}
	case events.RecoverySubmitted:
		if e.Code != "" {
			if e.Code, err = p.mailedCode(ctx, refused); err != nil {
				return nil, err
			}
			ev = e
		}
	case events.VerificationSubmitted:
		if e.Code != "" {
			if e.Code, err = p.mailedCode(ctx, refused); err != nil {
				return nil, err
			}
			ev = e
		}
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var missing error
	v = mapPaths("", v, func(path, s string) string {
		if flowlog.IsPlaceholder(s) {
			val, ok := p.secrets[s]
			if !ok && missing == nil && p.opts.Prompt != nil {
				var err error
				if val, err = p.opts.Prompt(s, ev.EventType()); err != nil {
					missing = err
					return ""
				}
				p.secrets[s], ok = val, true
			}
			if !ok && missing == nil {
				missing = fmt.Errorf("%s %s is redacted in the recording and the live run did not show it: %s", ev.EventType(), s, SecretHint(s))
			}
			return val
		}
		if isIDKey(path) && s != "" {
			// A fresh flow: the live id of the screen that showed the
			// recorded one, or none (the machine's current flow).
			return p.ids[s]
		}
		if n, ok := p.opts.RewriteEmail[s]; ok {
			return n
		}
		return s
	})
	if missing != nil {
		return nil, missing
	}
	data, err = json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out, err := events.DecodeEvent(ev.EventType(), data)
	if err != nil {
		return nil, err
	}
	switch e := out.(type) {
	case events.SignUpSubmitted:
		p.email = e.Email
	case events.SignInSubmitted:
		p.email = e.Identifier
	case events.RecoverySubmitted:
		if e.Email != "" {
			p.email = e.Email
		}
	case events.VerificationSubmitted:
		if e.Email != "" {
			p.email = e.Email
		}
	}
	return out, nil
}

func mapPaths(path string, v any, f func(path, s string) string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = mapPaths(path+"."+k, c, f)
		}
	case []any:
		for i, c := range t {
			t[i] = mapPaths(fmt.Sprintf("%s[%d]", path, i), c, f)
		}
	case string:
		return f(path, t)
	}
	return v
}

// refusedAfter says whether the recording shows the code this intent
// sends as refused: the next screen is a form of the same kind with an
// error message on it.
func (p *livePlugin) refusedAfter(st liveStep) bool {
	if st.statesBefore >= len(p.recorded) || st.statesBefore == 0 {
		return false
	}
	before := p.recorded[st.statesBefore-1]
	for _, next := range p.recorded[st.statesBefore:] {
		if next.Kind != events.KindState || next.Type == "RequestStarted" {
			continue
		}
		f, ok := formOf(next.Event)
		if !ok || next.Type != before.Type {
			return false
		}
		return hasError(f)
	}
	return false
}

func hasError(f events.Form) bool {
	if f.GeneralError != "" {
		return true
	}
	for _, m := range f.Messages {
		if m.Type == "error" {
			return true
		}
	}
	for _, ms := range f.FieldErrors {
		for _, m := range ms {
			if m.Type == "error" {
				return true
			}
		}
	}
	return false
}

// totpCode computes the current code of the live TOTP secret; wrong makes
// it a code that is certainly not valid now.
func (p *livePlugin) totpCode(wrong bool) (string, error) {
	p.mu.Lock()
	secret := p.totpSecret
	p.mu.Unlock()
	if secret == "" {
		secret = p.opts.TOTPSecret
	}
	if secret == "" {
		return "", fmt.Errorf("a TOTP code is needed but no TOTP secret is known: the recording enrols none, so give the identity's TOTP secret in KRATOS_TUI_TOTP_SECRET (the base32 secret Kratos showed at enrolment)")
	}
	code, err := totp.GenerateCode(secret, p.opts.Now())
	if err != nil {
		return "", fmt.Errorf("TOTP code: %w", err)
	}
	if wrong {
		code = wrongCode(code)
	}
	return code, nil
}

// wrongCode returns a code of the same length that differs in every
// digit.
func wrongCode(code string) string {
	b := []byte(code)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '0' + (c-'0'+5)%10
		}
	}
	return string(b)
}

// mailedCode reads the one-time code of the newest message sent to the
// run's address since the run began, not used before.
func (p *livePlugin) mailedCode(ctx context.Context, wrong bool) (string, error) {
	p.mu.Lock()
	email, since := p.email, p.started
	p.mu.Unlock()
	if p.opts.Mail == nil {
		return "", fmt.Errorf("an e-mailed code is needed: give a mail source (--mail, Kratos's admin API)")
	}
	if email == "" {
		return "", fmt.Errorf("an e-mailed code is needed but the recording named no address before it")
	}
	code, err := p.opts.Mail.Code(ctx, email, since)
	if err != nil {
		return "", fmt.Errorf("e-mailed code for %s: %w", email, err)
	}
	if wrong {
		code = wrongCode(code)
	}
	return code, nil
}

// drift compares the views and names the first recorded record that
// differs.
func (p *livePlugin) drift(exp, act []map[string]any) (string, uint64) {
	for i := 0; i < len(exp) && i < len(act); i++ {
		eb, _ := json.Marshal(exp[i])
		ab, _ := json.Marshal(act[i])
		if string(eb) != string(ab) {
			path, e, a, _ := firstDiff("", decodeAny(eb), decodeAny(ab), false)
			r := p.recorded[i]
			why := fmt.Sprintf("%s differs: recorded %s, live %s", describePath(path), show(e), show(a))
			if gone, added := listDiff(exp[i]["nodes"], act[i]["nodes"]); exp[i]["nodes"] != nil && act[i]["nodes"] != nil && len(gone)+len(added) > 0 {
				why += fmt.Sprintf(" (form nodes gone: %v; new: %v)", gone, added)
			}
			p.mu.Lock()
			if i < len(p.seen) {
				if f, ok := formOf(p.seen[i].Event); ok {
					if f.GeneralError != "" {
						why += fmt.Sprintf("; the live form's error: %q", f.GeneralError)
					}
					if rf, rok := formOf(r.Event); hasMessageID(f, identifierTaken) && !(rok && hasMessageID(rf, identifierTaken)) {
						why += fmt.Sprintf("; the recording's address is taken on this Kratos (message %d): re-run with --rewrite-email OLD=NEW to sign up with a fresh one", identifierTaken)
					}
				}
			}
			p.mu.Unlock()
			return fmt.Sprintf("state event %d (record seq %d, %s): %s\n  recorded: %s\n  live:     %s",
				i+1, r.Seq, r.Type, why, eb, ab), r.Seq
		}
	}
	if len(exp) > len(act) {
		r := p.recorded[len(act)]
		return fmt.Sprintf("state event %d (record seq %d, %s): the live run stopped before it: the recording has %d state events, the live run %d",
			len(act)+1, r.Seq, r.Type, len(exp), len(act)), r.Seq
	}
	if len(act) > len(exp) {
		return fmt.Sprintf("the live run has %d state events, the recording %d: the first extra one is %s",
			len(act), len(exp), mustJSON(act[len(exp)])), 0
	}
	return "", 0
}

// identifierTaken is Kratos's message id for "an account with the same
// identifier (email, phone, username, ...) exists already".
const identifierTaken = 4000007

// hasMessageID tells whether the form carries a message with the id, in
// its own messages or on a field.
func hasMessageID(f events.Form, id int64) bool {
	for _, m := range f.Messages {
		if m.ID == id {
			return true
		}
	}
	for _, ms := range f.FieldErrors {
		for _, m := range ms {
			if m.ID == id {
				return true
			}
		}
	}
	return false
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// listDiff returns the strings of a not in b and of b not in a.
func listDiff(a, b any) (gone, added []string) {
	as, _ := a.([]string)
	bs, _ := b.([]string)
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, s := range as {
		if !in(bs, s) {
			gone = append(gone, s)
		}
	}
	for _, s := range bs {
		if !in(as, s) {
			added = append(added, s)
		}
	}
	return gone, added
}

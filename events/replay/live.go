package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

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
	// Prompt, never from the command line.
	Secrets map[string]string
	// Prompt, when set, asks for the value of a placeholder that Secrets
	// lacks (without echo, on a terminal); what says where the recording
	// used it. The answer is kept in Secrets.
	Prompt func(placeholder, what string) (string, error)
	// RewriteEmail maps an email of the recording to the one to use (a
	// fresh one when the recorded sign-up would now collide).
	RewriteEmail map[string]string
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
	// Drift describes the first difference; empty when none.
	Drift string
}

// Runner runs plugin against a live Kratos with the given token store.
type Runner func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error

// Live sends the recorded intents, with the secrets and emails of opts put
// in, to a live Kratos through run, and compares the sequence of state
// event types and their stable fields (not ids, times, tokens or flow ids)
// with the recording's.
func Live(ctx context.Context, rec *Recording, opts LiveOptions, run Runner) (*LiveResult, error) {
	if opts.Secrets == nil {
		opts.Secrets = map[string]string{}
	}
	var intents []events.Event
	for _, r := range rec.Intents() {
		ev, err := fill(r.Event, opts)
		if err != nil {
			return nil, fmt.Errorf("intent at seq %d: %w", r.Seq, err)
		}
		intents = append(intents, ev)
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
				if opts.Prompt != nil {
					var err error
					if v, err = opts.Prompt(ph, "the stored session token of the launch"); err != nil {
						return nil, err
					}
					opts.Secrets[ph], ok = v, true
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
	p := &livePlugin{intents: intents}
	if err := run(ctx, tokens, p); err != nil {
		return nil, fmt.Errorf("live run: %w", err)
	}
	res := &LiveResult{Actual: p.views()}
	for _, r := range rec.Records {
		if r.Kind == events.KindState {
			res.Expected = append(res.Expected, stableView(r.Event, opts.RewriteEmail))
		}
	}
	res.Drift = drift(res.Expected, res.Actual)
	return res, nil
}

func envName(ph string) string {
	return "KRATOS_TUI_SECRET_" + strings.TrimSuffix(strings.TrimPrefix(ph, "«secret:"), "»")
}

// fill puts secrets and rewritten emails into a recorded intent.
func fill(ev events.Event, opts LiveOptions) (events.Event, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	var missing error
	v = mapStrings(v, func(s string) string {
		if flowlog.IsPlaceholder(s) {
			val, ok := opts.Secrets[s]
			if !ok && missing == nil && opts.Prompt != nil {
				var err error
				if val, err = opts.Prompt(s, ev.EventType()); err != nil {
					missing = err
					return ""
				}
				if opts.Secrets == nil {
					opts.Secrets = map[string]string{}
				}
				opts.Secrets[s], ok = val, true
			}
			if !ok && missing == nil {
				missing = fmt.Errorf("%s %s is redacted in the recording: %s", ev.EventType(), s, SecretHint(s))
			}
			return val
		}
		if n, ok := opts.RewriteEmail[s]; ok {
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
	return events.DecodeEvent(ev.EventType(), data)
}

func mapStrings(v any, f func(string) string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = mapStrings(c, f)
		}
	case []any:
		for i, c := range t {
			t[i] = mapStrings(c, f)
		}
	case string:
		return f(t)
	}
	return v
}

// stableView keeps what a live run must reproduce of a state event.
func stableView(ev events.Event, rewrite map[string]string) map[string]any {
	email := func(s string) string {
		if n, ok := rewrite[s]; ok {
			return n
		}
		return s
	}
	v := map[string]any{"type": ev.EventType()}
	switch e := ev.(type) {
	case events.SignedOut:
		v["reason"] = e.Reason
	case events.RequestStarted:
		v["operation"] = e.Operation
	case events.SessionCheckFailed:
		if e.Error != nil {
			v["error_class"] = string(e.Error.Class)
		}
	case events.LoginFormShown:
		formView(v, e.Form, email)
	case events.RegistrationFormShown:
		formView(v, e.Form, email)
	case events.SignedIn:
		v["email"], v["verified"], v["aal"] = email(e.Email), e.Verified, e.AAL
	case events.IntentRejected:
		v["intent"], v["state"] = e.Intent, e.State
	}
	return v
}

func formView(v map[string]any, f events.Form, email func(string) string) {
	v["email"] = email(f.Email)
	var ids []int64
	for _, m := range f.Messages {
		ids = append(ids, m.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	v["message_ids"] = fmt.Sprint(ids)
	fields := map[string]string{}
	for name, msgs := range f.FieldErrors {
		var ids []int64
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		fields[name] = fmt.Sprint(ids)
	}
	v["field_message_ids"] = fields
	v["has_general_error"] = f.GeneralError != ""
	v["notice"] = f.Notice
}

func drift(exp, act []map[string]any) string {
	for i := 0; i < len(exp) && i < len(act); i++ {
		eb, _ := json.Marshal(exp[i])
		ab, _ := json.Marshal(act[i])
		if string(eb) != string(ab) {
			path, e, a, _ := firstDiff("", decodeAny(eb), decodeAny(ab), false)
			return fmt.Sprintf("state event %d: %s differs: recorded %s, live %s\n  recorded: %s\n  live:     %s",
				i+1, describePath(path), show(e), show(a), eb, ab)
		}
	}
	if len(exp) != len(act) {
		return fmt.Sprintf("the recording has %d state events, the live run %d", len(exp), len(act))
	}
	return ""
}

// livePlugin is a UI without a user: it publishes the intents one at a
// time, each once the previous one has been handled, and keeps the state
// events.
type livePlugin struct {
	intents []events.Event

	mu   sync.Mutex
	seen []events.Event
}

// views returns the stable views of the state events seen.
func (p *livePlugin) views() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]map[string]any, len(p.seen))
	for i, ev := range p.seen {
		out[i] = stableView(ev, nil)
	}
	return out
}

// Run implements ui.Plugin.
func (p *livePlugin) Run(ctx context.Context, host ui.Host) error {
	if err := host.Subscribe(ctx, func(env events.Envelope) {
		p.mu.Lock()
		p.seen = append(p.seen, env.Event)
		p.mu.Unlock()
	}); err != nil {
		return err
	}
	for _, in := range p.intents {
		if err := host.Publish(in); err != nil {
			return err
		}
		if err := host.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

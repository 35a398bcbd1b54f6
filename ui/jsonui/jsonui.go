// Package jsonui is the headless UI plugin: it reads intents as JSON lines
// on its input and writes state events as JSON lines on its output, so that
// scripts and tests can drive kratos-tui.
//
// An input line is {"type": "SignInSubmitted", "data": {...}}. An output
// line is an event envelope (seq, id, kind, type, time, correlation_id,
// causation_id, flow_id, data). A line that cannot be used is answered by
// {"kind": "error", "line": N, "error": "..."} and the plugin reads on.
// Session tokens are masked unless secrets are revealed.
package jsonui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"reflect"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// Name is the plugin's registry name.
const Name = "json"

// MaxLine bounds an input line.
const MaxLine = 1 << 20

func init() {
	ui.Register(Name, "JSON lines: intents on stdin, state events on stdout (for scripts and tests)", New)
}

// Plugin is the json UI.
type Plugin struct {
	stdio ui.IO
	opts  ui.Options
	mu    sync.Mutex // serialises writes to stdio.Out
	mail  mailState  // for the dev-only MailCodeFillRequested
}

// New makes the json UI.
func New(stdio ui.IO, opts ui.Options) (ui.Plugin, error) {
	if stdio.In == nil || stdio.Out == nil {
		return nil, errors.New("json UI needs an input and an output")
	}
	return &Plugin{stdio: stdio, opts: opts}, nil
}

// inputLine is one line of input.
type inputLine struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// errorLine reports an input line that could not be used.
type errorLine struct {
	Kind  string `json:"kind"`
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// Run publishes AppStarted, then one intent per input line, writing every
// state event as it comes. It returns when the input ends and everything it
// caused has been written, or when ctx ends.
func (p *Plugin) Run(ctx context.Context, host ui.Host) error {
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var writeErr error
	if err := host.Subscribe(subCtx, func(env events.Envelope) {
		p.mail.observe(env.Event)
		if err := p.write(env); err != nil && writeErr == nil {
			writeErr = err
			cancel()
		}
	}); err != nil {
		return fmt.Errorf("json UI: %w", err)
	}
	if err := host.Publish(events.AppStarted{}); err != nil {
		return fmt.Errorf("json UI: %w", err)
	}

	lines := make(chan lineOrErr)
	go p.read(subCtx, lines)
	for {
		select {
		case <-subCtx.Done():
			if writeErr != nil {
				return fmt.Errorf("json UI: write output: %w", writeErr)
			}
			return nil
		case l, ok := <-lines:
			if !ok {
				if err := host.Wait(ctx); err != nil {
					return fmt.Errorf("json UI: %w", err)
				}
				return nil
			}
			if l.err != nil {
				p.writeError(l.n, l.err)
				if l.fatal {
					_ = host.Wait(ctx)
					return fmt.Errorf("json UI: read input: %w", l.err)
				}
				continue
			}
			if l.mail {
				if err := p.fillMailCode(ctx, host, l.n); err != nil {
					return fmt.Errorf("json UI: %w", err)
				}
				continue
			}
			p.mail.published(l.intent)
			if err := host.Publish(l.intent); err != nil {
				return fmt.Errorf("json UI: %w", err)
			}
		}
	}
}

type lineOrErr struct {
	n      int
	intent events.Event
	err    error
	fatal  bool
	mail   bool // MailCodeFillRequested
}

// read parses input lines into intents until the input ends.
func (p *Plugin) read(ctx context.Context, out chan<- lineOrErr) {
	defer close(out)
	sc := bufio.NewScanner(p.stdio.In)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	n := 0
	send := func(l lineOrErr) bool {
		select {
		case out <- l:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if isMailLine(text) {
			if !send(lineOrErr{n: n, mail: true}) {
				return
			}
			continue
		}
		intent, err := ParseIntent([]byte(text))
		if !send(lineOrErr{n: n, intent: intent, err: err}) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line longer than %d bytes", MaxLine)
		}
		send(lineOrErr{n: n + 1, err: err, fatal: true})
	}
}

// ParseIntent decodes one input line into an intent.
func ParseIntent(line []byte) (events.Event, error) {
	var in inputLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields() // "dat", a top-level "password": a typo, not an empty intent
	if err := dec.Decode(&in); err != nil {
		if _, field, ok := strings.Cut(err.Error(), "unknown field "); ok {
			return nil, fmt.Errorf(`a line has only "type" and "data", not %s (e.g. {"type":"SignInSubmitted","data":{"identifier":"…","password":"…"}})`, field)
		}
		return nil, fmt.Errorf("not a JSON object with type and data: %v", err)
	}
	if in.Type == "" {
		return nil, errors.New(`missing "type" (e.g. {"type":"LoginFlowRequested"})`)
	}
	ev, err := events.DecodeEvent(in.Type, in.Data)
	if err != nil {
		return nil, err
	}
	if ev.EventKind() != events.KindIntent {
		return nil, fmt.Errorf("%s is a %s event, not an intent", in.Type, ev.EventKind())
	}
	if err := knownFields(in.Type, ev, in.Data); err != nil {
		return nil, err
	}
	return ev, nil
}

// knownFields refuses data with a key the intent does not have: a typo
// ("pasword") would otherwise send the intent without that value.
func knownFields(typ string, ev events.Event, data json.RawMessage) error {
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	t := reflect.TypeOf(ev)
	if t.Kind() != reflect.Struct {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(reflect.New(t).Interface()); err != nil && strings.Contains(err.Error(), "unknown field") {
		var names []string
		for i := range t.NumField() {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
				names = append(names, name)
			}
		}
		_, field, _ := strings.Cut(err.Error(), "unknown field ")
		if len(names) == 0 {
			return fmt.Errorf("%s takes no data, but it has the field %s", typ, field)
		}
		return fmt.Errorf("%s has no field %s: its fields are %s", typ, field, strings.Join(names, ", "))
	}
	return nil
}

func (p *Plugin) write(env events.Envelope) error {
	if !p.opts.RevealSecrets {
		env.Event = events.Redact(env.Event, mask)
	}
	line, err := events.Marshal(env)
	if err != nil {
		return err
	}
	return p.writeLine(line)
}

// mask hides a secret for output: a session token as every UI shows it
// (fields.MaskToken: its ory_st_ prefix and dots), anything else with
// events.Mask.
func mask(secret string) string {
	if strings.HasPrefix(secret, "ory_st_") {
		return fields.MaskToken(secret)
	}
	return events.Mask(secret)
}

func (p *Plugin) writeError(n int, err error) {
	line, _ := json.Marshal(errorLine{Kind: "error", Line: n, Error: err.Error()})
	_ = p.writeLine(line)
}

func (p *Plugin) writeLine(line []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	line = append(line, '\n')
	_, err := p.stdio.Out.Write(line)
	if err != nil {
		return err
	}
	if f, ok := p.stdio.Out.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

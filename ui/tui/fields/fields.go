// Package fields turns the form of a Kratos flow (its ui.nodes and
// messages, as carried by events.Form) into the fields, texts and buttons a
// user interface shows, and the values a user typed into the intent that
// submits them. The tui and plain UIs both render forms through it, so any
// identity schema (an extra traits.name.first, a tel field) works with no
// code change.
package fields

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// MessageSetPasswordNow is shown with the settings after a recovery.
const MessageSetPasswordNow = "Set a new password now: Kratos lets this session change it without " +
	"signing in again only for its privileged window (privileged_session_max_age, 15 minutes unless configured otherwise)."

// Kind says how a field is shown and edited.
type Kind int

// The kinds of field.
const (
	// KindInput is a text input (text, email, tel, number...).
	KindInput Kind = iota
	// KindSecret is an input whose value is masked (password).
	KindSecret
	// KindCheckbox is a true/false input.
	KindCheckbox
	// KindText is read-only text from a text node.
	KindText
	// KindChoice is one of a list of values (an enum trait, as the
	// identity schema gives it).
	KindChoice
)

// Field is one visible element of a form, in the order of the nodes.
type Field struct {
	// Name is the node's attribute name (e.g. "traits.name.first"); empty
	// for texts.
	Name string
	// ID is the node's attribute id (text nodes: e.g. "totp_secret_key").
	ID string
	// Group is the node's group (default, password, profile, totp...).
	Group string
	// Label is the node's meta.label.text, else its name.
	Label string
	// Type is the node's input type (text, email, tel, password...).
	Type  string
	Kind  Kind
	Value string
	// Raw is the node's value as Kratos sent it (a bool, a number...).
	Raw any
	// Array: the trait is an array (Kratos renders one as text; its value,
	// or Kratos's "expected array" message on it, tells).
	Array    bool
	Required bool
	// Messages are the node's current messages (its errors), from the
	// form's FieldErrors.
	Messages []adapters.Message
	// SchemaType is the identity schema's type of a trait (integer,
	// number, boolean, string, array), when the form carries it.
	SchemaType string
	// Options are an enum trait's values (KindChoice).
	Options []any
}

// Button is a submit button of the flow: Name and Value are what it
// submits (Name "method" names the method; others, such as totp_unlink,
// are sent as they are).
type Button struct {
	Name  string
	Value string
	Label string
	Group string
}

// Form is a flow's form ready to show.
type Form struct {
	// Login is true for the sign-in form, false for sign-up.
	Login  bool
	FlowID string
	// Title is "Sign in" or "Sign up".
	Title string
	// Errors are the general errors, first the form's GeneralError.
	Errors []string
	// Infos are the flow's informational messages.
	Infos []string
	// Notice is a one-off message to show.
	Notice string
	Fields []Field
	// Hidden are hidden inputs that carry identity traits: submitted as
	// they came, never shown.
	Hidden  []Field
	Buttons []Button
	// BrowserOnly are the methods of the flow that need a web browser
	// (passkeys, WebAuthn, social sign-in), with where to use them.
	BrowserOnly []BrowserMethod
	// Providers are the OpenID Connect providers of the flow (social
	// sign-in), in Kratos's order: the terminal signs in with them through
	// the user's browser and its loopback callback.
	Providers []Provider
	// Identifier is the identifier Kratos holds hidden on a later screen
	// of a login (identifier first, a code sent); "" on a first screen.
	Identifier string
}

// BrowserMethod is a method a terminal cannot perform: its label (as
// Kratos gives it) and the Kratos browser flow to open for it.
type BrowserMethod struct {
	Group string
	Label string
	URL   string
}

// Provider is an OpenID Connect provider a flow offers.
type Provider struct {
	// ID is the provider's id (the value its button posts).
	ID string
	// Label is Kratos's label of its button ("Sign in with GitHub").
	Label string
}

// browserGroups are the node groups whose methods need a web browser
// (Kratos v1.3.1 runs passkeys and WebAuthn in the browser's JavaScript;
// social sign-in redirects through the provider).
var browserGroups = map[string]bool{"passkey": true, "webauthn": true, "oidc": true, "saml": true}

// browserURL is the browser flow of the same kind as the flow posting to
// action ("…/self-service/login?flow=…" → "…/self-service/login/browser").
func browserURL(action string) string {
	u, err := url.Parse(action)
	if err != nil || u.Scheme == "" || u.Host == "" || !strings.HasPrefix(u.Path, "/self-service/") {
		return ""
	}
	return u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "/") + "/browser"
}

// submittable lists the node groups whose inputs the intents can submit.
var submittable = map[string]bool{"": true, "default": true, "password": true, "profile": true, "code": true, "identifier_first": true}

// Build makes the form to show from a form state. login tells a
// LoginFormShown from a RegistrationFormShown.
func Build(f events.Form, login bool) Form {
	out := build(f, func(group string) bool { return submittable[group] })
	out.Login = login
	out.Title = "Sign up"
	if login {
		out.Title = "Sign in"
	}
	if len(out.Buttons) == 0 {
		out.Buttons = []Button{{Label: out.Title}}
	}
	return out
}

// build makes the form from the nodes of the groups keep accepts.
// toldByNotice are Kratos's informational messages that the machine
// turns into the form's notice: "sign in with your existing account to
// link the provider to it" (1010016).
var toldByNotice = map[int64]bool{1010016: true}

func build(f events.Form, keep func(group string) bool) Form {
	out := Form{FlowID: f.FlowID, Notice: f.Notice}
	if f.GeneralError != "" {
		out.Errors = append(out.Errors, f.GeneralError)
	}
	for _, m := range f.Messages {
		switch {
		case m.Type == "error" && f.GeneralError == "":
			// Cleared by an edit (FieldChanged): not shown any more.
		case m.Type == "error":
			if m.Text != f.GeneralError {
				out.Errors = append(out.Errors, m.Text)
			}
		case toldByNotice[m.ID] && f.Notice != "":
			// The machine's notice says it (once, and in one line: the
			// linking message's five lines would push the form off a
			// small terminal).
		default:
			out.Infos = append(out.Infos, m.Text)
		}
	}
	seen := map[string]bool{}
	for _, n := range f.UI.Nodes {
		if n.Group == "oidc" && n.Type == "input" && n.Attributes.Name == "provider" && n.Attributes.Type == "submit" && stringValue(n.Attributes.Value) != "" {
			out.Providers = append(out.Providers, Provider{ID: stringValue(n.Attributes.Value), Label: labelOf(n)})
			continue
		}
		if browserGroups[n.Group] && n.Type == "input" && (n.Attributes.Type == "submit" || n.Attributes.Type == "button") {
			if label := labelOf(n); !seen[label] {
				seen[label] = true
				out.BrowserOnly = append(out.BrowserOnly, BrowserMethod{Group: n.Group, Label: label, URL: browserURL(f.UI.Action)})
			}
			continue
		}
		if !keep(n.Group) {
			continue
		}
		switch n.Type {
		case "text":
			if n.Attributes.Text != nil && n.Attributes.Text.Text != "" {
				out.Fields = append(out.Fields, Field{ID: n.Attributes.ID, Group: n.Group, Label: labelOf(n), Kind: KindText, Value: n.Attributes.Text.Text})
			}
			continue
		case "input":
		default:
			continue
		}
		a := n.Attributes
		switch a.Type {
		case "hidden":
			if strings.HasPrefix(a.Name, "traits.") && a.Value != nil {
				out.Hidden = append(out.Hidden, Field{Name: a.Name, Group: n.Group, Type: a.Type, Raw: a.Value, Value: stringValue(a.Value)})
			}
			if a.Name == "identifier" && stringValue(a.Value) != "" && n.Meta.Label != nil && n.Group != "code" {
				// Kratos keeps the identifier once given (identifier
				// first, a code sent), labelled: shown, not edited.
				out.Fields = append(out.Fields, Field{Group: n.Group, Label: labelOf(n), Kind: KindText, Value: stringValue(a.Value)})
				out.Identifier = stringValue(a.Value)
			}
			continue
		case "submit", "button":
			out.Buttons = append(out.Buttons, Button{Name: a.Name, Value: stringValue(a.Value), Label: labelOf(n), Group: n.Group})
			continue
		}
		fd := Field{Name: a.Name, Group: n.Group, Label: labelOf(n), Type: a.Type, Required: a.Required, Messages: f.FieldErrors[a.Name], Raw: a.Value}
		fd.Array = isArray(a.Value) || expectsArray(fd.Messages)
		if tt, ok := f.TraitTypes[a.Name]; ok {
			fd.SchemaType, fd.Options = tt.Type, tt.Enum
			fd.Array = fd.Array || tt.Type == "array"
		}
		switch a.Type {
		case "password":
			fd.Kind = KindSecret
		case "checkbox":
			fd.Kind = KindCheckbox
			fd.Value = stringValue(a.Value)
		default:
			fd.Kind = KindInput
			fd.Value = stringValue(a.Value)
			if len(fd.Options) > 0 {
				fd.Kind = KindChoice
			}
		}
		if fd.Kind == KindInput && fd.Value == "" && IsEmailField(fd.Name) && f.Email != "" {
			fd.Value = f.Email
		}
		out.Fields = append(out.Fields, fd)
	}
	out.Fields = foldArrayItems(out.Fields)
	return out
}

// foldArrayItems folds the nodes Kratos makes for the items of an array
// trait ("traits.tags.0", "traits.tags.1" beside an empty "traits.tags")
// into the array's field: one text of the items, comma-separated, sent as
// an array.
func foldArrayItems(fds []Field) []Field {
	index := map[string]int{}
	for i, fd := range fds {
		if fd.Name != "" {
			index[fd.Name] = i
		}
	}
	type item struct {
		at  int
		raw any
	}
	items := map[int][]item{}
	drop := map[int]bool{}
	for i, fd := range fds {
		dot := strings.LastIndexByte(fd.Name, '.')
		if dot < 0 || fd.Kind != KindInput {
			continue
		}
		at, err := strconv.Atoi(fd.Name[dot+1:])
		if err != nil {
			continue
		}
		parent, ok := index[fd.Name[:dot]]
		if !ok || fds[parent].Kind != KindInput {
			continue
		}
		items[parent] = append(items[parent], item{at, fd.Raw})
		drop[i] = true
	}
	if len(drop) == 0 {
		return fds
	}
	out := make([]Field, 0, len(fds)-len(drop))
	for i, fd := range fds {
		if drop[i] {
			continue
		}
		if its, ok := items[i]; ok {
			sort.Slice(its, func(a, b int) bool { return its[a].at < its[b].at })
			raw := make([]any, len(its))
			for j, it := range its {
				raw[j] = it.raw
			}
			fd.Array, fd.Raw = true, raw
			fd.Value = stringValue(raw)
		}
		out = append(out, fd)
	}
	return out
}

// IsEmailField reports whether a node name is the seed's email field: the
// login identifier or the registration email trait.
func IsEmailField(name string) bool {
	return name == "identifier" || name == "traits.email" || name == "email"
}

// Inputs returns the editable fields of the form.
func (f Form) Inputs() []Field {
	var in []Field
	for _, fd := range f.Fields {
		if fd.Kind != KindText {
			in = append(in, fd)
		}
	}
	return in
}

// Intent builds the intent that submits the form with values (the text of
// each field, "true"/"false" for a checkbox) by field name:
// SignInSubmitted for the sign-in form, SignUpSubmitted for the sign-up
// form, with every traits.* value in Traits as the JSON value its node
// gives (see Field.JSON) and the hidden traits as they came. Identifiers
// and e-mail fields are trimmed.
func (f Form) Intent(values map[string]string) events.Event {
	if f.Login {
		return events.SignInSubmitted{FlowID: f.FlowID, Identifier: strings.TrimSpace(values["identifier"]), Password: values["password"],
			Code: strings.TrimSpace(values["code"])}
	}
	up := events.SignUpSubmitted{FlowID: f.FlowID, Email: strings.TrimSpace(values["traits.email"]), Password: values["password"],
		Code: strings.TrimSpace(values["code"])}
	set := func(name string, v any) {
		if up.Traits == nil {
			up.Traits = map[string]any{}
		}
		up.Traits[name] = v
	}
	for _, fd := range f.Hidden {
		if name, ok := strings.CutPrefix(fd.Name, "traits."); ok {
			set(name, fd.Raw)
		}
	}
	for _, fd := range f.Inputs() {
		name, ok := strings.CutPrefix(fd.Name, "traits.")
		if !ok || name == "email" {
			continue
		}
		if v, ok := fd.JSON(values[fd.Name]); ok {
			set(name, v)
		}
	}
	return up
}

// IntentFor is Intent for a press of button b: its method ("profile",
// "password", "code"), screen ("previous", two-step registration's Back)
// or resend ("Resend code") goes with the intent.
func (f Form) IntentFor(values map[string]string, b Button) events.Event {
	switch in := f.Intent(values).(type) {
	case events.SignInSubmitted:
		switch b.Name {
		case "method":
			in.Method = b.Value
		case "resend":
			in.Method, in.Resend, in.Code = b.Value, true, ""
		}
		return in
	case events.SignUpSubmitted:
		switch b.Name {
		case "method":
			in.Method = b.Value
		case "screen":
			in.Screen = b.Value
		case "resend":
			in.Method, in.Resend, in.Code = b.Value, true, ""
		}
		return in
	default:
		return in
	}
}

// JSON is the value to submit for text typed into the field, typed as
// its node says: a checkbox gives true or false, a number input a JSON
// number (an integer stays an integer), an e-mail input the trimmed text,
// anything else the text. ok is false when nothing is to be sent: an
// empty optional text or number (an empty string is no number, and
// Kratos would refuse it). Text that is not a number in a number input is
// sent as it is, so that Kratos's message about it shows on the field.
func (fd Field) JSON(text string) (v any, ok bool) {
	switch {
	case fd.Kind == KindCheckbox:
		t := strings.ToLower(strings.TrimSpace(text))
		return t == "true" || t == "on" || t == "1" || t == "yes" || t == "y", true
	case fd.Kind == KindSecret:
		return text, text != ""
	case fd.Array:
		// An array trait (Kratos shows it as text; its value tells): the
		// items, comma-separated, each typed as the first item was.
		var items []any
		for _, part := range strings.Split(text, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, itemValue(fd.Raw, part))
			}
		}
		if items == nil {
			items = []any{}
		}
		return items, true
	case fd.Kind == KindChoice:
		// An enum's value as the schema types it (a number enum sends a
		// number); nothing chosen sends nothing.
		t := strings.TrimSpace(text)
		for _, o := range fd.Options {
			if stringValue(o) == t && t != "" {
				return o, true
			}
		}
		return t, t != ""
	case fd.SchemaType == "integer":
		// An integer trait (Kratos's node says only "number"): a whole
		// number, also typed as 42.0 or 4.2e1, goes as an integer; anything
		// else as typed, for Kratos to say what is wrong on the field.
		t := strings.TrimSpace(text)
		if t == "" {
			return nil, false
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(f), 10)), true
		}
		if json.Valid([]byte(t)) {
			var n json.Number
			if json.Unmarshal([]byte(t), &n) == nil {
				return n, true
			}
		}
		return t, true
	case fd.Type == "number":
		t := strings.TrimSpace(text)
		if t == "" {
			return nil, false
		}
		if json.Valid([]byte(t)) {
			var n json.Number
			if json.Unmarshal([]byte(t), &n) == nil {
				return n, true
			}
		}
		return t, true
	case fd.Type == "email" || IsEmailField(fd.Name):
		t := strings.TrimSpace(text)
		return t, t != ""
	}
	return text, text != ""
}

// Changed returns the FieldChanged intent for an edit of the named field;
// a secret field's value is left out.
func Changed(name, value string) events.FieldChanged {
	if events.IsSecretField(name) {
		value = ""
	}
	return events.FieldChanged{Field: name, Value: value}
}

// MessageText joins a field's messages into one line.
func MessageText(msgs []adapters.Message) string {
	texts := make([]string, 0, len(msgs))
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	return strings.Join(texts, " ")
}

// Operation describes a RequestStarted operation for a person.
func Operation(op string) string {
	switch op {
	case "create_login_flow":
		return "Getting the sign-in form…"
	case "create_registration_flow":
		return "Getting the sign-up form…"
	case "sign_in":
		return "Signing in…"
	case "sign_up":
		return "Signing up…"
	case "sign_out":
		return "Signing out…"
	case "open_settings":
		return "Getting your settings…"
	case "save_settings":
		return "Saving…"
	case "second_factor":
		return "Checking the code…"
	case "reauthenticate":
		return "Checking your password…"
	case "refresh_session":
		return "Getting the sign-in form…"
	case "open_recovery":
		return "Getting the recovery form…"
	case "recover":
		return "Recovering your account…"
	case "open_verification":
		return "Getting the verification form…"
	case "verify":
		return "Verifying…"
	case "list_sessions":
		return "Getting your sessions…"
	case "revoke_session":
		return "Ending the session…"
	case "revoke_other_sessions":
		return "Ending the other sessions…"
	case "refresh_home":
		return "Getting your session…"
	case "start_social_sign_in":
		return "Starting the sign-in with the provider…"
	case "finish_social_sign_in":
		return "Getting your session from the sign-in…"
	case "":
		return "Working…"
	}
	return strings.ReplaceAll(op, "_", " ") + "…"
}

// MaskToken hides a session token, keeping Kratos's "ory_st_" prefix.
func MaskToken(token string) string {
	if token == "" {
		return "(none)"
	}
	prefix := ""
	if p, _, ok := strings.Cut(token, "_st_"); ok && len(p) < 8 {
		prefix = p + "_st_"
	}
	return prefix + strings.Repeat("•", 12)
}

// YesNo renders a boolean for people.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// SortedKeys returns the keys of m in order (for stable output).
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// idWrongType is Kratos's message id for a value of the wrong type; its
// context names the allowed types.
const idWrongType = 4000026

// expectsArray reports whether Kratos said the field wants an array.
func expectsArray(msgs []adapters.Message) bool {
	for _, m := range msgs {
		if m.ID != idWrongType {
			continue
		}
		types, _ := m.Context["allowed_types"].([]any)
		for _, t := range types {
			if t == "array" {
				return true
			}
		}
	}
	return false
}

// isArray reports whether a node value is a JSON array.
func isArray(v any) bool {
	_, ok := v.([]any)
	return ok
}

// itemValue types one item of an array trait like the array's first item.
func itemValue(array any, text string) any {
	items, _ := array.([]any)
	if len(items) > 0 {
		switch items[0].(type) {
		case float64, json.Number:
			var n json.Number
			if json.Unmarshal([]byte(text), &n) == nil {
				return n
			}
		case bool:
			return text == "true"
		}
	}
	return text
}

// stringValue renders a node value (a string, a bool, a number, an
// array's items comma-separated) as text.
func stringValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = stringValue(e)
		}
		return strings.Join(parts, ", ")
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func labelOf(n adapters.Node) string {
	if n.Meta.Label != nil && n.Meta.Label.Text != "" {
		return n.Meta.Label.Text
	}
	if n.Attributes.Name != "" {
		return n.Attributes.Name
	}
	return n.Attributes.ID
}

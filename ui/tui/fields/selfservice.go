package fields

import (
	"net/url"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// Node ids and names of the self-service forms that the screens treat
// specially.
const (
	// NodeTOTPSecret is the text node with the TOTP secret to enrol.
	NodeTOTPSecret = "totp_secret_key"
	// NodeTOTPQR is the image node with Kratos's QR code of the secret.
	NodeTOTPQR = "totp_qr"
	// NodeBackupCodes is the text node with the backup (lookup) codes.
	NodeBackupCodes = "lookup_secret_codes"
)

// Section is the part of a settings form that one method submits: the
// fields and buttons of one node group.
type Section struct {
	// Group is the node group, which is also the method it submits
	// (profile, password, totp, lookup_secret...).
	Group string
	// Title names the section for people.
	Title  string
	Fields []Field
	// Hidden are the section's hidden trait inputs, sent as they came.
	Hidden  []Field
	Buttons []Button
}

// Inputs returns the editable fields of the section.
func (s Section) Inputs() []Field {
	return Form{Fields: s.Fields}.Inputs()
}

// BuildAll makes the form of any self-service flow, with the nodes of
// every group (none is left out as in Build) under the given title. Image
// and anchor nodes are left out; the screens draw the QR code themselves.
func BuildAll(f events.Form, title string) Form {
	out := build(f, func(string) bool { return true })
	out.Title = title
	return out
}

// Sections splits a settings form into its methods, in the order of their
// first node; the default group (the CSRF token) has none.
func Sections(f Form) []Section {
	var out []Section
	index := map[string]int{}
	at := func(group string) *Section {
		i, ok := index[group]
		if !ok {
			i = len(out)
			index[group] = i
			out = append(out, Section{Group: group, Title: GroupTitle(group)})
		}
		return &out[i]
	}
	for _, fd := range f.Fields {
		if fd.Group == "" || fd.Group == "default" {
			continue
		}
		s := at(fd.Group)
		s.Fields = append(s.Fields, fd)
	}
	for _, fd := range f.Hidden {
		if fd.Group == "" || fd.Group == "default" {
			continue
		}
		s := at(fd.Group)
		s.Hidden = append(s.Hidden, fd)
	}
	for _, b := range f.Buttons {
		if b.Group == "" || b.Group == "default" {
			continue
		}
		s := at(b.Group)
		s.Buttons = append(s.Buttons, b)
	}
	return out
}

// GroupTitle names a node group for people.
func GroupTitle(group string) string {
	switch group {
	case "profile":
		return "Profile"
	case "password":
		return "Password"
	case "totp":
		return "Authenticator app"
	case "lookup_secret":
		return "Backup codes"
	case "webauthn":
		return "Security keys"
	case "passkey":
		return "Passkeys"
	case "oidc":
		return "Linked accounts"
	case "code":
		return "Code"
	}
	if group == "" {
		return "Other"
	}
	return strings.ToUpper(group[:1]) + strings.ReplaceAll(group[1:], "_", " ")
}

// SettingsIntent is the intent a button of a settings section submits:
// the section's group as the method, the values of its inputs (a profile
// sends every traits.* value, each typed as its node says: see
// Field.JSON; an empty one is left out, which clears it, as Kratos
// replaces the traits), and the button's own name and value unless it is the generic
// "method" button (so totp_unlink, lookup_secret_reveal and friends send
// "true").
func SettingsIntent(flowID string, s Section, values map[string]string, b Button) events.SettingsSubmitted {
	out := events.SettingsSubmitted{FlowID: flowID, Method: s.Group, Values: map[string]any{}}
	if b.Name == "method" && b.Value != "" {
		out.Method = b.Value
	}
	submitsInputs := b.Name == "method" || b.Name == ""
	if submitsInputs {
		for _, fd := range s.Hidden {
			out.Values[fd.Name] = fd.Raw
		}
		for _, fd := range s.Fields {
			if fd.Kind == KindText {
				continue
			}
			if v, ok := fd.JSON(values[fd.Name]); ok {
				out.Values[fd.Name] = v
			}
		}
	} else {
		v := b.Value
		if v == "" {
			v = "true"
		}
		out.Values[b.Name] = v
	}
	return out
}

// node returns the node with the given attribute id or name.
func node(ui adapters.UI, key string) *adapters.Node {
	for i, n := range ui.Nodes {
		if n.Attributes.ID == key || n.Attributes.Name == key {
			return &ui.Nodes[i]
		}
	}
	return nil
}

// HasNode reports whether the form has a node with the id or name.
func HasNode(f events.Form, key string) bool { return node(f.UI, key) != nil }

// TOTPSecret is the TOTP secret the settings form offers to enrol, or "".
func TOTPSecret(f events.Form) string {
	n := node(f.UI, NodeTOTPSecret)
	if n == nil || n.Attributes.Text == nil {
		return ""
	}
	if s, ok := n.Attributes.Text.Context["secret"].(string); ok && s != "" {
		return s
	}
	return n.Attributes.Text.Text
}

// BackupCodes are the backup codes the settings form shows (a used code
// reads as Kratos says it, e.g. "used"), or nil.
func BackupCodes(f events.Form) []string {
	n := node(f.UI, NodeBackupCodes)
	if n == nil || n.Attributes.Text == nil {
		return nil
	}
	var codes []string
	secrets, _ := n.Attributes.Text.Context["secrets"].([]any)
	for _, s := range secrets {
		m, _ := s.(map[string]any)
		if ctx, ok := m["context"].(map[string]any); ok {
			if code, ok := ctx["secret"].(string); ok && code != "" {
				codes = append(codes, code)
				continue
			}
		}
		if text, ok := m["text"].(string); ok && text != "" {
			codes = append(codes, text)
		}
	}
	if len(codes) == 0 && n.Attributes.Text.Text != "" {
		for _, c := range strings.Split(n.Attributes.Text.Text, ",") {
			if c = strings.TrimSpace(c); c != "" {
				codes = append(codes, c)
			}
		}
	}
	return codes
}

// TOTPURI is the otpauth URI of the secret the settings form offers, for
// an authenticator app: the issuer is Kratos's (read from its QR code:
// the configured selfservice.methods.totp.config.issuer, else the host of
// Kratos), the account the identity's email.
func TOTPURI(f events.Form) string {
	secret := TOTPSecret(f)
	if secret == "" {
		return ""
	}
	issuer := "Kratos"
	if iss := kratosTOTPIssuer(f); iss != "" {
		issuer = iss // the configured issuer, as Kratos's own QR code has it
	} else if u, err := url.Parse(f.UI.Action); err == nil && u.Hostname() != "" {
		issuer = u.Hostname()
	}
	account := f.Email
	if n := node(f.UI, "traits.email"); n != nil {
		if s, ok := n.Attributes.Value.(string); ok && s != "" {
			account = s
		}
	}
	return OTPAuthURI(secret, issuer, account)
}

// Question is what every UI asks before the settings button named name
// is submitted on form, or "" when it is not destructive there: making
// new backup codes asks only when there are codes that stop working.
func Question(form events.Form, name string) string {
	if name == "lookup_secret_regenerate" && !HasNode(form, "lookup_secret_reveal") && !HasNode(form, "lookup_secret_disable") && len(BackupCodes(form)) == 0 {
		return ""
	}
	return Destructive[name]
}

// Destructive are the settings buttons that every UI asks about first, by
// node name, with the question.
var Destructive = map[string]string{
	"totp_unlink":              "Unlink the authenticator app? Sign-in will no longer ask for its code.",
	"lookup_secret_regenerate": "Make new backup codes? The old ones stop working.",
	"lookup_secret_disable":    "Disable backup codes? None of them will work any more.",
}

// Questions before ending sessions, in every UI.
const (
	QuestionRevokeSession = "End the selected session? It is signed out at once."
	QuestionRevokeOthers  = "End every other session? They are signed out at once."
)

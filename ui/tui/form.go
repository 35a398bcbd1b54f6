package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// fieldWidth is the width of a text input.
const fieldWidth = 40

// formScreen is a form rendered from a flow's nodes: the general messages
// on top, each visible input with its label and its messages under it, the
// flow's submit buttons and the screen's links (the switch to the other
// form, "Forgot password?"...). What it is for is in its formSpec.
type formScreen struct {
	v     *view
	model fields.Form
	spec  formSpec
	flex  *tview.Flex
	msgs  *tview.TextView
	form  *tview.Form

	inputs map[string]*tview.InputField
	// secret holds the names of the masked inputs.
	secret map[string]bool
	checks map[string]*tview.Checkbox
	// choices are the enum traits' drop-downs.
	choices map[string]*tview.DropDown
	// names holds the field name of each form item ("" for texts).
	names []string
	// sent marks fields whose edit was already reported (FieldChanged).
	sent map[string]bool
	// textWidth is the width of texts under the fields.
	textWidth int
	// width is the width of the form's items.
	width int
	// fieldWidth is the width of a text input.
	fieldWidth int
	// submitted is set once the form was submitted: the next form state
	// is a new render, not an edit's.
	submitted bool
	// carry are values for fields the flow sends back empty (a form
	// refused without its values, a new form after the sign-up form):
	// never a secret's.
	carry map[string]string
	// fresh are the fields that start with a value the user did not type
	// in this form (carried over, or sent back by Kratos): as a selected
	// text in a browser, the first key that edits it types it over.
	fresh map[string]bool
	// source is the flow's form as Kratos sent it, this form was built
	// from.
	source adapters.UI
}

// newFormScreen builds the form. When keep is the same form (re-rendered
// after an edit) its values and focus carry over.
func newFormScreen(v *view, model fields.Form, spec formSpec, keep *formScreen, carry map[string]string) *formScreen {
	s := &formScreen{
		v: v, model: model, spec: spec,
		inputs: map[string]*tview.InputField{}, checks: map[string]*tview.Checkbox{}, sent: map[string]bool{},
		choices: map[string]*tview.DropDown{},
		secret:  map[string]bool{}, carry: carry, fresh: map[string]bool{},
	}
	t := v.theme
	s.form = tview.NewForm().SetItemPadding(0).SetButtonsAlign(tview.AlignLeft)
	// No empty rows around the form, so that it fits 60x16 (a line of
	// messages above it, if any, is apart enough).
	s.form.SetBorderPadding(0, 0, 1, 1)
	s.form.SetFieldStyle(t.field).SetLabelColor(t.label).
		SetButtonStyle(t.button).SetButtonActivatedStyle(t.active)
	labels := 0
	for _, fd := range model.Fields {
		if !longLabel(fd) {
			labels = max(labels, tview.TaggedStringWidth(fd.Label)+1)
		}
	}
	// The form's items take the body's width less the border, the form's
	// padding and the labels.
	s.width = v.layout.root.width - 4
	if spec.width > 0 {
		s.width = spec.width
	}
	s.textWidth = max(s.width-labels, 10)
	// An input never runs over the border: it is narrower on a narrow
	// terminal.
	s.fieldWidth = max(min(fieldWidth, s.width-labels-1), 8)
	for _, fd := range model.Fields {
		s.addField(fd, keep)
	}
	row, elsewhere := s.shownLinks(model.Buttons, spec.links)
	if len(elsewhere) > 0 {
		// The links the button row has no room for, each with its key,
		// in a line of text above it (never a Tab stop).
		var parts []string
		for _, l := range elsewhere {
			parts = append(parts, l.keyName(spec)+" "+l.label)
		}
		text := strings.Join(parts, " · ")
		tv := tview.NewTextView().SetDynamicColors(true).SetText(t.tag("aqua", text)).
			SetSize(wrappedRows(text, s.width-2), 0)
		tv.SetWordWrap(true)
		s.add(fullWidth{tv}, "")
	}
	if s.stacked(model.Buttons) {
		// The flow's buttons alone are wider than the form: one under the
		// other, as items (a tview form's button row would cut them).
		for _, b := range model.Buttons {
			s.addButtonItem(b.Label, func() { s.submitWith(b) })
		}
		for _, l := range row {
			s.addButtonItem(l.label, l.do)
		}
	} else {
		for _, b := range model.Buttons {
			s.form.AddButton(b.Label, func() { s.submitWith(b) })
		}
		for _, l := range row {
			s.form.AddButton(l.label, l.do)
		}
	}

	s.msgs = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	s.msgs.SetBorderPadding(0, 0, 1, 1)
	var lines []string
	if !spec.noMessages {
		lines = s.messageLines()
	}
	s.msgs.SetText(strings.Join(lines, "\n"))
	rows := 0
	for _, l := range lines {
		rows += wrappedRows(l, v.layout.root.width-4)
	}
	s.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(s.msgs, rows, 0, false).
		AddItem(s.form, 0, 1, true)
	if spec.title != "" {
		s.flex.SetBorder(true).SetTitle(" " + spec.title + " ")
	}
	s.form.SetFocus(s.initialFocus(keep))
	return s
}

// shownLinks splits the links into those in the button row and those
// shown elsewhere: all go in the row when it fits the width; else those
// on a key (theirs, or Esc) leave it, from the last, until it fits, and
// are listed with their key in a line of text, so that no button is cut
// off or drawn nowhere while Tab still lands on it.
func (s *formScreen) shownLinks(buttons []fields.Button, links []link) (row, elsewhere []link) {
	width := -1
	for _, b := range buttons {
		width += tview.TaggedStringWidth(b.Label) + 5
	}
	for _, l := range links {
		width += tview.TaggedStringWidth(l.label) + 5
	}
	out := map[int]bool{}
	// A way to sign in (a social provider) leaves the row only after the
	// links to other forms.
	for _, methods := range []bool{false, true} {
		for i := len(links) - 1; i >= 0 && width > s.width-2; i-- {
			if links[i].method == methods && links[i].keyName(s.spec) != "" {
				out[i] = true
				width -= tview.TaggedStringWidth(links[i].label) + 5
			}
		}
	}
	for i, l := range links {
		if out[i] {
			elsewhere = append(elsewhere, l)
		} else {
			row = append(row, l)
		}
	}
	return row, elsewhere
}

// stacked reports whether the flow's buttons, without any link, are wider
// than the form.
func (s *formScreen) stacked(buttons []fields.Button) bool {
	width := -1
	for _, b := range buttons {
		width += tview.TaggedStringWidth(b.Label) + 5
	}
	return width > s.width-2
}

// buttonPrefix names the form items that are buttons.
const buttonPrefix = "button:"

// addButtonItem adds a button as a form item, on a row of its own.
func (s *formScreen) addButtonItem(label string, do func()) {
	b := tview.NewButton(label).SetSelectedFunc(do)
	b.SetStyle(s.v.theme.button).SetActivatedStyle(s.v.theme.active)
	s.form.AddFormItem(buttonItem{b})
	s.names = append(s.names, buttonPrefix+label)
}

// buttonItem is a button that a form lays out as an item.
type buttonItem struct{ *tview.Button }

// Draw implements tview.Primitive: the button as wide as its label, at
// the left, as in a button row.
func (b buttonItem) Draw(screen tcell.Screen) {
	x, y, w, h := b.GetRect()
	if n := tview.TaggedStringWidth(b.Button.GetLabel()) + 4; n < w {
		b.SetRect(x, y, n, h)
	}
	b.Button.Draw(screen)
}

// GetLabel implements tview.FormItem: the label is on the button.
func (buttonItem) GetLabel() string { return "" }

// SetFormAttributes implements tview.FormItem; the button keeps its style.
func (b buttonItem) SetFormAttributes(int, tcell.Color, tcell.Color, tcell.Color, tcell.Color) tview.FormItem {
	return b
}

// GetFieldWidth implements tview.FormItem.
func (b buttonItem) GetFieldWidth() int { return tview.TaggedStringWidth(b.Button.GetLabel()) + 4 }

// GetFieldHeight implements tview.FormItem.
func (buttonItem) GetFieldHeight() int { return 1 }

// SetFinishedFunc implements tview.FormItem: Tab and Backtab move on.
func (b buttonItem) SetFinishedFunc(handler func(key tcell.Key)) tview.FormItem {
	b.Button.SetExitFunc(handler)
	return b
}

// SetDisabled implements tview.FormItem.
func (b buttonItem) SetDisabled(disabled bool) tview.FormItem {
	b.Button.SetDisabled(disabled)
	return b
}

// keyName is the key that does what the link does: its own, Esc when it
// publishes the form's Esc intent, or "".
func (l link) keyName(spec formSpec) string {
	switch {
	case l.key != 0:
		return tcell.KeyNames[l.key]
	case l.intent != nil && spec.escape != nil && reflect.DeepEqual(l.intent, spec.escape):
		return "Esc"
	}
	return ""
}

// fullWidth is a text the form does not indent by its labels' width.
type fullWidth struct{ *tview.TextView }

// SetFormAttributes implements tview.FormItem, without the label width.
func (f fullWidth) SetFormAttributes(_ int, labelColor, bgColor, fieldTextColor, fieldBgColor tcell.Color) tview.FormItem {
	f.TextView.SetFormAttributes(0, labelColor, bgColor, fieldTextColor, fieldBgColor)
	return f
}

// longLabel reports whether a text's label goes on a line of its own (a
// sentence, such as the TOTP secret's).
func longLabel(fd fields.Field) bool {
	return fd.Kind == fields.KindText && tview.TaggedStringWidth(fd.Label) > 24
}

// addField adds one field (and its messages under it) to the form.
func (s *formScreen) addField(fd fields.Field, keep *formScreen) {
	t := s.v.theme
	switch fd.Kind {
	case fields.KindText:
		if longLabel(fd) {
			tv := tview.NewTextView().SetDynamicColors(true).
				SetText(tview.Escape(fd.Label)+"\n"+t.tag("::b", fd.Value)).
				SetSize(wrappedRows(fd.Label, s.width-2)+wrappedRows(fd.Value, s.width-2), 0)
			tv.SetWordWrap(true)
			s.add(fullWidth{tv}, "")
			return
		}
		tv := tview.NewTextView().SetLabel(fd.Label).SetText(fd.Value).SetSize(wrappedRows(fd.Value, s.textWidth), 0)
		tv.SetWordWrap(true)
		s.add(tv, "")
		return
	case fields.KindChoice:
		// An enum trait: one of its values (none, when it is optional).
		var options []string
		if !fd.Required {
			options = append(options, "")
		}
		for _, o := range fd.Options {
			options = append(options, fmt.Sprint(o))
		}
		value := fd.Value
		if c, ok := s.carry[fd.Name]; ok && value == "" {
			value = c
		}
		if keep != nil && keep.choices[fd.Name] != nil {
			_, value = keep.choices[fd.Name].GetCurrentOption()
		}
		dd := tview.NewDropDown().SetLabel(fd.Label).SetOptions(options, nil).SetFieldWidth(s.fieldWidth)
		dd.SetCurrentOption(max(slices.Index(options, value), 0))
		name := fd.Name
		dd.SetSelectedFunc(func(text string, _ int) { s.edited(name, text) })
		s.choices[fd.Name] = dd
		s.add(dd, fd.Name)
	case fields.KindCheckbox:
		cb := tview.NewCheckbox().SetLabel(fd.Label).SetChecked(fd.Value == "true")
		if c, ok := s.carry[fd.Name]; ok && fd.Raw == nil {
			cb.SetChecked(c == "true")
		}
		if keep != nil && keep.checks[fd.Name] != nil {
			cb.SetChecked(keep.checks[fd.Name].IsChecked())
		}
		cb.SetChangedFunc(func(checked bool) { s.edited(fd.Name, map[bool]string{true: "true", false: "false"}[checked]) })
		s.checks[fd.Name] = cb
		s.add(cb, fd.Name)
	default:
		value := fd.Value
		if value == "" && fd.Kind == fields.KindInput && !events.IsSecretField(fd.Name) {
			value = s.carry[fd.Name]
		}
		// Any value the client or Kratos put there (carried, refilled,
		// a trait Kratos holds) is typed over.
		s.fresh[fd.Name] = value != ""
		if keep != nil && keep.inputs[fd.Name] != nil {
			value = keep.inputs[fd.Name].GetText()
			s.fresh[fd.Name] = keep.fresh[fd.Name]
		}
		in := tview.NewInputField().SetLabel(fd.Label).SetFieldWidth(s.fieldWidth).SetText(value)
		in.SetPlaceholder(placeholder(fd)).SetPlaceholderStyle(t.placeholder)
		if fd.Kind == fields.KindSecret {
			in.SetMaskCharacter('*')
			s.secret[fd.Name] = true
		}
		name := fd.Name
		in.SetChangedFunc(func(text string) { s.edited(name, text) })
		in.SetDoneFunc(func(key tcell.Key) {
			// Enter submits from any field, as the help bar says.
			if key == tcell.KeyEnter {
				s.submitWith(s.enterButton())
			}
		})
		s.inputs[fd.Name] = in
		s.add(in, fd.Name)
	}
	if len(fd.Messages) > 0 {
		var lines []string
		rows := 0
		for _, m := range fd.Messages {
			mark, color := "✗ ", "red"
			if m.Type != "error" {
				mark, color = "ℹ ", "aqua"
			}
			lines = append(lines, t.tag(color, mark+m.Text))
			rows += wrappedRows(mark+m.Text, s.textWidth)
		}
		tv := tview.NewTextView().SetDynamicColors(true).SetText(strings.Join(lines, "\n")).SetSize(rows, 0)
		tv.SetWordWrap(true)
		s.add(tv, "")
	}
}

func (s *formScreen) add(item tview.FormItem, name string) {
	// A text (a label, a message) is never a Tab stop: a form skips a
	// text view that cannot scroll.
	switch tv := item.(type) {
	case *tview.TextView:
		tv.SetScrollable(false)
	case fullWidth:
		tv.SetScrollable(false)
	}
	s.form.AddFormItem(item)
	s.names = append(s.names, name)
}

// messageLines are the general errors, infos of the flow, one a line.
func (s *formScreen) messageLines() []string {
	t := s.v.theme
	var lines []string
	for _, e := range s.model.Errors {
		lines = append(lines, t.tag("red", "✗ "+e))
	}
	for _, i := range s.model.Infos {
		lines = append(lines, t.tag("aqua", "ℹ "+i))
	}
	for _, b := range s.model.BrowserOnly {
		// Never hidden: what it is, that it needs a browser, and where.
		lines = append(lines, t.tag("yellow", "» "+b.Label+" needs a web browser; open:"))
		if b.URL != "" {
			lines = append(lines, "  "+b.URL)
		}
	}
	return lines
}

// initialFocus picks the form item to focus: where the user was (same
// form), else the first field with an error, else the password after a
// general error, else the first empty input.
func (s *formScreen) initialFocus(keep *formScreen) int {
	if keep != nil {
		item, button := keep.form.GetFocusedItemIndex()
		if button >= 0 {
			return len(s.names) + button
		}
		if item >= 0 && item < len(keep.names) {
			if i := s.indexOf(keep.names[item]); i >= 0 {
				return i
			}
		}
	}
	for _, fd := range s.model.Inputs() {
		if len(fd.Messages) > 0 {
			return s.indexOf(fd.Name)
		}
	}
	inputs := s.model.Inputs()
	if len(inputs) == 0 {
		// Only texts: the first button.
		for i, n := range s.names {
			if strings.HasPrefix(n, buttonPrefix) {
				return i
			}
		}
		return len(s.names)
	}
	pick := -1
	if len(s.model.Errors) > 0 {
		for i, fd := range inputs {
			if fd.Kind == fields.KindSecret {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		for i, fd := range inputs {
			if in := s.inputs[fd.Name]; in != nil && in.GetText() == "" {
				pick = i
				break
			}
		}
	}
	if pick < 0 || s.secretBeforeText(inputs, pick) {
		// A secret with a field shown in clear after it: whoever types
		// the form from its top (a person, a password manager's
		// user<Tab>password) would put the password there. Start at the
		// top instead; a carried value there is typed over.
		return s.indexOf(inputs[0].Name)
	}
	return s.indexOf(inputs[pick].Name)
}

// secretBeforeText reports whether inputs[i] is a secret that has a text
// input shown in clear after it, with a field before it already filled
// (so that a user typing from the top would be one field behind).
func (s *formScreen) secretBeforeText(inputs []fields.Field, i int) bool {
	if inputs[i].Kind != fields.KindSecret || i == 0 {
		return false
	}
	for _, fd := range inputs[i+1:] {
		if fd.Kind == fields.KindInput {
			return true
		}
	}
	return false
}

func (s *formScreen) indexOf(name string) int {
	for i, n := range s.names {
		if n == name && name != "" {
			return i
		}
	}
	return -1
}

// edited reports the first edit of a field while an error is shown, so
// that the machine clears it (FieldChanged, without a secret's value).
func (s *formScreen) edited(name, value string) {
	if !s.spec.reportEdits || s.sent[name] || s.submitted {
		return
	}
	hasError := len(s.model.Errors) > 0
	for _, fd := range s.model.Inputs() {
		if fd.Name == name && len(fd.Messages) > 0 {
			hasError = true
		}
	}
	if !hasError {
		return
	}
	s.sent[name] = true
	s.v.publish(fields.Changed(name, value))
}

// typed are the current values of the fields that are not secrets.
func (s *formScreen) typed() map[string]string {
	out := map[string]string{}
	for name, v := range s.values() {
		if _, secret := s.secret[name]; !secret && !events.IsSecretField(name) {
			out[name] = v
		}
	}
	return out
}

// values are the current values by field name.
func (s *formScreen) values() map[string]string {
	out := map[string]string{}
	for name, in := range s.inputs {
		out[name] = in.GetText()
	}
	for name, dd := range s.choices {
		_, out[name] = dd.GetCurrentOption()
	}
	for name, cb := range s.checks {
		out[name] = "false"
		if cb.IsChecked() {
			out[name] = "true"
		}
	}
	return out
}

// defaultButton is the button Enter in the last input presses: the
// flow's first, or none.
// enterButton is what Enter in a field presses: the flow's first button,
// or none on the sign-in and sign-up forms, where the machine chooses the
// method from what was typed (a password typed signs in with it even when
// "Send sign in code" comes first).
func (s *formScreen) enterButton() fields.Button {
	if s.spec.enterChooses {
		return fields.Button{}
	}
	return s.defaultButton()
}

func (s *formScreen) defaultButton() fields.Button {
	if len(s.model.Buttons) > 0 {
		return s.model.Buttons[0]
	}
	return fields.Button{}
}

// submitWith publishes the intent of the button b (once per render).
func (s *formScreen) submitWith(b fields.Button) {
	if s.submitted || s.spec.submit == nil {
		return
	}
	intent := s.spec.submit(s.values(), b)
	if intent == nil {
		return
	}
	s.submitted = true
	s.v.publish(intent)
}

func (s *formScreen) primitive() tview.Primitive { return s.flex }

func (s *formScreen) focus() tview.Primitive { return s.form }

func (s *formScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	if s.openChoice() != nil {
		// An open drop-down's list takes every key: arrows move in it,
		// Enter picks, Esc closes it.
		return ev
	}
	if ev = s.typeOver(ev); ev == nil {
		return nil
	}
	for _, l := range s.spec.links {
		if l.key != 0 && ev.Key() == l.key {
			l.do()
			return nil
		}
	}
	switch ev.Key() {
	case tcell.KeyEscape:
		if s.spec.escape != nil {
			s.v.publish(s.spec.escape)
		}
		return nil
	case tcell.KeyDown:
		return tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModNone)
	case tcell.KeyUp:
		return tcell.NewEventKey(tcell.KeyBacktab, 0, tcell.ModNone)
	}
	return ev
}

// typeOver empties a fresh field (see formScreen.fresh) that has the focus
// before the first key that edits it: a letter replaces the value,
// Backspace or Delete removes it. A key that moves the cursor in it keeps
// the value for editing; Tab and the other keys leave it fresh.
func (s *formScreen) typeOver(ev *tcell.EventKey) *tcell.EventKey {
	item, _ := s.form.GetFocusedItemIndex()
	if item < 0 || item >= len(s.names) || !s.fresh[s.names[item]] {
		return ev
	}
	name := s.names[item]
	switch ev.Key() {
	case tcell.KeyRune:
		s.fresh[name] = false
		s.inputs[name].SetText("")
		return ev
	case tcell.KeyBackspace, tcell.KeyBackspace2, tcell.KeyDelete, tcell.KeyCtrlU:
		s.fresh[name] = false
		s.inputs[name].SetText("")
		return nil
	case tcell.KeyLeft, tcell.KeyRight, tcell.KeyHome, tcell.KeyEnd, tcell.KeyCtrlA, tcell.KeyCtrlE:
		s.fresh[name] = false
	}
	return ev
}

func (s *formScreen) bindings() []binding {
	bs := []binding{{"Tab/↑↓", "move"}}
	if does := s.enterDoes(); does != "" {
		bs = append(bs, binding{"Enter", does})
	}
	for _, l := range s.spec.links {
		if l.key != 0 {
			bs = append(bs, binding{tcell.KeyNames[l.key], l.help})
		}
	}
	if s.spec.escape != nil {
		bs = append(bs, binding{"Esc", s.spec.escapeHelp})
	}
	return bs
}

// typing reports whether one of the form's text inputs has the focus.
func (s *formScreen) typing() bool {
	item, _ := s.form.GetFocusedItemIndex()
	if item < 0 || item >= len(s.names) {
		return s.openChoice() != nil
	}
	_, input := s.inputs[s.names[item]]
	_, choice := s.choices[s.names[item]] // letters pick an option
	return input || choice
}

// openChoice is the drop-down whose list is open, or nil.
func (s *formScreen) openChoice() *tview.DropDown {
	for _, dd := range s.choices {
		if dd.IsOpen() {
			return dd
		}
	}
	return nil
}

// enterDoes says what Enter does where the focus is: presses the
// button, submits the form from a field (when the form has something to
// submit), toggles a checkbox; "" for nothing.
func (s *formScreen) enterDoes() string {
	item, button := s.form.GetFocusedItemIndex()
	switch {
	case button >= 0 || item >= 0 && item < len(s.names) && strings.HasPrefix(s.names[item], buttonPrefix):
		return "press"
	case item >= 0 && item < len(s.names):
		if _, ok := s.checks[s.names[item]]; ok {
			return "toggle"
		}
		if _, ok := s.choices[s.names[item]]; ok {
			return "choose"
		}
		if _, ok := s.inputs[s.names[item]]; ok && s.spec.submit != nil && !s.submitted &&
			(s.enterButton() != fields.Button{} || s.spec.enterChooses) {
			return "submit"
		}
	}
	return ""
}

// placeholder is shown in an empty field, so that fields are visible even
// without colours.
func placeholder(fd fields.Field) string {
	if fd.Required {
		return "(required)"
	}
	return "(optional)"
}

// wrappedRows counts the rows text takes at width columns, wrapped after
// spaces as a word-wrapping text view does (every space counts; a word
// longer than a row is broken).
func wrappedRows(text string, width int) int {
	if width < 1 {
		width = 1
	}
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		rows++
		col := 0
		for i, word := range strings.Split(line, " ") {
			n := utf8.RuneCountInString(word)
			if i > 0 {
				n++ // the space before it
			}
			if col > 0 && col+n > width {
				rows++
				col = 0
				n = utf8.RuneCountInString(word)
			}
			for n > width {
				rows++
				n -= width
			}
			col += n
		}
	}
	return max(rows, 1)
}

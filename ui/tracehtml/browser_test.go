package tracehtml_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/tracehtml"
)

// chromium finds Debian's chromium (installed by .ci/run). Without it the
// test fails under KRATOS_REQUIRED=1 (CI) and is skipped otherwise.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("KRATOS_REQUIRED") == "1" {
		t.Fatal("KRATOS_REQUIRED=1 but no chromium: apt-get install chromium (.ci/run does)")
	}
	t.Skip("no chromium: apt-get install chromium")
	return ""
}

// artifactDir is where the test keeps its screenshot and page:
// $KRATOS_TUI_ARTIFACTS, else kratos-tui-artifacts in the system's temp
// directory. The path is printed in the test log.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KRATOS_TUI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kratos-tui-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// divergentLog is the corpus's too-short-password sign-up (recorded from
// the real Kratos) with the message id of the recorded form's field error
// changed, as when a client change makes the form show another message: a
// replay diverges at that record.
func divergentLog(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(replay.Resolve("testdata/flows/sign_up_short_password.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s := corpusSeqs(t)
	lines := strings.Split(string(data), "\n")
	changed := false
	for i, l := range lines {
		if strings.HasPrefix(l, fmt.Sprintf(`{"seq":%d,`, s.form)) {
			lines[i] = strings.Replace(l, `"id":4000032`, `"id":4000031`, 1)
			changed = lines[i] != l
		}
	}
	if !changed {
		t.Fatalf("seq %d of sign_up_short_password.jsonl has no 4000032: the corpus changed", s.form)
	}
	path := filepath.Join(t.TempDir(), "sign_up_short_password.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// seqs are the records of sign_up_short_password.jsonl the test reads:
// the screen shown before the registration (RequestStarted), the
// registration Kratos refused (its adapter result), the form it sent back,
// and the password's placeholder.
type seqs struct {
	screen, registration, form uint64
	password                   string
}

func corpusSeqs(t *testing.T) seqs {
	t.Helper()
	_, recs, err := flowlog.ReadAll(replay.Resolve("testdata/flows/sign_up_short_password.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var s seqs
	for _, r := range recs {
		switch ev := r.Event.(type) {
		case events.RequestStarted:
			if s.registration == 0 {
				s.screen = r.Seq
			}
		case events.AdapterReturned:
			if ev.Operation == "kratos.submit_registration" && s.registration == 0 {
				s.registration = r.Seq
			}
		case events.RegistrationFormShown:
			if s.registration != 0 && s.form == 0 {
				s.form = r.Seq
			}
		case events.SignUpSubmitted:
			if s.password == "" {
				s.password = ev.Password
			}
		}
	}
	if s.registration == 0 || s.form == 0 || !flowlog.IsPlaceholder(s.password) {
		t.Fatalf("sign_up_short_password.jsonl changed: %+v", s)
	}
	return s
}

// TestHTMLReportInChromium writes the report of a replay that diverged and
// opens it in a real headless Chromium: the visible text of the timeline,
// of the divergence and of one exchange once expanded; the page's own
// script and style run (their CSP hashes are right); no request leaves the
// page; a link to a record opens it. It keeps a screenshot.
func TestHTMLReportInChromium(t *testing.T) {
	bin := chromium(t)
	path := divergentLog(t)
	sq := corpusSeqs(t)
	form, reg := fmt.Sprintf("#rec-%d", sq.form), fmt.Sprintf("#rec-%d", sq.registration)
	res, err := replay.RunFile(context.Background(), path, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed() {
		t.Fatal("the changed log replays: want a divergence")
	}
	d := res.Divergence
	var page bytes.Buffer
	err = tracehtml.WriteFile(&page, path, tracehtml.Options{Name: "sign_up_short_password.jsonl",
		Replay: &tracehtml.Replay{Records: res.Records, Divergence: &tracehtml.Divergence{
			Seq: d.Seq, Field: d.Field, Reason: d.Reason, Expected: d.Expected, Actual: d.Actual}}})
	if err != nil {
		t.Fatal(err)
	}
	noExternalReference(t, page.String())
	dir := artifactDir(t)
	file := filepath.Join(dir, "trace.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + file

	var mu sync.Mutex
	var requests, problems []string
	listener := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				problems = append(problems, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listener))
	defer cancel()
	// The first Run starts the browser; a deadline on later actions only.
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open the report in chromium: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()

	ready, err := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.CSS("body"), "data-ready"))
	if err != nil || ready.Value != "1" {
		t.Errorf("the page's script did not run (CSP hash?): %+v %v", ready, err)
	}
	position, err := chromedp.Run(tctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).position`))
	if err != nil || position != "sticky" {
		t.Errorf("the page's style is not applied (CSP hash?): header position %q %v", position, err)
	}

	timeline, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#timeline")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"RegistrationFlowRequested", "SignUpSubmitted",
		"[registration]", "loading --SignUpRejected--> registration", fmt.Sprintf("%d records", logRecords(t, path)),
	} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline's visible text lacks %q:\n%s", want, clipText(timeline))
		}
	}
	// The latency is the recording's own: any, but shown in ms.
	if !regexp.MustCompile(`kratos\.submit_registration [0-9.]+ms error validation`).MatchString(timeline) {
		t.Errorf("timeline's visible text lacks the registration's result with its latency and error class:\n%s", clipText(timeline))
	}
	divergence, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#divergence")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("Replay: DIVERGED at seq %d", sq.form), d.Reason, "Recorded (expected)", "Replayed (actual)", `"id": 4000031`, `"id": 4000032`} {
		if !strings.Contains(divergence, want) {
			t.Errorf("divergence's visible text lacks %q:\n%s", want, clipText(divergence))
		}
	}
	if cls, _ := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.CSS(form), "class")); !strings.Contains(cls.Value, "diverged") {
		t.Errorf("record %d is not highlighted: class %q", sq.form, cls.Value)
	}
	if open, _ := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.CSS(form), "open")); !open.Exists {
		t.Errorf("record %d, the divergence, is not open", sq.form)
	}

	// The registration Kratos refused: closed, its exchange is
	// not visible; expanded, it reads as request and response.
	closed, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(reg)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(closed, "Response") {
		t.Errorf("record %d's exchange is visible while closed:\n%s", sq.registration, clipText(closed))
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(reg+" > summary"))); err != nil {
		t.Fatal(err)
	}
	opened, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(reg)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("screen shown\nRequestStarted (seq %d)", sq.screen), "HTTP exchange 1 of 1", "Request", "POST /self-service/registration?flow=",
		`"method": "password"`, `"password": "` + sq.password + `"`,
		"Response", "400 Bad Request", "Kratos messages 4000032", `"id": 4000032`, `"min_length": 8`,
	} {
		if !strings.Contains(opened, want) {
			t.Errorf("expanded exchange's visible text lacks %q:\n%s", want, clipText(opened))
		}
	}

	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(shot) < 10_000 || !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Errorf("screenshot: %d bytes, want a PNG", len(shot))
	}
	png := filepath.Join(dir, "trace-html.png")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	exchange, err := chromedp.Run(tctx, chromedp.Screenshot(chromedp.CSS(reg+" .exchange")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trace-html-exchange.png"), exchange, 0o644); err != nil {
		t.Fatal(err)
	}
	states, err := chromedp.Run(tctx, chromedp.Screenshot(chromedp.CSS("#states")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trace-html-states.png"), states, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s, trace-html-exchange.png and trace-html-states.png beside it (page: %s)", png, file)

	// A link to a record opens it.
	if err := chromedp.Do(tctx, chromedp.Navigate(url+"#rec-5")); err != nil {
		t.Fatal(err)
	}
	// Navigating within the page fires hashchange, which the page handles
	// after Navigate returns: poll for the record's open attribute.
	recOpen := false
	for deadline := time.Now().Add(10 * time.Second); !recOpen && time.Now().Before(deadline); {
		if recOpen, err = chromedp.Run(tctx, chromedp.Evaluate[bool](`document.querySelector("#rec-5").open === true`)); err != nil {
			t.Fatal(err)
		}
		if !recOpen {
			time.Sleep(10 * time.Millisecond) // poll interval, under the deadline
		}
	}
	if !recOpen {
		t.Error("#rec-5 did not open record 5 within 10 s")
	}

	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if strings.SplitN(u, "#", 2)[0] != url {
			t.Errorf("the page made a request: %s", u)
		}
	}
	if len(requests) == 0 {
		t.Error("no request seen at all: the listener is not working")
	}
	for _, p := range problems {
		t.Errorf("the browser reported: %s", p)
	}
}

// noExternalReference checks the page refers to nothing outside itself:
// every src, href, action or srcset is a fragment, CSS has no url() but
// the page's own markers and no @import, and the CSP forbids every load.
func noExternalReference(t *testing.T, page string) {
	t.Helper()
	attr := regexp.MustCompile(`(?i)\s(src|href|action|srcset|poster|formaction|xlink:href|ping)\s*=\s*"([^"]*)"`)
	for _, m := range attr.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[2], "#") {
			t.Errorf("the page refers to %s=%q", m[1], m[2])
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("the page refers to url(%s)", m[1])
		}
	}
	if strings.Contains(page, "@import") || strings.Contains(page, "<link") || strings.Contains(page, "<iframe") {
		t.Error("the page imports or embeds something")
	}
	if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`) {
		t.Errorf("the page has no CSP of default-src 'none'")
	}
}

func clipText(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// logRecords is how many records the log at path holds.
func logRecords(t *testing.T, path string) int {
	t.Helper()
	_, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

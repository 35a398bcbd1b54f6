package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/internal/canary"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// cliRun is one run of the command for a leak test: the json UI with a
// script, at --log-level debug, a log file, a recording and a file token
// store, against url.
type cliRun struct {
	t        *testing.T
	dir      string
	tokenDir string
	url      string
	extra    []string
}

// phase runs the json UI with the input lines; it returns the exit code,
// stdout and stderr, and adds every artifact of the run to sc.
func (c *cliRun) phase(sc *canary.Scanner, name string, lines ...string) (int, string, string) {
	t := c.t
	t.Helper()
	inPath := filepath.Join(c.dir, name+".in")
	if err := os.WriteFile(inPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in, _ := os.Open(inPath)
	defer in.Close()
	outPath, errPath := filepath.Join(c.dir, name+".out"), filepath.Join(c.dir, name+".err")
	out, _ := os.Create(outPath)
	errF, _ := os.Create(errPath)
	rec, logFile := filepath.Join(c.dir, name+".flowlog"), filepath.Join(c.dir, name+".log")
	args := append([]string{"--env-file", os.DevNull, "--kratos-api", c.url, "--ui", "json",
		"--token-store", "file", "--token-dir", c.tokenDir, "--log-level", "debug", "--log-file", logFile,
		"--record", rec, "--timeout", "20s"}, c.extra...)
	code := run(context.Background(), args, in, out, errF)
	out.Close()
	errF.Close()
	o, _ := os.ReadFile(outPath)
	e, _ := os.ReadFile(errPath)
	sc.Artifact(canary.Stdout, o)
	sc.Artifact(canary.Stderr, e)
	sc.File(canary.Recording, rec)
	sc.File(canary.Log, logFile)
	sc.Glob(canary.TempFiles, filepath.Join(c.tokenDir, ".token-*"))
	// The trace views of the recording, through the command.
	for _, format := range []string{"text", "mermaid"} {
		tout, _ := os.Create(filepath.Join(c.dir, name+"."+format))
		tcode := run(context.Background(), []string{"trace", "--format", format, rec}, in, tout, tout)
		tout.Close()
		if tcode != 0 {
			b, _ := os.ReadFile(tout.Name())
			t.Errorf("%s: trace --format %s: exit %d: %s", name, format, tcode, b)
		}
		sc.File(canary.Trace, tout.Name())
	}
	return code, string(o), string(e)
}

// replays checks that the recording of a phase replays offline: PASS.
func (c *cliRun) replays(name string) {
	c.t.Helper()
	res, err := replay.RunFile(context.Background(), filepath.Join(c.dir, name+".flowlog"), replay.Options{})
	if err != nil {
		c.t.Fatalf("%s: replay: %v", name, err)
	}
	if !res.Passed() {
		c.t.Errorf("%s: replay diverged:\n%s", name, res.Divergence.Report())
	}
}

var tokenRE = regexp.MustCompile(`ory_st_[A-Za-z0-9]+`)

// setMetadataPublic gives an identity a metadata_public of about n bytes
// through the admin API, so that its sign-in answer is larger than n.
func setMetadataPublic(t *testing.T, srv *kratostest.Server, id string, n int) {
	t.Helper()
	patch, _ := json.Marshal([]map[string]any{{"op": "add", "path": "/metadata_public", "value": map[string]string{"notes": strings.Repeat("lorem ipsum ", n/12)}}})
	req, _ := http.NewRequest(http.MethodPatch, srv.AdminURL+"/admin/identities/"+id, bytes.NewReader(patch))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("patch metadata_public: %d", resp.StatusCode)
	}
}

// TestLeakEverySecretKindAtEveryPath runs the command against a real
// Kratos behind the fault proxy, at --log-level debug with a log file, a
// recording and a file token store, down each path where a secret used to
// leak, and scans recordings, logs, traces, stdout, stderr and temporary
// files for every secret value of the run:
//   - a password also typed as the first and last name;
//   - a sign-in answer over 64 KiB (a large metadata_public, no fault);
//   - a sign-in answer cut right after session_token;
//   - the real sign-in answer labelled text/html;
//   - a non-JSON error page that echoes the typed password.
//
// Every recording of a run that completed also replays PASS.
func TestLeakEverySecretKindAtEveryPath(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	sc := canary.New()
	var scans []reliability.Scan
	reliability.Report(t, reliability.SuiteSecrets, func(r *reliability.Record) {
		r.Tried, r.Scans = 5, scans
		for _, s := range scans {
			r.SecretsFound += s.Found
		}
		if !t.Failed() {
			r.Survived = 5
		}
		r.Detail = "CLI at --log-level debug: trait reuse, >64 KiB answer, cut after session_token, text/html answer, non-JSON echo"
	})
	c := &cliRun{t: t, dir: t.TempDir(), tokenDir: filepath.Join(t.TempDir(), "tokens"), url: proxy.URL()}
	password := randomSecret(t, "Cnry-")
	sc.Secret(canary.Password, password)
	email := fmt.Sprintf("leak-%d@example.com", time.Now().UnixNano())
	_ = time.Now
	readToken := func() string {
		tok, err := tokenstore.NewFile(c.tokenDir, proxy.URL()).Load()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	// 1. The password is also the first and the last name.
	code, out, errOut := c.phase(sc, "trait-reuse",
		`{"type":"RegistrationFlowRequested"}`,
		`{"type":"SignUpSubmitted","data":{"email":"`+email+`","password":"`+password+`","traits":{"name.first":"`+password+`","name.last":"`+password+`"}}}`,
		`{"type":"SignOutRequested"}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("sign-up: exit %d\n%s\n%s", code, out, errOut)
	}
	c.replays("trait-reuse")
	rec, _ := os.ReadFile(filepath.Join(c.dir, "trait-reuse.flowlog"))
	if !bytes.Contains(rec, []byte(`"name.first":"«secret:1»"`)) {
		t.Errorf("the password typed as a name is not its placeholder in the recording")
	}
	for _, m := range tokenRE.FindAllString(string(rec), -1) {
		t.Errorf("a token is in the recording: %.12s", m)
	}

	// 2. A sign-in answer over 64 KiB, no fault: Kratos writes
	// session_token first, the body is kept cut at 64 KiB.
	ids, err := listIdentities(srv)
	if err != nil || ids[email] == "" {
		t.Fatalf("identity of %s: %v", email, err)
	}
	setMetadataPublic(t, srv, ids[email], 80<<10)
	code, out, errOut = c.phase(sc, "big-answer",
		`{"type":"LoginFlowRequested"}`,
		`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("big sign-in: exit %d\n%s\n%s", code, out, errOut)
	}
	tok := readToken()
	if !strings.HasPrefix(tok, "ory_st_") {
		t.Fatalf("no token stored after the big sign-in")
	}
	sc.Secret(canary.SessionToken, tok)
	c.replays("big-answer")
	if rec, _ := os.ReadFile(filepath.Join(c.dir, "big-answer.flowlog")); !bytes.Contains(rec, []byte("lorem ipsum")) {
		t.Error("the big answer's body is not in the recording: the path was not taken")
	}

	// 3. and 4. The sign-in answer cut right after session_token, then the
	// whole answer labelled text/html: the client gets a token it cannot
	// use; the proxy shows the test which.
	var mu sync.Mutex
	observe := func(_ int, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range tokenRE.FindAllString(string(body), -1) {
			sc.Secret(canary.SessionToken, m)
		}
	}
	for _, f := range []struct {
		name string
		rule faultproxy.Rule
	}{
		{"cut-after-token", faultproxy.Rule{Method: http.MethodPost, PathPrefix: "/self-service/login", Kind: faultproxy.Cut, Forward: true, CutAfterKey: "session_token", Observe: observe, Times: 1}},
		{"text-html-answer", faultproxy.Rule{Method: http.MethodPost, PathPrefix: "/self-service/login", Kind: faultproxy.WrongType, Forward: true, Observe: observe, Times: 1}},
		{"non-json-echo", faultproxy.Rule{Method: http.MethodPost, PathPrefix: "/self-service/login", Kind: faultproxy.Status, Status: http.StatusBadGateway,
			ContentType: "text/html", Body: []byte("<html><body>upstream said: bad password " + password + "</body></html>"), Times: 1}},
	} {
		before := len(sc.Values(canary.SessionToken))
		proxy.Clear()
		proxy.Add(f.rule)
		code, out, errOut = c.phase(sc, f.name,
			`{"type":"SignOutRequested"}`,
			`{"type":"LoginFlowRequested"}`,
			`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", f.name, code, out, errOut)
		}
		if f.rule.Observe != nil && len(sc.Values(canary.SessionToken)) == before {
			t.Fatalf("%s: the proxy saw no session token: the fault did not hit the sign-in", f.name)
		}
		if i := strings.Index(out, `"operation":"sign_in"`); i < 0 || strings.Contains(out[i:], `"type":"SignedIn"`) {
			t.Errorf("%s: signed in through a faulted answer:\n%s", f.name, out)
		}
		c.replays(f.name)
	}
	proxy.Clear()
	scans = sc.Check(t)
	t.Logf("secret kinds × artifacts (finds):\n%s", canary.Table(scans))
}

// listIdentities maps the e-mail of each identity to its id.
func listIdentities(srv *kratostest.Server) (map[string]string, error) {
	resp, err := http.Get(srv.AdminURL + "/admin/identities?page_size=500")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ids []struct {
		ID     string `json:"id"`
		Traits struct {
			Email string `json:"email"`
		} `json:"traits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ids); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, i := range ids {
		out[i.Traits.Email] = i.ID
	}
	return out, nil
}

// randomSecret is a fresh canary value.
func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// TestLeakRedactionKeepsPostalAndCountryCodes records, against a Kratos whose
// identity schema has traits postal_code and country_code, a sign-up that
// Kratos rejects (a postal code that breaks the schema's pattern) and one
// it accepts: the codes stay readable in the recording, the password does
// not, and both recordings replay PASS.
func TestLeakRedactionKeepsPostalAndCountryCodes(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.postal.schema.json"})
	c := &cliRun{t: t, dir: t.TempDir(), tokenDir: filepath.Join(t.TempDir(), "tokens"), url: srv.PublicURL}
	sc := canary.New()
	password := randomSecret(t, "Pstl-")
	sc.Secret(canary.Password, password)
	email := fmt.Sprintf("postal-%d@example.com", time.Now().UnixNano())
	signUp := func(postal string) string {
		return `{"type":"SignUpSubmitted","data":{"email":"` + email + `","password":"` + password +
			`","traits":{"postal_code":"` + postal + `","country_code":"DE"}}}`
	}
	code, out, errOut := c.phase(sc, "rejected", `{"type":"RegistrationFlowRequested"}`, signUp("8033X"))
	if code != 0 || !strings.Contains(out, `"type":"RegistrationFormShown"`) || strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("rejected sign-up: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = c.phase(sc, "accepted", `{"type":"RegistrationFlowRequested"}`, signUp("80331"))
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("accepted sign-up: exit %d\n%s\n%s", code, out, errOut)
	}
	tok, _ := tokenstore.NewFile(c.tokenDir, srv.PublicURL).Load()
	sc.Secret(canary.SessionToken, tok)
	for name, want := range map[string][]string{
		"rejected": {`"traits.postal_code","type":"text","value":"8033X"`, `"postal_code":"8033X"`, `"country_code":"DE"`},
		"accepted": {`"postal_code":"80331"`, `"country_code":"DE"`},
	} {
		rec, _ := os.ReadFile(filepath.Join(c.dir, name+".flowlog"))
		for _, w := range want {
			if !bytes.Contains(rec, []byte(w)) {
				t.Errorf("%s: the recording lacks %s: the code was redacted or not sent", name, w)
			}
		}
		c.replays(name)
	}
	// Kratos's numeric error codes stay numbers.
	scans := sc.Check(t)
	t.Logf("\n%s", canary.Table(scans))
	reportScans(t, scans, "postal_code/country_code sign-ups")
}

// TestLeakRedactPIIRecordingReplays records a sign-up and a sign-in with
// --redact-pii: the recordings hold no e-mail address or name that was
// typed (they hold user-1@example.invalid and name-N), no secret, and
// replay PASS.
func TestLeakRedactPIIRecordingReplays(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	c := &cliRun{t: t, dir: t.TempDir(), tokenDir: filepath.Join(t.TempDir(), "tokens"), url: srv.PublicURL, extra: []string{"--redact-pii"}}
	sc := canary.New()
	password := randomSecret(t, "Pii-")
	sc.Secret(canary.Password, password)
	email := fmt.Sprintf("Ada.Lovelace-%d@Example.com", time.Now().UnixNano())
	first, last := "Augusta", "Byronova"
	code, out, errOut := c.phase(sc, "signup",
		`{"type":"RegistrationFlowRequested"}`,
		`{"type":"SignUpSubmitted","data":{"email":"`+email+`","password":"`+password+`","traits":{"name.first":"`+first+`","name.last":"`+last+`"}}}`,
		`{"type":"SignOutRequested"}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("sign-up: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = c.phase(sc, "signin",
		`{"type":"LoginFlowRequested"}`,
		`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("sign-in: exit %d\n%s\n%s", code, out, errOut)
	}
	tok, _ := tokenstore.NewFile(c.tokenDir, srv.PublicURL).Load()
	sc.Secret(canary.SessionToken, tok)
	for _, name := range []string{"signup", "signin"} {
		rec, _ := os.ReadFile(filepath.Join(c.dir, name+".flowlog"))
		for _, pii := range []string{email, strings.ToLower(email), "Lovelace", "lovelace", first, last, "@Example.com", "@example.com"} {
			if bytes.Contains(rec, []byte(pii)) {
				t.Errorf("%s: the recording holds %q", name, pii)
			}
		}
		if !bytes.Contains(rec, []byte("user-1@example.invalid")) || !bytes.Contains(rec, []byte(`"pii":true`)) {
			t.Errorf("%s: no pseudonym or no pii flag in the recording", name)
		}
		c.replays(name)
	}
	scans := sc.Check(t)
	t.Logf("\n%s", canary.Table(scans))
	reportScans(t, scans, "--redact-pii sign-up + sign-in")
}

// reportScans hands a test's canary table to the reliability report.
func reportScans(t *testing.T, scans []reliability.Scan, detail string) {
	reliability.Report(t, reliability.SuiteSecrets, func(r *reliability.Record) {
		r.Tried, r.Scans, r.Detail = 1, scans, detail
		for _, s := range scans {
			r.SecretsFound += s.Found
		}
		if !t.Failed() {
			r.Survived = 1
		}
	})
}

// TestLeakCrashOutput signs in with kratos-tui in a process of its own
// (json UI, --log-level debug, a log file, a recording, a file token
// store), then makes it crash with SIGQUIT, which has the Go runtime dump
// every goroutine's stack on stderr: the crash output, the partial
// recording, the log and the token directory hold neither the password
// nor the session token.
func TestLeakCrashOutput(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	password := randomSecret(t, "Crash-")
	email := fmt.Sprintf("crash-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	dir, tokenDir := t.TempDir(), filepath.Join(t.TempDir(), "tokens")
	rec, logFile := filepath.Join(dir, "crash.flowlog"), filepath.Join(dir, "crash.log")
	args := []string{"--env-file", os.DevNull, "--kratos-api", srv.PublicURL, "--ui", "json",
		"--token-store", "file", "--token-dir", tokenDir, "--log-level", "debug", "--log-file", logFile, "--record", rec}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperMain$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashArgs+"="+strings.Join(args, "\n"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, `{"type":"LoginFlowRequested"}`)
	fmt.Fprintln(stdin, `{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
	var out bytes.Buffer
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 4<<20)
	signedIn := false
	for sc.Scan() {
		out.Write(append(sc.Bytes(), '\n'))
		if strings.Contains(sc.Text(), `"type":"SignedIn"`) {
			signedIn = true
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		out.Write(append(sc.Bytes(), '\n'))
	}
	_ = cmd.Wait()
	if !signedIn {
		t.Fatalf("no sign-in before the crash:\n%s\n%s", out.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "goroutine ") {
		t.Fatalf("SIGQUIT printed no crash dump: %.300s", stderr.String())
	}
	tok, err := tokenstore.NewFile(tokenDir, srv.PublicURL).Load()
	if err != nil || tok == "" {
		t.Fatalf("no token stored: %v", err)
	}
	s := canary.New()
	s.Secret(canary.Password, password)
	s.Secret(canary.SessionToken, tok)
	s.Artifact(canary.Crash, stderr.Bytes())
	s.Artifact(canary.Stdout, out.Bytes())
	s.File(canary.Recording, rec)
	s.File(canary.Log, logFile)
	s.Glob(canary.TempFiles, filepath.Join(tokenDir, ".token-*"))
	scans := s.Check(t)
	t.Logf("\n%s", canary.Table(scans))
	reportScans(t, scans, "SIGQUIT crash dump of a signed-in kratos-tui")
}

// TestLeakTOTPAndBackupCodesThroughTheCommand opens the settings form
// (which offers a TOTP secret and its QR code) and generates backup codes
// through the command, at --log-level debug with a log file, a recording
// and a file token store; the proxy passes Kratos's answers unchanged and
// shows the test the secrets they hold. Neither the TOTP secret, its
// otpauth URI, nor a backup code is in stdout, stderr, the log, the
// recording, its traces or the temporary files (the json UI masks them
// unless --reveal-token).
func TestLeakTOTPAndBackupCodesThroughTheCommand(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	sc := canary.New()
	password := randomSecret(t, "Totp-")
	sc.Secret(canary.Password, password)
	var mu sync.Mutex
	observe := func(_ int, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		var flow struct {
			UI struct {
				Nodes []struct {
					Attributes struct {
						ID   string `json:"id"`
						Text struct {
							Text    string `json:"text"`
							Context struct {
								Secret  string `json:"secret"`
								Secrets []struct {
									Text string `json:"text"`
								} `json:"secrets"`
							} `json:"context"`
						} `json:"text"`
					} `json:"attributes"`
				} `json:"nodes"`
			} `json:"ui"`
		}
		if json.Unmarshal(body, &flow) != nil {
			return
		}
		for _, n := range flow.UI.Nodes {
			switch n.Attributes.ID {
			case "totp_secret_key":
				secret := n.Attributes.Text.Context.Secret
				sc.Secret(canary.TOTPSecret, secret, "otpauth://totp/127.0.0.1:x?secret="+secret)
			case "lookup_secret_codes":
				for _, c := range n.Attributes.Text.Context.Secrets {
					sc.Secret(canary.BackupCode, c.Text)
				}
			}
		}
	}
	proxy.Add(faultproxy.Rule{PathPrefix: "/self-service/settings", Kind: faultproxy.Pass, Observe: observe})
	c := &cliRun{t: t, dir: t.TempDir(), tokenDir: filepath.Join(t.TempDir(), "tokens"), url: proxy.URL()}
	email := fmt.Sprintf("totp-%d@example.com", time.Now().UnixNano())
	code, out, errOut := c.phase(sc, "settings",
		`{"type":"RegistrationFlowRequested"}`,
		`{"type":"SignUpSubmitted","data":{"email":"`+email+`","password":"`+password+`"}}`,
		`{"type":"SettingsRequested"}`,
		`{"type":"SettingsSubmitted","data":{"method":"lookup_secret","values":{"lookup_secret_regenerate":"true"}}}`)
	if code != 0 || strings.Count(out, `"type":"SettingsFormShown"`) < 2 {
		t.Fatalf("settings: exit %d\n%s\n%s", code, out, errOut)
	}
	tok, _ := tokenstore.NewFile(c.tokenDir, proxy.URL()).Load()
	sc.Secret(canary.SessionToken, tok)
	if len(sc.Values(canary.TOTPSecret)) == 0 || len(sc.Values(canary.BackupCode)) < 2 {
		t.Fatalf("the proxy saw no TOTP secret or backup codes: %d, %d", len(sc.Values(canary.TOTPSecret)), len(sc.Values(canary.BackupCode)))
	}
	c.replays("settings")
	scans := sc.Check(t)
	t.Logf("\n%s", canary.Table(scans))
	reportScans(t, scans, "settings: TOTP secret offered, backup codes generated, through the command")
}

package mailsink

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The sink writes each message to its directory (0600), announces it with
// its code, and Latest picks the newest code by recipient and template.
func TestSinkWritesAndLatestFinds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	var notes syncBuf
	s, err := Start("127.0.0.1:0", dir, &notes)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Latest(dir, "", ""); !errors.Is(err, ErrNoCode) {
		t.Fatalf("Latest on an empty sink = %v, want ErrNoCode", err)
	}
	for _, body := range []string{
		`{"recipient":"a@example.com","template_type":"recovery_code_valid","recovery_code":"111111","subject":"Recover access to your account"}`,
		`{"recipient":"b@example.com","template_type":"verification_code_valid","verification_code":"222222","subject":"Please verify your email address"}`,
		`{"recipient":"A@example.com","template_type":"recovery_code_valid","recovery_code":"333333","subject":"Recover access to your account"}`,
		`{"recipient":"a@example.com","template_type":"login_code_valid","body":"Your code is 444444. Thanks"}`,
	} {
		if code := post(t, s.URL(), body); code != http.StatusNoContent {
			t.Fatalf("POST = %d", code)
		}
	}
	for _, c := range []struct{ recipient, prefix, want string }{
		{"a@example.com", "recovery", "333333"},
		{"b@example.com", "", "222222"},
		{"", "verification", "222222"},
		{"a@example.com", "", "444444"},
		{"", "", "444444"},
	} {
		m, err := Latest(dir, c.recipient, c.prefix)
		if err != nil || m.Code() != c.want {
			t.Errorf("Latest(%q, %q) = %q, %v; want %q", c.recipient, c.prefix, m.Code(), err, c.want)
		}
	}
	if _, err := Latest(dir, "c@example.com", ""); !errors.Is(err, ErrNoCode) {
		t.Errorf("Latest for an unknown recipient = %v, want ErrNoCode", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 4 {
		t.Fatalf("files = %v, want 4", files)
	}
	for _, f := range files {
		fi, _ := os.Stat(f)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	if !strings.Contains(notes.String(), `mail sink: mail to a@example.com: "Recover access to your account", code 111111`) {
		t.Errorf("notices:\n%s", notes.String())
	}
	// Garbage is refused (Kratos retries) and writes nothing.
	if code := post(t, s.URL(), `{"nope"`); code != http.StatusBadRequest {
		t.Errorf("garbage POST = %d, want 400", code)
	}
	if code := post(t, s.URL(), `{"subject":"x"}`); code != http.StatusBadRequest {
		t.Errorf("POST without recipient = %d, want 400", code)
	}
	// A restarted sink continues the numbering: the newest stays last.
	s.Close()
	s2, err := Start("127.0.0.1:0", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	post(t, s2.URL(), `{"recipient":"a@example.com","template_type":"recovery_code_valid","recovery_code":"555555"}`)
	if m, err := Latest(dir, "a@example.com", "recovery"); err != nil || m.Code() != "555555" {
		t.Errorf("after restart Latest = %q, %v; want 555555", m.Code(), err)
	}
}

// CodeFor never answers a flow with the mail of another flow, however new
// (a sign-up's verification mail arriving after a new verification flow
// asked for its code: the new user's stale code); it takes the flow's own
// mail whenever it came, and a mail naming no flow only when it came after
// the flow asked.
func TestCodeForNeverTakesAnotherFlowsMail(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	s, err := Start("127.0.0.1:0", dir, &syncBuf{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mail := func(body string) {
		t.Helper()
		if code := post(t, s.URL(), body); code != http.StatusNoContent {
			t.Fatalf("POST = %d", code)
		}
	}
	since := time.Now().Add(-time.Second)
	// The sign-up's mail (flow A) lands after flow B asked for its code.
	mail(`{"recipient":"a@example.com","template_type":"verification_code_valid","verification_code":"111111","verification_url":"http://k/self-service/verification?code=111111&flow=flow-A"}`)
	if m, err := CodeFor(dir, "a@example.com", "verification", "flow-B", since); !errors.Is(err, ErrNoNewCode) {
		t.Fatalf("CodeFor(flow-B) with only flow A's mail = %q, %v; want ErrNoNewCode", m.Code(), err)
	}
	mail(`{"recipient":"a@example.com","template_type":"verification_code_valid","verification_code":"222222","verification_url":"http://k/self-service/verification?code=222222&flow=flow-B"}`)
	mail(`{"recipient":"a@example.com","template_type":"verification_code_valid","verification_code":"333333","verification_url":"http://k/self-service/verification?code=333333&flow=flow-C"}`)
	if m, err := CodeFor(dir, "a@example.com", "verification", "flow-B", since); err != nil || m.Code() != "222222" {
		t.Errorf("CodeFor(flow-B) = %q, %v; want 222222", m.Code(), err)
	}
	// The flow's own mail counts whenever it came.
	if m, err := CodeFor(dir, "a@example.com", "verification", "flow-A", time.Now().Add(time.Hour)); err != nil || m.Code() != "111111" {
		t.Errorf("CodeFor(flow-A) = %q, %v; want 111111", m.Code(), err)
	}
	// A mail naming no flow (a recovery code) counts only after since.
	mail(`{"recipient":"a@example.com","template_type":"recovery_code_valid","recovery_code":"444444"}`)
	if m, err := CodeFor(dir, "a@example.com", "recovery", "flow-R", since); err != nil || m.Code() != "444444" {
		t.Errorf("CodeFor(recovery) = %q, %v; want 444444", m.Code(), err)
	}
	if _, err := CodeFor(dir, "a@example.com", "recovery", "flow-R", time.Now().Add(time.Hour)); !errors.Is(err, ErrNoNewCode) {
		t.Errorf("CodeFor(recovery) of an older mail = %v, want ErrNoNewCode", err)
	}
}

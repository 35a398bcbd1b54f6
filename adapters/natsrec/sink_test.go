package natsrec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/canary"
)

var at = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// envelopes returns n records carrying a password, a session token and a
// long body (over the writer's 64 KiB buffer every 50th record, so a
// record reaches the sink in more than one Write).
func envelopes(n int, password, token string) []events.Envelope {
	var envs []events.Envelope
	for i := 1; i <= n; i++ {
		var ev events.Event
		switch i % 3 {
		case 0:
			ev = events.SignInSubmitted{Identifier: fmt.Sprintf("u%d@example.com", i), Password: password}
		case 1:
			body := `{"session_token":"` + token + `"}`
			if i%50 == 1 {
				body = `{"session_token":"` + token + `","pad":"` + strings.Repeat("x", 70<<10) + `"}`
			}
			ev = events.AdapterReturned{Operation: "kratos.submit_login", HTTP: []events.HTTPExchange{{
				Method: "POST", URL: "/self-service/login", Status: 200, Response: json.RawMessage(body)}}}
		default:
			ev = events.AdapterCalled{Operation: "session.current", Request: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
		}
		envs = append(envs, events.Envelope{Seq: uint64(i), ID: fmt.Sprint("id-", i), Time: at, Event: ev})
	}
	return envs
}

func newRedactor(secrets ...string) *flowlog.Redactor {
	s := events.NewSecrets()
	s.Add(secrets...)
	return flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: s})
}

func record(t *testing.T, sink flowlog.Sink, envs []events.Envelope, red *flowlog.Redactor) error {
	t.Helper()
	w, err := flowlog.NewSinkWriter(sink, flowlog.NewHeader("test", at), flowlog.WithRedactor(red))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range envs {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	return w.Close()
}

func target(t *testing.T, srv *natstest.Server, stream string) natsrec.Target {
	t.Helper()
	tg, err := natsrec.Parse(srv.URL() + "/" + stream)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func fetch(t *testing.T, tg natsrec.Target, run string) ([]byte, bool) {
	t.Helper()
	ctx := context.Background()
	nc, js, err := natsrec.Connect(ctx, tg, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var buf bytes.Buffer
	ended, err := natsrec.Copy(ctx, js, tg, run, &buf, natsrec.CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), ended
}

// The stream holds the same bytes as a file recording of the same events,
// redacted, in order, and the spool is gone after a clean close.
func TestStreamHoldsTheFileBytesInOrder(t *testing.T) {
	srv := natstest.Start(t, "")
	tg := target(t, srv, "REC")
	const pw, tok = "pw-Canary-7f3a9", "ory_st_" + "CanaryToken0123456789abcdef"
	envs := envelopes(300, pw, tok)

	file := filepath.Join(t.TempDir(), "run.jsonl")
	fs, err := flowlog.CreateFileSink(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := record(t, fs, envs, newRedactor(pw, tok)); err != nil {
		t.Fatal(err)
	}
	spool := t.TempDir()
	sink, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{Run: "run-1", SpoolDir: spool})
	if err != nil {
		t.Fatal(err)
	}
	if err := record(t, sink, envs, newRedactor(pw, tok)); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(file)
	got, ended := fetch(t, tg, "run-1")
	if !ended {
		t.Fatal("the run has no end mark")
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("stream bytes differ from the file's: %d vs %d bytes", len(got), len(want))
	}
	recs, err := readRecs(t, got)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d: out of order", i+1, r.Seq)
		}
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Fatalf("spool left after a clean run: %v", ents)
	}
	scanStream(t, srv, pw, tok)
}

// scanStream runs the canary scan over every byte the server stores.
func scanStream(t *testing.T, srv *natstest.Server, pw, tok string) {
	t.Helper()
	srv.Stop() // its stores are on disk
	sc := canary.New()
	sc.Secret(canary.Password, pw)
	sc.Secret(canary.SessionToken, tok)
	var all []byte
	_ = filepath.Walk(srv.StoreDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	// The scan reads the records: their placeholders are there.
	if !bytes.Contains(all, []byte("«secret:1»")) {
		t.Fatalf("the JetStream store (%d bytes) holds no record", len(all))
	}
	sc.Artifact(canary.Recording, all)
	for _, c := range sc.Check(t) {
		if c.Found != 0 {
			t.Fatalf("%d %s in the JetStream store", c.Found, c.Kind)
		}
	}
}

func readRecs(t *testing.T, b []byte) ([]flowlog.Record, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "got.jsonl")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, recs, err := flowlog.ReadAll(p)
	return recs, err
}

// Two runs recorded at once keep each its own subject and order.
func TestConcurrentRunsKeepTheirOrder(t *testing.T) {
	srv := natstest.Start(t, "")
	tg := target(t, srv, "REC")
	var wg sync.WaitGroup
	for _, run := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{Run: run, SpoolDir: t.TempDir()})
			if err != nil {
				t.Error(err)
				return
			}
			if err := record(t, sink, envelopes(200, "pw-x1y2z3", "tok-abcdef123456"), newRedactor()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, run := range []string{"a", "b", "c"} {
		got, _ := fetch(t, tg, run)
		recs, err := readRecs(t, got)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 200 {
			t.Fatalf("run %s: %d records", run, len(recs))
		}
		for i, r := range recs {
			if r.Seq != uint64(i+1) {
				t.Fatalf("run %s record %d has seq %d", run, i+1, r.Seq)
			}
		}
	}
}

func TestUnreachableServerIsAClearErrorBeforeRecording(t *testing.T) {
	tg, _ := natsrec.Parse("nats://127.0.0.1:1/REC")
	spool := t.TempDir()
	_, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{SpoolDir: spool, Timeout: time.Second})
	if !errors.Is(err, natsrec.ErrUnreachable) || !strings.Contains(err.Error(), "nats-server -js") || !strings.Contains(err.Error(), "--record FILE") {
		t.Fatalf("got %v", err)
	}
}

// The server goes away mid-run: the run goes on, Close says how many
// records reached the stream and where the whole recording is, and that
// file is byte for byte what a file recording holds.
func TestServerGoneMidRunKeepsEverythingInTheSpool(t *testing.T) {
	srv := natstest.Start(t, "")
	tg := target(t, srv, "REC")
	spool := t.TempDir()
	sink, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{Run: "gone", SpoolDir: spool, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	envs := envelopes(100, "pw-q9w8e7", "tok-zxcvbnm123")
	w, err := flowlog.NewSinkWriter(sink, flowlog.NewHeader("test", at), flowlog.WithRedactor(newRedactor()))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range envs {
		if i == 40 {
			srv.Stop()
		}
		if err := w.Write(e); err != nil {
			t.Fatalf("record %d: the run stopped: %v", i+1, err)
		}
	}
	err = w.Close()
	if err == nil || !strings.Contains(err.Error(), sink.SpoolPath()) || !strings.Contains(err.Error(), "of 102 records") { // header, 100 records, end mark
		t.Fatalf("close: %v", err)
	}
	got, rerr := os.ReadFile(sink.SpoolPath())
	if rerr != nil {
		t.Fatal(rerr)
	}
	file := filepath.Join(t.TempDir(), "run.jsonl")
	fs, _ := flowlog.CreateFileSink(file)
	if err := record(t, fs, envs, newRedactor()); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(file)
	if !bytes.Equal(got, want) {
		t.Fatalf("the spool differs from a file recording: %d vs %d bytes", len(got), len(want))
	}
	if fi, _ := os.Stat(sink.SpoolPath()); fi.Mode().Perm() != 0o600 {
		t.Fatalf("spool mode %v", fi.Mode())
	}
	t.Log(err)
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, stream, run, err string }{
		{"nats://127.0.0.1:4222/REC", "REC", "", ""},
		{"nats://u:p@h:4222/REC/run-1", "REC", "run-1", ""},
		{"nats://h:4222", "", "", "names no stream"},
		{"nats://h:4222/a.b", "", "", "letters, digits"},
		{"http://h/REC", "", "", "not a NATS address"},
	} {
		tg, err := natsrec.Parse(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v", c.in, err)
			}
			continue
		}
		if err != nil || tg.Stream != c.stream || tg.Run != c.run || strings.Contains(tg.String(), "p@") {
			t.Errorf("%s: got %+v %v", c.in, tg, err)
		}
	}
}

// Credentials come from the environment (never argv): a server with a
// user refuses a connection without them and takes one with them.
func TestCredentialsFromTheEnvironment(t *testing.T) {
	srv := natstest.StartWith(t, "", func(o *server.Options) { o.Username, o.Password = "alice", "s3cret-pass" })
	tg := target(t, srv, "ALICE")
	if _, _, err := natsrec.Connect(context.Background(), tg, time.Second); err == nil {
		t.Fatal("connected without credentials")
	}
	t.Setenv("KRATOS_TUI_NATS_USER", "alice")
	t.Setenv("KRATOS_TUI_NATS_PASSWORD", "s3cret-pass")
	nc, _, err := natsrec.Connect(context.Background(), tg, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
}

package replay

import (
	"bytes"
	"context"
	"testing"
)

func TestGeneratedLogReplays(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteCycles(&buf, CycleTemplate, 200)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Records) != n {
		t.Fatalf("log has %d records, generated %d", len(rec.Records), n)
	}
	res, err := Run(context.Background(), rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed() {
		t.Fatalf("replay diverged:\n%s", res.Divergence.Report())
	}
	if bytes.Contains(buf.Bytes(), []byte("fake-session-token")) || bytes.Contains(buf.Bytes(), []byte("right-password")) {
		t.Fatal("a secret is in the log")
	}
}

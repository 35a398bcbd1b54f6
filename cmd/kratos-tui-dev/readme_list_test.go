package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// readmeCommands maps every command line the README shows in a sh block to
// the test that runs it as written.
var readmeCommands = map[string]string{
	"make run":                        "TestREADMECommands (stdin not a terminal: plain UI)",
	`make run ARGS="--ui plain"`:      "TestREADMECommands",
	"make run ARGS=--fresh":           "TestREADMECommands",
	"make test":                       ".ci/run (CI runs it on a clean clone)",
	"make bench":                      "not run by CI (minutes); cmd/kratos-tui-bench's tests run its code",
	"make up":                         "TestREADMECommands",
	`export PATH="$PWD/.bin:$PATH"`:   "TestREADMECommands",
	"make down":                       "TestREADMECommands",
	"kratos-tui":                      "TestREADMECommands (tuiRecovery, under tmux)",
	"kratos-tui --ui json":            "TestREADMECommands (the printf lines)",
	"kratos-tui --record run.jsonl":   "TestREADMECommands",
	"kratos-tui status":               "TestREADMECommands",
	"kratos-tui status --json":        "TestREADMECommands",
	"kratos-tui token":                "TestREADMECommands (in the curl line)",
	"kratos-tui token --jwt TEMPLATE": "cmd/kratos-tui TestTokenJWT (TEMPLATE: the test config's kratos-tui-test)",
	"kratos-tui logout":               "TestREADMECommands",
	"kratos-tui logout --local":       "TestREADMECommands; without Kratos: cmd/kratos-tui TestLogoutLocalWithoutKratos",
	"kratos-tui replay run.jsonl":     "TestREADMECommands",
	readmeReplayLive:                  "TestREADMECommands",
	readmeReadSecret:                  "TestREADMECommands (stdin a pipe)",
	readmeReplayLiveEnv:               "TestREADMECommands",
	readmeReplayLiveFile:              "TestREADMECommands",
	"kratos-tui trace run.jsonl [--format tui|text|html|mermaid|mermaid-sequence]": "TestREADMECommands (each format but tui; tui: ui/traceview tests)",
	"kratos-tui completion bash": "TestREADMECommands",
	"kratos-tui version":         "TestREADMECommands",
	readmeCurl:                   "TestREADMECommands",
	readmeSignUp:                 "TestREADMECommands",
	readmeVerify:                 "TestREADMECommands",
	readmeRecover:                "TestREADMECommands",
	// Team scale: run by cmd/kratos-tui's team tests as written but for the
	// address, which is that of the test's own in-process nats-server.
	"kratos-tui --record nats://nats.internal:4222/KRATOS":                          "TestRecordToNATSAgainstKratos (test server's address)",
	"kratos-tui trace --follow nats://nats.internal:4222/KRATOS/RUN":                "TestRecordingsPutLsGetAndFollow (test server's address)",
	"kratos-tui recordings ls nats://nats.internal:4222/KRATOS":                     "TestRecordingsPutLsGetAndFollow (test server's address)",
	"kratos-tui recordings get nats://nats.internal:4222/KRATOS/RUN > run.jsonl":    "TestRecordingsPutLsGetAndFollow (test server's address)",
	"kratos-tui replay --enqueue nats://nats.internal:4222/KRATOS testdata/flows":   "TestFarmSurvivesAWorkerKilledMidJob (test server's address)",
	"kratos-tui replay-worker nats://nats.internal:4222/KRATOS --max-concurrency 2": "TestFarmSurvivesAWorkerKilledMidJob, TestLiveWorkerAgainstKratos (test server's address)",
	"kratos-tui replay --results nats://nats.internal:4222/KRATOS --wait":           "TestFarmSurvivesAWorkerKilledMidJob (test server's address)",
}

// TestREADMEListsTestedCommands holds the README to readmeCommands: every
// command line of its sh blocks (comments stripped, continued lines
// joined) is one TestREADMECommands runs, and make install, which the
// README names in a comment.
func TestREADMEListsTestedCommands(t *testing.T) {
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 3 {
		t.Fatalf("the README has %d sh blocks", len(blocks))
	}
	comment := regexp.MustCompile(`\s+# .*$`)
	seen := map[string]bool{}
	for _, blk := range blocks {
		var cmd strings.Builder
		for _, line := range strings.Split(blk[1], "\n") {
			line = comment.ReplaceAllString(line, "")
			if strings.TrimSpace(line) == "" {
				continue
			}
			cmd.WriteString(line)
			if strings.HasSuffix(line, `\`) || strings.HasSuffix(line, "|") {
				cmd.WriteString("\n")
				continue
			}
			c := strings.TrimSpace(cmd.String())
			cmd.Reset()
			seen[c] = true
			if _, ok := readmeCommands[c]; !ok {
				t.Errorf("the README shows %q, which no test runs as written (add it to TestREADMECommands and readmeCommands)", c)
			}
		}
	}
	// Commands in the prose of the sections about running the client.
	text := string(b)
	if i, j := strings.Index(text, "## Two commands"), strings.Index(text, "### What you can do"); i >= 0 && j > i {
		for _, m := range regexp.MustCompile("`((?:make|kratos-tui) [^`]*)`").FindAllStringSubmatch(text[i:j], -1) {
			c := m[1]
			seen[c] = true
			if _, ok := readmeCommands[c]; !ok {
				t.Errorf("the README shows %q, which no test runs as written", c)
			}
		}
	}
	for c := range readmeCommands {
		if !seen[c] {
			t.Errorf("readmeCommands lists %q, which the README no longer shows", c)
		}
	}
	if !strings.Contains(string(b), "make install") {
		t.Error("the README does not mention make install")
	}
}

package replay_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// A recording whose adapter answer holds a secret in clear (a log written
// by an older or broken recorder, or edited by hand) diverges at that very
// record: the replay redacts what it publishes, so the clear value it
// served from the recording comes out as «unrecorded-secret:N», which the
// recording does not have. Before 3795f15 this held; since, an answer
// byte for byte the recorded one is not redacted again, so the clear
// secret passes as matching: the replay then diverges later (where the
// secret is used) or not at all (PASS), and the report no longer points
// at the record that holds the secret in clear.
func TestClearSecretInRecordedAnswerDivergesThere(t *testing.T) {
	for _, tc := range []struct {
		name, flow, seqPrefix, old, new string
		seq                             uint64
		field                           string
	}{
		{
			// A password in clear in the body of create_login_flow's
			// answer: the adapter does not carry it into its result.
			name: "response body", flow: "sign_in", seqPrefix: `{"seq":12,`,
			old: `"response_body":{`, new: `"response_body":{"password":"hunter2-in-clear",`,
			seq: 12, field: "data.http[0].response_body.password",
		},
		{
			// The token store's answer in clear.
			name: "token store result", flow: "launch_valid_token", seqPrefix: `{"seq":5,`,
			old: `"result":"«secret:1»"`, new: `"result":"ory_st_in_clear_0123456789"`,
			seq: 5, field: "data.result",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.SplitAfter(string(corpusBytes(t, tc.flow)), "\n")
			edited := false
			for i, l := range lines {
				if strings.HasPrefix(l, tc.seqPrefix) && strings.Contains(l, tc.old) {
					lines[i] = strings.Replace(l, tc.old, tc.new, 1)
					edited = true
				}
			}
			if !edited {
				t.Fatalf("%s: no record %s with %s", tc.flow, tc.seqPrefix, tc.old)
			}
			res, err := replay.RunFile(context.Background(), writeTemp(t, []byte(strings.Join(lines, ""))), replay.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed() {
				t.Fatalf("a recorded answer with a secret in clear replays as PASS")
			}
			if d := res.Divergence; d.Seq != tc.seq || d.Field != tc.field {
				t.Fatalf("diverged at seq %d field %s (%s), want seq %d field %s", d.Seq, d.Field, d.Reason, tc.seq, tc.field)
			}
		})
	}
}

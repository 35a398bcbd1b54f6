package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/events/flowdiff"
)

func diffCommand(stdout io.Writer) *cobra.Command {
	var format string
	var same []string
	var strict bool
	cmd := &cobra.Command{
		Use: "diff A.jsonl B.jsonl",
		Example: `  kratos-tui diff before-upgrade.jsonl after-upgrade.jsonl     # every difference by step, the first with its reason
  kratos-tui diff --format json a.jsonl b.jsonl | jq .          # for scripts; exit 0 same, 1 different, 2 error
  kratos-tui diff --same a@example.com=b@example.com a.jsonl b.jsonl
  kratos-tui diff --strict tui.jsonl json.jsonl                 # how the UIs drove the flow counts too`,
		Short: "Compare two flow logs of the same user flow, step by step, ignoring ids, times and tokens",
		Long: `diff compares two flow logs of the same user flow — before and after a
Kratos upgrade, under two configurations, from two clients.

Steps (an intent and what it caused) are aligned by intent, records within
a step by kind and operation. Volatile values are ignored: seqs, event and
flow ids, any UUID, times, latencies, the server's URL, and the numbering
of redaction placeholders. --same a=b makes a value of A and the value B
has in its place equal (the e-mail addresses of two sign-ups). Every difference is printed, grouped by step,
the first one with its reason (e.g. "Kratos answered 400 with 4000032
where A had 200").

How two UIs drive one flow is told apart from what Kratos and the machine
did, and printed as notes, not differences: an intent that names its flow
on one side only when both sides' calls used the same (aligned) flow; a
FieldChanged step only one side has that made no call and only cleared
the screen's messages ("skipped: …"); steps only one side has after both
reached the same state and screen, when the other log ended with its end
mark and those steps only asked for a new form (a *FlowRequested whose
calls only created or read a flow, none failing; a trailing sign-out stays
a difference). --strict counts them as differences.

--format text (default) or json. Exit 0 when the logs are the same, 1 when
they differ, 2 when a log cannot be read.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			a, err := flowdiff.Load("A", args[0])
			if err != nil {
				return err
			}
			b, err := flowdiff.Load("B", args[1])
			if err != nil {
				return err
			}
			for i, l := range []*flowdiff.Log{a, b} {
				if !l.Ended {
					// Told first: a difference at the end of such a log
					// may only be where the run stopped.
					warnNoEndMark(cmd.ErrOrStderr(), args[i])
				}
			}
			opts := flowdiff.Options{Same: map[string]string{}, Strict: strict}
			for _, sv := range same {
				av, bv, ok := strings.Cut(sv, "=")
				if !ok || av == "" || bv == "" {
					return fmt.Errorf("--same %q: want A_VALUE=B_VALUE", sv)
				}
				opts.Same[av] = bv
			}
			res := flowdiff.Compare(a, b, opts)
			res.A, res.B = args[0], args[1]
			if format == "json" {
				err = res.WriteJSON(stdout)
			} else {
				err = res.WriteText(stdout)
			}
			if err != nil {
				return err
			}
			if !res.Same {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().StringArrayVar(&same, "same", nil, "A_VALUE=B_VALUE: treat these values as equal, e.g. the e-mails of two sign-ups (repeatable)")
	cmd.Flags().BoolVar(&strict, "strict", false, "count how the UIs drove the flow as differences too (an intent's flow id, FieldChanged steps, steps after the end of the other log)")
	return cmd
}

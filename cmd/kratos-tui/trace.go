package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

func traceCommand(stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "trace FILE",
		Short: "Show a flow log: an interactive timeline, a text timeline, or the state machine in Mermaid",
		Long: `trace opens a flow log recorded with --record.

--format tui (the default on a terminal): a scrollable timeline; f filters
by kind, g jumps to a seq, the right pane shows the record, the state
machine's state at that point and an adapter step's redacted HTTP exchanges.
--format text: the timeline as text. --format mermaid: the state machine as
a Mermaid stateDiagram-v2 with the path this log took highlighted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			h, recs, err := readLogWithProgress(args[0], stderr)
			if err != nil {
				if !errors.Is(err, flowlog.ErrTruncated) || len(recs) == 0 {
					return err
				}
				fmt.Fprintf(stderr, "kratos-tui: warning: %v; showing the %d whole records before it\n", err, len(recs))
			}
			if format == "" {
				format = "text"
				if isatty.IsTerminal(stdin.Fd()) && isatty.IsTerminal(stdout.Fd()) {
					format = "tui"
				}
			}
			switch format {
			case "text":
				return traceview.WriteText(stdout, h, recs)
			case "mermaid":
				return traceview.WriteMermaid(stdout, recs)
			case "tui":
				return traceview.New(h, recs).Run()
			}
			return fmt.Errorf("--format %q: want tui, text or mermaid", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "tui, text or mermaid (default: tui on a terminal, else text)")
	return cmd
}

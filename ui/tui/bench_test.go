package tui_test

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/ui/tui"
)

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkKeypressToFrame measures a key press to the finished frame that
// shows it (one key per iteration).
func BenchmarkKeypressToFrame(b *testing.B) {
	p50, p99, err := tui.MeasureKeypressFrames(b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ms(p50), "keypress_frame_p50_ms")
	b.ReportMetric(ms(p99), "keypress_frame_p99_ms")
}

// BenchmarkFirstFrame measures the start of the client to its first frame
// and to the sign-in form, against a local Kratos.
func BenchmarkFirstFrame(b *testing.B) {
	srv := kratosServer(b)
	var first, form time.Duration
	for range b.N {
		d, err := tui.MeasureFirstFrame(context.Background(), srv.PublicURL)
		if err != nil {
			b.Fatal(err)
		}
		first += d
		d, err = tui.MeasureFirstForm(context.Background(), srv.PublicURL)
		if err != nil {
			b.Fatal(err)
		}
		form += d
	}
	b.ReportMetric(ms(first)/float64(b.N), "first_frame_ms")
	b.ReportMetric(ms(form)/float64(b.N), "first_form_ms")
}

func TestMeasurements(t *testing.T) {
	p50, p99, err := tui.MeasureKeypressFrames(50)
	if err != nil || p50 <= 0 || p99 < p50 {
		t.Fatalf("MeasureKeypressFrames: %v %v %v", p50, p99, err)
	}
	srv := kratosServer(t)
	if d, err := tui.MeasureFirstForm(context.Background(), srv.PublicURL); err != nil || d <= 0 {
		t.Fatalf("MeasureFirstForm: %v %v", d, err)
	}
}

package kratostest

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
)

func TestCourierWaitCode(t *testing.T) {
	c := NewCourier(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		code, err := c.WaitCode(ctx, "A@Example.org", TemplateRecoveryCode)
		got <- code
		errc <- err
	}()
	post := func(body string) {
		resp, err := http.Post(c.URL(), "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	post(`{"recipient":"b@example.org","template_type":"recovery_code_valid","recovery_code":"111111"}`)
	post(`{"recipient":"a@example.org","template_type":"verification_code_valid","verification_code":"222222"}`)
	post(`{"recipient":"a@example.org","template_type":"recovery_code_valid","recovery_code":"333333"}`)
	if code, err := <-got, <-errc; err != nil || code != "333333" {
		t.Fatalf("WaitCode = %q, %v", code, err)
	}
	// Each message is returned once; the older verification one is next.
	if code, err := c.WaitCode(ctx, "a@example.org", TemplateVerificationCode); err != nil || code != "222222" {
		t.Fatalf("WaitCode = %q, %v", code, err)
	}
	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	if _, err := c.WaitCode(short, "a@example.org", TemplateVerificationCode); err == nil {
		t.Fatal("WaitCode after cancel: no error")
	}
	post(`{"recipient":"c@example.org","template_type":"login_code_valid","body":"Your code is: 444555\n"}`)
	if code, err := c.WaitCode(ctx, "c@example.org", TemplateLoginCode); err != nil || code != "444555" {
		t.Fatalf("WaitCode from body = %q, %v", code, err)
	}
	if n := len(c.Messages()); n != 4 {
		t.Errorf("%d messages, want 4", n)
	}
	resp, err := http.Post(c.URL(), "application/json", bytes.NewBufferString("{"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: status %d", resp.StatusCode)
	}
}

func TestCourierCloseWakesWaiters(t *testing.T) {
	c, err := StartCourier()
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.WaitCode(context.Background(), "x@example.org", TemplateRecoveryCode)
		errc <- err
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("WaitCode after Close: no error")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestSixDigits(t *testing.T) {
	for in, want := range map[string]string{
		"code: 123456.": "123456", "1234567 and 654321": "654321", "12345": "", "": "", "999999": "999999",
	} {
		if got := mailsink.SixDigits(in); got != want {
			t.Errorf("SixDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

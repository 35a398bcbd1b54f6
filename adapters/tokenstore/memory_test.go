package tokenstore

import (
	"sync"
	"testing"
)

func TestMemoryRoundTrip(t *testing.T) {
	m := NewMemory()
	if got, err := m.Load(); got != "" || err != nil {
		t.Fatalf("empty Load() = %q, %v; want \"\", nil", got, err)
	}
	if err := m.Save(canary); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Load(); got != canary || err != nil {
		t.Fatalf("Load() = %q, %v; want the saved token", got, err)
	}
	if err := m.Delete(); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(); err != nil {
		t.Fatalf("second Delete() = %v, want nil", err)
	}
	if got, err := m.Load(); got != "" || err != nil {
		t.Fatalf("Load() after Delete = %q, %v; want \"\", nil", got, err)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	m := NewMemory()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				if err := m.Save(tokenN(i)); err != nil {
					t.Error(err)
				}
				if _, err := m.Load(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

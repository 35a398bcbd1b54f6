package clock

import (
	"fmt"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestSystemIsUTCAndCurrent(t *testing.T) {
	before := time.Now()
	got := System{}.Now()
	after := time.Now()
	if got.Location() != time.UTC {
		t.Fatalf("location = %v, want UTC", got.Location())
	}
	if got.Before(before.Truncate(time.Second)) || got.After(after.Add(time.Second)) {
		t.Fatalf("Now() = %v, not between %v and %v", got, before, after)
	}
}

func TestFixed(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := NewFixed(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("second Now() = %v, want %v (clock must stand still)", got, start)
	}
	c.Advance(90 * time.Second)
	if want := start.Add(90 * time.Second); !c.Now().Equal(want) {
		t.Fatalf("after Advance Now() = %v, want %v", c.Now(), want)
	}
	other := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(other)
	if !c.Now().Equal(other) {
		t.Fatalf("after Set Now() = %v, want %v", c.Now(), other)
	}
}

func TestSteppingSequence(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := NewStepping(start, time.Second)
	for i := range 5 {
		want := start.Add(time.Duration(i) * time.Second)
		if got := c.Now(); !got.Equal(want) {
			t.Fatalf("call %d: Now() = %v, want %v", i, got, want)
		}
	}
	if c.Calls() != 5 {
		t.Fatalf("Calls() = %d, want 5", c.Calls())
	}
}

func TestSteppingConcurrentReadersGetDistinctTimes(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := NewStepping(start, time.Millisecond)
	const workers, each = 8, 100
	got := make(chan time.Time, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				got <- c.Now()
			}
		})
	}
	wg.Wait()
	close(got)
	seen := map[time.Time]bool{}
	for ts := range got {
		if seen[ts] {
			t.Fatalf("time %v returned twice", ts)
		}
		seen[ts] = true
	}
	for i := range workers * each {
		if want := start.Add(time.Duration(i) * time.Millisecond); !seen[want] {
			t.Fatalf("time %v never returned", want)
		}
	}
}

func TestRandomIDs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     RandomIDs
		version uuid.Version
	}{
		{"v4", RandomIDs{}, 4},
		{"v7", RandomIDs{V7: true}, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 1000 {
				id := tc.src.NewID()
				u, err := uuid.Parse(id)
				if err != nil {
					t.Fatalf("NewID() = %q: %v", id, err)
				}
				if u.Version() != tc.version {
					t.Fatalf("NewID() = %q has version %d, want %d", id, u.Version(), tc.version)
				}
				if seen[id] {
					t.Fatalf("NewID() returned %q twice", id)
				}
				seen[id] = true
			}
		})
	}
}

func TestSequentialIDs(t *testing.T) {
	s := SequentialIDs("evt")
	for i, want := range []string{"evt-000001", "evt-000002", "evt-000003"} {
		if got := s.NewID(); got != want {
			t.Fatalf("call %d: NewID() = %q, want %q", i, got, want)
		}
	}
	if got := SequentialIDs("").NewID(); got != "000001" {
		t.Fatalf("empty prefix: NewID() = %q, want %q", got, "000001")
	}
}

func TestSequentialIDsWidenPastSixDigits(t *testing.T) {
	s := SequentialIDs("x")
	s.n = 999999
	if got := s.NewID(); got != "x-1000000" {
		t.Fatalf("NewID() = %q, want %q", got, "x-1000000")
	}
}

func TestSequentialIDsConcurrent(t *testing.T) {
	s := SequentialIDs("id")
	const workers, each = 8, 250
	got := make(chan string, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				got <- s.NewID()
			}
		})
	}
	wg.Wait()
	close(got)
	var ids []string
	for id := range got {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	re := regexp.MustCompile(`^id-\d{6}$`)
	for i, id := range ids {
		if want := fmt.Sprintf("id-%06d", i+1); id != want || !re.MatchString(id) {
			t.Fatalf("sorted id %d = %q, want %q", i, id, want)
		}
	}
}

package app

import (
	"context"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
)

// countingStore counts the Loads of a memory store.
type countingStore struct {
	*tokenstore.Memory
	mu    sync.Mutex
	loads int
}

func (c *countingStore) Load() (string, error) {
	c.mu.Lock()
	c.loads++
	c.mu.Unlock()
	return c.Memory.Load()
}

func (c *countingStore) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

// The launch reads the store once: the state machine's first Load takes
// the early one; later Loads read the store again, and a Save or Delete
// before the first Load makes it read the store (never a stale answer).
func TestEarlyTokensAnswerTheFirstLoadOnly(t *testing.T) {
	store := &countingStore{Memory: tokenstore.NewMemory()}
	if err := store.Save("ory_st_before"); err != nil {
		t.Fatal(err)
	}
	tokens, login := startEarly(context.Background(), store, nil, false, zerolog.Nop())
	if login != nil {
		t.Fatal("a login flow adapter without EarlyLoginFlow")
	}
	if tok, err := tokens.Load(); err != nil || tok != "ory_st_before" {
		t.Fatalf("first Load = %q, %v", tok, err)
	}
	if n := store.count(); n != 1 {
		t.Fatalf("the store was read %d times for the first Load, want once", n)
	}
	if err := tokens.Save("ory_st_after"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens.Load(); tok != "ory_st_after" {
		t.Fatalf("Load after Save = %q", tok)
	}
	if n := store.count(); n != 2 {
		t.Fatalf("the store was read %d times, want twice", n)
	}

	// A Delete before the first Load: the Load reads the store.
	store2 := &countingStore{Memory: tokenstore.NewMemory()}
	_ = store2.Save("ory_st_x")
	tokens2, _ := startEarly(context.Background(), store2, nil, false, zerolog.Nop())
	<-tokens2.done
	if err := tokens2.Delete(); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens2.Load(); tok != "" {
		t.Fatalf("Load after Delete = %q, the early answer was stale", tok)
	}
}

package events

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// TestValueIndexMatchesReplacer: the index replaces exactly what one
// longest-first Replacer of every secret's encodings replaces, on texts
// made of secrets in every encoding, glued to words or not, and noise.
func TestValueIndexMatchesReplacer(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "b", "Z", "0", "7", "_", "-", " ", "\"", "<", "&", "é", "/", "+", "\\", "\n", ":", "."}
	word := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return sb.String()
	}
	for round := range 300 {
		s := NewSecrets()
		var secrets []string
		for range 1 + rng.Intn(12) {
			v := word(4 + rng.Intn(12))
			if rng.Intn(4) == 0 && len(secrets) > 0 { // one secret inside another
				v = word(rng.Intn(3)) + secrets[rng.Intn(len(secrets))] + word(rng.Intn(3))
			}
			secrets = append(secrets, v)
			s.Add(v)
		}
		var pairs []string
		values, _ := s.Snapshot()
		for _, v := range values {
			if len(v) < MinValueLen || IsProtocolWord(v) {
				continue
			}
			for _, e := range Encodings(v) {
				pairs = append(pairs, e, Redacted)
			}
		}
		pairs = append(pairs, Redacted, Redacted)
		want := NewLongestFirstReplacer(pairs...)
		for range 20 {
			var sb strings.Builder
			for range rng.Intn(8) {
				sb.WriteString(word(rng.Intn(6)))
				if rng.Intn(3) > 0 {
					sec := secrets[rng.Intn(len(secrets))]
					enc := Encodings(sec)
					sb.WriteString(enc[rng.Intn(len(enc))])
				}
				if rng.Intn(5) == 0 {
					sb.WriteString(Redacted)
				}
			}
			text := sb.String()
			w, got := want.Replace(text), s.Scrub(text)
			if got != w {
				t.Fatalf("round %d: secrets %q\ntext %q\n got %q\nwant %q", round, secrets, text, got, w)
			}
			if w != text && !s.ValueIndex().Contains(text) {
				t.Fatalf("round %d: Contains missed a secret in %q (secrets %q)", round, text, secrets)
			}
		}
	}
}

// TestScrubGrowsWithoutRebuilding: a registry that learns thousands of
// secrets one by one, scrubbing between each, stays linear: the index is
// extended, not rebuilt.
func TestScrubGrowsWithoutRebuilding(t *testing.T) {
	s := NewSecrets()
	for i := range 5000 {
		tok := "ory_st_" + strings.Repeat("x", 4) + string(rune('a'+i%26)) + strings.Repeat("0", i%7) + "-" + strconv.Itoa(i)
		s.Add(tok)
		if got := s.Scrub("token " + tok + " end"); got != "token "+Redacted+" end" {
			t.Fatalf("secret %d not scrubbed: %q", i, got)
		}
	}
	if n := len(s.ValueIndex().pats); n > 5000*8+len(protectPatterns) {
		t.Fatalf("%d patterns for 5000 secrets", n)
	}
}

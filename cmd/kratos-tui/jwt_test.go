package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
)

// testJWKSKey is the public half of testdata/kratos/jwks.test.json.
func testJWKSKey(t *testing.T) *ecdsa.PublicKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "kratos", "jwks.test.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct{ X, Y string } `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks.test.json: %v", err)
	}
	coord := func(s string) *big.Int {
		v, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return new(big.Int).SetBytes(v)
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: coord(set.Keys[0].X), Y: coord(set.Keys[0].Y)}
}

// TestTokenJWT: `token --jwt kratos-tui-test` prints the session as a JWT
// Kratos signed with the template's key: the signature verifies with the
// public key, the subject is the identity, it expires within the
// template's ttl; an unknown template is an error that says what to check;
// a revoked session says to sign in.
func TestTokenJWT(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	ctx := context.Background()
	const email, password = "jwt-user@example.com", "jwt-password-12345"
	id, err := srv.CreateIdentity(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	tokenDir := filepath.Join(t.TempDir(), "tokens")
	common := []string{"--kratos-api", srv.PublicURL, "--token-store", "file", "--token-dir", tokenDir}
	token, err := srv.LoginSessionToken(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	store, _, err := tokenstore.Open(srv.PublicURL, tokenstore.OpenOptions{Backend: "file", Dir: tokenDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(token); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, append(common, "token", "--jwt", "kratos-tui-test")...)
	jwt := strings.TrimSpace(out)
	parts := strings.Split(jwt, ".")
	if code != 0 || len(parts) != 3 {
		t.Fatalf("token --jwt: exit %d, %q, %s", code, out, errOut)
	}
	var header struct{ Alg, Kid string }
	var claims struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
		Iat int64  `json:"iat"`
	}
	for i, v := range []any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			t.Fatalf("JWT part %d: %v %s", i, err, b)
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("ES256 signature: %v (%d bytes)", err, len(sig))
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if header.Alg != "ES256" || header.Kid != "kratos-tui-test" || !ecdsa.Verify(testJWKSKey(t), digest[:], r, s) {
		t.Fatalf("the JWT does not verify with the template's key: header %+v", header)
	}
	if claims.Sub != id {
		t.Fatalf("JWT subject %q, want the identity %s", claims.Sub, id)
	}
	if ttl := time.Duration(claims.Exp-claims.Iat) * time.Second; ttl <= 0 || ttl > time.Minute {
		t.Fatalf("JWT lives %s, want the template's ttl (1m)", ttl)
	}
	if strings.Contains(errOut, jwt) {
		t.Fatal("the JWT is on stderr")
	}

	code, _, errOut = runCLI(t, append(common, "token", "--jwt", "no-such-template")...)
	if code != 2 || !strings.Contains(errOut, "no-such-template") || !strings.Contains(errOut, "session.whoami.tokenizer.templates") {
		t.Fatalf("an unknown template: exit %d, %s", code, errOut)
	}

	revokeToken(t, srv, token)
	code, _, errOut = runCLI(t, append(common, "token", "--jwt", "kratos-tui-test")...)
	if code != 1 || !strings.Contains(errOut, "sign in") {
		t.Fatalf("a revoked session: exit %d, %s", code, errOut)
	}
}

// revokeToken signs the session out at Kratos.
func revokeToken(t *testing.T, srv *kratostest.Server, token string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, srv.PublicURL+"/self-service/logout/api",
		strings.NewReader(`{"session_token":"`+token+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
}

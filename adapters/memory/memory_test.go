package memory

import (
	"context"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestSignUpSignInSignOut(t *testing.T) {
	ctx := context.Background()
	k := NewKratos()
	s, err := k.SubmitRegistration(ctx, adapters.RegistrationRequest{Traits: map[string]any{"email": "a@b.c"}, Password: "pw"})
	if err != nil || s.Token == "" {
		t.Fatalf("sign-up: %v %+v", err, s)
	}
	if _, err := k.SubmitRegistration(ctx, adapters.RegistrationRequest{Traits: map[string]any{"email": "a@b.c"}, Password: "pw"}); adapters.ClassOf(err) != adapters.ClassValidation {
		t.Fatalf("duplicate sign-up: %v", err)
	}
	if _, err := k.SubmitLogin(ctx, adapters.LoginRequest{Identifier: "a@b.c", Password: "bad"}); adapters.ClassOf(err) != adapters.ClassValidation {
		t.Fatalf("wrong password: %v", err)
	}
	in, err := k.SubmitLogin(ctx, adapters.LoginRequest{Identifier: "a@b.c", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if who, err := k.Whoami(ctx, in.Token); err != nil || who.Email != "a@b.c" || who.Token != "" {
		t.Fatalf("whoami: %v %+v", err, who)
	}
	if err := k.Logout(ctx, in.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Whoami(ctx, in.Token); adapters.ClassOf(err) != adapters.ClassUnauthorized {
		t.Fatalf("whoami after logout: %v", err)
	}
	if err := k.Logout(ctx, in.Token); adapters.ClassOf(err) != adapters.ClassUnauthorized {
		t.Fatalf("second logout: %v", err)
	}
}

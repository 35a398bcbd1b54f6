package plain

import (
	"fmt"
	"strings"
)

// commandHelp says what each command word does, for help.
var commandHelp = map[string]string{
	"signin": "go to the sign-in form", "signup": "go to the sign-up form", "forgot": "recover a forgotten password",
	"retry": "try again", "quit": "leave (the session is kept)", "logout": "sign out", "signout": "sign out",
	"settings": "change profile, password, authenticator app, backup codes", "sessions": "list your sessions",
	"verify": "verify your email address", "refresh": "sign in again to refresh the session", "token": "show the session token",
	"home": "back to the session information", "back": "back to the session information", "resend": "send a new code",
	"profile": "save the profile", "password": "set a new password", "totp": "link an authenticator app with its code",
	"unlink-totp": "unlink the authenticator app", "regenerate-codes": "make new backup codes (the old ones stop working)",
	"reveal-codes": "show your backup codes", "confirm-codes": "confirm that you kept the new backup codes",
	"disable-codes": "disable backup codes", "backup": "sign in with a backup code: backup <code>",
	"revoke": "end a session: revoke <number>", "revoke-others": "end every other session",
	"lookup_secret": "backup codes", "show": "write the whole settings page again",
	"help": "this list", "mail": "fill in the e-mailed code from the dev stack's mail sink", "reload": "list the sessions again",
	"code": "the code from your authenticator app",
}

// printHelp writes one line per command.
func (p *Plugin) printHelp(names []string) {
	p.out.line("Commands:")
	for _, n := range names {
		word, _, _ := strings.Cut(n, " ")
		word = strings.Trim(word, "<>")
		desc := commandHelp[word]
		if desc == "" {
			desc = commandHelp[strings.ToLower(word)]
		}
		p.out.line("  %-20s %s", n, desc)
	}
}

// unknown answers a word that is no command.
func (p *Plugin) unknown(cmd string) {
	p.out.line("%s", fmt.Sprintf("Unknown command %q. Type help for what each command does.", cmd))
}

// Package whoami is the project's backend endpoint: GET /whoami answers who
// is signed in with a Kratos session token.
//
// The token comes from the header Session_token (any case, as the seed app
// sends it) or X-Session-Token, and is checked with Kratos's
// /sessions/whoami through github.com/ory/client-go. Answers:
//
//	200 {"oryUser":{"id","email","verified"},"session":{"id","expires_at","authenticated_at","aal"}}
//	401 {"error":{"code":401,"message":"..."}}  no token, or Kratos rejects it
//	403 {"error":{"code":403,...}}              Kratos answers 403 (e.g. aal2 required)
//	405 {"error":{"code":405,...}}              any method but GET
//	502 {"error":{"code":502,...}}              Kratos unreachable or answering garbage
//
// Tokens are never logged.
package whoami

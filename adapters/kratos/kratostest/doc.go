// Package kratostest starts and stops a real Ory Kratos v1.3.1 for tests and
// for local development.
//
// The Kratos binary is built by `make kratos` into <repo root>/.bin/kratos
// (or named by $KRATOS_BIN). Each Server gets its own free loopback ports and
// its own SQLite database, renders testdata/kratos/kratos.yml.tmpl with the
// given Options, migrates the database and runs `kratos serve --dev`. A
// migrated database is cached per binary in the user cache directory
// (kratos-tui/kratostest) and copied for each new Server.
//
// In tests use New, which skips the test when the binary is missing (or
// fails it when KRATOS_REQUIRED=1) and stops Kratos when the test ends.
package kratostest

package fields

import (
	"fmt"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QRQuietZone is the light margin, in modules, drawn around a QR code.
const QRQuietZone = 2

// QR draws content as a QR code (low error correction, the smallest symbol)
// in half-block characters: each text row holds two rows of modules, so a
// 41-module code with its quiet zone takes 45 columns and 23 rows. Light
// modules are drawn (█ ▀ ▄) and dark ones left blank, so that the code
// reads right on a dark terminal background or when drawn white on black.
func QR(content string, quiet int) ([]string, error) {
	q, err := qrcode.New(content, qrcode.Low)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	q.DisableBorder = true
	bits := q.Bitmap()
	n := len(bits)
	size := n + 2*quiet
	// light reports whether the module at (x, y) of the bordered code is
	// light (the quiet zone is light).
	light := func(x, y int) bool {
		x, y = x-quiet, y-quiet
		if x < 0 || y < 0 || x >= n || y >= n {
			return true
		}
		return !bits[y][x]
	}
	var lines []string
	for y := 0; y < size; y += 2 {
		var b strings.Builder
		for x := 0; x < size; x++ {
			top := light(x, y)
			bottom := y+1 < size && light(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteRune(' ')
			}
		}
		lines = append(lines, b.String())
	}
	return lines, nil
}

// OTPAuthURI is the key URI an authenticator app reads (the format of
// Google Authenticator): otpauth://totp/<issuer>:<account>?secret=...&issuer=...
func OTPAuthURI(secret, issuer, account string) string {
	label := url.PathEscape(account)
	q := url.Values{"secret": {secret}}
	if issuer != "" {
		label = url.PathEscape(issuer) + ":" + label
		q.Set("issuer", issuer)
	}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

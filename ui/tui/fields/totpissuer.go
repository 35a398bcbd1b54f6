package fields

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/png" // Kratos's QR code is a PNG data URI
	"net/url"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/kratos-tui/kratos-tui/events"
)

// kratosTOTPIssuer is the issuer in the otpauth URI of Kratos's own QR code
// (the totp_qr node): selfservice.methods.totp.config.issuer, else Kratos's
// default, the host of its public URL. "" when the form has no QR code or
// it cannot be read.
func kratosTOTPIssuer(f events.Form) string {
	n := node(f.UI, NodeTOTPQR)
	if n == nil {
		return ""
	}
	_, data, ok := strings.Cut(n.Attributes.Src, ";base64,")
	if !ok || !strings.HasPrefix(n.Attributes.Src, "data:image/png") {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return ""
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return ""
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	u, err := url.Parse(res.GetText())
	if err != nil || u.Scheme != "otpauth" {
		return ""
	}
	return u.Query().Get("issuer")
}

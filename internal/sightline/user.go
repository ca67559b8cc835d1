package sightline

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Password length limits, in characters.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// User is a person who can sign in.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	SessionEpoch int
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail adds a problem for field if email is not a plausible address.
func CheckEmail(p Problems, field, email string) {
	switch {
	case email == "":
		p.Add(field, "Enter an email address.")
	case len(email) > 254:
		p.Add(field, "An email address has at most 254 characters.")
	default:
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || !strings.Contains(email, "@") {
			p.Add(field, "Enter an email address like name@example.com.")
		}
	}
}

// CheckName adds a problem for field if name is empty or too long.
func CheckName(p Problems, field, name string) {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		p.Add(field, "Enter a name.")
	case n > 100:
		p.Add(field, "A name has at most 100 characters.")
	}
}

// CheckNewPassword adds a problem for field if the password is too short or too
// long, and for confirmField if the confirmation does not match.
func CheckNewPassword(p Problems, field, password, confirmField, confirm string) {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLen:
		p.Add(field, "Use at least 12 characters.")
	case n > MaxPasswordLen:
		p.Add(field, "Use at most 128 characters.")
	}
	if confirmField != "" && password != confirm {
		p.Add(confirmField, "The two passwords do not match.")
	}
}

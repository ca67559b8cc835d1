package sightline

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Error codes. Each maps to exactly one HTTP status in the HTTP layer.
const (
	ENOTFOUND     = "not_found"    // the thing does not exist, or the user may not know it exists
	EINVALID      = "invalid"      // the input breaks a rule; Fields says which
	ECONFLICT     = "conflict"     // a stale version, or a unique value already taken
	EFORBIDDEN    = "forbidden"    // signed in and a member, but the role does not allow it
	EUNAUTHORIZED = "unauthorized" // wrong credentials
	ETOOMANY      = "too_many"     // rate limited
	EUNAVAILABLE  = "unavailable"  // the database did not answer in time; nothing was saved
	EINTERNAL     = "internal"     // a bug or an outage; the cause is logged, never shown
)

// Error is an application error: a code, a message safe to show to a user,
// and optionally a message per form field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("sightline error: code=%s message=%s", e.Code, e.Message)
	}
	keys := slices.Sorted(maps.Keys(e.Fields))
	return fmt.Sprintf("sightline error: code=%s message=%s fields=%v", e.Code, e.Message, keys)
}

// Errorf returns an application error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of an application error and a
// generic message for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Something went wrong on our side."
}

// FieldErrors returns the per-field messages of an invalid-input error, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects per-field validation messages while a form is checked.
type Problems map[string]string

// Add records a message for a field unless one is already there: the first
// problem found is the one shown.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns an EINVALID error carrying the problems, or nil if there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string(p)}
}

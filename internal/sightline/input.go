package sightline

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Limits on raw input, checked where a request is read, before any rule of
// the domain and long before the database. The database stores UTF-8 text
// without NUL bytes, and its columns are int4 or int8: anything else would
// come back as an internal error instead of a message.
const (
	// MaxFieldChars bounds any one form field: the longest text column holds
	// 20,000 characters.
	MaxFieldChars = 20000
	// MaxQueryChars bounds any one query parameter (filters, searches, next).
	MaxQueryChars = 1000
	// MaxEmail is the longest e-mail address (RFC 5321), as the schema says.
	MaxEmail = 254
	// MaxInt4 is the largest value of an int4 column (decision numbers,
	// versions, counts).
	MaxInt4 = math.MaxInt32
)

// TextProblem says what is wrong with raw text that cannot be stored, or ""
// when it can: invalid UTF-8 (lone surrogates included: UTF-8 cannot encode
// them) and NUL bytes, which PostgreSQL refuses in text.
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "This contains bytes that are not valid UTF-8 text; retype it or paste it as plain text."
	case strings.IndexByte(s, 0) >= 0:
		return "This contains a NUL character, which cannot be stored; remove it."
	}
	return ""
}

// ParseID reads an id written in canonical decimal: digits only, no sign,
// no leading zero, from 1 up to max. Anything else ("+1", "01", " 1", "1e3",
// a number past the column's range) is not an id.
func ParseID(s string, max int64) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if n > max {
		return 0, false
	}
	return n, true
}

// ParseRowID reads the id of a row (an int8 identity column).
func ParseRowID(s string) (int64, bool) { return ParseID(s, math.MaxInt64) }

// ParseSmallNumber reads a non-negative int4 in canonical decimal ("0"
// allowed): a page number, a version, a decision number.
func ParseSmallNumber(s string) (int, bool) {
	if s == "0" {
		return 0, true
	}
	n, ok := ParseID(s, MaxInt4)
	return int(n), ok
}

// errNotCanonical is what the strconv-shaped parsers below return.
var errNotCanonical = Errorf(EINVALID, "Enter a whole number.")

// ParseIDValue is ParseRowID with strconv.ParseInt's shape, for callers that
// check an error: "+1", "01" and numbers past int8 are errors.
func ParseIDValue(s string) (int64, error) {
	n, ok := ParseRowID(s)
	if !ok {
		return 0, errNotCanonical
	}
	return n, nil
}

// Atoi is strconv.Atoi for numbers stored in int4 columns: canonical
// decimal, an optional leading "-" for negatives, within int4's range.
func Atoi(s string) (int, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	n, ok := ParseSmallNumber(s)
	if !ok || (neg && n == 0) {
		return 0, errNotCanonical
	}
	if neg {
		return -n, nil
	}
	return n, nil
}

// ParseChoice reads an optional id picked from a select ("" is none); a
// value that is not an id is a problem of field.
func ParseChoice(p Problems, field, raw string) *int64 {
	if raw == "" {
		return nil
	}
	id, err := ParseIDValue(raw)
	if err != nil || id < 1 {
		p.Add(field, "Choose one of the options.")
		return nil
	}
	return &id
}

// ParseScore reads an optional 1–5 score ("" is not scored).
func ParseScore(p Problems, field, raw string) *int {
	if raw == "" {
		return nil
	}
	n, err := Atoi(raw)
	if err != nil || n < 1 || n > 5 {
		p.Add(field, "Choose a value from 1 to 5.")
		return nil
	}
	return &n
}

package sightline

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseIDAcceptsOnlyCanonicalDecimal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int64
		want int64
		ok   bool
	}{
		{"1", math.MaxInt64, 1, true},
		{"42", math.MaxInt64, 42, true},
		{"9223372036854775807", math.MaxInt64, math.MaxInt64, true},
		{"9223372036854775808", math.MaxInt64, 0, false},
		{"99999999999999999999", math.MaxInt64, 0, false},
		{"2147483647", MaxInt4, MaxInt4, true},
		{"2147483648", MaxInt4, 0, false},
		{"+1", math.MaxInt64, 0, false},
		{"-1", math.MaxInt64, 0, false},
		{"01", math.MaxInt64, 0, false},
		{"0", math.MaxInt64, 0, false},
		{" 1", math.MaxInt64, 0, false},
		{"1 ", math.MaxInt64, 0, false},
		{"1e3", math.MaxInt64, 0, false},
		{"0x10", math.MaxInt64, 0, false},
		{"١", math.MaxInt64, 0, false}, // an Arabic-Indic digit
		{"", math.MaxInt64, 0, false},
	} {
		got, ok := ParseID(tc.in, tc.max)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseID(%q, %d) = %d, %v; want %d, %v", tc.in, tc.max, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAtoiKeepsToInt4(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "5": 5, "-3": -3, "2147483647": MaxInt4} {
		if got, err := Atoi(in); err != nil || got != want {
			t.Errorf("Atoi(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"2147483648", "-0", "+5", "05", "", "-", "5x"} {
		if _, err := Atoi(in); err == nil {
			t.Errorf("Atoi(%q) accepted", in)
		}
	}
}

func TestTextProblem(t *testing.T) {
	for in, bad := range map[string]bool{
		"plain": false, "Zoë — “quotes” 日本": false, "": false,
		"\xff": true, "a\x00b": true, "\xed\xa0\x80": true, "\xc0\xaf": true,
	} {
		if got := TextProblem(in) != ""; got != bad {
			t.Errorf("TextProblem(%q) bad = %v, want %v", in, got, bad)
		}
	}
}

// FuzzParseID: whatever the input, an accepted id is the canonical decimal
// writing of a number in range, so the database never sees anything else.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "+1", "01", "-1", "9223372036854775807", "9223372036854775808", "2147483648", "1e3", " 7", "\xff"} {
		f.Add(s, int64(MaxInt4))
	}
	f.Fuzz(func(t *testing.T, s string, max int64) {
		n, ok := ParseID(s, max)
		if !ok {
			return
		}
		if n < 1 || n > max {
			t.Fatalf("ParseID(%q, %d) = %d: out of range", s, max, n)
		}
		if strconv.FormatInt(n, 10) != s {
			t.Fatalf("ParseID(%q) = %d: not its canonical writing", s, n)
		}
	})
}

// FuzzTextProblem: text without a problem is what PostgreSQL stores.
func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"ok", "\xff", "a\x00", "\xed\xa0\x80", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if TextProblem(s) == "" && (!utf8.ValidString(s) || strings.ContainsRune(s, 0)) {
			t.Fatalf("TextProblem(%q) let it through", s)
		}
	})
}

func TestMentions(t *testing.T) {
	got := Mentions("@Arjun can you check? cc @priya, @arjun again; mail x@example.com, not@me. (@emma.)")
	want := []string{"arjun", "priya", "emma"}
	if len(got) != len(want) {
		t.Fatalf("Mentions = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Mentions = %v, want %v", got, want)
		}
	}
}

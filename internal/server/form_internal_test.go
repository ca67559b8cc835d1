package server

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sightline/sightline/internal/sightline"
)

// FuzzReadForm: whatever is posted, a field readForm raises no problem for
// is storable text within the column limits, and checked refuses the form
// whenever one field has a problem.
func FuzzReadForm(f *testing.F) {
	for _, s := range []string{"title", "ab\xffcd", "a\x00", "\xed\xa0\x80", strings.Repeat("é", 20001), "x@example.com"} {
		f.Add("title", s)
		f.Add("email", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		body := url.Values{name: {value}, "other": {"fine"}}.Encode()
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		form, err := readForm(httptest.NewRecorder(), r, name, "other")
		if err != nil {
			if len(body) <= maxFormBytes {
				t.Fatalf("readForm refused a %d-byte body: %v", len(body), err)
			}
			return
		}
		got := form.Get(name)
		if form.Err(name) == "" {
			if !utf8.ValidString(got) || strings.ContainsRune(got, 0) || utf8.RuneCountInString(got) > sightline.MaxFieldChars ||
				(name == "email" && utf8.RuneCountInString(got) > sightline.MaxEmail) {
				t.Fatalf("readForm let %q = %q through", name, got)
			}
		} else if checked(form, nil).Err() == nil {
			t.Fatalf("checked ignored the problem with %q", name)
		}
	})
}

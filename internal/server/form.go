package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
)

// maxFormBytes bounds every form body.
const maxFormBytes = 1 << 20

// readForm parses the posted form and returns the named fields, trimmed
// (passwords are kept exactly as typed).
func readForm(w http.ResponseWriter, r *http.Request, names ...string) (web.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return web.Form{}, sightline.Errorf(sightline.EINVALID, "The form could not be read.")
	}
	f := web.NewForm()
	for _, n := range names {
		v := r.PostForm.Get(n)
		if !strings.Contains(n, "password") && n != "confirm" && n != "current" {
			v = strings.TrimSpace(v)
		}
		f.Values[n] = v
	}
	return f, nil
}

// withErrors copies an invalid-input error's field messages into the form;
// other errors become a form-level message.
func withErrors(f web.Form, err error) web.Form {
	if fields := sightline.FieldErrors(err); len(fields) > 0 {
		for k, v := range fields {
			f.Errors[k] = v
		}
	} else {
		f.Errors["form"] = sightline.ErrorMessage(err)
	}
	return f
}

// version reads the optimistic-locking version a form was loaded with.
func formVersion(f web.Form) (int, error) {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil || v < 1 {
		return 0, sightline.Errorf(sightline.EINVALID, "The form is missing its version; reload the page and try again.")
	}
	return v, nil
}

// pathID reads a numeric id from the URL; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id < 1 {
		return 0, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return id, nil
}

// actor is who performs this request's writes.
func actor(r *http.Request) postgres.Actor {
	st := state(r)
	a := postgres.Actor{ClientIP: st.clientIP}
	if st.user != nil {
		a.UserID = st.user.ID
	}
	return a
}

// safeNext keeps a post-sign-in redirect on this site: only a relative path
// ("/w/demo"), never "//evil.example" or "https://evil.example".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

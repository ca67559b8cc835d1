package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// maxFormBytes bounds every form body.
const maxFormBytes = 1 << 20

// readForm parses the posted form and returns the named fields, trimmed
// (passwords are kept exactly as typed). It is the edge where raw input is
// checked: a field that is not storable text (invalid UTF-8, a NUL) or is
// longer than any column holds gets a message in f.Errors, which every
// handler folds into its validation with checked(f, p) so that it is refused
// next to the field and never sent to the database. Only an unreadable body
// is an error.
func readForm(w http.ResponseWriter, r *http.Request, names ...string) (ui.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return ui.Form{}, sightline.Errorf(sightline.EINVALID, "The form could not be read (it may be larger than 1 MB).")
	}
	f := ui.NewForm()
	for _, n := range names {
		v := r.PostForm.Get(n)
		if !isSecretField(n) {
			v = strings.TrimSpace(v)
		}
		f.Values[n] = v
		if msg := fieldProblem(n, v); msg != "" {
			f.Errors[n] = msg
		}
	}
	// Fields read as lists (r.PostForm["item_id"]) are checked too; their
	// message goes to the form as a whole when they are not named above.
	for n, vs := range r.PostForm {
		if _, named := f.Values[n]; named {
			continue
		}
		for _, v := range vs {
			if msg := fieldProblem(n, v); msg != "" {
				f.Errors[n] = msg
				break
			}
		}
	}
	return f, nil
}

// isSecretField names the fields kept exactly as typed (passwords).
func isSecretField(n string) bool {
	return strings.Contains(n, "password") || n == "confirm" || n == "current"
}

// fieldProblem is the edge check of one submitted value: storable text, and
// no longer than its column can hold.
func fieldProblem(name, v string) string {
	if msg := sightline.TextProblem(v); msg != "" {
		return msg
	}
	max := sightline.MaxFieldChars
	if name == "email" {
		max = sightline.MaxEmail
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Sprintf("This is too long: at most %d characters (this has %d).", max, n)
	}
	return ""
}

// checked folds the problems readForm found at the edge into a form's
// validation. The edge message wins: it says why the value cannot be used at
// all. Every handler that writes calls it (directly or through validated)
// before it goes near the database.
func checked(f ui.Form, p sightline.Problems) sightline.Problems {
	if p == nil {
		p = sightline.Problems{}
	}
	for k, v := range f.Errors {
		p[k] = v
	}
	return p
}

// withErrors is formWithErrors for a page about to be rendered: it also
// notes the refusal, so the layout opens the page with an error summary
// that links to each bad field.
func (s *Server) withErrors(r *http.Request, f ui.Form, err error) ui.Form {
	f = formWithErrors(f, err)
	s.noteRefusal(r, f.Errors)
	state(r).refusedCode = sightline.ErrorCode(err)
	return f
}

// noteRefusal notes a refusal's messages, by field ("form" for the form as a
// whole), for the error summary of the page about to be rendered.
func (s *Server) noteRefusal(r *http.Request, msgs map[string]string) {
	st := state(r)
	st.refusedCode = sightline.EINVALID
	st.refused = map[string]string{}
	for k, v := range msgs {
		st.refused[k] = v
	}
}

// formWithErrors copies an invalid-input error's field messages into the form;
// other errors become a form-level message.
func formWithErrors(f ui.Form, err error) ui.Form {
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
func formVersion(f ui.Form) (int, error) {
	v, err := sightline.Atoi(f.Get("version"))
	if err != nil || v < 1 {
		return 0, sightline.Errorf(sightline.EINVALID, "The form is missing its version; reload the page and try again.")
	}
	return v, nil
}

// versioned reads the version a form was loaded with (for the optimistic
// lock); a missing or bad one is a problem of the whole form, reported with
// the field problems in p.
func versioned(f ui.Form, p sightline.Problems) int {
	v, err := formVersion(f)
	if err != nil {
		p.Add("form", sightline.ErrorMessage(err))
	}
	return v
}

// pathID reads a numeric id from the URL; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := sightline.ParseIDValue(chi.URLParam(r, name))
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

// validated is checked for validation that returns an error: an invalid-input
// error (or nil) gets the edge problems of f added; any other error is
// returned as it is.
func validated(f ui.Form, err error) error {
	if err != nil && sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	p := sightline.Problems{}
	for k, v := range sightline.FieldErrors(err) {
		p[k] = v
	}
	if err != nil && len(p) == 0 {
		p["form"] = sightline.ErrorMessage(err)
	}
	return checked(f, p).Err()
}

// conflicted notes, for the page about to show a stale save, the summary
// at its top and what changed since the user's version: the newest entries
// of the item's history with changes, one per version saved since (history
// is newest first; nil when the page keeps none). mine is the version the
// user's form was loaded with.
func (s *Server) conflicted(r *http.Request, history []sightline.Activity, mine, now int) {
	st := state(r)
	st.refusedCode = sightline.ECONFLICT
	st.refused = map[string]string{"form": "Someone else saved a change while you were editing. Nothing of yours was saved, and nothing you typed is lost: compare below, then save again or keep theirs."}
	c := ui.ConflictNote{Mine: mine, Now: now}
	for _, a := range history {
		if len(c.Since) >= now-mine || len(c.Since) >= 10 {
			break
		}
		// Only entries that changed fields: a version is bumped by a save,
		// never by the creation or by a link.
		if len(a.Changes) > 0 && !strings.HasSuffix(a.Verb, ".created") {
			c.Since = append(c.Since, a)
		}
	}
	st.conflict = &c
}

// mineVersion is the version a refused form was loaded with, 0 if unreadable.
func mineVersion(f ui.Form) int {
	v, err := formVersion(f)
	if err != nil {
		return 0
	}
	return v
}

// byPath loads the row a URL names: the id in path parameter param, looked
// up by load in the request's workspace. No such row, or another
// workspace's, is the 404 page ("Page not found."), like any unknown path.
func byPath[T any](r *http.Request, param string, load func(ctx context.Context, wsID, id int64) (T, error)) (T, error) {
	id, err := pathID(r, param)
	if err != nil {
		var zero T
		return zero, err
	}
	return pageNotFound(load(r.Context(), state(r).workspace.ID, id))
}

// pageNotFound gives a row looked up from the URL the 404 page's words: a
// row of another workspace, or none, is "Page not found.", like every
// route's unknown path.
func pageNotFound[T any](v T, err error) (T, error) {
	if sightline.ErrorCode(err) == sightline.ENOTFOUND {
		return v, sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}
	return v, err
}

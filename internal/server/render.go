package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/sightline/sightline/internal/markdown"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/ui"
)

// render writes a component with a status. It renders into a buffer first,
// so a template failure becomes a clean 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	// Rendering into memory needs no cancellation: an error page for a
	// request past its deadline must still render.
	ctx := context.WithoutCancel(r.Context())
	if st := state(r); st.conflict != nil {
		ctx = ui.WithConflictNote(ctx, *st.conflict)
	}
	if st := state(r); st.workspace != nil && st.member != nil {
		ctx = markdown.WithMentions(ctx, mentionResolver(st.workspace, st.member))
	}
	if err := c.Render(ctx, &buf); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "render failed", slog.String("err", err.Error()))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Something went wrong on our side. Request id: " + state(r).requestID + "\n"))
		return
	}
	body := buf.Bytes()
	if len(state(r).refused) > 0 {
		body = pointSummaryLinks(body)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if tag := state(r).etag; tag != "" && status == http.StatusOK {
		// A page with a tag (conditional): the browser keeps it and asks
		// again each time, with the tag; only this browser keeps it.
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "private, no-cache")
		if r.Method == http.MethodGet && len(state(r).refused) == 0 && !s.cfg.NoPageCache {
			st := state(r)
			s.pages.put(tag, st.workspace.ID, st.workspace.Revision, body, time.Now())
		}
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// pointSummaryLinks points each line of the error summary at the field it
// is about. The summary is drawn first, before the forms whose components
// name their inputs in their own ways ("f-title", "edit-status"), so it
// links by field name (href="#f-NAME" data-field="NAME"); here, with the
// whole page rendered, each link gets the id of the input of that name
// marked invalid (else of any input of that name). Only refused pages pay.
func pointSummaryLinks(page []byte) []byte {
	invalid, named, messages := map[string]string{}, map[string]string{}, map[string]string{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		_, hasAttr := z.TagName()
		var name, id string
		var bad bool
		for hasAttr {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "name":
				name = string(v)
			case "id":
				id = string(v)
			case "aria-invalid":
				bad = string(v) == "true"
			}
			hasAttr = more
		}
		if name == "" && id != "" {
			// A field without an input of its own (chosen by the form's
			// action) links to its message: "…err-NAME".
			if i := strings.LastIndex(id, "err-"); i >= 0 && (i == 0 || id[i-1] == '-') {
				if n := id[i+4:]; n != "" {
					if _, ok := messages[n]; !ok {
						messages[n] = id
					}
				}
			}
		}
		if name == "" || id == "" {
			continue
		}
		if _, ok := named[name]; !ok {
			named[name] = id
		}
		if _, ok := invalid[name]; !ok && bad {
			invalid[name] = id
		}
	}
	for name, id := range messages {
		if _, ok := named[name]; !ok {
			named[name] = id
		}
	}
	for name, id := range named {
		if inv, ok := invalid[name]; ok {
			id = inv
		}
		esc := templ.EscapeString(name)
		page = bytes.ReplaceAll(page, []byte(`href="#f-`+esc+`" data-field="`+esc+`"`), []byte(`href="#`+templ.EscapeString(id)+`" data-field="`+esc+`"`))
	}
	return page
}

// page builds the layout data for a request: user, workspace, role and the
// flash message (taken out of the session, so it shows once).
func (s *Server) page(r *http.Request, title, area string) ui.Page {
	st := state(r)
	p := ui.Page{Title: title, User: st.user, Workspace: st.workspace, Area: area, RequestID: st.requestID}
	if st.member != nil {
		p.Role, p.Unread = st.member.Role, st.member.Unread
		p.Live = paths.Events(st.workspace.Slug, st.live)
		if r.Method == http.MethodGet {
			p.Self = r.URL.RequestURI()
		}
		p.LiveItemType, p.LiveItemID = st.live.ItemType, st.live.ItemID
	}
	// A live fragment's refresh (htmx sends HX-Request) leaves the flash
	// for the page it belongs to: the page being loaded after a save may
	// be the one to show it.
	if st.session && r.Header.Get("HX-Request") != "true" {
		if f := s.sessions.PopString(r.Context(), sessFlash); f != "" {
			kind, msg, _ := strings.Cut(f, "|")
			p.Flash = ui.Flash{Kind: kind, Message: msg}
		}
	}
	p.Errors = errorSummary(st.refused, st.refusedCode)
	if st.notice != "" && p.Flash.Message == "" {
		p.Flash = ui.Flash{Kind: "info", Message: st.notice}
	}
	return p
}

// flash stores a one-time message for the next page.
func (s *Server) flash(r *http.Request, kind, msg string) {
	s.sessions.Put(r.Context(), sessFlash, kind+"|"+msg)
}

// redirect answers a successful form with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// errorSummary lists a refused form's messages for the top of the page: the
// form-wide message first (a conflict links to its panel), then each field,
// linking to it.
func errorSummary(refused map[string]string, code string) []ui.ErrorLink {
	if len(refused) == 0 {
		return nil
	}
	var out []ui.ErrorLink
	if msg, ok := refused["form"]; ok {
		l := ui.ErrorLink{Message: msg}
		if code == sightline.ECONFLICT {
			l.Target = "conflict-h"
		}
		out = append(out, l)
	}
	names := make([]string, 0, len(refused))
	for k := range refused {
		if k != "form" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		out = append(out, ui.ErrorLink{Field: n, Message: refused[n]})
	}
	return out
}

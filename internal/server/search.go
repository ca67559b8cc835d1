package server

import (
	"net/http"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// searchPerPage is how many results a page of the search shows.
const searchPerPage = 20

// handleSearch finds anything in the workspace, in one query whatever the
// data size. Without a query it is the search form; a blank or overlong
// query comes back with its message next to the field.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	v := r.URL.Query()
	d := web.SearchData{Form: ui.NewForm(), Kind: v.Get("kind"), Page: queryPage(v.Get("page")), PerPage: searchPerPage}
	if !sightline.ValidSearchKind(d.Kind) {
		st.notice = "Unknown kind ignored: showing every kind."
		d.Kind = ""
	}
	_, d.Asked = v["q"]
	d.Form.Values["q"] = v.Get("q")
	status := http.StatusOK
	if d.Asked {
		q, problems := sightline.ParseSearch(v.Get("q"))
		if err := problems.Err(); err != nil {
			d.Form = s.withErrors(r, d.Form, err)
			status = http.StatusUnprocessableEntity
		} else {
			hits, counts, err := s.db.Search(r.Context(), st.workspace.ID, q, d.Kind, searchPerPage, (d.Page-1)*searchPerPage)
			if err != nil {
				return err
			}
			d.Hits, d.Counts = hits, counts
		}
	}
	s.render(w, r, status, web.SearchPage(s.page(r, "Search", "search"), d))
	return nil
}

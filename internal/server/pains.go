package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// topPainsShown is how many pains the "top pains" panel ranks.
const topPainsShown = 10

// painFields are the pain note form's fields.
var painFields = []string{"quote", "source", "customer", "segment", "severity", "frequency", "firsthand", "heard_by", "heard_on", "quality_attribute"}

func painDraft(f ui.Form) sightline.PainDraft {
	return sightline.PainDraft{
		Quote: f.Get("quote"), Source: f.Get("source"), Customer: f.Get("customer"), Segment: f.Get("segment"),
		Severity: f.Get("severity"), Frequency: f.Get("frequency"), Firsthand: f.Get("firsthand"),
		HeardBy: f.Get("heard_by"), HeardOn: f.Get("heard_on"), QualityAttribute: f.Get("quality_attribute"),
	}
}

// painForm fills a form with a saved note (or a draft).
func painForm(d sightline.PainDraft) ui.Form {
	f := ui.NewForm()
	f.Values["quote"], f.Values["source"], f.Values["customer"], f.Values["segment"] = d.Quote, d.Source, d.Customer, d.Segment
	f.Values["severity"], f.Values["frequency"], f.Values["firsthand"] = d.Severity, d.Frequency, d.Firsthand
	f.Values["heard_by"], f.Values["heard_on"], f.Values["quality_attribute"] = d.HeardBy, d.HeardOn, d.QualityAttribute
	return f
}

// painFilter reads the list's filter from the query string; unknown values are dropped.
func painFilter(q url.Values) sightline.PainFilter {
	sev, _ := sightline.Atoi(q.Get("min_severity"))
	page, _ := sightline.Atoi(q.Get("page"))
	return sightline.PainFilter{
		Source:      sightline.PainSource(q.Get("source")),
		Segment:     q.Get("segment"),
		MinSeverity: sev,
		Firsthand:   q.Get("firsthand"),
		Unlinked:    q.Get("unlinked") != "",
		Page:        page,
		PerPage:     sightline.PainPerPage,
		Sort:        q.Get("sort"),
	}.Normalize()
}

// painsData loads the pains page: a fixed four queries whatever the data.
func (s *Server) painsData(r *http.Request, f sightline.PainFilter) (web.PainsData, error) {
	ws := state(r).workspace
	d := web.PainsData{Filter: f}
	var err error
	if d.Pains, d.Total, err = s.db.ListPains(r.Context(), ws.ID, f); err != nil {
		return d, err
	}
	ids := make([]int64, len(d.Pains))
	for i, n := range d.Pains {
		ids[i] = n.ID
	}
	if d.Comments, err = s.db.CommentCounts(r.Context(), ws.ID, "pain", ids); err != nil {
		return d, err
	}
	if d.Top, err = s.db.TopPains(r.Context(), ws.ID, topPainsShown); err != nil {
		return d, err
	}
	if d.Segments, err = s.db.ListSegments(r.Context(), ws.ID); err != nil {
		return d, err
	}
	d.Form = painForm(sightline.PainDraft{Source: "interview", Severity: "3", HeardOn: s.Now().Format("2006-01-02")})
	if u := state(r).user; u != nil {
		d.Form.Values["heard_by"] = u.Name
	}
	return d, nil
}

func (s *Server) renderPains(w http.ResponseWriter, r *http.Request, status int, d web.PainsData) {
	s.render(w, r, status, web.PainsPage(s.page(r, "Customer pain", "pains"), d))
}

func (s *Server) handlePains(w http.ResponseWriter, r *http.Request) error {
	d, err := s.painsData(r, painFilter(r.URL.Query()))
	if err != nil {
		return err
	}
	s.renderPains(w, r, http.StatusOK, d)
	return nil
}

// handlePainCreate captures a pain note; a rejected one comes back with the
// user's words intact and a message next to each bad field.
func (s *Server) handlePainCreate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	f, err := readForm(w, r, painFields...)
	if err != nil {
		return err
	}
	n, err := painDraft(f).Parse(s.Now())
	err = validated(f, err)
	if err == nil {
		var saved *sightline.PainNote
		if saved, err = s.db.CreatePain(r.Context(), actor(r), ws.ID, n); err == nil {
			s.flash(r, "success", "Pain note saved. Link it to the epics it sits behind.")
			return redirect(w, r, paths.Pain(ws.Slug, saved.ID))
		}
	}
	if sightline.ErrorCode(err) != sightline.EINVALID {
		return err
	}
	d, derr := s.painsData(r, painFilter(nil))
	if derr != nil {
		return derr
	}
	d.Form = s.withErrors(r, f, err)
	s.renderPains(w, r, http.StatusUnprocessableEntity, d)
	return nil
}

// painData loads one pain's page: a fixed number of queries.
func (s *Server) painData(r *http.Request, n *sightline.PainNote) (web.PainData, error) {
	st := state(r)
	d := web.PainData{Pain: *n, LinkForm: ui.NewForm()}
	var err error
	if d.Epics, err = s.db.EpicsForPain(r.Context(), st.workspace.ID, n.ID); err != nil {
		return d, err
	}
	if st.member.Role.Can(sightline.ActionLinkPains) {
		d.EpicQuery = postgres.PickerSearch(r.URL.Query().Get("epicq"))
		picker, err := s.db.EpicsToLinkToPain(r.Context(), st.workspace.ID, n.ID, d.EpicQuery, postgres.EpicPickerLimit)
		if err != nil {
			return d, err
		}
		d.Linkable, d.LinkableTotal = picker.Epics, picker.Total
	}
	if d.History, err = s.db.ItemHistory(r.Context(), st.workspace.ID, "pain", n.ID, 50); err != nil {
		return d, err
	}
	if d.Comments, err = s.comments(r, "pain", n.ID); err != nil {
		return d, err
	}
	d.Form = painForm(sightline.PainDraftOf(*n))
	d.Form.Values["version"] = strconv.Itoa(n.Version)
	return d, nil
}

func (s *Server) renderPain(w http.ResponseWriter, r *http.Request, status int, d web.PainData) {
	s.render(w, r, status, web.PainPage(s.page(r, "Pain note", "pains"), d))
}

func (s *Server) handlePain(w http.ResponseWriter, r *http.Request) error {
	n, err := byPath(r, "painID", s.db.PainByID)
	if err != nil {
		return err
	}
	d, err := s.painData(r, n)
	if err != nil {
		return err
	}
	s.renderPain(w, r, http.StatusOK, d)
	return nil
}

// handlePainUpdate saves a pain note with optimistic locking. On a stale
// version the page comes back with the user's input, the current version
// and both sides shown field by field.
func (s *Server) handlePainUpdate(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	cur, err := byPath(r, "painID", s.db.PainByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(painFields[:len(painFields):len(painFields)], "version")...)
	if err != nil {
		return err
	}
	n, err := painDraft(f).Parse(s.Now())
	err = validated(f, err)
	if err == nil {
		var version int
		if version, err = formVersion(f); err == nil {
			_, err = s.db.UpdatePain(r.Context(), actor(r), ws.ID, cur.ID, version, n)
		}
	}
	switch sightline.ErrorCode(err) {
	case "":
		s.flash(r, "success", "Pain note saved.")
		return redirect(w, r, paths.Pain(ws.Slug, cur.ID))
	case sightline.ECONFLICT:
		now, nerr := s.db.PainByID(r.Context(), ws.ID, cur.ID)
		if nerr != nil {
			return nerr
		}
		d, derr := s.painData(r, now)
		if derr != nil {
			return derr
		}
		s.conflicted(r, d.History, mineVersion(f), now.Version)
		f.Values["version"] = strconv.Itoa(now.Version)
		d.Form = f
		d.Conflict = painConflict(painDraft(f), sightline.PainDraftOf(*now))
		s.renderPain(w, r, http.StatusConflict, d)
		return nil
	case sightline.EINVALID:
		d, derr := s.painData(r, cur)
		if derr != nil {
			return derr
		}
		d.Form = s.withErrors(r, f, err)
		s.renderPain(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	return err
}

// painConflict lists a pain's fields as the user typed them and as saved now.
func painConflict(mine, theirs sightline.PainDraft) []ui.ConflictField {
	return []ui.ConflictField{
		{Label: "Quote", Mine: mine.Quote, Theirs: theirs.Quote},
		{Label: "Source", Mine: sightline.PainSource(mine.Source).Label(), Theirs: sightline.PainSource(theirs.Source).Label()},
		{Label: "Customer", Mine: mine.Customer, Theirs: theirs.Customer},
		{Label: "Segment", Mine: mine.Segment, Theirs: theirs.Segment},
		{Label: "Severity", Mine: mine.Severity, Theirs: theirs.Severity},
		{Label: "Frequency", Mine: mine.Frequency, Theirs: theirs.Frequency},
		{Label: "Firsthand or relayed", Mine: mine.Firsthand, Theirs: theirs.Firsthand},
		{Label: "Heard by", Mine: mine.HeardBy, Theirs: theirs.HeardBy},
		{Label: "Heard on", Mine: mine.HeardOn, Theirs: theirs.HeardOn},
		{Label: "Quality attribute", Mine: mine.QualityAttribute, Theirs: theirs.QualityAttribute},
	}
}

// handlePainEpicLink links the pain to an epic of the same workspace (both
// sides of another workspace are not found). Linking twice is harmless.
func (s *Server) handlePainEpicLink(w http.ResponseWriter, r *http.Request) error {
	ws := state(r).workspace
	n, err := byPath(r, "painID", s.db.PainByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, "epic_id")
	if err != nil {
		return err
	}
	epicID, perr := sightline.ParseIDValue(f.Get("epic_id"))
	if f.Get("epic_id") == "" || perr != nil || epicID < 1 {
		d, derr := s.painData(r, n)
		if derr != nil {
			return derr
		}
		f.Errors["epic_id"] = "Choose the epic this pain sits behind."
		s.noteRefusal(r, f.Errors)
		d.LinkForm = f
		s.renderPain(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	if err := s.db.LinkPain(r.Context(), actor(r), ws.ID, epicID, n.ID); err != nil {
		return err
	}
	s.flash(r, "success", "Pain linked to the epic.")
	return redirect(w, r, paths.Pain(ws.Slug, n.ID))
}

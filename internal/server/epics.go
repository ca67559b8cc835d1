package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// epicHistoryLimit is how many history entries the epic page shows.
const epicHistoryLimit = 50

// epicPainsPerPage is how many of its pains the epic page lists at a time.
const epicPainsPerPage = 50

// epicPainPickerLimit is how many pains the epic page's link select offers;
// its search (?painq=) finds any other.
const epicPainPickerLimit = 100

// handleEpics is the unified backlog: product and enabler epics in one list,
// filtered and sorted by the query string, one page at a time.
func (s *Server) handleEpics(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	follow(r, "epics")
	f := epicFilterFromQuery(r.URL.Query()).Normalize()
	list, total, err := s.db.ListEpics(r.Context(), st.workspace.ID, f)
	if err != nil {
		return err
	}
	choices, err := s.db.EpicChoices(r.Context(), st.workspace.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	counts, err := s.db.CommentCounts(r.Context(), st.workspace.ID, "epic", ids)
	if err != nil {
		return err
	}
	d := web.EpicsData{Epics: list, Total: total, Filter: f, Choices: choices, CanCreate: st.member.Role.Can(sightline.ActionCreateEpic), Comments: counts}
	s.render(w, r, http.StatusOK, web.EpicsPage(s.page(r, "Epics", "epics"), d))
	return nil
}

func epicFilterFromQuery(q url.Values) sightline.EpicFilter {
	atoi := func(k string) int {
		n, _ := sightline.Atoi(q.Get(k))
		return n
	}
	id := func(k string) int64 {
		n, _ := sightline.ParseIDValue(q.Get(k))
		return n
	}
	return sightline.EpicFilter{
		Status:       sightline.EpicStatus(q.Get("status")),
		Kind:         sightline.EpicKind(q.Get("kind")),
		InitiativeID: id("initiative"),
		OwnerID:      id("owner"),
		Quarter:      strings.TrimSpace(q.Get("quarter")),
		Sort:         sightline.EpicSort(q.Get("sort")),
		Page:         atoi("page"),
	}
}

// epicCreateFields are the create form's fields.
var epicCreateFields = []string{"kind", "title", "problem", "why_now", "enables", "success_criteria",
	"initiative_id", "pm_owner_id", "tech_owner_id", "impact", "target_quarter", "shift_id", "pain"}

// handleEpicNew shows the create form. ?pain={id} starts it from a pain
// note: the problem opens with the customer's words, and the pain is linked
// when the epic is created.
func (s *Server) handleEpicNew(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	pain, err := s.epicSourcePain(r, r.URL.Query().Get("pain"))
	if err != nil {
		return err
	}
	f := ui.NewForm()
	switch st.member.Role {
	case sightline.RoleEngineer, sightline.RoleArchitect:
		f.Values["kind"] = string(sightline.KindEnabler)
		f.Values["tech_owner_id"] = strconv.FormatInt(st.user.ID, 10)
	default:
		f.Values["kind"] = string(sightline.KindProduct)
		f.Values["pm_owner_id"] = strconv.FormatInt(st.user.ID, 10)
	}
	if pain != nil {
		f.Values["problem"] = epicQuoteMarkdown(pain)
	}
	return s.renderEpicNew(w, r, http.StatusOK, f, pain)
}

// handleEpicCreate creates an epic (and links the pain it started from).
func (s *Server) handleEpicCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, err := readForm(w, r, epicCreateFields...)
	if err != nil {
		return err
	}
	pain, err := s.epicSourcePain(r, f.Get("pain"))
	if err != nil {
		return err
	}
	e, p := epicDraft(f).New()
	f.Values["target_quarter"] = e.TargetQuarter
	status := http.StatusUnprocessableEntity
	if e.Kind.Valid() {
		if kerr := sightline.CanCreateKind(st.member.Role, e.Kind); kerr != nil {
			p["kind"] = sightline.ErrorMessage(kerr)
			status = http.StatusForbidden
		}
	}
	err = checked(f, p).Err()
	if err == nil {
		var painID int64
		if pain != nil {
			painID = pain.ID
		}
		created, cerr := s.db.CreateEpic(r.Context(), actor(r), st.workspace.ID, e, painID)
		if cerr == nil {
			msg := "Epic created."
			if pain != nil {
				msg = "Epic created, with the customer pain linked."
			}
			s.flash(r, "success", msg)
			return redirect(w, r, paths.Epic(st.workspace.Slug, created.ID))
		}
		if sightline.ErrorCode(cerr) != sightline.EINVALID {
			return cerr
		}
		err = cerr
	}
	return s.renderEpicNew(w, r, status, s.withErrors(r, f, err), pain)
}

func (s *Server) renderEpicNew(w http.ResponseWriter, r *http.Request, status int, f ui.Form, pain *sightline.PainNote) error {
	choices, err := s.db.EpicChoices(r.Context(), state(r).workspace.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, web.EpicNewPage(s.page(r, "New epic", "epics"), web.EpicNewData{Form: f, Choices: choices, Pain: pain}))
	return nil
}

// epicSourcePain resolves the pain an epic is created from ("" for none).
// It must be of this workspace, and linking pains must be the member's right.
func (s *Server) epicSourcePain(r *http.Request, raw string) (*sightline.PainNote, error) {
	if raw == "" {
		return nil, nil
	}
	st := state(r)
	id, err := sightline.ParseIDValue(raw)
	if err != nil || id < 1 {
		return nil, sightline.Errorf(sightline.ENOTFOUND, "That pain note does not exist.")
	}
	pain, err := s.db.PainByID(r.Context(), st.workspace.ID, id)
	if err != nil {
		return nil, err
	}
	if !st.member.Role.Can(sightline.ActionLinkPains) {
		return nil, sightline.Errorf(sightline.EFORBIDDEN, "Your role (%s) cannot link customer pain to epics. %s", st.member.Role.Label(), whoCan(sightline.ActionLinkPains))
	}
	return pain, nil
}

// epicQuoteMarkdown quotes the customer's words as a markdown blockquote.
func epicQuoteMarkdown(n *sightline.PainNote) string {
	lines := strings.Split(strings.ReplaceAll(n.Quote, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	s := strings.Join(lines, "\n")
	if n.Customer != "" {
		s += "\n>\n> — " + n.Customer
	}
	return s + "\n\n"
}

// epicDraft is the new-epic or product form's fields as the domain reads them.
func epicDraft(f ui.Form) sightline.EpicDraft {
	return sightline.EpicDraft{Kind: f.Get("kind"), Title: f.Get("title"), Problem: f.Get("problem"),
		WhyNow: f.Get("why_now"), Enables: f.Get("enables"), SuccessCriteria: f.Get("success_criteria"),
		InitiativeID: f.Get("initiative_id"), PMOwnerID: f.Get("pm_owner_id"), TechOwnerID: f.Get("tech_owner_id"),
		ShiftID: f.Get("shift_id"), Impact: f.Get("impact"), TargetQuarter: f.Get("target_quarter")}
}

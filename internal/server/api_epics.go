package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// apiEpic is an epic as the API shows it.
type apiEpic struct {
	ID                int64        `json:"id"`
	Kind              string       `json:"kind"`
	Title             string       `json:"title"`
	Problem           string       `json:"problem"`
	WhyNow            string       `json:"why_now"`
	Enables           string       `json:"enables"`
	SuccessCriteria   string       `json:"success_criteria"`
	Status            string       `json:"status"`
	InitiativeID      *int64       `json:"initiative_id"`
	PMOwnerID         *int64       `json:"pm_owner_id"`
	TechOwnerID       *int64       `json:"tech_owner_id"`
	Impact            *int         `json:"impact"`
	Effort            *int         `json:"effort"`
	TargetQuarter     *string      `json:"target_quarter"`
	CommittedOn       *string      `json:"committed_on"`
	Estimate          *apiEstimate `json:"estimate"`
	Feasibility       string       `json:"feasibility"`
	ShiftID           *int64       `json:"shift_id"`
	NeedsRevalidation bool         `json:"needs_revalidation"`
	PainCount         int          `json:"pain_count"`
	Version           int          `json:"version"`
	CreatedAt         time.Time    `json:"created_at"`
	UpdatedAt         time.Time    `json:"updated_at"`
	URL               string       `json:"url"`
}

// apiEstimate is an epic's estimate.
type apiEstimate struct {
	Size        string     `json:"size"`
	Note        string     `json:"note"`
	EstimatedBy *int64     `json:"estimated_by"`
	EstimatedAt *time.Time `json:"estimated_at"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func toAPIEpic(slug string, e *sightline.Epic) apiEpic {
	a := apiEpic{ID: e.ID, Kind: string(e.Kind), Title: e.Title, Problem: e.Problem, WhyNow: e.WhyNow, Enables: e.Enables,
		SuccessCriteria: e.SuccessCriteria, Status: string(e.Status), InitiativeID: e.InitiativeID, PMOwnerID: e.PMOwnerID,
		TechOwnerID: e.TechOwnerID, Impact: e.Impact, Effort: e.Effort, TargetQuarter: optString(e.TargetQuarter),
		CommittedOn: optDate(e.CommittedOn), Feasibility: string(e.Feasibility), ShiftID: e.ShiftID,
		NeedsRevalidation: e.Revalidate, PainCount: e.PainCount, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		URL: paths.Epic(slug, e.ID)}
	if e.EstimateSize != "" {
		a.Estimate = &apiEstimate{Size: e.EstimateSize, Note: e.EstimateNote, EstimatedBy: e.EstimatedByID, EstimatedAt: e.EstimatedAt}
	}
	return a
}

// apiEpicFilter reads the backlog's filters from the query, refusing values
// the backlog would ignore.
func apiEpicFilter(q url.Values) (sightline.EpicFilter, error) {
	p := sightline.Problems{}
	f := sightline.EpicFilter{Status: sightline.EpicStatus(q.Get("status")), Kind: sightline.EpicKind(q.Get("kind")),
		Quarter: strings.ToUpper(strings.TrimSpace(q.Get("quarter")))}
	if f.Status != "" && !f.Status.Valid() {
		p.Add("status", "Not a status: idea, discovery, ready, in_progress, done or dropped.")
	}
	if f.Kind != "" && !f.Kind.Valid() {
		p.Add("kind", "Not a kind: product or enabler.")
	}
	if f.Quarter != "" && !sightline.ValidQuarter(f.Quarter) {
		p.Add("quarter", "Write the quarter as 2027-Q1.")
	}
	for k, dst := range map[string]*int64{"initiative_id": &f.InitiativeID, "owner_id": &f.OwnerID} {
		if raw := q.Get(k); raw != "" {
			id, err := sightline.ParseIDValue(raw)
			if err != nil {
				p.Add(k, "Send an id.")
			}
			*dst = id
		}
	}
	return f, p.Err()
}

func (s *Server) apiEpics(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, ferr := apiEpicFilter(r.URL.Query())
	after, limit, perr := apiPage(r)
	if err := joinProblems(ferr, perr); err != nil {
		return err
	}
	list, err := s.db.ListEpicsAfter(r.Context(), st.workspace.ID, f, after, limit+1)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(w, r, list, limit, func(e *sightline.Epic) int64 { return e.ID },
		func(e *sightline.Epic) apiEpic { return toAPIEpic(st.workspace.Slug, e) }))
}

// writeEpic answers with an epic and its version's tag.
func writeEpic(w http.ResponseWriter, r *http.Request, status int, e *sightline.Epic) error {
	w.Header().Set("ETag", versionTag(e.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", apiPrefix+"/w/"+wsSlug(r)+"/epics/"+strconv.FormatInt(e.ID, 10))
	}
	return writeJSON(w, status, toAPIEpic(wsSlug(r), e))
}

func (s *Server) apiEpic(w http.ResponseWriter, r *http.Request) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	return writeEpic(w, r, http.StatusOK, e)
}

// apiEpicCreateFields are what a new epic takes: the new-epic form's fields.
var apiEpicCreateFields = []string{"kind", "title", "problem", "why_now", "enables", "success_criteria",
	"initiative_id", "pm_owner_id", "tech_owner_id", "impact", "target_quarter", "shift_id"}

func (s *Server) apiEpicCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	b, err := readAPIBody(w, r, apiEpicCreateFields...)
	if err != nil {
		return err
	}
	in := sightline.Problems{}
	d := sightline.EpicDraft{Kind: b.str(in, "kind", ""), Title: b.str(in, "title", ""), Problem: b.str(in, "problem", ""),
		WhyNow: b.str(in, "why_now", ""), Enables: b.str(in, "enables", ""), SuccessCriteria: b.str(in, "success_criteria", ""),
		InitiativeID: b.num(in, "initiative_id", ""), PMOwnerID: b.num(in, "pm_owner_id", ""), TechOwnerID: b.num(in, "tech_owner_id", ""),
		ShiftID: b.num(in, "shift_id", ""), Impact: b.num(in, "impact", ""), TargetQuarter: b.str(in, "target_quarter", "")}
	e, p := d.New()
	for k, v := range in {
		p[k] = v // a wrong type says so, not what the text made of it
	}
	if e.Kind.Valid() {
		if kerr := sightline.CanCreateKind(st.member.Role, e.Kind); kerr != nil {
			return kerr
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	created, err := s.db.CreateEpic(r.Context(), actor(r), st.workspace.ID, e, 0)
	if err != nil {
		return err
	}
	return writeEpic(w, r, http.StatusCreated, created)
}

// apiEpicProductFields are the product half of an epic, as the edit form.
var apiEpicProductFields = []string{"title", "problem", "why_now", "enables", "success_criteria",
	"initiative_id", "pm_owner_id", "impact", "target_quarter", "shift_id"}

func idText(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

func intText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// epicSave saves a checked change of an epic with the version read.
type epicSave func(ctx context.Context, version int) (*sightline.Epic, error)

// apiEpicChange runs one versioned change of an epic: the epic of the URL
// (another workspace's is not found), If-Match, the body's fields; change
// checks the body with the page's rules and returns the save, and a stale
// version answers 412.
func (s *Server) apiEpicChange(w http.ResponseWriter, r *http.Request, fields []string, change func(e *sightline.Epic, b apiBody) (epicSave, error)) error {
	e, err := byPath(r, "epicID", s.db.EpicByID)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, fields...)
	if err != nil {
		return err
	}
	save, err := change(e, b)
	if err != nil {
		return err
	}
	saved, err := save(r.Context(), version)
	if err != nil {
		return stale(err)
	}
	return writeEpic(w, r, http.StatusOK, saved)
}

// checkedEpic adds the whole epic's checks, after u, to p.
func checkedEpic(e *sightline.Epic, apply func(*sightline.Epic), p sightline.Problems) error {
	next := *e
	apply(&next)
	return addAll(p, sightline.CheckEpic(&next)).Err()
}

// apiEpicUpdate changes the product fields the body names (a merge patch).
func (s *Server) apiEpicUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, apiEpicProductFields, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		in := sightline.Problems{}
		d := sightline.EpicDraft{Title: b.str(in, "title", e.Title), Problem: b.str(in, "problem", e.Problem),
			WhyNow: b.str(in, "why_now", e.WhyNow), Enables: b.str(in, "enables", e.Enables),
			SuccessCriteria: b.str(in, "success_criteria", e.SuccessCriteria),
			InitiativeID:    b.num(in, "initiative_id", idText(e.InitiativeID)), PMOwnerID: b.num(in, "pm_owner_id", idText(e.PMOwnerID)),
			Impact: b.num(in, "impact", intText(e.Impact)), TargetQuarter: b.str(in, "target_quarter", e.TargetQuarter),
			ShiftID: b.num(in, "shift_id", idText(e.ShiftID))}
		u, p := d.Product()
		for k, v := range in {
			p[k] = v // a wrong type says so, not what the text made of it
		}
		if err := checkedEpic(e, u.Apply, p); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.UpdateEpicProduct(ctx, actor(r), state(r).workspace.ID, e.ID, version, u)
		}, nil
	})
}

// apiEpicTechnical changes the technical fields the body names.
func (s *Server) apiEpicTechnical(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, []string{"tech_owner_id", "effort", "enables"}, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		p := sightline.Problems{}
		u := sightline.EpicTechnical{
			TechOwnerID: sightline.ParseChoice(p, "tech_owner_id", b.num(p, "tech_owner_id", idText(e.TechOwnerID))),
			Effort:      sightline.ParseScore(p, "effort", b.num(p, "effort", intText(e.Effort))),
			Enables:     b.str(p, "enables", e.Enables),
		}
		if err := checkedEpic(e, u.Apply, p); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.UpdateEpicTechnical(ctx, actor(r), state(r).workspace.ID, e.ID, version, u)
		}, nil
	})
}

// apiEpicStatus moves an epic; the same rules as the page (ready and beyond
// need the feasibility check-in done or waived).
func (s *Server) apiEpicStatus(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, []string{"status"}, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		p := sightline.Problems{}
		to := sightline.EpicStatus(b.str(p, "status", ""))
		if err := p.Err(); err != nil {
			return nil, err
		}
		if err := sightline.CanSetStatus(e, to); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.SetEpicStatus(ctx, actor(r), state(r).workspace.ID, e.ID, version, to)
		}, nil
	})
}

// apiEpicEstimate records the caller's estimate (engineers and architects).
func (s *Server) apiEpicEstimate(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, []string{"size", "note"}, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		p := sightline.Problems{}
		size, note := strings.ToUpper(b.str(p, "size", "")), b.str(p, "note", "")
		for k, v := range sightline.CheckEstimate(size, note) {
			if k == "estimate_note" {
				k = "note"
			}
			p.Add(k, v)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.EstimateEpic(ctx, actor(r), state(r).workspace.ID, e.ID, version, size, note)
		}, nil
	})
}

// apiEpicCommit commits an epic to a date, or (null) removes the date. No
// date without an estimate: the store refuses in the page's words.
func (s *Server) apiEpicCommit(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, []string{"committed_on"}, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		p := sightline.Problems{}
		if !b.has("committed_on") {
			p.Add("committed_on", "Send the date to commit to (YYYY-MM-DD), or null to remove it.")
		}
		var on *time.Time
		if raw := b.str(p, "committed_on", ""); raw != "" {
			t, perr := time.Parse(time.DateOnly, raw)
			if perr != nil {
				p.Add("committed_on", "Write the date as YYYY-MM-DD.")
			}
			on = &t
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.CommitEpic(ctx, actor(r), state(r).workspace.ID, e.ID, version, on)
		}, nil
	})
}

// apiEpicFeasibility records the check-in with the page's rules: who may
// record which outcome, a reason to waive.
func (s *Server) apiEpicFeasibility(w http.ResponseWriter, r *http.Request) error {
	return s.apiEpicChange(w, r, []string{"outcome", "note"}, func(e *sightline.Epic, b apiBody) (epicSave, error) {
		p := sightline.Problems{}
		outcome, note := sightline.Feasibility(b.str(p, "outcome", "")), b.str(p, "note", "")
		if err := sightline.FeasibilityAllowed(state(r).member.Role, outcome); err != nil {
			return nil, err
		}
		if err := addAll(p, sightline.CheckFeasibility(e, outcome, note)).Err(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, version int) (*sightline.Epic, error) {
			return s.db.RecordFeasibility(ctx, actor(r), state(r).workspace.ID, e.ID, version, outcome, note)
		}, nil
	})
}

// joinProblems merges the field problems of several checks into one error.
func joinProblems(errs ...error) error {
	p := sightline.Problems{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		fields := sightline.FieldErrors(err)
		if len(fields) == 0 {
			return err
		}
		for k, v := range fields {
			p.Add(k, v)
		}
	}
	return p.Err()
}

package server

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// handleReview is the side-by-side review: roadmap and architecture of one
// selection, the epic × item matrix and the call-outs. The URL carries
// everything (filters, selection, matrix page), so a review is shareable
// and works without JavaScript.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) error {
	f, notes := sightline.ParseReviewFilter(r.URL.Query(), s.Now())
	return s.renderReview(w, r, http.StatusOK, f, notes, s.reviewMarkDefaults(r))
}

// reviewMarkFields are the mark-reviewed form's own fields; the filter
// comes along as hidden fields (reviewFilterFields).
var (
	reviewMarkFields   = []string{"held_on", "attendees", "notes"}
	reviewFilterFields = []string{"from", "to", "initiative", "kind", "status", "category", "root", "epic", "item", "page"}
)

// reviewMarkDefaults starts the form with today and the signed-in user.
func (s *Server) reviewMarkDefaults(r *http.Request) ui.Form {
	f := ui.NewForm()
	f.Values["held_on"] = s.Now().UTC().Format("2006-01-02")
	if u := state(r).user; u != nil {
		f.Values["attendees"] = u.Name
	}
	return f
}

// renderReview loads the review for f and renders it with the mark form.
// It runs a fixed number of queries whatever the data size: the context,
// the selection (only when ?epic= or ?item= is set), the roadmap cards,
// the items with their heat, one page of the matrix and the call-outs.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, f sightline.ReviewFilter, notes []string, form ui.Form) error {
	ctx, st := r.Context(), state(r)
	wsID := st.workspace.ID
	d := web.ReviewData{Now: s.Now(), MarkForm: form, CanMark: st.member.Role.Can(sightline.ActionMarkReviewed)}
	var err error
	if d.Context, f, notes, err = s.reviewContext(r, f, notes); err != nil {
		return err
	}
	if d.Selection, err = s.db.ReviewSelection(ctx, wsID, f.EpicID, f.ItemID); err != nil {
		return err
	}
	if d.Selection.EpicMissing {
		notes = append(notes, "That epic does not exist in this workspace; nothing is selected.")
		f.EpicID = 0
	}
	if d.Selection.ItemMissing {
		notes = append(notes, "That architecture item does not exist in this workspace; nothing is selected.")
		f.ItemID = 0
	}
	d.Quarters = f.Quarters()
	// The four aggregates (each cached by the store, reviewcache.go) are
	// independent: they run side by side.
	var cards []sightline.ReviewCard
	err = together(
		func() (err error) { cards, err = s.db.ReviewRoadmap(ctx, wsID, f); return err },
		func() (err error) { d.Items, err = s.db.ReviewItems(ctx, wsID, f.ReviewScope); return err },
		func() (err error) { d.Matrix, err = s.db.ReviewMatrix(ctx, wsID, f); return err },
		func() (err error) { d.Risks, err = s.db.ReviewRisks(ctx, wsID, f.ReviewScope, d.Now); return err },
	)
	if err != nil {
		return err
	}
	d.Lanes = sightline.ReviewLanes(d.Quarters, cards)
	for _, l := range d.Lanes {
		d.EpicTotal += l.Total
	}
	f.Page = d.Matrix.Page
	keep := map[int64]bool{}
	for id := range d.Selection.EpicItems {
		keep[id] = true
	}
	if f.ItemID != 0 {
		keep[f.ItemID] = true
	}
	d.Columns, d.Touched = sightline.MatrixColumns(d.Items, keep)
	d.Tree = sightline.ReviewTree(reviewArchSorted(d.Items), keep)
	d.Filter, d.Notes = f, notes
	s.render(w, r, status, web.ReviewPage(s.page(r, "Review", "review"), d))
	return nil
}

// reviewArchSorted returns a copy of items in the order ArchTree sorts
// them (kind, then name ignoring case, then id), each name lowered once.
// ReviewTree sorts its input with a comparison that lowers both names on
// every call; handed them in that order, its sort only checks the order.
// The tree is the same whatever the input order.
func reviewArchSorted(items []sightline.ReviewItem) []sightline.ReviewItem {
	type key struct {
		rank  int
		lower string
		id    int64
		i     int
	}
	ks := make([]key, len(items))
	for i, it := range items {
		ks[i] = key{it.Kind.Rank(), strings.ToLower(it.Name), it.ID, i}
	}
	slices.SortFunc(ks, func(a, b key) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if c := strings.Compare(a.lower, b.lower); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]sightline.ReviewItem, len(ks))
	for i, k := range ks {
		out[i] = items[k.i]
	}
	return out
}

// reviewContext loads the filter choices and drops an initiative or a
// subtree root that is not of this workspace (with a note), so a foreign
// id never narrows the review to nothing without saying why.
func (s *Server) reviewContext(r *http.Request, f sightline.ReviewFilter, notes []string) (*sightline.ReviewContext, sightline.ReviewFilter, []string, error) {
	c, err := s.db.ReviewContext(r.Context(), state(r).workspace.ID, f.Window, f.RootID)
	if err != nil {
		return nil, f, notes, err
	}
	if f.InitiativeID != 0 && reviewInitiative(c, f.InitiativeID) == "" {
		notes = append(notes, "That initiative does not exist in this workspace; showing every initiative.")
		f.InitiativeID = 0
	}
	if f.RootID != 0 && c.Root == nil {
		notes = append(notes, "That architecture item does not exist in this workspace; showing the whole architecture.")
		f.RootID = 0
	}
	return c, f, notes, nil
}

func reviewInitiative(c *sightline.ReviewContext, id int64) string {
	for _, in := range c.Initiatives {
		if in.ID == id {
			return in.Title
		}
	}
	return ""
}

// handleReviewCSV exports the matrix of the selection: every epic × item
// cell (all pages, every item in scope), one line each.
func (s *Server) handleReviewCSV(w http.ResponseWriter, r *http.Request) error {
	f, _ := sightline.ParseReviewFilter(r.URL.Query(), s.Now())
	_, f, _, err := s.reviewContext(r, f, nil)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"epic_id", "epic_title", "epic_kind", "epic_status", "target_quarter",
		"item_id", "item_name", "item_kind", "change_kind", "highest_impact_level"})
	err = s.db.ReviewMatrixCSV(r.Context(), state(r).workspace.ID, f.ReviewScope, func(row sightline.ReviewCSVRow) error {
		return cw.Write([]string{
			strconv.FormatInt(row.EpicID, 10), sightline.CSVSafe(row.EpicTitle), string(row.EpicKind), string(row.EpicStatus), row.Quarter,
			strconv.FormatInt(row.ItemID, 10), sightline.CSVSafe(row.ItemName), string(row.ItemKind), row.ChangeKind, row.Level,
		})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="review-matrix.csv"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// handleReviewMark records a review meeting over the selection posted in
// the hidden fields: the selected epics and the items looked at are marked
// reviewed, the meeting is kept, the activity feed shows it.
func (s *Server) handleReviewMark(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	form, err := readForm(w, r, append(reviewMarkFields, reviewFilterFields...)...)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range reviewFilterFields {
		if v := form.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	f, notes := sightline.ParseReviewFilter(q, s.Now())
	rv := sightline.Review{Attendees: form.Get("attendees"), Notes: form.Get("notes")}
	if err := checked(form, sightline.CheckReview(&rv, form.Get("held_on"), s.Now())).Err(); err != nil {
		return s.renderReview(w, r, http.StatusUnprocessableEntity, f, notes, s.withErrors(r, form, err))
	}
	c, f, _, err := s.reviewContext(r, f, nil)
	if err != nil {
		return err
	}
	root := ""
	if c.Root != nil {
		root = c.Root.Name
	}
	rv.Scope = sightline.DescribeReviewScope(f.ReviewScope, reviewInitiative(c, f.InitiativeID), root)
	saved, err := s.db.MarkReviewed(r.Context(), actor(r), st.workspace.ID, f.ReviewScope, rv, s.Now())
	if err != nil {
		if sightline.ErrorCode(err) == sightline.EINVALID {
			return s.renderReview(w, r, http.StatusUnprocessableEntity, f, notes, s.withErrors(r, form, err))
		}
		return err
	}
	s.flash(r, "success", fmt.Sprintf("Review recorded: %s and %s marked reviewed.",
		reviewCount(saved.EpicCount, "epic", "epics"), reviewCount(saved.ItemCount, "item", "items")))
	return redirect(w, r, paths.Review(st.workspace.Slug, f))
}

func reviewCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// tlFixture is a workspace with raw rows, for the timeline and matrix reads.
type tlFixture struct {
	t  *testing.T
	db *postgres.DB
	ws int64
}

func newTLFixture(t *testing.T, db *postgres.DB, slug string) tlFixture {
	t.Helper()
	fx := tlFixture{t: t, db: db}
	fx.ws = fx.id(`INSERT INTO workspaces (name, slug) VALUES ($1, $1) RETURNING id`, slug)
	return fx
}

func (fx tlFixture) id(sql string, args ...any) int64 {
	fx.t.Helper()
	var id int64
	if err := fx.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		fx.t.Fatalf("%s: %v", sql, err)
	}
	return id
}

func (fx tlFixture) initiative(title, horizon string) int64 {
	return fx.id(`INSERT INTO initiatives (workspace_id, title, driver, horizon) VALUES ($1, $2, 'growth', $3) RETURNING id`, fx.ws, title, horizon)
}

// epic inserts an epic; initiative 0 is none, quarter "" none, committed "" none.
func (fx tlFixture) epic(title, kind string, initiative int64, quarter, committed string, impact, effort int) int64 {
	return fx.id(`INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, enables, target_quarter, committed_on, estimate_size, impact, effort)
		VALUES ($1, NULLIF($2, 0), $3, $4, 'p', 'x', NULLIF($5, ''), NULLIF($6, '')::date, CASE WHEN $6 = '' THEN NULL ELSE 'M' END, NULLIF($7, 0), NULLIF($8, 0))
		RETURNING id`, fx.ws, initiative, kind, title, quarter, committed, impact, effort)
}

func (fx tlFixture) item(title, confidence, start, end string, epics ...int64) int64 {
	id := fx.id(`INSERT INTO roadmap_items (workspace_id, kind, title, starts_on, ends_on, confidence) VALUES ($1, 'release', $2, $3, $4, $5) RETURNING id`,
		fx.ws, title, start, end, confidence)
	for _, e := range epics {
		if _, err := fx.db.Pool.Exec(context.Background(), `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id) VALUES ($1, $2, $3)`, fx.ws, e, id); err != nil {
			fx.t.Fatal(err)
		}
	}
	return id
}

func tlWindow(from, to string) sightline.TimelineWindow {
	f, _ := sightline.ParseQuarter(from)
	t, _ := sightline.ParseQuarter(to)
	return sightline.TimelineWindow{From: f, To: t}
}

func TestTimelineEpicsPlacesCapsAndCounts(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newTLFixture(t, db, "timeline")
	other := newTLFixture(t, db, "timeline-other")
	billing := fx.initiative("Billing", "now")
	collab := fx.initiative("Collaboration", "next")

	committed := fx.epic("Committed", "product", billing, "2027-Q1", "2027-02-15", 0, 0)
	planned := fx.epic("Planned", "enabler", billing, "2027-Q1", "", 0, 0)
	exploring := fx.epic("Exploring", "product", billing, "2027-Q1", "", 0, 0)
	spanning := fx.epic("Spanning", "product", collab, "2026-Q3", "2027-03-01", 0, 0) // starts before the window
	loose := fx.epic("Loose", "product", 0, "2027-Q2", "", 0, 0)
	onlyDate := fx.epic("Only a date", "product", 0, "", "2027-05-10", 0, 0)
	fx.epic("Unplaced", "product", billing, "", "", 0, 0)
	fx.epic("Too early", "product", billing, "2025-Q1", "", 0, 0)
	fx.epic("Too late", "product", collab, "2029-Q1", "", 0, 0)
	fx.item("Planned release", "planned", "2027-01-10", "2027-02-20", planned, exploring)
	fx.item("Exploring theme", "exploring", "2027-01-10", "2027-06-20", exploring)
	// Another workspace's epics never show.
	otherInit := other.initiative("Secret", "now")
	other.epic("Secret epic", "product", otherInit, "2027-Q1", "", 0, 0)

	f := sightline.TimelineFilter{Window: tlWindow("2026-Q4", "2027-Q4")}
	list, counts, err := db.TimelineEpics(ctx, fx.ws, f, 5)
	if err != nil {
		t.Fatal(err)
	}
	if counts != (sightline.TimelineCounts{InWindow: 6, Before: 1, After: 1, Unplaced: 1}) {
		t.Errorf("counts %+v", counts)
	}
	got := map[int64]sightline.TimelineEpic{}
	for _, e := range list {
		got[e.ID] = e
	}
	if len(list) != 6 {
		t.Fatalf("%d epics: %+v", len(list), list)
	}
	for id, want := range map[int64]string{committed: "committed", planned: "planned", exploring: "planned", spanning: "committed", loose: "exploring", onlyDate: "committed"} {
		if got[id].Confidence != want {
			t.Errorf("%s: confidence %s, want %s", got[id].Title, got[id].Confidence, want)
		}
	}
	if got[exploring].ConfidenceFrom != "Planned release" || got[committed].ConfidenceFrom != "" {
		t.Errorf("confidence from %q / %q", got[exploring].ConfidenceFrom, got[committed].ConfidenceFrom)
	}
	s := got[spanning]
	if s.Start.String() != "2026-Q3" || s.End.String() != "2027-Q1" || s.Cell.String() != "2026-Q4" || s.InitiativeID != collab {
		t.Errorf("spanning: %s–%s in %s", s.Start, s.End, s.Cell)
	}
	if d := got[onlyDate]; d.Cell.String() != "2027-Q2" || d.InitiativeID != 0 || d.CommittedOn == nil {
		t.Errorf("only a date: %+v", d)
	}
	// Within a cell: the committed first, then planned, then by title.
	var order []int64
	for _, e := range list {
		if e.InitiativeID == billing {
			order = append(order, e.ID)
			if e.CellTotal != 3 {
				t.Errorf("%s: cell total %d", e.Title, e.CellTotal)
			}
		}
	}
	if fmt.Sprint(order) != fmt.Sprint([]int64{committed, exploring, planned}) {
		t.Errorf("cell order %v", order)
	}
	// The cap: two per cell, the totals still say three.
	capped, cappedCounts, err := db.TimelineEpics(ctx, fx.ws, f, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(capped) != 5 || cappedCounts != counts {
		t.Errorf("capped: %d epics, counts %+v", len(capped), cappedCounts)
	}
	// A window with no epic still counts the others.
	empty, emptyCounts, err := db.TimelineEpics(ctx, fx.ws, sightline.TimelineFilter{Window: tlWindow("2030-Q1", "2030-Q2")}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(empty) != 0 || emptyCounts != (sightline.TimelineCounts{Before: 8, Unplaced: 1}) {
		t.Errorf("empty window: %d epics, counts %+v", len(empty), emptyCounts)
	}
	// Filters.
	for _, c := range []struct {
		f    sightline.TimelineFilter
		want int
	}{
		{sightline.TimelineFilter{Kind: sightline.KindEnabler}, 1},
		{sightline.TimelineFilter{InitiativeID: billing}, 3},
		{sightline.TimelineFilter{NoInitiative: true}, 2},
		{sightline.TimelineFilter{Status: sightline.StatusDone}, 0},
		{sightline.TimelineFilter{InitiativeID: otherInit}, 0},
	} {
		c.f.Window = f.Window
		list, _, err := db.TimelineEpics(ctx, fx.ws, c.f, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != c.want {
			t.Errorf("%+v: %d epics, want %d", c.f, len(list), c.want)
		}
	}
	lanes, err := db.TimelineLanes(ctx, fx.ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(lanes) != 2 || lanes[0].ID != billing || lanes[1].ID != collab || lanes[1].Horizon != sightline.HorizonNext {
		t.Errorf("lanes %+v", lanes)
	}
}

func TestShiftsBetween(t *testing.T) {
	db := pgtest.NewDB(t)
	fx := newTLFixture(t, db, "shifts")
	other := newTLFixture(t, db, "shifts-other")
	for _, s := range []struct {
		fx   tlFixture
		date string
	}{{fx, "2026-03-31"}, {fx, "2026-04-01"}, {fx, "2026-09-30"}, {fx, "2026-10-01"}, {other, "2026-05-01"}} {
		s.fx.id(`INSERT INTO strategy_shifts (workspace_id, title, from_phase, to_phase, shifted_on) VALUES ($1, $2, 'growth', 'stability', $3::date) RETURNING id`, s.fx.ws, s.date, s.date)
	}
	w := tlWindow("2026-Q2", "2026-Q3")
	list, err := db.ShiftsBetween(context.Background(), fx.ws, w.Start(), w.End(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Title != "2026-04-01" || list[1].Title != "2026-09-30" {
		t.Errorf("shifts %+v", list)
	}
}

func TestMatrixEpicsCapsCellsAndListsUnscored(t *testing.T) {
	db := pgtest.NewDB(t)
	ctx := context.Background()
	fx := newTLFixture(t, db, "matrix")
	other := newTLFixture(t, db, "matrix-other")
	for i := 0; i < 20; i++ {
		fx.epic(fmt.Sprintf("Crowd %02d", i), "product", 0, "", "", 5, 1)
	}
	fx.epic("Alone", "enabler", 0, "2027-Q1", "", 2, 4)
	fx.epic("No effort", "product", 0, "", "", 3, 0)
	fx.epic("Nothing", "product", 0, "", "", 0, 0)
	other.epic("Secret", "product", 0, "", "", 5, 1)

	d, err := db.MatrixEpics(ctx, fx.ws, sightline.MatrixFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Points) != sightline.MatrixCellCap+1 {
		t.Errorf("%d points, want %d", len(d.Points), sightline.MatrixCellCap+1)
	}
	for _, p := range d.Points {
		if *p.Impact == 5 && p.CellTotal != 20 {
			t.Errorf("crowded cell total %d", p.CellTotal)
		}
		if p.Title == "Secret" {
			t.Error("another workspace's epic")
		}
	}
	if d.UnscoredTotal != 2 || len(d.Unscored) != 2 {
		t.Errorf("unscored %d %+v", d.UnscoredTotal, d.Unscored)
	}
	// A selected cell returns all of its epics; filters narrow.
	d, err = db.MatrixEpics(ctx, fx.ws, sightline.MatrixFilter{Impact: 5, Effort: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Points) != 21 {
		t.Errorf("selected cell: %d points", len(d.Points))
	}
	d, err = db.MatrixEpics(ctx, fx.ws, sightline.MatrixFilter{EpicFilter: sightline.EpicFilter{Kind: sightline.KindEnabler}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Points) != 1 || d.Points[0].Title != "Alone" || d.UnscoredTotal != 0 {
		t.Errorf("enablers: %+v", d)
	}
	d, err = db.MatrixEpics(ctx, fx.ws, sightline.MatrixFilter{EpicFilter: sightline.EpicFilter{Quarter: "2027-Q1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Points) != 1 {
		t.Errorf("quarter: %d points", len(d.Points))
	}
}

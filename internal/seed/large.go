package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/password"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// Size says how much a generated workspace holds (seed.Large). Slug and Name
// default to LargeSlug and "Globex Scale".
type Size struct {
	Slug string // the workspace's address; its members are <slug>-<role>@example.com
	Name string

	Quarters     int // target quarters, from four quarters before the current one
	Goals        int
	Shifts       int
	Initiatives  int
	RoadmapItems int
	Epics        int // about a quarter of them enablers
	Systems      int // architecture: systems, containers, externals; components are the rest of Items
	Containers   int
	Externals    int
	Items        int
	Relations    int
	Concerns     int
	Links        int // epic ↔ architecture item, one per pair
	Impacts      int
	Pains        int // each linked to one or two epics
	Decisions    int
	Activity     int
}

// The sizes of generated workspaces: SizeLarge is the benchmark workspace of
// `sightline seed --size large` and `make bench`; SizeMedium and SizeSmall
// keep tests quick.
var (
	SizeSmall = Size{Quarters: 12, Goals: 2, Shifts: 2, Initiatives: 4, RoadmapItems: 3, Epics: 40,
		Systems: 2, Containers: 6, Externals: 2, Items: 24, Relations: 30, Concerns: 6,
		Links: 120, Impacts: 60, Pains: 200, Decisions: 15, Activity: 300}
	SizeMedium = Size{Quarters: 12, Goals: 3, Shifts: 3, Initiatives: 8, RoadmapItems: 6, Epics: 300,
		Systems: 4, Containers: 16, Externals: 4, Items: 80, Relations: 120, Concerns: 15,
		Links: 1200, Impacts: 400, Pains: 3000, Decisions: 100, Activity: 2000}
	SizeLarge = Size{Quarters: 12, Goals: 5, Shifts: 6, Initiatives: 20, RoadmapItems: 12, Epics: 2000,
		Systems: 8, Containers: 60, Externals: 12, Items: 400, Relations: 600, Concerns: 60,
		Links: 8000, Impacts: 3000, Pains: 50000, Decisions: 1000, Activity: 20000}
)

// SizeXLarge is five times the large workspace (issue 12's scaling curve):
// 10,000 epics, 40 initiatives, 2,000 architecture items, 40,000 links,
// 15,000 impacts, 250,000 pain notes, 5,000 decisions, 1,000,000 activity rows.
var SizeXLarge = Size{Slug: "xlarge", Name: "Globex Enterprise", Quarters: 12, Goals: 8, Shifts: 10, Initiatives: 40, RoadmapItems: 24, Epics: 10000,
	Systems: 16, Containers: 150, Externals: 16, Items: 2000, Relations: 3000, Concerns: 150,
	Links: 40000, Impacts: 15000, Pains: 250000, Decisions: 5000, Activity: 1_000_000}

// SizeSearch is the search benchmark's workspace: a small plan and
// architecture, a million pain notes.
var SizeSearch = Size{Slug: "xl", Name: "Globex Feedback", Quarters: 12, Goals: 2, Shifts: 2, Initiatives: 4, RoadmapItems: 3, Epics: 40,
	Systems: 2, Containers: 6, Externals: 2, Items: 24, Relations: 30, Concerns: 6,
	Links: 120, Impacts: 60, Pains: 1_000_000, Decisions: 15, Activity: 300}

// LargeSlug is the default address of a generated workspace.
const LargeSlug = "large"

// SizeByName returns SizeSmall, SizeMedium, SizeLarge, SizeXLarge or SizeSearch by name.
func SizeByName(name string) (Size, bool) {
	switch name {
	case "small":
		return SizeSmall, true
	case "medium":
		return SizeMedium, true
	case "large":
		return SizeLarge, true
	case "xlarge":
		return SizeXLarge, true
	case "search":
		return SizeSearch, true
	}
	return Size{}, false
}

// LargeEmail is the sign-in of a generated workspace's member; the password
// is DemoPassword. Role is "owner", "pm", "architect", "engineer", "viewer",
// or one of the extra members "pm-2", "architect-2", "engineer-2"….
func LargeEmail(slug, role string) string { return slug + "-" + role + "@example.com" }

// largeMembers are a generated workspace's members: one per role (as in the
// demo) plus more PMs, architects and engineers to own and estimate work.
var largeMembers = []struct {
	key, name string
	role      sightline.Role
}{
	{"owner", "Grace Owner", sightline.RoleOwner},
	{"pm", "Paula PM", sightline.RolePM},
	{"architect", "Ada Architect", sightline.RoleArchitect},
	{"engineer", "Ed Engineer", sightline.RoleEngineer},
	{"viewer", "Vera Viewer", sightline.RoleViewer},
	{"pm-2", "Pedro PM", sightline.RolePM},
	{"pm-3", "Pia PM", sightline.RolePM},
	{"architect-2", "Alan Architect", sightline.RoleArchitect},
	{"engineer-2", "Eve Engineer", sightline.RoleEngineer},
	{"engineer-3", "Eli Engineer", sightline.RoleEngineer},
	{"engineer-4", "Emi Engineer", sightline.RoleEngineer},
}

func (s Size) withDefaults() Size {
	if s.Slug == "" {
		s.Slug = LargeSlug
	}
	if s.Name == "" {
		s.Name = "Globex Scale"
	}
	return s
}

func (s Size) check() error {
	p := sightline.Problems{}
	sightline.CheckSlug(p, "slug", s.Slug)
	if msg := p["slug"]; msg != "" {
		return sightline.Errorf(sightline.EINVALID, "workspace address %q: %s", s.Slug, msg)
	}
	switch {
	case s.Quarters < 1 || s.Goals < 1 || s.Shifts < 1 || s.Initiatives < 1 || s.RoadmapItems < 1 || s.Epics < 1:
		return errors.New("seed: a size needs at least one quarter, goal, shift, initiative, roadmap item and epic")
	case s.Systems < 1 || s.Containers < s.Systems || s.Items <= s.Systems+s.Containers+s.Externals:
		return errors.New("seed: a size needs systems, at least one container per system, and components")
	case s.Containers > s.Systems*len(containerRoles) || s.Externals > len(externalNames) || s.Systems > len(systemNames)*10:
		return errors.New("seed: too many containers per system or external systems for the name lists")
	case s.Links > s.Epics*(s.Items-s.Systems)/2:
		return errors.New("seed: more links than half of all epic × item pairs")
	case s.Concerns < 1 || s.Decisions < 1:
		return errors.New("seed: a size needs at least one concern and one decision")
	}
	return nil
}

// TableCount is how many rows a table received.
type TableCount struct {
	Table string
	Rows  int64
}

// Report says what seed.Large wrote and how long it took.
type Report struct {
	Slug        string
	WorkspaceID int64
	Seed        int64
	Tables      []TableCount // in load order
	Elapsed     time.Duration
}

// Rows is the number of rows written to table.
func (r Report) Rows(table string) int64 {
	for _, t := range r.Tables {
		if t.Table == table {
			return t.Rows
		}
	}
	return 0
}

// Total is the number of rows written.
func (r Report) Total() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Print writes the report as a small table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Generated workspace %q (/w/%s, seed %d):\n", r.Slug, r.Slug, r.Seed)
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  %-24s %8d\n", t.Table, t.Rows)
	}
	fmt.Fprintf(w, "  %-24s %8d rows in %.1f s\n", "total", r.Total(), r.Elapsed.Seconds())
	fmt.Fprintf(w, "Members sign in as %s, %s, %s, %s, %s…; every password is %q.\n",
		LargeEmail(r.Slug, "owner"), LargeEmail(r.Slug, "pm"), LargeEmail(r.Slug, "architect"),
		LargeEmail(r.Slug, "engineer"), LargeEmail(r.Slug, "viewer"), DemoPassword)
}

// analyzed are the tables seed.Large fills, analyzed afterwards so the first
// queries on the new workspace are planned with its real size.
var analyzed = []string{"users", "workspaces", "memberships", "phase_pressures", "goals", "strategy_shifts",
	"shift_acknowledgements", "initiatives", "epics", "arch_items", "arch_relations", "nfr_concerns",
	"concern_items", "epic_arch_links", "nfr_impacts", "roadmap_items", "epic_roadmap_items", "pain_notes",
	"epic_pains", "decision_counters", "decisions", "decision_stances", "decision_epics", "decision_items",
	"decision_concerns", "decision_shifts", "activity"}

// Large generates a workspace of the given size: strategy, initiatives,
// epics, architecture, links, impacts, pains, decisions and history, all
// derived from seed (math/rand/v2, PCG), so the same seed gives the same
// workspace. Bulk tables are loaded with COPY in one transaction; the tables
// are analyzed afterwards. The members' password is DemoPassword, hashed once.
func Large(ctx context.Context, db *postgres.DB, size Size, seed int64) (Report, error) {
	start := time.Now()
	size = size.withDefaults()
	if err := size.check(); err != nil {
		return Report{}, err
	}
	hash, err := password.Default.Hash(DemoPassword)
	if err != nil {
		return Report{}, err
	}
	// A connection of its own: a pooled one may hold foreign-key check plans
	// cached while the tables were tiny (sequential scans), which would make
	// each of the 65,000 pain links scan all pains.
	conn, err := pgx.ConnectConfig(ctx, db.Pool.Config().ConnConfig.Copy())
	if err != nil {
		return Report{}, fmt.Errorf("seed.Large: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	l := newLoader(size, seed, db.Now(), hash)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		l.tx = tx
		return l.load(ctx)
	})
	if err != nil {
		return Report{}, err
	}
	if err := settleInbox(ctx, db, l.rep.WorkspaceID); err != nil {
		return Report{}, fmt.Errorf("seed.Large: settle the inboxes: %w", err)
	}
	if _, err := db.Pool.Exec(ctx, "ANALYZE "+strings.Join(analyzed, ", ")); err != nil {
		return Report{}, fmt.Errorf("seed.Large: analyze: %w", err)
	}
	l.rep.Elapsed = time.Since(start)
	return l.rep, nil
}

// quarter is one target quarter of the generated roadmap.
type quarter struct {
	label      string
	start, end time.Time // first day, last day
	rel        int       // quarters from the current one (-4 … Quarters-5)
}

// loader holds what the generation has created so far: ids in creation
// order, and the attributes later tables depend on, by index.
type loader struct {
	tx   pgx.Tx
	size Size
	seed int64
	now  time.Time
	hash string
	rep  Report

	quarters []quarter
	ws       int64
	member   map[string]int64 // largeMembers key → user id
	pms      []int64
	archs    []int64
	engs     []int64

	goals, shifts, initiatives []int64
	shiftDates                 []time.Time

	epics       []int64
	epicTitle   []string
	epicQuarter []int // index into quarters
	epicStatus  []string
	hotEpics    []int // indexes of epics with high or blocking impacts

	items         []int64
	itemKind      []string
	itemName      []string
	linkable      []int // indexes of items epics link to (not systems), hot ones first
	concerns      []int64
	concernOf     []string // category per concern
	roadmap       []int64
	pains         []int64
	painQuote     []string
	decisions     []int64
	decisionTitle []string
}

func newLoader(size Size, seed int64, now time.Time, hash string) *loader {
	now = now.UTC().Truncate(time.Second)
	l := &loader{size: size, seed: seed, now: now, hash: hash, rep: Report{Slug: size.Slug, Seed: seed}, member: map[string]int64{}}
	cur := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	for i := range size.Quarters {
		rel := i - 4
		start := cur.AddDate(0, 3*rel, 0)
		l.quarters = append(l.quarters, quarter{label: sightline.QuarterOf(start), start: start, end: start.AddDate(0, 3, -1), rel: rel})
	}
	return l
}

// rng returns the random stream of one table: each table draws from its own
// stream, so changing how one table is generated leaves the others alone.
func (l *loader) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(l.seed), stream))
}

func (l *loader) load(ctx context.Context) error {
	steps := []func(context.Context) error{
		l.loadWorkspace, l.loadStrategy, l.loadInitiatives, l.loadEpics,
		l.loadArchitecture, l.loadConcerns, l.loadLinks, l.loadImpacts,
		l.loadRoadmap, l.loadPains, l.loadDecisions, l.loadActivity,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// counted adds n rows of table to the report.
func (l *loader) counted(table string, n int64) {
	for i := range l.rep.Tables {
		if l.rep.Tables[i].Table == table {
			l.rep.Tables[i].Rows += n
			return
		}
	}
	l.rep.Tables = append(l.rep.Tables, TableCount{table, n})
}

// copy loads rows into table with COPY.
func (l *loader) copy(ctx context.Context, table string, cols []string, rows [][]any) error {
	n, err := l.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("seed.Large: copy %s: %w", table, err)
	}
	l.counted(table, n)
	return nil
}

// copyIDs loads rows with COPY and returns their generated ids in row order.
// COPY cannot return ids, but identity values are drawn in row order and the
// workspace is new and private to this transaction, so the newest len(rows)
// ids of the workspace are the rows just copied.
func (l *loader) copyIDs(ctx context.Context, table string, cols []string, rows [][]any) ([]int64, error) {
	if err := l.copy(ctx, table, cols, rows); err != nil {
		return nil, err
	}
	r, err := l.tx.Query(ctx, `SELECT id FROM `+pgx.Identifier{table}.Sanitize()+` WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2`, l.ws, len(rows))
	if err != nil {
		return nil, fmt.Errorf("seed.Large: ids of %s: %w", table, err)
	}
	ids, err := pgx.CollectRows(r, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("seed.Large: ids of %s: %w", table, err)
	}
	if len(ids) != len(rows) {
		return nil, fmt.Errorf("seed.Large: %s: copied %d rows, found %d", table, len(rows), len(ids))
	}
	slices.Reverse(ids)
	return ids, nil
}

// analyze refreshes the statistics of tables just filled, inside the
// transaction (ANALYZE counts the transaction's own rows), so that the
// foreign-key checks of the next COPYs look rows up by index.
func (l *loader) analyze(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if _, err := l.tx.Exec(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("seed.Large: analyze %s: %w", t, err)
		}
	}
	return nil
}

// loadWorkspace creates the members, the workspace, its phase pressures and
// its decision counter.
func (l *loader) loadWorkspace(ctx context.Context) error {
	var exists bool
	if err := l.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM workspaces WHERE slug = $1)`, l.size.Slug).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return sightline.Errorf(sightline.ECONFLICT, "a workspace with the address %q already exists", l.size.Slug)
	}
	emails, names := []string{}, []string{}
	for _, m := range largeMembers {
		emails = append(emails, LargeEmail(l.size.Slug, m.key))
		names = append(names, m.name)
	}
	rows, err := l.tx.Query(ctx, `
		INSERT INTO users (email, name, password_hash)
		SELECT e, n, $3 FROM unnest($1::text[], $2::text[]) AS t (e, n)
		RETURNING id, email`, emails, names, l.hash)
	if err != nil {
		return fmt.Errorf("seed.Large: users: %w", err)
	}
	byEmail := map[string]int64{}
	var id int64
	var email string
	if _, err := pgx.ForEachRow(rows, []any{&id, &email}, func() error { byEmail[email] = id; return nil }); err != nil {
		var pe interface{ SQLState() string }
		if errors.As(err, &pe) && pe.SQLState() == "23505" {
			return sightline.Errorf(sightline.ECONFLICT, "accounts %s… already exist; pick another workspace address", LargeEmail(l.size.Slug, "owner"))
		}
		return fmt.Errorf("seed.Large: users: %w", err)
	}
	l.counted("users", int64(len(byEmail)))
	for _, m := range largeMembers {
		uid := byEmail[LargeEmail(l.size.Slug, m.key)]
		l.member[m.key] = uid
		switch m.role {
		case sightline.RolePM:
			l.pms = append(l.pms, uid)
		case sightline.RoleArchitect:
			l.archs = append(l.archs, uid)
		case sightline.RoleEngineer:
			l.engs = append(l.engs, uid)
		}
	}
	owner := l.member["owner"]
	vision := "Globex plans the work of 40,000 teams. **Next:** win mid-market and enterprise accounts without losing the speed small teams love, and price by engagement."
	if err := l.tx.QueryRow(ctx, `
		INSERT INTO workspaces (slug, name, vision, phase, created_by, updated_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $6) RETURNING id`,
		l.size.Slug, l.size.Name, vision, shiftTemplates[(l.size.Shifts-1)%len(shiftTemplates)].to, owner, l.now.AddDate(-2, 0, 0)).Scan(&l.ws); err != nil {
		return fmt.Errorf("seed.Large: workspace: %w", err)
	}
	l.rep.WorkspaceID = l.ws
	l.counted("workspaces", 1)
	var members, pressures [][]any
	for _, m := range largeMembers {
		members = append(members, []any{l.ws, l.member[m.key], string(m.role), owner, owner})
	}
	for _, phase := range sightline.Phases {
		for i, a := range sightline.DefaultPressures[phase] {
			pressures = append(pressures, []any{l.ws, string(phase), a, int32(i + 1)})
		}
	}
	if err := l.copy(ctx, "memberships", []string{"workspace_id", "user_id", "role", "created_by", "updated_by"}, members); err != nil {
		return err
	}
	return l.copy(ctx, "phase_pressures", []string{"workspace_id", "phase", "attribute", "position"}, pressures)
}

// Small helpers for the generators.

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// skewed returns an index in [0, n) where low indexes are far more likely
// (u^power for uniform u): a few hot epics and items collect many links, as
// in a real workspace.
func skewed(r *rand.Rand, n int, power float64) int {
	return min(int(math.Pow(r.Float64(), power)*float64(n)), n-1)
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// daysAgo is now minus d days (and some minutes, so rows do not tie).
func (l *loader) daysAgo(r *rand.Rand, d int) time.Time {
	return l.now.AddDate(0, 0, -d).Add(-time.Duration(r.IntN(24*60)) * time.Minute)
}

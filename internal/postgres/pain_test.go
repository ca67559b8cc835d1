package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/pgtest"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
)

// painFixture is a workspace with a PM to act as.
type painFixture struct {
	db    *postgres.DB
	ws    *sightline.Workspace
	actor postgres.Actor
}

func newPainFixture(t *testing.T, slug string) painFixture {
	t.Helper()
	db := pgtest.NewDB(t)
	_, ws, members := mustWorkspace(t, db, slug)
	return painFixture{db: db, ws: ws, actor: postgres.Actor{UserID: members[sightline.RolePM].UserID}}
}

func painNote(quote string, sev int, freq string, firsthand bool) sightline.PainNote {
	return sightline.PainNote{Quote: quote, Source: "interview", Severity: sev, Frequency: freq, Firsthand: firsthand,
		HeardBy: "Priya", HeardOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
}

func (fx painFixture) mustPain(t *testing.T, n sightline.PainNote) *sightline.PainNote {
	t.Helper()
	saved, err := fx.db.CreatePain(context.Background(), fx.actor, fx.ws.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func painMustEpic(t *testing.T, db *postgres.DB, wsID int64, title string) int64 {
	t.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO epics (workspace_id, kind, title, problem) VALUES ($1, 'product', $2, 'A problem') RETURNING id`,
		wsID, title).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func painIDs(list []sightline.PainNote) []int64 {
	var ids []int64
	for _, n := range list {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestPainCreateAndRead(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	n := painNote("This takes too long every day and blocks my team", 5, "daily", true)
	n.Customer, n.Segment, n.QualityAttribute = "Initech", "SMB", "performance"
	saved := fx.mustPain(t, n)
	got, err := fx.db.PainByID(ctx, fx.ws.ID, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Quote != n.Quote || got.Customer != "Initech" || got.Segment != "SMB" || !got.Firsthand || got.Severity != 5 ||
		got.Frequency != "daily" || got.Version != 1 || !got.HeardOn.Equal(n.HeardOn) || got.QualityAttribute != "performance" {
		t.Fatalf("saved pain differs: %+v", got)
	}
	acts, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "pain", saved.ID, 10)
	if len(acts) != 1 || acts[0].Verb != "pain.created" {
		t.Fatalf("history: %+v", acts)
	}
	// The database refuses what the form would: out-of-range severity, unknown frequency.
	bad := n
	bad.Severity = 9
	if _, err := fx.db.CreatePain(ctx, fx.actor, fx.ws.ID, bad); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("severity 9: %v", err)
	}
	bad = n
	bad.Frequency = "hourly"
	if _, err := fx.db.CreatePain(ctx, fx.actor, fx.ws.ID, bad); sightline.ErrorCode(err) != sightline.EINVALID {
		t.Fatalf("frequency hourly: %v", err)
	}
}

func TestUpdatePainOptimisticLocking(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	saved := fx.mustPain(t, painNote("Slow", 3, "weekly", false))
	a := *saved
	a.Quote = "Slow, every single week"
	got, err := fx.db.UpdatePain(ctx, fx.actor, fx.ws.ID, saved.ID, saved.Version, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Quote != a.Quote {
		t.Fatalf("after update: %+v", got)
	}
	b := *saved
	b.Quote = "A stale edit"
	if _, err := fx.db.UpdatePain(ctx, fx.actor, fx.ws.ID, saved.ID, saved.Version, b); sightline.ErrorCode(err) != sightline.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	if cur, _ := fx.db.PainByID(ctx, fx.ws.ID, saved.ID); cur.Quote != a.Quote {
		t.Fatalf("stale save overwrote: %q", cur.Quote)
	}
	// Another workspace's id is not found, not a conflict.
	_, other, _ := mustWorkspace(t, fx.db, "globex")
	if _, err := fx.db.UpdatePain(ctx, fx.actor, other.ID, saved.ID, 2, a); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("foreign workspace update: %v", err)
	}
	acts, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "pain", saved.ID, 10)
	if acts[0].Verb != "pain.updated" || acts[0].Changes["quote"].To != a.Quote {
		t.Fatalf("update not recorded with its change: %+v", acts[0])
	}
}

func TestTopPainsRankLikeScore(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	relayed := fx.mustPain(t, painNote("relayed daily 5", 5, "daily", false))
	firsthand := fx.mustPain(t, painNote("firsthand daily 5", 5, "daily", true))
	fx.mustPain(t, painNote("firsthand once 5", 5, "once", true))
	fx.mustPain(t, painNote("relayed constant 2", 2, "constant", false))
	fx.mustPain(t, painNote("firsthand weekly 3", 3, "weekly", true))
	fx.mustPain(t, painNote("relayed monthly 1", 1, "monthly", false))

	top, err := fx.db.TopPains(ctx, fx.ws.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if top[0].ID != firsthand.ID || top[1].ID != relayed.ID {
		t.Fatalf("firsthand should outrank relayed at equal severity and frequency: %v", painIDs(top))
	}
	want := slices.Clone(top)
	sort.SliceStable(want, func(i, j int) bool { return want[i].Score() > want[j].Score() })
	for i := range top {
		if top[i].Score() != want[i].Score() {
			t.Fatalf("SQL ranking disagrees with Score at %d: %v", i, painIDs(top))
		}
	}
	if limited, _ := fx.db.TopPains(ctx, fx.ws.ID, 2); len(limited) != 2 {
		t.Fatalf("limit ignored: %d", len(limited))
	}
	if sightline.PainMaxScore() != (sightline.PainNote{Severity: 5, Frequency: "constant", Firsthand: true}).Score() {
		t.Fatal("PainMaxScore disagrees with Score")
	}
}

func TestListPainsFilters(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	mk := func(quote string, src sightline.PainSource, seg string, sev int, firsthand bool) *sightline.PainNote {
		n := painNote(quote, sev, "weekly", firsthand)
		n.Source, n.Segment = src, seg
		return fx.mustPain(t, n)
	}
	a := mk("a", "interview", "SMB", 5, true)
	b := mk("b", "support", "Enterprise", 2, false)
	c := mk("c", "sales", "SMB", 3, false)
	epic := painMustEpic(t, fx.db, fx.ws.ID, "Faster sync")
	if err := fx.db.LinkPain(ctx, fx.actor, fx.ws.ID, epic, a.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    sightline.PainFilter
		want []int64
	}{
		{"all", sightline.PainFilter{}, []int64{c.ID, b.ID, a.ID}},
		{"source", sightline.PainFilter{Source: "support"}, []int64{b.ID}},
		{"segment", sightline.PainFilter{Segment: "SMB"}, []int64{c.ID, a.ID}},
		{"severity", sightline.PainFilter{MinSeverity: 3}, []int64{c.ID, a.ID}},
		{"firsthand", sightline.PainFilter{Firsthand: "yes"}, []int64{a.ID}},
		{"relayed", sightline.PainFilter{Firsthand: "no"}, []int64{c.ID, b.ID}},
		{"unlinked", sightline.PainFilter{Unlinked: true}, []int64{c.ID, b.ID}},
		{"combined", sightline.PainFilter{Segment: "SMB", Unlinked: true}, []int64{c.ID}},
		{"severity sort", sightline.PainFilter{Sort: sightline.PainSortSeverity}, []int64{a.ID, c.ID, b.ID}},
		{"unknown source is ignored", sightline.PainFilter{Source: "telepathy"}, []int64{c.ID, b.ID, a.ID}},
	}
	for _, tc := range cases {
		got, total, err := fx.db.ListPains(ctx, fx.ws.ID, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(painIDs(got), tc.want) || total != len(tc.want) {
			t.Errorf("%s: got %v (total %d), want %v", tc.name, painIDs(got), total, tc.want)
		}
	}
	// Pages: 2 per page over 3 pains.
	p2, total, _ := fx.db.ListPains(ctx, fx.ws.ID, sightline.PainFilter{Page: 2, PerPage: 2})
	if total != 3 || len(p2) != 1 || p2[0].ID != a.ID {
		t.Fatalf("page 2: %v total %d", painIDs(p2), total)
	}
	// EpicCount is filled.
	if got, _ := fx.db.PainByID(ctx, fx.ws.ID, a.ID); got.EpicCount != 1 {
		t.Fatalf("epic count %d", got.EpicCount)
	}
	segs, _ := fx.db.ListSegments(ctx, fx.ws.ID)
	if !slices.Equal(segs, []string{"Enterprise", "SMB"}) {
		t.Fatalf("segments %v", segs)
	}
}

func TestLinkAndUnlinkPain(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	pain := fx.mustPain(t, painNote("It hurts", 4, "daily", true))
	epic := painMustEpic(t, fx.db, fx.ws.ID, "Fix it")
	for range 2 { // idempotent
		if err := fx.db.LinkPain(ctx, fx.actor, fx.ws.ID, epic, pain.ID); err != nil {
			t.Fatal(err)
		}
	}
	pains, _ := fx.db.PainsForEpicPage(ctx, fx.ws.ID, epic, 100, 0)
	if len(pains) != 1 || pains[0].ID != pain.ID {
		t.Fatalf("pains for epic: %v", painIDs(pains))
	}
	epics, _ := fx.db.EpicsForPain(ctx, fx.ws.ID, pain.ID)
	if len(epics) != 1 || epics[0].ID != epic || epics[0].Title != "Fix it" || epics[0].Kind != sightline.KindProduct || epics[0].Status != sightline.StatusIdea {
		t.Fatalf("epics for pain: %+v", epics)
	}
	if linkable, _ := fx.db.EpicsToLinkToPain(ctx, fx.ws.ID, pain.ID, "", 10); len(linkable.Epics) != 0 || linkable.Total != 0 {
		t.Fatalf("a linked epic is offered again: %+v", linkable)
	}
	if picker, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "", 10); len(picker.Pains) != 0 || picker.Total != 0 {
		t.Fatalf("a linked pain is offered again: %+v", picker)
	}
	other := painMustEpic(t, fx.db, fx.ws.ID, "Another")
	picker, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, other, "", 10)
	if len(picker.Pains) != 1 || picker.Pains[0].Quote != "It hurts" || picker.Pains[0].Severity != 4 || picker.Total != 1 || picker.AtLeast {
		t.Fatalf("picker: %+v", picker)
	}
	// One activity row on each side, once.
	var onEpic, onPain int
	if err := fx.db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE item_type = 'epic' AND item_id = $2), count(*) FILTER (WHERE item_type = 'pain' AND item_id = $3)
		FROM activity WHERE workspace_id = $1 AND verb = 'pain.linked'`, fx.ws.ID, epic, pain.ID).Scan(&onEpic, &onPain); err != nil {
		t.Fatal(err)
	}
	if onEpic != 1 || onPain != 1 {
		t.Fatalf("pain.linked recorded %d times on the epic, %d on the pain", onEpic, onPain)
	}
	for range 2 { // idempotent
		if err := fx.db.UnlinkPain(ctx, fx.actor, fx.ws.ID, epic, pain.ID); err != nil {
			t.Fatal(err)
		}
	}
	if pains, _ := fx.db.PainsForEpicPage(ctx, fx.ws.ID, epic, 100, 0); len(pains) != 0 {
		t.Fatalf("still linked: %v", painIDs(pains))
	}
	acts, _ := fx.db.ItemHistory(ctx, fx.ws.ID, "pain", pain.ID, 10)
	if acts[0].Verb != "pain.unlinked" || acts[1].Verb != "pain.linked" {
		t.Fatalf("pain history: %v, %v", acts[0].Verb, acts[1].Verb)
	}
}

func TestPainLinksStayInTheirWorkspace(t *testing.T) {
	fx := newPainFixture(t, "acme")
	ctx := context.Background()
	pain := fx.mustPain(t, painNote("Ours", 3, "weekly", true))
	epic := painMustEpic(t, fx.db, fx.ws.ID, "Ours")
	owner2, other, _ := mustWorkspace(t, fx.db, "globex")
	theirPain, err := fx.db.CreatePain(ctx, postgres.Actor{UserID: owner2.ID}, other.ID, painNote("Theirs", 3, "weekly", true))
	if err != nil {
		t.Fatal(err)
	}
	theirEpic := painMustEpic(t, fx.db, other.ID, "Theirs")

	for _, c := range []struct {
		name         string
		ws, ep, pain int64
	}{
		{"their pain", fx.ws.ID, epic, theirPain.ID},
		{"their epic", fx.ws.ID, theirEpic, pain.ID},
		{"our ids under their workspace", other.ID, epic, pain.ID},
		{"missing ids", fx.ws.ID, epic + 1000, pain.ID},
	} {
		if err := fx.db.LinkPain(ctx, fx.actor, c.ws, c.ep, c.pain); sightline.ErrorCode(err) != sightline.ENOTFOUND {
			t.Errorf("link %s: %v, want not found", c.name, err)
		}
		if err := fx.db.UnlinkPain(ctx, fx.actor, c.ws, c.ep, c.pain); sightline.ErrorCode(err) != sightline.ENOTFOUND {
			t.Errorf("unlink %s: %v, want not found", c.name, err)
		}
	}
	if _, err := fx.db.PainByID(ctx, fx.ws.ID, theirPain.ID); sightline.ErrorCode(err) != sightline.ENOTFOUND {
		t.Fatalf("their pain by our workspace: %v", err)
	}
	if list, _ := fx.db.EpicsToLinkToPain(ctx, fx.ws.ID, pain.ID, "", 10); len(list.Epics) != 1 || list.Epics[0].ID != epic || list.Total != 1 {
		t.Fatalf("picker offers another workspace's epics: %+v", list)
	}
	if list, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "", 10); len(list.Pains) != 1 || list.Pains[0].ID != pain.ID || list.Total != 1 {
		t.Fatalf("pain picker offers another workspace's pains: %+v", list)
	}
	if list, _ := fx.db.ListPainsForPicker(ctx, fx.ws.ID, epic, "Theirs", 10); len(list.Pains) != 0 || list.Total != 0 {
		t.Fatalf("pain search finds another workspace's pains: %+v", list)
	}
	// The database itself refuses a link that joins two workspaces.
	for _, q := range []struct{ ws, ep, pain int64 }{{fx.ws.ID, epic, theirPain.ID}, {other.ID, epic, theirPain.ID}, {fx.ws.ID, theirEpic, pain.ID}} {
		_, err := fx.db.Pool.Exec(ctx, `INSERT INTO epic_pains (workspace_id, epic_id, pain_id) VALUES ($1, $2, $3)`, q.ws, q.ep, q.pain)
		if err == nil {
			t.Errorf("epic_pains accepted workspace %d, epic %d, pain %d", q.ws, q.ep, q.pain)
		}
	}
}

func TestPainFilterNormalize(t *testing.T) {
	f := sightline.PainFilter{Source: "x", MinSeverity: 9, Firsthand: "maybe", Page: -1, PerPage: 10000, Sort: "nope"}.Normalize()
	want := sightline.PainFilter{Page: 1, PerPage: sightline.PainPerPage, Sort: sightline.PainSortRecent}
	if f != want {
		t.Fatalf("normalized %+v", f)
	}
	if fmt.Sprint(sightline.PainFirsthandFactor) != "1.5" {
		t.Fatal("the firsthand factor must match PainNote.Score")
	}
}

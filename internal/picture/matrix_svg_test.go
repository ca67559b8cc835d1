package picture

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/sightline"
)

func mxEpic(id int64, title string, kind sightline.EpicKind, impact, effort, rank, total int) sightline.MatrixEpic {
	return sightline.MatrixEpic{ID: id, Title: title, Kind: kind, Status: sightline.StatusIdea, Impact: &impact, Effort: &effort, Rank: rank, CellTotal: total}
}

func TestMatrixSVGShowsEveryPointEscaped(t *testing.T) {
	points := []sightline.MatrixEpic{
		mxEpic(1, `<script>alert("x")</script>`, sightline.KindProduct, 5, 1, 1, 2),
		mxEpic(2, `Tom & Jerry's "billing"`, sightline.KindEnabler, 5, 1, 2, 2),
		mxEpic(3, "Big one", sightline.KindProduct, 5, 5, 1, 1),
		mxEpic(4, "Cheap filler", sightline.KindEnabler, 1, 1, 1, 1),
		mxEpic(5, "Costly & small", sightline.KindProduct, 2, 4, 1, 1),
		mxEpic(6, "Middle", sightline.KindProduct, 3, 3, 1, 1),
	}
	pic := DrawMatrix(MatrixInput{Links: testLinks("/w/demo"), Points: points})
	d := parseSVG(t, pic.SVG)
	for _, want := range []string{points[0].Title, points[1].Title, "Quick wins", "Big bets", "Fill-ins", "Money pits", "product epic", "enabler epic"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("%q is not in the picture's text", want)
		}
	}
	for _, bad := range []string{"<script", `"billing"`} {
		if strings.Contains(pic.SVG, bad) {
			t.Errorf("the SVG holds %q unescaped", bad)
		}
	}
	got := d.WithTestID("mx-point")
	if len(got) != len(points) || pic.Points != len(points) {
		t.Fatalf("%d points, want %d", len(got), len(points))
	}
	// Each point links to its epic; an enabler is a square, a product epic a circle.
	shapes := map[string]string{}
	for i, e := range d.Elems {
		if attr(e, "data-testid") == "mx-point" {
			if !strings.HasPrefix(attr(e, "href"), "/w/demo/epics/") {
				t.Errorf("point links to %q", attr(e, "href"))
			}
			// <a> <title> then the shape.
			shapes[attr(e, "data-epic-id")] = d.Elems[i+2].Name.Local
		}
	}
	if shapes["1"] != "circle" || shapes["2"] != "rect" || shapes["4"] != "rect" {
		t.Errorf("shapes %v", shapes)
	}
	// The two epics of one cell do not sit on each other.
	var xy []string
	for _, e := range d.Elems {
		if e.Name.Local == "circle" && strings.Contains(attr(e, "class"), "mx-product") && attr(e, "r") != "" {
			xy = append(xy, attr(e, "cx")+","+attr(e, "cy"))
		}
	}
	seen := map[string]bool{}
	for _, p := range xy {
		if seen[p] {
			t.Errorf("two points at %s", p)
		}
		seen[p] = true
	}
	if pic.Quadrants[sightline.QuickWins] != 2 || pic.Quadrants[sightline.BigBets] != 2 || pic.Quadrants[sightline.FillIns] != 1 || pic.Quadrants[sightline.MoneyPits] != 1 {
		t.Errorf("quadrant counts %v", pic.Quadrants)
	}
	if len(d.WithTestID("mx-quadrant")) != 4 {
		t.Error("want four quadrant labels")
	}
	if len(d.WithTestID("mx-bubble")) != 0 {
		t.Error("a bubble for a cell of two")
	}
	if !strings.Contains(d.Text, "Tom & Jerry's \"billing\" — enabler epic, idea. Impact 5, effort 1: quick wins.") {
		t.Errorf("tooltip:\n%s", d.Text)
	}
}

// A full cell draws its count as a bubble linking to its list, with the
// top few around it; every cell at most twelve points: bounded at any size.
func TestMatrixSVGCrowdedCellsDrawABubble(t *testing.T) {
	var points []sightline.MatrixEpic
	id := int64(0)
	for impact := 1; impact <= 5; impact++ {
		for effort := 1; effort <= 5; effort++ {
			total := 80 // 2,000 epics over 25 cells
			if impact == 1 && effort == 1 {
				total = sightline.MatrixCellCap // exactly full: no bubble
			}
			for r := 1; r <= min(total, sightline.MatrixCellCap); r++ {
				id++
				points = append(points, mxEpic(id, fmt.Sprintf("Epic %d with a fairly long title & more", id), sightline.KindProduct, impact, effort, r, total))
			}
		}
	}
	pic := DrawMatrix(MatrixInput{Links: testLinks("/w/big"), Points: points, Impact: 4, Effort: 2,
		CellURL: func(i, e int) string { return fmt.Sprintf("/w/big/matrix?impact=%d&effort=%d#mx-cell", i, e) }})
	d := parseSVG(t, pic.SVG)
	bubbles := d.WithTestID("mx-bubble")
	if len(bubbles) != 24 || pic.Bubbles != 24 {
		t.Fatalf("%d bubbles, want 24", len(bubbles))
	}
	if attr(bubbles[0], "data-count") != "80" || attr(bubbles[0], "href") != "/w/big/matrix?impact=5&effort=1#mx-cell" {
		t.Errorf("bubble %v", bubbles[0].Attr)
	}
	if want := 24*sightline.MatrixBubbleTop + sightline.MatrixCellCap; pic.Points != want || len(d.WithTestID("mx-point")) != want {
		t.Errorf("%d points, want %d", pic.Points, want)
	}
	if len(d.WithTestID("mx-selected")) != 1 {
		t.Error("the selected cell is not marked")
	}
	if pic.Quadrants[sightline.BigBets] != 9*80 {
		t.Errorf("big bets count %d", pic.Quadrants[sightline.BigBets])
	}
	t.Logf("2,000 epics: %d KB", len(pic.SVG)/1024)
	if len(pic.SVG) > 300*1024 {
		t.Errorf("the SVG takes %d KB", len(pic.SVG)/1024)
	}
}

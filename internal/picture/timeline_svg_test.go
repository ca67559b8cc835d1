package picture

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sightline/sightline/internal/picture/svgtest"
	"github.com/sightline/sightline/internal/sightline"
)

// parseSVG is svgtest.Parse.
func parseSVG(t *testing.T, s string) svgtest.Doc { return svgtest.Parse(t, s) }

func attr(e xml.StartElement, name string) string { return svgtest.Attr(e, name) }

func tlDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func tlQuarter(s string) sightline.Quarter {
	q, ok := sightline.ParseQuarter(s)
	if !ok {
		panic(s)
	}
	return q
}

// tlEpic builds a timeline epic in a quarter (span start = end = cell).
func tlEpic(id int64, title string, lane int64, q string, kind sightline.EpicKind, conf string) sightline.TimelineEpic {
	qq := tlQuarter(q)
	return sightline.TimelineEpic{ID: id, Title: title, Kind: kind, Status: sightline.StatusDiscovery, InitiativeID: lane,
		TargetQuarter: q, Confidence: conf, Start: qq, End: qq, Cell: qq, CellTotal: 1}
}

func TestTimelineSVGShowsEverythingEscaped(t *testing.T) {
	today := tlDate("2026-11-21")
	window := sightline.DefaultTimelineWindow(today) // 2026-Q2 … 2028-Q1
	committed := tlDate("2027-02-15")
	epics := []sightline.TimelineEpic{
		tlEpic(1, `<script>alert("x")</script>`, 10, "2027-Q1", sightline.KindProduct, "planned"),
		tlEpic(2, `Tom & Jerry's "billing"`, 10, "2027-Q1", sightline.KindEnabler, "exploring"),
		tlEpic(3, "Loose epic", 0, "2026-Q4", sightline.KindProduct, "exploring"),
	}
	// A committed epic spanning from its target quarter to its date's.
	e4 := tlEpic(4, "Plan picker", 11, "2026-Q4", sightline.KindProduct, "committed")
	e4.CommittedOn, e4.End = &committed, tlQuarter("2027-Q1")
	epics = append(epics, e4)
	in := TimelineInput{
		Links: testLinks("/w/demo"), Window: window, Today: today,
		Lanes: []TimelineLane{{ID: 10, Title: `Billing <b>& more</b>`, Horizon: "now"}, {ID: 11, Title: "Team collaboration", Horizon: "next"}, {Title: "No initiative"}},
		Epics: epics,
		Items: []sightline.RoadmapItem{
			{ID: 7, Kind: "release", Title: `Release "2.4" <beta> & co`, StartsOn: tlDate("2026-12-01"), EndsOn: tlDate("2026-12-19"), Confidence: "committed"},
			{ID: 8, Kind: "milestone", Title: "Pilot readiness", StartsOn: tlDate("2027-03-01"), EndsOn: tlDate("2027-03-01"), Confidence: "exploring"},
			{ID: 9, Kind: "theme", Title: "Long ago", StartsOn: tlDate("2024-01-01"), EndsOn: tlDate("2024-03-01"), Confidence: "planned"},
		},
		Shifts: []sightline.StrategyShift{
			{ID: 5, Title: `Moving upmarket: <monetize> & "engage"`, ShiftedOn: tlDate("2026-06-01"), FromPhase: "retention", ToPhase: "growth"},
			{ID: 6, Title: "Before the window", ShiftedOn: tlDate("2025-01-01"), FromPhase: "growth", ToPhase: "growth"},
		},
	}
	pic := DrawTimeline(in)
	d := parseSVG(t, pic.SVG)

	for _, want := range []string{epics[0].Title, epics[1].Title, "Billing <b>& more</b>", "Release \"2.4\" <beta> & co", "Moving upmarket: <monetize> & \"engage\"", "Today · 21 Nov 2026", "No initiative"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("%q is not in the picture's text", want)
		}
	}
	for _, bad := range []string{"<script", "<b>", "<beta>", "<monetize>"} {
		if strings.Contains(pic.SVG, bad) {
			t.Errorf("the SVG holds %q unescaped", bad)
		}
	}
	cards := d.WithTestID("tl-epic")
	if len(cards) != 4 || pic.Cards != 4 {
		t.Fatalf("%d epic cards (%d counted), want 4", len(cards), pic.Cards)
	}
	for _, c := range cards {
		if !strings.HasPrefix(attr(c, "href"), "/w/demo/epics/") {
			t.Errorf("card links to %q", attr(c, "href"))
		}
	}
	if got := attr(cards[1], "data-kind"); got != "enabler" {
		t.Errorf("second card kind %q", got)
	}
	if len(d.WithTestID("tl-committed")) != 1 {
		t.Errorf("want one committed-date diamond")
	}
	items := d.WithTestID("tl-item")
	if len(items) != 2 || attr(items[0], "href") != "/w/demo/roadmap/7" || attr(items[0], "data-confidence") != "committed" {
		t.Errorf("roadmap bars: %v", items)
	}
	shifts := d.WithTestID("tl-shift")
	if len(shifts) != 1 || attr(shifts[0], "href") != "/w/demo/shifts/5" {
		t.Errorf("shift markers: %v", shifts)
	}
	if len(d.WithTestID("tl-today")) != 1 || !pic.TodayShown {
		t.Errorf("no today line")
	}
	if q := d.WithTestID("tl-quarter"); len(q) != 8 {
		t.Errorf("%d quarter headings, want 8", len(q))
	}
	if len(d.WithTestID("tl-lane")) != 3 {
		t.Errorf("want 3 lanes")
	}
	for _, word := range []string{"committed", "planned", "exploring", "enabler", "committed date", "today", "strategy shift"} {
		if !strings.Contains(d.Text, word) {
			t.Errorf("legend lacks %q", word)
		}
	}
	// Tooltips say the confidence in words.
	if !strings.Contains(d.Text, "confidence: committed (committed to 15 Feb 2027)") {
		t.Errorf("the committed epic's tooltip lacks its confidence:\n%s", d.Text)
	}
}

func TestTimelineSVGOutsideTheWindowHasNoTodayLine(t *testing.T) {
	w := sightline.TimelineWindow{From: tlQuarter("2030-Q1"), To: tlQuarter("2030-Q4")}
	pic := DrawTimeline(TimelineInput{Links: testLinks("/w/x"), Window: w, Today: tlDate("2026-11-21"), Lanes: []TimelineLane{{Title: "No initiative"}}})
	d := parseSVG(t, pic.SVG)
	if pic.TodayShown || len(d.WithTestID("tl-today")) != 0 {
		t.Error("today is drawn outside the window")
	}
}

// At scale the caller passes at most the cap per cell; the picture draws
// those and one "+N more" link per fuller cell, to the backlog filtered to
// the cell, and stays bounded.
func TestTimelineSVGCapsCellsAndStaysBounded(t *testing.T) {
	today := tlDate("2026-11-21")
	w := sightline.TimelineWindow{From: tlQuarter("2026-Q1"), To: tlQuarter("2028-Q4")} // 12 quarters
	var lanes []TimelineLane
	var epics []sightline.TimelineEpic
	id := int64(0)
	for l := int64(1); l <= 20; l++ {
		lanes = append(lanes, TimelineLane{ID: l, Title: fmt.Sprintf("Initiative %d with a long & winding name that wraps", l), Horizon: "now"})
		for _, q := range w.Quarters() {
			for k := 0; k < sightline.TimelineCellCap; k++ {
				id++
				e := tlEpic(id, fmt.Sprintf("Epic %d: a title long enough to be cut <short>", id), l, q.String(), sightline.KindProduct, "planned")
				e.CellTotal = 9
				epics = append(epics, e)
			}
		}
	}
	lanes = append(lanes, TimelineLane{Title: "No initiative"})
	pic := DrawTimeline(TimelineInput{Links: testLinks("/w/big"), Window: w, Today: today, Lanes: lanes, Epics: epics, Kind: sightline.KindProduct})
	d := parseSVG(t, pic.SVG)
	if got := len(d.WithTestID("tl-epic")); got != 20*12*sightline.TimelineCellCap {
		t.Errorf("%d cards drawn, want %d", got, 20*12*sightline.TimelineCellCap)
	}
	more := d.WithTestID("tl-more")
	if len(more) != 20*12 || pic.Hidden != 20*12*(9-sightline.TimelineCellCap) {
		t.Fatalf("%d more links hiding %d epics", len(more), pic.Hidden)
	}
	if got := attr(more[0], "href"); got != "/w/big/epics?initiative=1&kind=product&quarter=2026-Q1" {
		t.Errorf("more link %q", got)
	}
	if !strings.Contains(d.Text, "+4 more →") {
		t.Error("no “+4 more” text")
	}
	t.Logf("20 lanes × 12 quarters × %d cards: %d KB", sightline.TimelineCellCap, len(pic.SVG)/1024)
	if len(pic.SVG) > 1500*1024 {
		t.Errorf("the SVG takes %d KB", len(pic.SVG)/1024)
	}
}

func TestTimelineSVGRoadmapItemsBeyondTheTracksAreCounted(t *testing.T) {
	w := sightline.TimelineWindow{From: tlQuarter("2027-Q1"), To: tlQuarter("2027-Q4")}
	var items []sightline.RoadmapItem
	for i := 0; i < TimelineItemTracks+3; i++ {
		items = append(items, sightline.RoadmapItem{ID: int64(i + 1), Kind: "theme", Title: fmt.Sprintf("Theme %d", i), StartsOn: tlDate("2027-01-01"), EndsOn: tlDate("2027-12-31"), Confidence: "planned"})
	}
	pic := DrawTimeline(TimelineInput{Links: testLinks("/w/x"), Window: w, Today: tlDate("2027-05-01"), Items: items, Lanes: []TimelineLane{{Title: "No initiative"}}})
	d := parseSVG(t, pic.SVG)
	if got := len(d.WithTestID("tl-item")); got != TimelineItemTracks || pic.ItemsHidden != 3 {
		t.Errorf("%d bars, %d hidden", got, pic.ItemsHidden)
	}
	if len(d.WithTestID("tl-items-hidden")) != 1 {
		t.Error("hidden items are not counted in the picture")
	}
}

func TestSVGWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		lines int
		want  string
	}{
		{"Team collaboration", 27, 3, "Team collaboration"},
		{"Engagement-based billing and usage metering for teams", 20, 2, "Engagement-based|billing and usage m…"},
		{"Averyveryverylongsingleword", 10, 2, "Averyvery…"},
		{"", 10, 2, ""},
	} {
		if got := strings.Join(svgWrap(c.in, c.width, c.lines), "|"); got != c.want {
			t.Errorf("svgWrap(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// BenchmarkDrawTimeline draws a large workspace's default window: 21 lanes
// × 8 quarters at the budgeted cap.
func BenchmarkDrawTimeline(b *testing.B) {
	today := tlDate("2026-11-21")
	w := sightline.DefaultTimelineWindow(today)
	lanes := []TimelineLane{{Title: "No initiative"}}
	perCell := sightline.TimelineCellCapFor(21, w.Len())
	var epics []sightline.TimelineEpic
	id := int64(0)
	for l := int64(1); l <= 20; l++ {
		lanes = append(lanes, TimelineLane{ID: l, Title: fmt.Sprintf("Initiative %d", l), Horizon: "now"})
		for _, q := range w.Quarters() {
			for k := 0; k < perCell; k++ {
				id++
				e := tlEpic(id, fmt.Sprintf("Epic %d: a title long enough to be cut", id), l, q.String(), sightline.KindProduct, "planned")
				e.CellTotal = 12
				epics = append(epics, e)
			}
		}
	}
	in := TimelineInput{Links: testLinks("/w/big"), Window: w, Today: today, Lanes: lanes, Epics: epics}
	b.ReportAllocs()
	for b.Loop() {
		DrawTimeline(in)
	}
}

func TestSVGEsc(t *testing.T) {
	for in, want := range map[string]string{
		`plain — text`:           `plain — text`,
		`<a href="x">&'</a>`:     `&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;`,
		"tab\tline\nret\r":       "tab&#x9;line&#xA;ret&#xD;",
		"ctl\x01\x1f bad\xff":    "ctl\uFFFD\uFFFD bad\uFFFD",
		"nonchar\uFFFE\uFFFF ok": "nonchar\uFFFD\uFFFD ok",
	} {
		if got := svgEsc(in); got != want {
			t.Errorf("svgEsc(%q) = %q, want %q", in, got, want)
		}
		parseSVG(t, `<svg><text>`+svgEsc(in)+`</text><a title="`+svgEsc(in)+`"/></svg>`)
	}
	if got := svgCut("Engagement — billing", 12); got != "Engagement…" {
		t.Errorf("svgCut: %q", got)
	}
	if got := svgCut("Ünïcödé tïtle", 6); got != "Ünïcö…" {
		t.Errorf("svgCut: %q", got)
	}
}

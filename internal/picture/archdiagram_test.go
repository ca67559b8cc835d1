package picture

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sightline/sightline/internal/picture/svgtest"
	"github.com/sightline/sightline/internal/sightline"
)

// archFixture builds items and relations: systems, containers per system,
// components per container, externals, and relations in a ring over the
// containers and components plus some to the externals.
func archFixture(systems, containers, components, externals, relations int) ([]sightline.ArchItem, []sightline.ArchRelation) {
	var items []sightline.ArchItem
	id := int64(0)
	names := map[int64]string{}
	add := func(kind sightline.ItemKind, name string, parent *int64, h sightline.Health) int64 {
		id++
		it := sightline.ArchItem{ID: id, Kind: kind, Name: name, ParentID: parent, Health: h, Technology: "Go", OwnerTeam: "Core"}
		if parent != nil {
			it.ParentName = names[*parent]
		}
		names[id] = name
		items = append(items, it)
		return id
	}
	healths := sightline.Healths
	var leaves []int64
	for s := 0; s < systems; s++ {
		sid := add(sightline.ItemSystem, fmt.Sprintf("System %d", s), nil, healths[s%3])
		for c := 0; c < containers; c++ {
			cid := add(sightline.ItemContainer, fmt.Sprintf("Container %d.%d", s, c), &sid, healths[(s+c)%3])
			leaves = append(leaves, cid)
			for k := 0; k < components; k++ {
				leaves = append(leaves, add(sightline.ItemComponent, fmt.Sprintf("Component %d.%d.%d", s, c, k), &cid, healths[k%3]))
			}
		}
	}
	var ext []int64
	for e := 0; e < externals; e++ {
		ext = append(ext, add(sightline.ItemExternal, fmt.Sprintf("External %d", e), nil, sightline.HealthHealthy))
	}
	name := map[int64]string{}
	for _, it := range items {
		name[it.ID] = it.Name
	}
	var rels []sightline.ArchRelation
	for i := 0; i < relations && len(leaves) > 1; i++ {
		src := leaves[(i*7)%len(leaves)]
		dst := leaves[(i*13+5)%len(leaves)]
		if i%5 == 4 && len(ext) > 0 {
			dst = ext[i%len(ext)]
		}
		if src == dst {
			dst = leaves[(i*13+6)%len(leaves)]
		}
		rels = append(rels, sightline.ArchRelation{ID: int64(i + 1), SourceID: src, SourceName: name[src], TargetID: dst, TargetName: name[dst],
			Label: fmt.Sprintf("call %d", i), Technology: "HTTP"})
	}
	return items, rels
}

// archParse checks that the SVG is well-formed XML and returns its text
// (character data, titles included) and its element count.
func archParse(t *testing.T, svg string) (string, int) {
	t.Helper()
	d := svgtest.Parse(t, svg)
	return d.Text, len(d.Elems)
}

func TestArchDiagramSmallShowsEverythingEscaped(t *testing.T) {
	sys, api, db, comp, comp2, ext := int64(1), int64(2), int64(3), int64(4), int64(5), int64(6)
	items := []sightline.ArchItem{
		{ID: sys, Kind: sightline.ItemSystem, Name: `Taskly & "friends"`, Health: sightline.HealthStrained},
		{ID: api, Kind: sightline.ItemContainer, Name: `<script>alert(1)</script>`, ParentID: &sys, Technology: "Go", Health: sightline.HealthAtRisk},
		{ID: db, Kind: sightline.ItemContainer, Name: "PostgreSQL", ParentID: &sys, Technology: "SQL", Health: sightline.HealthHealthy},
		{ID: comp, Kind: sightline.ItemComponent, Name: "Update handler", ParentID: &api, Health: sightline.HealthAtRisk},
		{ID: comp2, Kind: sightline.ItemComponent, Name: "It's <b>bold</b>", ParentID: &api, Health: sightline.HealthHealthy},
		{ID: ext, Kind: sightline.ItemExternal, Name: "Stripe", Health: sightline.HealthHealthy},
		{ID: 7, Kind: sightline.ItemContainer, Name: "Loose container", Health: sightline.HealthHealthy},
		{ID: 8, Kind: sightline.ItemComponent, Name: "Loose component", Health: sightline.HealthStrained},
		{ID: 9, Kind: sightline.ItemSystem, Name: "Empty system", Health: sightline.HealthHealthy},
		{ID: 10, Kind: sightline.ItemExternal, Name: "Email provider\x01", Health: sightline.HealthStrained},
	}
	rels := []sightline.ArchRelation{
		{ID: 1, SourceID: api, SourceName: items[1].Name, TargetID: db, TargetName: "PostgreSQL", Label: `stores <tasks> & "lists"`},
		{ID: 2, SourceID: comp, SourceName: "Update handler", TargetID: ext, TargetName: "Stripe", Label: "bills usage", Technology: "HTTPS"},
		{ID: 3, SourceID: db, SourceName: "PostgreSQL", TargetID: api, TargetName: items[1].Name, Label: "notifies"},
		{ID: 4, SourceID: comp, SourceName: "Update handler", TargetID: comp2, TargetName: items[4].Name, Label: "hands over"},
		{ID: 5, SourceID: comp, SourceName: "Update handler", TargetID: api, TargetName: items[1].Name, Label: "reports up"},
		{ID: 6, SourceID: api, SourceName: items[1].Name, TargetID: db, TargetName: "PostgreSQL", Label: "reads"},
	}
	d := BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels, ItemURL: func(id int64) string { return fmt.Sprintf("/w/x/architecture/%d?a=1&b=2", id) }})
	text, _ := archParse(t, d.SVG)
	for _, it := range items {
		want := strings.ReplaceAll(it.Name, "\x01", "\uFFFD")
		if !strings.Contains(text, want) {
			t.Errorf("item %q is not in the diagram", it.Name)
		}
	}
	for _, r := range rels {
		if !strings.Contains(text, r.Label) {
			t.Errorf("relation %q is not in the diagram", r.Label)
		}
	}
	for _, bad := range []string{"<script", "<b>", `"friends"`, "&b=2", "\x01"} {
		if strings.Contains(d.SVG, bad) {
			t.Errorf("the SVG holds %q unescaped", bad)
		}
	}
	if !strings.Contains(d.SVG, "&lt;script&gt;") || !strings.Contains(d.SVG, "&amp;b=2") {
		t.Error("names and links are not escaped as expected")
	}
	if d.Compact {
		t.Error("a small diagram is compact")
	}
	// Two relations api → db merge into one arrow with a count; a
	// component's relations are drawn from its container, and those inside
	// the container are listed in its tooltip, not drawn.
	if d.Arrows != 3 || d.Drawn != 4 || d.Internal != 2 {
		t.Errorf("arrows %d for %d relations, %d internal; want 3, 4, 2", d.Arrows, d.Drawn, d.Internal)
	}
	if !strings.Contains(text, "2 relations inside: Update handler → It's <b>bold</b>: hands over") {
		t.Error("relations inside a container are not listed in its tooltip")
	}
	if !strings.Contains(d.SVG, `data-count="2"`) || !strings.Contains(text, "2 relations: ") {
		t.Error("parallel relations are not merged with a count")
	}
	// Every item is a link to its page.
	for _, it := range items {
		if !strings.Contains(d.SVG, fmt.Sprintf(`data-item-id="%d"`, it.ID)) {
			t.Errorf("item %d is not a link", it.ID)
		}
	}
	if !strings.Contains(text, "Not placed in a system yet") || !strings.Contains(text, "External systems") {
		t.Error("groups are missing")
	}
	if os.Getenv("ARCH_DIAGRAM_OUT") != "" {
		_ = os.WriteFile(os.Getenv("ARCH_DIAGRAM_OUT")+"-small.svg", []byte(d.SVG), 0o644)
	}
}

func TestArchDiagramStaysBoundedAt200Items(t *testing.T) {
	// 5 systems × 5 containers × 6 components + 20 externals = 200 items.
	items, rels := archFixture(5, 5, 6, 20, 300)
	if len(items) != 200 || len(rels) != 300 {
		t.Fatalf("fixture: %d items, %d relations", len(items), len(rels))
	}
	d := BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels})
	text, elems := archParse(t, d.SVG)
	if !d.Compact {
		t.Error("150 components are drawn one by one")
	}
	if d.Boxes != 5+25+20 {
		t.Errorf("%d boxes, want one per system, container and external (50)", d.Boxes)
	}
	if d.Drawn+d.Internal != 300 {
		t.Errorf("%d relations drawn + %d internal, want all 300", d.Drawn, d.Internal)
	}
	if d.Arrows > 25*24+25*20 {
		t.Errorf("%d arrows", d.Arrows)
	}
	if len(d.SVG) > 300_000 {
		t.Errorf("the SVG is %d bytes", len(d.SVG))
	}
	// Every container and external is named; components are counted.
	for _, it := range items {
		if it.Kind != sightline.ItemComponent && !strings.Contains(text, it.Name) {
			t.Errorf("%s is not in the diagram", it.Name)
		}
	}
	if !strings.Contains(text, "6 components") {
		t.Error("components are not counted per container")
	}
	t.Logf("200 items, 300 relations: %d bytes, %d elements, %d arrows, labelled %d, height %.0f", len(d.SVG), elems, d.Arrows, d.Labelled, d.Height)
	if os.Getenv("ARCH_DIAGRAM_OUT") != "" {
		_ = os.WriteFile(os.Getenv("ARCH_DIAGRAM_OUT")+"-large.svg", []byte(d.SVG), 0o644)
	}
}

func TestArchDiagramMoreChipsAndRoot(t *testing.T) {
	// One container with 12 components: 7 chips and "+5 more".
	items, rels := archFixture(1, 3, 12, 1, 40)
	d := BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels})
	text, _ := archParse(t, d.SVG)
	if d.Compact {
		t.Fatal("36 components are counted, not drawn")
	}
	if !strings.Contains(text, "+5 more components") {
		t.Error("no +N more chip")
	}

	// Zoomed on container 0.0: it is the frame (naming its system), its
	// components are the boxes, and what they relate to outside is context.
	var root int64
	for _, it := range items {
		if it.Name == "Container 0.0" {
			root = it.ID
		}
	}
	d = BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels, RootID: root})
	text, _ = archParse(t, d.SVG)
	if !strings.Contains(text, "System 0") || !strings.Contains(text, "Container 0.0") {
		t.Error("the root or its system is missing")
	}
	if strings.Contains(text, "Container 0.1 —") && !strings.Contains(text, "Related outside this view") {
		t.Error("a sibling container is drawn as part of the subtree")
	}
	for _, r := range rels {
		inRoot := func(name string) bool {
			return name == "Container 0.0" || strings.HasPrefix(name, "Component 0.0.")
		}
		if inRoot(r.SourceName) || inRoot(r.TargetName) {
			continue
		}
		if strings.Contains(text, r.Label+"\n") {
			t.Errorf("relation %q outside the subtree is drawn", r.Label)
		}
	}
	if os.Getenv("ARCH_DIAGRAM_OUT") != "" {
		_ = os.WriteFile(os.Getenv("ARCH_DIAGRAM_OUT")+"-root.svg", []byte(d.SVG), 0o644)
	}

	// Zoomed on a component: its container frames it; on an external: alone.
	byName := map[string]int64{}
	for _, it := range items {
		byName[it.Name] = it.ID
	}
	d = BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels, RootID: byName["Component 0.1.3"]})
	text, _ = archParse(t, d.SVG)
	if !strings.Contains(text, "Container 0.1") || !strings.Contains(text, "Component 0.1.3") || strings.Contains(text, "Component 0.1.4 —") {
		t.Errorf("component view:\n%s", text)
	}
	d = BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels, RootID: byName["External 0"]})
	text, _ = archParse(t, d.SVG)
	if !strings.Contains(text, "External 0") || strings.Contains(text, "System 0 —") {
		t.Errorf("external view:\n%s", text)
	}
}

// BenchmarkArchDiagram200 draws 200 items and 300 relations.
func BenchmarkArchDiagram200(b *testing.B) {
	items, rels := archFixture(5, 5, 6, 20, 300)
	b.ReportAllocs()
	for b.Loop() {
		BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels})
	}
}

// TestArchDiagramSystemsOnlyAt2000Items: past archSystemsAfter containers,
// the whole workspace's picture is the context level — one card per
// system and external, each counting what it holds, every relation drawn
// between systems or counted inside one — and a system's own view still
// draws its containers.
func TestArchDiagramSystemsOnlyAt2000Items(t *testing.T) {
	// 16 systems × 10 containers × 11 components + 16 externals = 2,032 items.
	items, rels := archFixture(16, 10, 11, 16, 3000)
	d := BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels})
	text, _ := archParse(t, d.SVG)
	if !d.Systems {
		t.Fatal("160 containers are all drawn")
	}
	if d.Boxes != 16+16 {
		t.Errorf("%d boxes, want one per system and external (32)", d.Boxes)
	}
	if d.Drawn+d.Internal != 3000 {
		t.Errorf("%d relations drawn + %d internal, want all 3000", d.Drawn, d.Internal)
	}
	if d.Arrows > 32*31 {
		t.Errorf("%d arrows, want at most one per pair of boxes", d.Arrows)
	}
	if !strings.Contains(text, "10 containers · 110 components") {
		t.Error("a system card does not count its containers and components")
	}
	for _, it := range items {
		if (it.Kind == sightline.ItemSystem || it.Kind == sightline.ItemExternal) && !strings.Contains(text, it.Name) {
			t.Errorf("%s is not in the diagram", it.Name)
		}
	}
	if len(d.SVG) > 400_000 {
		t.Errorf("the SVG is %d bytes", len(d.SVG))
	}
	// Zoomed into one system: its containers are boxes again.
	var sys int64
	for _, it := range items {
		if it.Kind == sightline.ItemSystem {
			sys = it.ID
			break
		}
	}
	z := BuildArchDiagram(ArchDiagramInput{Items: items, Relations: rels, RootID: sys})
	if z.Systems || z.Boxes < 1+10 {
		t.Errorf("a system's view: systems-only %v, %d boxes, want its 10 containers drawn", z.Systems, z.Boxes)
	}
	t.Logf("2,032 items, 3,000 relations: %d bytes, %d arrows", len(d.SVG), d.Arrows)
}

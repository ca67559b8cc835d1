package sightline

import (
	"strings"
	"testing"
	"time"
)

func archID(id int64) *int64 { return &id }

func TestCheckArchParent(t *testing.T) {
	sys := &ArchItem{ID: 1, Kind: ItemSystem, Name: "Taskly"}
	api := &ArchItem{ID: 2, Kind: ItemContainer, Name: "Task API", ParentID: archID(1)}
	upd := &ArchItem{ID: 3, Kind: ItemComponent, Name: "Update handler", ParentID: archID(2)}
	ext := &ArchItem{ID: 4, Kind: ItemExternal, Name: "Stripe"}
	cases := []struct {
		name   string
		it     ArchItem
		parent *ArchItem
		above  []int64
		want   string // substring of the parent_id message; "" for none
	}{
		{"container in a system", ArchItem{Kind: ItemContainer}, sys, nil, ""},
		{"component in a container", ArchItem{Kind: ItemComponent}, api, []int64{1}, ""},
		{"container not placed", ArchItem{Kind: ItemContainer}, nil, nil, ""},
		{"component not placed", ArchItem{Kind: ItemComponent}, nil, nil, ""},
		{"container in a container", ArchItem{Kind: ItemContainer}, api, []int64{1}, "A container sits in a system; “Task API” is a container. Choose a system."},
		{"component in a system", ArchItem{Kind: ItemComponent}, sys, nil, "A component sits in a container; “Taskly” is a system. Choose a container."},
		{"component in a component", ArchItem{Kind: ItemComponent}, upd, []int64{2, 1}, "is a component"},
		{"component in an external", ArchItem{Kind: ItemComponent}, ext, nil, "is an external system"},
		{"system with a parent", ArchItem{Kind: ItemSystem}, sys, nil, "A system is top-level"},
		{"external with a parent", ArchItem{Kind: ItemExternal}, sys, nil, "An external system stands alone"},
		{"own parent", ArchItem{ID: 2, Kind: ItemContainer}, api, []int64{1}, "cannot be its own parent"},
		{"a loop", ArchItem{ID: 1, Kind: ItemSystem}, upd, []int64{2, 1}, "“Update handler” sits inside this item; making it the parent would make a loop."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := CheckArchParent(&c.it, c.parent, c.above)
			got := p["parent_id"]
			if c.want == "" && len(p) > 0 {
				t.Fatalf("refused: %v", p)
			}
			if c.want != "" && !strings.Contains(got, c.want) {
				t.Fatalf("message %q, want %q", got, c.want)
			}
		})
	}
}

func TestCheckArchKindChange(t *testing.T) {
	if p := CheckArchKindChange(ItemContainer, ItemComponent, 0); len(p) != 0 {
		t.Errorf("an empty container cannot change kind: %v", p)
	}
	if p := CheckArchKindChange(ItemContainer, ItemContainer, 3); len(p) != 0 {
		t.Errorf("keeping the kind is refused: %v", p)
	}
	p := CheckArchKindChange(ItemContainer, ItemSystem, 3)
	if want := "3 components sit in this container, so it stays a container."; !strings.HasPrefix(p["kind"], want) {
		t.Errorf("message %q, want %q…", p["kind"], want)
	}
	p = CheckArchKindChange(ItemSystem, ItemExternal, 1)
	if want := "1 container sits in this system, so it stays a system."; !strings.HasPrefix(p["kind"], want) {
		t.Errorf("message %q, want %q…", p["kind"], want)
	}
}

func TestCheckArchItemAndRelation(t *testing.T) {
	p := CheckArchItem(&ArchItem{Kind: "box", Name: " ", Health: "fine", Technology: strings.Repeat("x", MaxArchTechnology+1)})
	for _, f := range []string{"kind", "name", "health", "technology"} {
		if p[f] == "" {
			t.Errorf("no problem for %s: %v", f, p)
		}
	}
	if p := CheckArchItem(&ArchItem{Kind: ItemSystem, Name: "Taskly", Health: HealthHealthy}); len(p) != 0 {
		t.Errorf("valid item refused: %v", p)
	}
	if p := CheckArchItem(&ArchItem{Kind: ItemSystem, Name: "Two\nlines", Health: HealthHealthy}); p["name"] == "" {
		t.Error("a name on two lines is accepted")
	}
	p = CheckRelation(5, &ArchRelation{TargetID: 5, Label: ""})
	if !strings.Contains(p["target_id"], "cannot relate to itself") || p["label"] == "" {
		t.Errorf("problems %v", p)
	}
	if p := CheckRelation(5, &ArchRelation{Label: "calls"}); p["target_id"] == "" {
		t.Error("a relation without a target is accepted")
	}
	if p := CheckRelation(5, &ArchRelation{TargetID: 6, Label: "calls", Technology: "gRPC"}); len(p) != 0 {
		t.Errorf("valid relation refused: %v", p)
	}
}

func TestArchTree(t *testing.T) {
	items := []ArchItem{
		{ID: 9, Kind: ItemExternal, Name: "Stripe"},
		{ID: 3, Kind: ItemComponent, Name: "update handler", ParentID: archID(2)},
		{ID: 2, Kind: ItemContainer, Name: "Task API", ParentID: archID(1)},
		{ID: 4, Kind: ItemContainer, Name: "Billing", ParentID: archID(1)},
		{ID: 1, Kind: ItemSystem, Name: "Taskly"},
		{ID: 5, Kind: ItemContainer, Name: "Loose"},
		{ID: 6, Kind: ItemSystem, Name: "Admin"},
		// A loop written around the store: both still listed.
		{ID: 7, Kind: ItemContainer, Name: "Loop A", ParentID: archID(8)},
		{ID: 8, Kind: ItemContainer, Name: "Loop B", ParentID: archID(7)},
	}
	var names []string
	for _, it := range ArchTreeOrder(items) {
		names = append(names, it.Name)
	}
	want := "Admin, Taskly, Billing, Task API, update handler, Loop A, Loop B, Loose, Stripe"
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("order:\n %s\nwant\n %s", got, want)
	}
	tree := ArchTree(items)
	if tree[1].Item.Name != "Taskly" || tree[1].Children[1].Children[0].Depth != 2 {
		t.Errorf("tree shape: %+v", tree[1])
	}
	sub := ArchSubtree(items, 1)
	if len(sub) != 4 || !sub[3] || sub[5] {
		t.Errorf("subtree of Taskly: %v", sub)
	}
	anc := ArchAncestors(items, 3)
	if len(anc) != 2 || anc[0].ID != 2 || anc[1].ID != 1 {
		t.Errorf("ancestors of the handler: %+v", anc)
	}
	if len(ArchAncestors(items, 7)) != 1 {
		t.Error("ancestors do not stop at a loop")
	}
}

func TestArchItemStale(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if ArchItemStale(&ArchItem{ReviewedAt: now.Add(-89 * 24 * time.Hour)}, now) {
		t.Error("89 days is stale")
	}
	if !ArchItemStale(&ArchItem{ReviewedAt: now.Add(-91 * 24 * time.Hour)}, now) {
		t.Error("91 days is not stale")
	}
}

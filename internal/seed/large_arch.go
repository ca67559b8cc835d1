package seed

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

var itemCols = []string{"workspace_id", "kind", "name", "parent_id", "technology", "owner_team", "health",
	"description", "tech_debt", "reviewed_at", "version", "created_at", "updated_at", "created_by", "updated_by"}

// itemRow is one architecture item: health mixed, some with tech-debt notes,
// reviews spread so that some are older than 90 days.
func (l *loader) itemRow(r *rand.Rand, kind, name string, parent int64, tech, team string) []any {
	health := "healthy"
	switch n := r.IntN(100); {
	case n < 10:
		health = "at_risk"
	case n < 35:
		health = "strained"
	}
	debt := ""
	if health != "healthy" || chance(r, 0.1) {
		debt = pick(r, techDebtNotes)
	}
	created := l.daysAgo(r, 200+r.IntN(600))
	reviewed := l.daysAgo(r, r.IntN(150))
	arch := pick(r, l.archs)
	return []any{l.ws, kind, name, nullID(parent), tech, team, health,
		fmt.Sprintf("%s owned by %s.", name, team), debt, reviewed, int32(1 + r.IntN(4)), created, reviewed, arch, arch}
}

// loadArchitecture creates the C4 tree in three COPYs, parents first:
// systems and external systems (no parent), containers in systems,
// components in containers.
func (l *loader) loadArchitecture(ctx context.Context) error {
	r := l.rng(streamArchitecture)
	s := l.size
	var top [][]any
	for i := range s.Systems {
		name := systemNames[i%len(systemNames)]
		if n := i / len(systemNames); n > 0 {
			name = fmt.Sprintf("%s %d", name, n+1)
		}
		top = append(top, l.itemRow(r, "system", name, 0, "", teams[i%len(teams)]))
		l.itemKind, l.itemName = append(l.itemKind, "system"), append(l.itemName, name)
	}
	for i := range s.Externals {
		top = append(top, l.itemRow(r, "external", externalNames[i], 0, "SaaS", "Vendor"))
		l.itemKind, l.itemName = append(l.itemKind, "external"), append(l.itemName, externalNames[i])
	}
	ids, err := l.copyIDs(ctx, "arch_items", itemCols, top)
	if err != nil {
		return err
	}
	l.items = ids
	systems := ids[:s.Systems]

	var containers [][]any
	var containerNames []string
	for c := range s.Containers {
		sys, role := c%s.Systems, containerRoles[c/s.Systems]
		name := l.itemName[sys] + " " + role
		containerNames = append(containerNames, name)
		containers = append(containers, l.itemRow(r, "container", name, systems[sys], containerTech[role], teams[sys%len(teams)]))
		l.itemKind, l.itemName = append(l.itemKind, "container"), append(l.itemName, name)
	}
	cids, err := l.copyIDs(ctx, "arch_items", itemCols, containers)
	if err != nil {
		return err
	}
	l.items = append(l.items, cids...)

	var components [][]any
	for k := range s.Items - s.Systems - s.Externals - s.Containers {
		c := k % s.Containers
		name := containerNames[c] + ": " + componentNouns[(k/s.Containers+c*7)%len(componentNouns)]
		components = append(components, l.itemRow(r, "component", name, cids[c], pick(r, componentTech), teams[(c%s.Systems)%len(teams)]))
		l.itemKind, l.itemName = append(l.itemKind, "component"), append(l.itemName, name)
	}
	kids, err := l.copyIDs(ctx, "arch_items", itemCols, components)
	if err != nil {
		return err
	}
	l.items = append(l.items, kids...)
	if err := l.analyze(ctx, "arch_items"); err != nil {
		return err
	}

	// Epics link to anything but whole systems; the order decides which items are hot.
	for i, k := range l.itemKind {
		if k != "system" {
			l.linkable = append(l.linkable, i)
		}
	}
	r.Shuffle(len(l.linkable), func(i, j int) { l.linkable[i], l.linkable[j] = l.linkable[j], l.linkable[i] })
	return l.loadRelations(ctx)
}

// loadRelations connects containers and components to each other and to
// external systems, one relation per ordered pair at most.
func (l *loader) loadRelations(ctx context.Context) error {
	r := l.rng(streamRelations)
	var sources []int
	for i, k := range l.itemKind {
		if k == "container" || k == "component" {
			sources = append(sources, i)
		}
	}
	seen := map[[2]int]bool{}
	var rows [][]any
	for tries := 0; len(rows) < l.size.Relations && tries < 20*l.size.Relations; tries++ {
		src, dst := pick(r, sources), pick(r, l.linkable)
		if src == dst || seen[[2]int{src, dst}] {
			continue
		}
		seen[[2]int{src, dst}] = true
		arch := pick(r, l.archs)
		created := l.daysAgo(r, 30+r.IntN(500))
		rows = append(rows, []any{l.ws, l.items[src], l.items[dst], pick(r, relationLabels), pick(r, relationTech), created, created, arch, arch})
	}
	return l.copy(ctx, "arch_relations", []string{"workspace_id", "source_id", "target_id", "label", "technology",
		"created_at", "updated_at", "created_by", "updated_by"}, rows)
}

// loadConcerns fills the NFR register and attaches each concern to a
// container and a few other items.
func (l *loader) loadConcerns(ctx context.Context) error {
	r := l.rng(streamConcerns)
	var containers []int
	for i, k := range l.itemKind {
		if k == "container" {
			containers = append(containers, i)
		}
	}
	statuses := []string{"open", "open", "open", "open", "met", "met", "met", "at_risk", "at_risk", "violated"}
	var rows [][]any
	var subjects []int
	for i := range l.size.Concerns {
		cat := nfrCategories[i%len(nfrCategories)]
		subject := pick(r, containers)
		subjects = append(subjects, subject)
		arch := pick(r, l.archs)
		created := l.daysAgo(r, 30+r.IntN(400))
		rows = append(rows, []any{l.ws, cat, fmt.Sprintf(concernTemplates[cat], l.itemName[subject]),
			"Peak traffic on a Monday morning, 10× today's teams", "The system keeps serving without manual steps",
			"Measured by the SLO dashboard", "p99 < 300 ms, 99.95% available", fmt.Sprintf("%d ms, %.2f%%", 150+r.IntN(600), 99.5+r.Float64()/2),
			pick(r, statuses), created, created, arch, arch})
		l.concernOf = append(l.concernOf, cat)
	}
	var err error
	if l.concerns, err = l.copyIDs(ctx, "nfr_concerns", []string{"workspace_id", "category", "title", "stimulus", "response",
		"measure", "target", "current_value", "status", "created_at", "updated_at", "created_by", "updated_by"}, rows); err != nil {
		return err
	}
	var attached [][]any
	for c, id := range l.concerns {
		on := map[int]bool{subjects[c]: true}
		for range r.IntN(4) {
			on[pick(r, l.linkable)] = true
		}
		for _, i := range slices.Sorted(maps.Keys(on)) {
			attached = append(attached, []any{l.ws, id, l.items[i]})
		}
	}
	return l.copy(ctx, "concern_items", []string{"workspace_id", "concern_id", "item_id"}, attached)
}

// loadLinks creates the epic ↔ item links, one per pair; a few items are
// touched by many epics.
func (l *loader) loadLinks(ctx context.Context) error {
	r := l.rng(streamLinks)
	seen := map[[2]int]bool{}
	var rows [][]any
	for len(rows) < l.size.Links {
		e, i := r.IntN(len(l.epics)), l.linkable[skewed(r, len(l.linkable), 1.6)]
		if seen[[2]int{e, i}] {
			continue
		}
		seen[[2]int{e, i}] = true
		kind := "depends_on"
		if l.itemKind[i] != "external" {
			kind = pick(r, []string{"new", "new", "new", "change", "change", "change", "change", "change", "change", "change", "change",
				"extend", "extend", "extend", "extend", "extend", "retire", "depends_on", "depends_on", "depends_on"})
		}
		note := ""
		if chance(r, 0.3) {
			note = "Touches " + l.itemName[i] + "; coordinate with its owners."
		}
		arch := pick(r, l.archs)
		created := l.daysAgo(r, r.IntN(400))
		rows = append(rows, []any{l.ws, l.epics[e], l.items[i], kind, note, created, created, arch, arch})
	}
	return l.copy(ctx, "epic_arch_links", []string{"workspace_id", "epic_id", "item_id", "change_kind", "note",
		"created_at", "updated_at", "created_by", "updated_by"}, rows)
}

// loadImpacts attaches NFR impacts to epics; about a third name a concern
// of the same category, and some are high or blocking.
func (l *loader) loadImpacts(ctx context.Context) error {
	r := l.rng(streamImpacts)
	byCategory := map[string][]int64{}
	for c, cat := range l.concernOf {
		byCategory[cat] = append(byCategory[cat], l.concerns[c])
	}
	levels := []string{"low", "low", "low", "low", "low", "low", "low", "medium", "medium", "medium", "medium", "medium", "medium", "medium",
		"high", "high", "high", "high", "blocking", "blocking"}
	hot := map[int]bool{}
	var rows [][]any
	for range l.size.Impacts {
		e := r.IntN(len(l.epics))
		cat, level := pick(r, nfrCategories), pick(r, levels)
		var concern int64
		if list := byCategory[cat]; len(list) > 0 && chance(r, 0.35) {
			concern = pick(r, list)
		}
		if (level == "high" || level == "blocking") && !hot[e] {
			hot[e] = true
			l.hotEpics = append(l.hotEpics, e)
		}
		arch := pick(r, l.archs)
		created := l.daysAgo(r, r.IntN(400))
		rows = append(rows, []any{l.ws, l.epics[e], cat, nullID(concern), level,
			"Adds load on the " + cat + " budget of the parts this epic touches.",
			pick(r, []string{"", "Load test before launch.", "Needs a capacity plan.", "Partition the hot table first.", "Add an idempotency key."}),
			created, created, arch, arch})
	}
	return l.copy(ctx, "nfr_impacts", []string{"workspace_id", "epic_id", "category", "concern_id", "level", "note", "required_work",
		"created_at", "updated_at", "created_by", "updated_by"}, rows)
}

// loadDecisions creates the decision log (ADR-0001…), with stances and
// links; a few decisions are superseded by a later, accepted one.
func (l *loader) loadDecisions(ctx context.Context) error {
	r := l.rng(streamDecisions)
	n := l.size.Decisions
	status := make([]string, n)
	statuses := []string{"accepted", "accepted", "accepted", "accepted", "accepted", "accepted", "proposed", "proposed", "rejected", "deprecated"}
	for i := range status {
		status[i] = pick(r, statuses)
	}
	// superseded[i] is the index of the decision replacing decision i.
	superseded := map[int]int{}
	for range max(1, n/50) {
		if n < 2 {
			break
		}
		i := r.IntN(n - 1)
		if _, done := superseded[i]; done {
			continue
		}
		j := i + 1 + r.IntN(min(50, n-1-i))
		superseded[i] = j
		if _, alsoOld := superseded[j]; !alsoOld {
			status[j] = "accepted"
		}
	}
	var rows [][]any
	for i := range n {
		title := fill(r, pick(r, decisionTemplates))
		l.decisionTitle = append(l.decisionTitle, title)
		arch := pick(r, l.archs)
		st := status[i]
		if _, ok := superseded[i]; ok {
			st = "accepted" // becomes superseded below, once the successor has an id
		}
		var decidedOn, revisit any
		created := l.daysAgo(r, r.IntN(60))
		if st != "proposed" {
			d := l.daysAgo(r, 10+(n-i)*700/n)
			created, decidedOn = d.AddDate(0, 0, -r.IntN(14)), d
			if chance(r, 0.2) {
				revisit = d.AddDate(0, 0, 180)
			}
		}
		rows = append(rows, []any{l.ws, int32(i + 1), title, st,
			"Context: " + strings.ToLower(title) + " came up while reviewing " + pick(r, systemNames) + ".",
			"1. Keep what we have\n2. " + title + "\n3. Buy a managed service",
			title + ".", "Teams touching " + pick(r, systemNames) + " follow the new pattern; the old one is retired within two quarters.",
			pick(r, tradeoffs), arch, decidedOn, revisit, created, created, arch, arch})
	}
	var err error
	cols := []string{"workspace_id", "number", "title", "status", "context", "options", "decision", "consequences",
		"tradeoff", "decided_by", "decided_on", "revisit_on", "created_at", "updated_at", "created_by", "updated_by"}
	if l.decisions, err = l.copyIDs(ctx, "decisions", cols, rows); err != nil {
		return err
	}
	if err := l.analyze(ctx, "decisions"); err != nil {
		return err
	}
	var olds, news []int64
	for i, j := range superseded {
		olds, news = append(olds, l.decisions[i]), append(news, l.decisions[j])
	}
	tag, err := l.tx.Exec(ctx, `
		UPDATE decisions d SET status = 'superseded', superseded_by_id = v.successor
		FROM unnest($2::bigint[], $3::bigint[]) AS v (id, successor)
		WHERE d.workspace_id = $1 AND d.id = v.id`, l.ws, olds, news)
	if err != nil || tag.RowsAffected() != int64(len(olds)) {
		return fmt.Errorf("seed.Large: supersede decisions: %v (%d rows)", err, tag.RowsAffected())
	}
	if _, err := l.tx.Exec(ctx, `INSERT INTO decision_counters (workspace_id, last_number) VALUES ($1, $2)`, l.ws, n); err != nil {
		return fmt.Errorf("seed.Large: decision counter: %w", err)
	}
	l.counted("decision_counters", 1)
	return l.loadDecisionLinks(ctx, r)
}

// loadDecisionLinks records stances (agree, disagree-and-commit, object with
// a reason) and what each decision is about.
func (l *loader) loadDecisionLinks(ctx context.Context, r *rand.Rand) error {
	people := append(append(append([]int64{}, l.archs...), l.engs...), l.pms...)
	var stances, epics, items, concerns, shifts [][]any
	for _, d := range l.decisions {
		if chance(r, 0.6) {
			for _, p := range r.Perm(len(people))[:1+r.IntN(min(3, len(people)))] {
				stance, reason := "agree", ""
				switch n := r.IntN(10); {
				case n == 0:
					stance, reason = "object", "The migration risk is underestimated; we have no rollback plan."
				case n <= 2:
					stance, reason = "disagree_and_commit", "I would have waited a quarter, but the trade-off is fair."
				}
				at := l.daysAgo(r, r.IntN(300))
				stances = append(stances, []any{l.ws, d, people[p], stance, reason, at, at})
			}
		}
		if chance(r, 0.45) {
			on := map[int]bool{}
			for range 1 + r.IntN(2) {
				if len(l.hotEpics) > 0 && chance(r, 0.6) {
					on[pick(r, l.hotEpics)] = true
				} else {
					on[r.IntN(len(l.epics))] = true
				}
			}
			for _, e := range slices.Sorted(maps.Keys(on)) {
				epics = append(epics, []any{l.ws, d, l.epics[e]})
			}
		}
		if chance(r, 0.5) {
			on := map[int]bool{}
			for range 1 + r.IntN(2) {
				on[pick(r, l.linkable)] = true
			}
			for _, i := range slices.Sorted(maps.Keys(on)) {
				items = append(items, []any{l.ws, d, l.items[i]})
			}
		}
		if chance(r, 0.15) {
			concerns = append(concerns, []any{l.ws, d, pick(r, l.concerns)})
		}
		if chance(r, 0.05) {
			shifts = append(shifts, []any{l.ws, d, pick(r, l.shifts)})
		}
	}
	if err := l.copy(ctx, "decision_stances", []string{"workspace_id", "decision_id", "user_id", "stance", "reason", "created_at", "updated_at"}, stances); err != nil {
		return err
	}
	for _, t := range []struct {
		table, col string
		rows       [][]any
	}{{"decision_epics", "epic_id", epics}, {"decision_items", "item_id", items}, {"decision_concerns", "concern_id", concerns}, {"decision_shifts", "shift_id", shifts}} {
		if err := l.copy(ctx, t.table, []string{"workspace_id", "decision_id", t.col}, t.rows); err != nil {
			return err
		}
	}
	return nil
}

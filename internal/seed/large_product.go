package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Random streams, one per generated table group (see loader.rng).
const (
	streamStrategy = iota + 1
	streamInitiatives
	streamEpics
	streamArchitecture
	streamRelations
	streamConcerns
	streamLinks
	streamImpacts
	streamRoadmap
	streamPains
	streamDecisions
	streamActivity
)

// quarterAt is the quarter rel quarters from the current one, clamped to the generated range.
func (l *loader) quarterAt(rel int) quarter {
	return l.quarters[max(0, min(len(l.quarters)-1, rel+4))]
}

// loadStrategy creates goals, the strategy-shift log (the newest shift not
// yet acknowledged by any architect) and the acknowledgements.
func (l *loader) loadStrategy(ctx context.Context) error {
	r := l.rng(streamStrategy)
	owner, pm := l.member["owner"], l.member["pm"]
	var goals [][]any
	for i := range l.size.Goals {
		g := goalTemplates[i%len(goalTemplates)]
		title := g.title
		if n := i / len(goalTemplates); n > 0 {
			title = fmt.Sprintf("%s (%d)", title, n+1)
		}
		created := l.daysAgo(r, 200+r.IntN(300))
		due := l.quarterAt(1 + r.IntN(4)).end
		goals = append(goals, []any{l.ws, title, g.metric, g.unit, g.baseline, g.target, g.current, due, created, created, owner, owner})
	}
	var err error
	l.goals, err = l.copyIDs(ctx, "goals", []string{"workspace_id", "title", "metric", "unit", "baseline", "target",
		"current_value", "due_on", "created_at", "updated_at", "created_by", "updated_by"}, goals)
	if err != nil {
		return err
	}

	var shifts [][]any
	n := l.size.Shifts
	for i := range n {
		t := shiftTemplates[i%len(shiftTemplates)]
		on := l.now.AddDate(0, 0, -20-100*(n-1-i))
		on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
		l.shiftDates = append(l.shiftDates, on)
		shifts = append(shifts, []any{l.ws, t.title, t.narrative, t.from, t.to, on, pm, on, on, pm})
	}
	if l.shifts, err = l.copyIDs(ctx, "strategy_shifts", []string{"workspace_id", "title", "narrative", "from_phase", "to_phase",
		"shifted_on", "logged_by", "created_at", "updated_at", "updated_by"}, shifts); err != nil {
		return err
	}
	// The first architect has acknowledged all but the newest shift, the
	// others all but the newest two.
	var acks [][]any
	for a, arch := range l.archs {
		for i := range n - 1 - min(a, 1) {
			acks = append(acks, []any{l.ws, l.shifts[i], arch,
				"Assessed: " + strings.ToLower(shiftTemplates[i%len(shiftTemplates)].title) + " moves our NFR priorities; tracked in the concerns register.",
				l.shiftDates[i].AddDate(0, 0, 1+r.IntN(10))})
		}
	}
	return l.copy(ctx, "shift_acknowledgements", []string{"workspace_id", "shift_id", "user_id", "assessment", "created_at"}, acks)
}

// loadInitiatives creates the initiatives, most with a goal, some prompted by a shift.
func (l *loader) loadInitiatives(ctx context.Context) error {
	r := l.rng(streamInitiatives)
	drivers := []string{"growth", "retention", "stability", "profitability"}
	horizons := []string{"now", "now", "next", "next", "later"}
	var rows [][]any
	for i := range l.size.Initiatives {
		title := initiativeTitles[i%len(initiativeTitles)]
		if n := i / len(initiativeTitles); n > 0 {
			title = fmt.Sprintf("%s %d", title, n+1)
		}
		var goal, shift int64
		if chance(r, 0.6) {
			goal = pick(r, l.goals)
		}
		if chance(r, 0.5) {
			shift = pick(r, l.shifts)
		}
		owner := pick(r, l.pms)
		created := l.daysAgo(r, 100+r.IntN(500))
		rows = append(rows, []any{l.ws, title, "Why we invest in " + strings.ToLower(title) + ", and how we will know it worked.",
			pick(r, drivers), pick(r, horizons), nullID(goal), nullID(shift), owner, l.daysAgo(r, r.IntN(200)),
			created, created, owner, owner})
	}
	var err error
	l.initiatives, err = l.copyIDs(ctx, "initiatives", []string{"workspace_id", "title", "description", "driver", "horizon",
		"goal_id", "shift_id", "owner_id", "validated_at", "created_at", "updated_at", "created_by", "updated_by"}, rows)
	return err
}

// epicStatus draws a status fitting the epic's quarter: the past is mostly
// done, the current quarter in progress, the far future ideas.
func epicStatus(r *rand.Rand, rel int, placed bool) string {
	type w struct {
		status string
		weight int
	}
	var table []w
	switch {
	case !placed || rel >= 3:
		table = []w{{"idea", 50}, {"discovery", 35}, {"ready", 5}, {"dropped", 10}}
	case rel < 0:
		table = []w{{"done", 60}, {"dropped", 10}, {"in_progress", 15}, {"ready", 5}, {"discovery", 5}, {"idea", 5}}
	case rel == 0:
		table = []w{{"in_progress", 40}, {"ready", 20}, {"done", 15}, {"discovery", 15}, {"idea", 5}, {"dropped", 5}}
	default:
		table = []w{{"ready", 25}, {"discovery", 35}, {"idea", 25}, {"in_progress", 10}, {"dropped", 5}}
	}
	total := 0
	for _, t := range table {
		total += t.weight
	}
	n := r.IntN(total)
	for _, t := range table {
		if n < t.weight {
			return t.status
		}
		n -= t.weight
	}
	return "idea"
}

// fill replaces the placeholders of a template: {obj} (what teams work on),
// {seg} (a customer segment), {sys} (a part of the system), {tech} and {n}.
func fill(r *rand.Rand, tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		switch tmpl[i+1 : j] {
		case "obj":
			b.WriteString(pick(r, epicObjects))
		case "seg":
			b.WriteString(pick(r, segments))
		case "sys":
			b.WriteString(pick(r, systemNames) + " " + pick(r, containerRoles))
		case "tech":
			b.WriteString(pick(r, decisionTech))
		case "n":
			b.WriteString(strconv.Itoa(20 + r.IntN(480)))
		default:
			b.WriteString(tmpl[i : j+1])
		}
		tmpl = tmpl[j+1:]
	}
}

// loadEpics creates the epics: product and enabler (about a quarter),
// spread over the quarters, with statuses, estimates, commitments and
// feasibility check-ins that satisfy the database's rules.
func (l *loader) loadEpics(ctx context.Context) error {
	r := l.rng(streamEpics)
	techPeople := append(append([]int64{}, l.archs...), l.engs...)
	sizes := []string{"XS", "S", "M", "M", "L", "XL"}
	seen := map[string]bool{}
	var rows [][]any
	for range l.size.Epics {
		qi := r.IntN(len(l.quarters))
		placed := !chance(r, 0.03)
		q := l.quarters[qi]
		status := epicStatus(r, q.rel, placed)
		kind := "product"
		if chance(r, 0.25) {
			kind = "enabler"
		}
		var title string
		for try := 0; ; try++ {
			if kind == "enabler" {
				title = fill(r, pick(r, enablerTemplates))
			} else {
				title = pick(r, epicActions) + " " + pick(r, epicObjects) + pick(r, epicQualifiers)
			}
			if !seen[title] {
				break
			}
			if try > 20 {
				title = fmt.Sprintf("%s (%d)", title, len(rows)+1)
				break
			}
		}
		seen[title] = true
		enables := ""
		if kind == "enabler" {
			enables = fill(r, pick(r, enablesTemplates))
		}
		created := l.daysAgo(r, 30+r.IntN(700))
		age := int(l.now.Sub(created).Hours() / 24)
		updated := created.AddDate(0, 0, r.IntN(age+1))
		reviewed := l.daysAgo(r, r.IntN(121))
		if reviewed.Before(created) {
			reviewed = created
		}
		pmOwner := pick(r, l.pms)
		var techOwner int64
		if chance(r, 0.7) {
			techOwner = pick(r, techPeople)
		}

		estimated := map[string]float64{"idea": 0.15, "discovery": 0.5, "ready": 0.95, "in_progress": 0.95, "done": 0.95, "dropped": 0.3}[status]
		var size, estNote any = nil, ""
		var estBy any
		var estAt any
		if chance(r, estimated) {
			size, estNote, estBy, estAt = pick(r, sizes), pick(r, estimateNotes), pick(r, techPeople), created.AddDate(0, 0, r.IntN(age+1))
		}
		var committed any
		if size != nil && placed && q.rel <= 2 && (status == "ready" || status == "in_progress" || status == "done") && chance(r, 0.6) {
			committed = q.end.AddDate(0, 0, -r.IntN(30))
		}
		feas := "not_requested"
		switch status {
		case "ready", "in_progress", "done":
			feas = "done"
			if chance(r, 0.15) {
				feas = "waived"
			}
		case "discovery":
			feas = pick(r, []string{"not_requested", "not_requested", "requested", "requested", "done"})
		case "idea":
			if chance(r, 0.2) {
				feas = "requested"
			}
		case "dropped":
			feas = pick(r, []string{"not_requested", "not_requested", "done", "waived"})
		}
		var feasNote string
		var feasBy, feasAt any
		if feas == "done" || feas == "waived" {
			feasNote, feasBy, feasAt = pick(r, feasibilityNotes), pick(r, l.archs), created.AddDate(0, 0, r.IntN(age+1))
		}
		var impact, effort any
		if status != "idea" || chance(r, 0.7) {
			impact, effort = int16(1+r.IntN(5)), int16(1+r.IntN(5))
		}
		var initiative, shift int64
		if chance(r, 0.9) {
			initiative = pick(r, l.initiatives)
		}
		if chance(r, 0.1) {
			shift = pick(r, l.shifts)
		}
		var quarterLabel any
		if placed {
			quarterLabel = q.label
		}
		l.epicTitle = append(l.epicTitle, title)
		l.epicQuarter = append(l.epicQuarter, map[bool]int{true: qi, false: -1}[placed])
		l.epicStatus = append(l.epicStatus, status)
		rows = append(rows, []any{l.ws, nullID(initiative), kind, title, fill(r, pick(r, problemTemplates)),
			fill(r, pick(r, whyNowTemplates)), enables, fill(r, pick(r, successTemplates)), status,
			pmOwner, nullID(techOwner), size, estNote, estBy, estAt, impact, effort, quarterLabel, committed,
			feas, feasNote, feasBy, feasAt, nullID(shift), reviewed, reviewed, int32(1 + r.IntN(6)),
			created, updated, pmOwner, pmOwner})
	}
	var err error
	l.epics, err = l.copyIDs(ctx, "epics", []string{"workspace_id", "initiative_id", "kind", "title", "problem",
		"why_now", "enables", "success_criteria", "status",
		"pm_owner_id", "tech_owner_id", "estimate_size", "estimate_note", "estimated_by", "estimated_at", "impact", "effort", "target_quarter", "committed_on",
		"feasibility", "feasibility_note", "feasibility_by", "feasibility_at", "shift_id", "validated_at", "reviewed_at", "version",
		"created_at", "updated_at", "created_by", "updated_by"}, rows)
	if err != nil {
		return err
	}
	return l.analyze(ctx, "epics")
}

// loadRoadmap creates themes, releases and milestones across the quarters
// and links about a third of the placed epics to one that overlaps their quarter.
func (l *loader) loadRoadmap(ctx context.Context) error {
	r := l.rng(streamRoadmap)
	milestones := []string{"General availability of usage billing", "SOC 2 Type II audit", "EU region live", "Mobile 5.0 launch", "Public API v2"}
	type span struct{ start, end time.Time }
	var spans []span
	var rows [][]any
	n := l.size.RoadmapItems
	for i := range n {
		qi := i * len(l.quarters) / n
		q := l.quarters[qi]
		var kind, title string
		start, end := q.start, q.end
		switch i % 3 {
		case 0:
			kind, title = "theme", roadmapThemes[(i/3)%len(roadmapThemes)]
			end = l.quarters[min(len(l.quarters)-1, qi+2)].end
		case 1:
			kind, title = "release", "Release "+q.label
		default:
			kind, title = "milestone", milestones[(i/3)%len(milestones)]
			start = q.end.AddDate(0, 0, -14)
		}
		if i >= 3*len(milestones) {
			title = fmt.Sprintf("%s (%d)", title, i+1)
		}
		conf := "exploring"
		switch {
		case q.rel <= 0:
			conf = "committed"
		case q.rel <= 2:
			conf = "planned"
		}
		spans = append(spans, span{start, end})
		created := l.daysAgo(r, 60+r.IntN(300))
		rows = append(rows, []any{l.ws, kind, title, "What ships in " + title + " and why it matters.", start, end, conf,
			created, created, l.member["pm"], l.member["pm"]})
	}
	var err error
	if l.roadmap, err = l.copyIDs(ctx, "roadmap_items", []string{"workspace_id", "kind", "title", "description", "starts_on", "ends_on",
		"confidence", "created_at", "updated_at", "created_by", "updated_by"}, rows); err != nil {
		return err
	}
	var links [][]any
	for e, qi := range l.epicQuarter {
		if qi < 0 || !chance(r, 0.35) {
			continue
		}
		q := l.quarters[qi]
		var fits []int64
		for i, s := range spans {
			if !s.start.After(q.end) && !s.end.Before(q.start) {
				fits = append(fits, l.roadmap[i])
			}
		}
		if len(fits) > 0 {
			links = append(links, []any{l.ws, l.epics[e], pick(r, fits), l.now, l.member["pm"]})
		}
	}
	return l.copy(ctx, "epic_roadmap_items", []string{"workspace_id", "epic_id", "roadmap_item_id", "created_at", "created_by"}, links)
}

// loadPains creates the customer-pain notes and links each to one or two
// epics; some epics collect many pains.
func (l *loader) loadPains(ctx context.Context) error {
	r := l.rng(streamPains)
	var rows [][]any
	for range l.size.Pains {
		quote := fill(r, pick(r, painQuotes))
		l.painQuote = append(l.painQuote, quote)
		source := pick(r, painSources)
		firsthand := source == "interview" || source == "sales" || chance(r, 0.2)
		heard := l.now.AddDate(0, 0, -r.IntN(730))
		heardOn := time.Date(heard.Year(), heard.Month(), heard.Day(), 0, 0, 0, 0, time.UTC)
		created := heardOn.Add(time.Duration(8+r.IntN(48)) * time.Hour)
		if created.After(l.now) {
			created = l.now
		}
		pm := pick(r, l.pms)
		severity := int16(min(5, 1+r.IntN(3)+r.IntN(3)))
		rows = append(rows, []any{l.ws, quote, source, pick(r, customers), pick(r, segments), severity,
			pick(r, painFrequencies), firsthand, pick(r, hearers), heardOn, pick(r, qualityAttributes), created, created, pm, pm})
	}
	var err error
	if l.pains, err = l.copyIDs(ctx, "pain_notes", []string{"workspace_id", "quote", "source", "customer", "segment", "severity",
		"frequency", "firsthand", "heard_by", "heard_on", "quality_attribute", "created_at", "updated_at", "created_by", "updated_by"}, rows); err != nil {
		return err
	}
	if err := l.analyze(ctx, "pain_notes"); err != nil {
		return err
	}
	hot := r.Perm(len(l.epics))
	epic := func() int {
		if chance(r, 0.4) {
			return hot[skewed(r, len(hot), 1.4)]
		}
		return r.IntN(len(l.epics))
	}
	links := make([][]any, 0, len(l.pains)*13/10)
	for _, p := range l.pains {
		first := epic()
		links = append(links, []any{l.ws, l.epics[first], p, l.now, l.member["pm"]})
		if chance(r, 0.3) && len(l.epics) > 1 {
			second := epic()
			for second == first {
				second = r.IntN(len(l.epics))
			}
			links = append(links, []any{l.ws, l.epics[second], p, l.now, l.member["pm"]})
		}
	}
	return l.copy(ctx, "epic_pains", []string{"workspace_id", "epic_id", "pain_id", "created_at", "created_by"}, links)
}

package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// loadActivity writes the history: edits, status changes, estimates,
// check-ins, links, new pains, architecture reviews and decisions, by the
// member whose role does that, newer entries more frequent than older ones.
func (l *loader) loadActivity(ctx context.Context) error {
	r := l.rng(streamActivity)
	change := func(field string, from, to any) json.RawMessage {
		b, _ := json.Marshal(map[string]sightline.Change{field: {From: from, To: to}})
		return b
	}
	rows := make([][]any, 0, l.size.Activity)
	for range l.size.Activity {
		at := l.now.Add(-time.Duration(math.Pow(r.Float64(), 2) * 365 * 24 * float64(time.Hour)))
		var (
			actor         int64
			verb, kind    string
			item          int64
			summary       string
			changes       = json.RawMessage("{}")
			e, i, p, d, g = r.IntN(len(l.epics)), pick(r, l.linkable), r.IntN(len(l.pains)), r.IntN(len(l.decisions)), r.IntN(len(l.initiatives))
		)
		switch k := r.IntN(100); {
		case k < 40:
			kind, item, summary = "epic", l.epics[e], l.epicTitle[e]
			switch r.IntN(5) {
			case 0:
				verb, actor, changes = "epic.updated", pick(r, l.pms), change("why_now", "", "Renewals of our largest accounts are due next quarter.")
			case 1:
				verb, actor, changes = "epic.status_changed", pick(r, l.pms), change("status", "discovery", l.epicStatus[e])
			case 2:
				verb, actor, changes = "epic.estimated", pick(r, l.engs), change("estimate_size", nil, pick(r, []string{"S", "M", "L"}))
			case 3:
				verb, actor, changes = "epic.feasibility_recorded", pick(r, l.archs), change("feasibility", "requested", "done")
			default:
				verb, actor, changes = "pain.linked", pick(r, l.pms), change("pain", nil, painSummary(l.painQuote[p]))
			}
		case k < 55:
			verb, kind, item, summary, actor = "pain.created", "pain", l.pains[p], painSummary(l.painQuote[p]), pick(r, l.pms)
		case k < 65:
			kind, item, summary, actor = "arch_item", l.items[i], l.itemName[i], pick(r, l.archs)
			if chance(r, 0.5) {
				verb, changes = "arch_item.updated", change("health", "healthy", "strained")
			} else {
				verb, changes = "arch_item.reviewed", change("reviewed_at", nil, at.Format(time.DateOnly))
			}
		case k < 75:
			verb, kind, item, summary, actor = "archlink.added", "epic", l.epics[e], l.itemName[i], pick(r, l.archs)
			changes = change("item", nil, l.itemName[i])
		case k < 82:
			cat := pick(r, nfrCategories)
			verb, kind, item, actor = "impact.added", "epic", l.epics[e], pick(r, l.archs)
			summary, changes = sightline.NFRCategoryLabel(cat)+" · high", change("level", nil, "high")
		case k < 92:
			kind, item, actor = "decision", l.decisions[d], pick(r, l.archs)
			summary = fmt.Sprintf("ADR-%04d: %s", d+1, l.decisionTitle[d])
			verb = pick(r, []string{"decision.created", "decision.updated", "decision.stance_recorded", "decision.linked"})
		default:
			verb, kind, item, actor = "initiative.updated", "initiative", l.initiatives[g], pick(r, l.pms)
			summary, changes = initiativeTitles[g%len(initiativeTitles)], change("horizon", "next", "now")
		}
		rows = append(rows, []any{l.ws, actor, verb, kind, item, summary, changes, at})
	}
	return l.copy(ctx, "activity", []string{"workspace_id", "actor_id", "verb", "item_type", "item_id", "summary", "changes", "created_at"}, rows)
}

// painSummary shortens a quote for the activity feed, as the store does.
func painSummary(quote string) string {
	if r := []rune(quote); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return quote
}

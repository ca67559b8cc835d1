package postgres

import (
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// The history diffs: what a save changed, field by field, as the activity
// row records it (sightline.Activity.Changes). Names, not ids, where a
// person reads them (the initiative's title, the owner's name).

// changes collects the fields that differ between the saved row and the new one.
type changes map[string]sightline.Change

// text records a text field that changed; an empty side is recorded as null.
func (c changes) text(field, from, to string) {
	if from != to {
		c[field] = sightline.Change{From: epicNilIfEmpty(from), To: epicNilIfEmpty(to)}
	}
}

// value records a comparable value that changed, as it is.
func (c changes) value(field string, from, to any) {
	if from != to {
		c[field] = sightline.Change{From: from, To: to}
	}
}

// archItemChanges lists the fields that differ between two saved items,
// with names rather than ids, for the history.
func archItemChanges(a, b *sightline.ArchItem) map[string]sightline.Change {
	c := changes{}
	c.text("kind", string(a.Kind), string(b.Kind))
	c.text("name", a.Name, b.Name)
	c.text("parent", a.ParentName, b.ParentName)
	c.text("technology", a.Technology, b.Technology)
	c.text("owner_team", a.OwnerTeam, b.OwnerTeam)
	c.text("health", string(a.Health), string(b.Health))
	c.text("description", a.Description, b.Description)
	c.text("tech_debt", a.TechDebt, b.TechDebt)
	return c
}

// epicChanges lists the fields that differ between two saved epics, with
// names rather than ids, for the history.
func epicChanges(a, b *sightline.Epic) map[string]sightline.Change {
	c := changes{}
	c.text("kind", string(a.Kind), string(b.Kind))
	c.text("title", a.Title, b.Title)
	c.text("problem", a.Problem, b.Problem)
	c.text("why_now", a.WhyNow, b.WhyNow)
	c.text("enables", a.Enables, b.Enables)
	c.text("success_criteria", a.SuccessCriteria, b.SuccessCriteria)
	c.text("status", string(a.Status), string(b.Status))
	c.text("initiative", a.InitiativeTitle, b.InitiativeTitle)
	c.text("pm_owner", a.PMOwnerName, b.PMOwnerName)
	c.text("tech_owner", a.TechOwnerName, b.TechOwnerName)
	c.text("estimate", a.EstimateSize, b.EstimateSize)
	c.text("estimate_note", a.EstimateNote, b.EstimateNote)
	c.text("impact", epicIntText(a.Impact), epicIntText(b.Impact))
	c.text("effort", epicIntText(a.Effort), epicIntText(b.Effort))
	c.text("target_quarter", a.TargetQuarter, b.TargetQuarter)
	c.text("committed_on", epicDateText(a), epicDateText(b))
	if a.Feasibility != "" || b.Feasibility != sightline.FeasibilityNotRequested {
		c.text("feasibility", string(a.Feasibility), string(b.Feasibility))
	}
	c.text("feasibility_note", a.FeasibilityNote, b.FeasibilityNote)
	c.text("shift", a.ShiftTitle, b.ShiftTitle)
	return c
}

func initiativeChanges(old, in *sightline.Initiative) map[string]sightline.Change {
	c := changes{}
	c.value("title", old.Title, in.Title)
	c.value("description", old.Description, in.Description)
	c.value("driver", string(old.Driver), string(in.Driver))
	c.value("horizon", string(old.Horizon), string(in.Horizon))
	c.value("goal_id", idValue(old.GoalID), idValue(in.GoalID))
	c.value("shift_id", idValue(old.ShiftID), idValue(in.ShiftID))
	c.value("owner_id", idValue(old.OwnerID), idValue(in.OwnerID))
	return c
}

// painChanges lists the fields that differ between the saved note and the new one.
func painChanges(old, n *sightline.PainNote) map[string]sightline.Change {
	c := changes{}
	c.value("quote", old.Quote, n.Quote)
	c.value("source", string(old.Source), string(n.Source))
	c.value("customer", old.Customer, n.Customer)
	c.value("segment", old.Segment, n.Segment)
	c.value("severity", old.Severity, n.Severity)
	c.value("frequency", old.Frequency, n.Frequency)
	c.value("firsthand", old.Firsthand, n.Firsthand)
	c.value("heard_by", old.HeardBy, n.HeardBy)
	c.value("heard_on", old.HeardOn.Format(time.DateOnly), n.HeardOn.Format(time.DateOnly))
	c.value("quality_attribute", old.QualityAttribute, n.QualityAttribute)
	return c
}

// concernChanges lists the fields that differ between two concerns.
func concernChanges(a, b *sightline.Concern) map[string]sightline.Change {
	c := changes{}
	c.text("category", a.Category, b.Category)
	c.text("title", a.Title, b.Title)
	c.text("stimulus", a.Stimulus, b.Stimulus)
	c.text("response", a.Response, b.Response)
	c.text("measure", a.Measure, b.Measure)
	c.text("target", a.Target, b.Target)
	c.text("current", a.Current, b.Current)
	c.text("status", a.Status, b.Status)
	return c
}

// impactChanges lists the fields that differ, the concern by its title.
func impactChanges(a, b *sightline.NFRImpact) map[string]sightline.Change {
	c := changes{}
	c.text("category", a.Category, b.Category)
	c.text("level", a.Level, b.Level)
	if !epicEqID(a.ConcernID, b.ConcernID) {
		c.text("concern", a.ConcernTitle, b.ConcernTitle)
	}
	c.text("note", a.Note, b.Note)
	c.text("required_work", a.RequiredWork, b.RequiredWork)
	return c
}

// idValue is an optional id as a comparable activity value (nil when unset).
func idValue(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// decisionChanges lists the fields that differ between two saved decisions,
// with names rather than ids, for the history.
func decisionChanges(a, b *sightline.Decision) map[string]sightline.Change {
	c := changes{}
	c.text("title", a.Title, b.Title)
	c.text("status", a.Status, b.Status)
	c.text("context", a.Context, b.Context)
	c.text("options", a.Options, b.Options)
	c.text("decision", a.Decision, b.Decision)
	c.text("consequences", a.Consequences, b.Consequences)
	c.text("tradeoff", a.Tradeoff, b.Tradeoff)
	c.text("decided_by", a.DecidedByName, b.DecidedByName)
	c.text("decided_on", nilDate(a.DecidedOn), nilDate(b.DecidedOn))
	c.text("revisit_on", nilDate(a.RevisitOn), nilDate(b.RevisitOn))
	if a.SupersededByNumber != b.SupersededByNumber {
		c.text("superseded_by", refOrEmpty(a.SupersededByNumber), refOrEmpty(b.SupersededByNumber))
	}
	return c
}

// roadmapChanges lists the fields that differ between two roadmap items.
func roadmapChanges(a, b *sightline.RoadmapItem) map[string]sightline.Change {
	c := changes{}
	day := func(it *sightline.RoadmapItem, end bool) string {
		t := it.StartsOn
		if end {
			t = it.EndsOn
		}
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	c.text("kind", a.Kind, b.Kind)
	c.text("title", a.Title, b.Title)
	c.text("description", a.Description, b.Description)
	c.text("starts_on", day(a, false), day(b, false))
	c.text("ends_on", day(a, true), day(b, true))
	c.text("confidence", a.Confidence, b.Confidence)
	return c
}

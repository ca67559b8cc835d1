package sightline

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file holds every rule about decisions (DESIGN.md §2 idea 8: trade-offs
// are explicit and dissent is recorded). Handlers call these to explain a
// refusal next to the right field; the store calls the status rules again
// under a row lock; the database CHECK constraints back up the limits.

// Decision is an architecture decision record, numbered per workspace.
type Decision struct {
	ID                 int64
	WorkspaceID        int64
	Number             int
	Title              string
	Status             string
	Context            string // markdown
	Options            string // markdown
	Decision           string // markdown
	Consequences       string // markdown
	Tradeoff           string
	DecidedByID        *int64
	DecidedByName      string
	DecidedOn          *time.Time
	RevisitOn          *time.Time
	SupersededByID     *int64
	SupersededByNumber int
	Supersedes         []DecisionRef // decisions this one replaced
	Objections         int
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// DecisionRef names a decision in lists and links.
type DecisionRef struct {
	ID     int64
	Number int
	Title  string
	Status string
}

// Stance is one participant's position on a decision.
type Stance struct {
	DecisionID int64
	UserID     int64
	UserName   string
	Stance     string
	Reason     string
	Version    int
	UpdatedAt  time.Time
}

// Limits of a decision's text fields (the database checks the same).
const (
	MaxDecisionTitle    = 200
	MaxDecisionText     = 20000 // context, options, decision, consequences
	MaxDecisionTradeoff = 2000
	MaxStanceReason     = 2000
)

// Decision statuses.
const (
	DecisionProposed   = "proposed"
	DecisionAccepted   = "accepted"
	DecisionRejected   = "rejected"
	DecisionSuperseded = "superseded"
	DecisionDeprecated = "deprecated"
)

// Stances.
const (
	StanceAgree             = "agree"
	StanceDisagreeAndCommit = "disagree_and_commit"
	StanceObject            = "object"
)

// DecisionNumber is how a decision is named: ADR-0007.
func DecisionNumber(n int) string { return fmt.Sprintf("ADR-%04d", n) }

// Ref is the decision's name, e.g. ADR-0007.
func (d *Decision) Ref() string { return DecisionNumber(d.Number) }

// AsRef names the decision in lists and links.
func (d *Decision) AsRef() DecisionRef {
	return DecisionRef{ID: d.ID, Number: d.Number, Title: d.Title, Status: d.Status}
}

// Ref is the decision's name, e.g. ADR-0007.
func (r DecisionRef) Ref() string { return DecisionNumber(r.Number) }

// ValidDecisionStatus reports whether s is a known status.
func ValidDecisionStatus(s string) bool {
	for _, x := range DecisionStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// DecisionStatusLabel is a status as people say it.
func DecisionStatusLabel(s string) string {
	switch s {
	case DecisionProposed:
		return "Proposed"
	case DecisionAccepted:
		return "Accepted"
	case DecisionRejected:
		return "Rejected"
	case DecisionSuperseded:
		return "Superseded"
	case DecisionDeprecated:
		return "Deprecated"
	}
	return s
}

// EditableDecisionStatuses are the statuses an edit may choose from a
// decision's current one: never "superseded" by hand (only superseding with
// a new decision records what replaced it), and a superseded decision keeps
// its status.
func EditableDecisionStatuses(current string) []string {
	if current == DecisionSuperseded {
		return []string{DecisionSuperseded}
	}
	out := make([]string, 0, len(DecisionStatuses))
	for _, s := range DecisionStatuses {
		if s != DecisionSuperseded {
			out = append(out, s)
		}
	}
	return out
}

// ValidStance reports whether s is a known stance.
func ValidStance(s string) bool {
	for _, x := range Stances {
		if x == s {
			return true
		}
	}
	return false
}

// StanceLabel is a stance as people say it.
func StanceLabel(s string) string {
	switch s {
	case StanceAgree:
		return "Agree"
	case StanceDisagreeAndCommit:
		return "Disagree and commit"
	case StanceObject:
		return "Object"
	}
	return s
}

// StanceRank orders stances for display: objections first, then
// disagree-and-commit, then agreement.
func StanceRank(s string) int {
	switch s {
	case StanceObject:
		return 0
	case StanceDisagreeAndCommit:
		return 1
	}
	return 2
}

// DecisionFilter narrows the decision log.
type DecisionFilter struct {
	Status     string // "" for any
	ItemID     int64  // linked architecture item, 0 for any
	RevisitDue bool   // only decisions whose revisit date has come
}

// Values is the filter as the decision log's query parameters.
func (f DecisionFilter) Values() url.Values {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.ItemID != 0 {
		q.Set("item", strconv.FormatInt(f.ItemID, 10))
	}
	if f.RevisitDue {
		q.Set("revisit", "1")
	}
	return q
}

// Normalize drops an unknown status and a negative item id.
func (f DecisionFilter) Normalize() DecisionFilter {
	if !ValidDecisionStatus(f.Status) {
		f.Status = ""
	}
	if f.ItemID < 0 {
		f.ItemID = 0
	}
	return f
}

// Active reports whether any filter is set.
func (f DecisionFilter) Active() bool { return f.Status != "" || f.ItemID != 0 || f.RevisitDue }

// RevisitDue reports whether a live decision (proposed or accepted) has
// reached its revisit date: it is time to check it still holds.
func (d *Decision) RevisitDue(today time.Time) bool {
	if d.RevisitOn == nil || (d.Status != DecisionProposed && d.Status != DecisionAccepted) {
		return false
	}
	return !dayOf(*d.RevisitOn).After(dayOf(today))
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Today is a calendar day as the database stores dates (midnight UTC).
func Today(now time.Time) time.Time { return dayOf(now) }

// CheckDecision checks a decision's fields: the title is required, every
// text has its limit, the status is known, and a revisit date does not come
// before the decision date. It returns the problems per form field name.
func CheckDecision(d *Decision) Problems {
	p := Problems{}
	CheckText(p, "title", d.Title, true, MaxDecisionTitle)
	if strings.ContainsAny(d.Title, "\r\n") {
		p.Add("title", "Keep the title on one line.")
	}
	CheckText(p, "context", d.Context, false, MaxDecisionText)
	CheckText(p, "options", d.Options, false, MaxDecisionText)
	CheckText(p, "decision", d.Decision, false, MaxDecisionText)
	CheckText(p, "consequences", d.Consequences, false, MaxDecisionText)
	CheckText(p, "tradeoff", d.Tradeoff, false, MaxDecisionTradeoff)
	if !ValidDecisionStatus(d.Status) {
		p.Add("status", "Choose one of the statuses.")
	}
	if d.RevisitOn != nil && d.DecidedOn != nil && dayOf(*d.RevisitOn).Before(dayOf(*d.DecidedOn)) {
		p.Add("revisit_on", fmt.Sprintf("The revisit date comes after the decision date (%s).", d.DecidedOn.Format("2 Jan 2006")))
	}
	if d.Status == DecisionSuperseded && d.SupersededByID == nil {
		p.Add("status", "A decision becomes superseded only by superseding it with a new decision.")
	}
	return p
}

// CanSetDecisionStatus says whether an edit may move a decision from its
// saved status to another. The refusal is an invalid-input error on the
// status field that explains what to do instead.
func CanSetDecisionStatus(cur *Decision, to string) error {
	if to == cur.Status {
		return nil
	}
	var msg string
	switch {
	case !ValidDecisionStatus(to):
		msg = "Choose one of the statuses."
	case cur.Status == DecisionSuperseded:
		msg = fmt.Sprintf("%s was superseded by %s and stays superseded; change %s instead.",
			cur.Ref(), DecisionNumber(cur.SupersededByNumber), DecisionNumber(cur.SupersededByNumber))
	case to == DecisionSuperseded:
		msg = "A decision becomes superseded only through “Supersede with a new decision”, so the record says what replaced it."
	default:
		return nil
	}
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"status": msg}}
}

// SettleDecision stamps what a status change implies: accepting or
// rejecting a decision records when and by whom it was decided, unless the
// edit names them.
func SettleDecision(cur, next *Decision, actorID int64, today time.Time) {
	if next.Status == cur.Status || (next.Status != DecisionAccepted && next.Status != DecisionRejected) {
		return
	}
	if next.DecidedOn == nil {
		d := dayOf(today)
		next.DecidedOn = &d
	}
	if next.DecidedByID == nil && actorID != 0 {
		id := actorID
		next.DecidedByID = &id
	}
}

// CanSupersede says whether a decision can be superseded by a new one: not
// when it already has been (the refusal names its successor).
func CanSupersede(d *Decision) error {
	if d.Status == DecisionSuperseded || d.SupersededByID != nil {
		msg := fmt.Sprintf("%s is already superseded by %s. Supersede %s instead if it no longer holds.",
			d.Ref(), DecisionNumber(d.SupersededByNumber), DecisionNumber(d.SupersededByNumber))
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"form": msg}}
	}
	return nil
}

// SupersedeContext is the context a superseding decision starts with.
func SupersedeContext(d *Decision) string { return "Supersedes " + d.Ref() + " (" + d.Title + ")." }

// CheckStance checks a stance: a known one, and a reason unless the
// participant agrees (dissent is recorded with its reason).
func CheckStance(stance, reason string) Problems {
	p := Problems{}
	if !ValidStance(stance) {
		p.Add("stance", "Choose agree, disagree and commit, or object.")
	}
	if stance != StanceAgree && strings.TrimSpace(reason) == "" {
		p.Add("reason", "Give your reason: disagreement and objections are recorded with why.")
	}
	CheckText(p, "reason", reason, false, MaxStanceReason)
	return p
}

// CanTakeStance says whether stances can still be recorded on a decision:
// not once it is superseded (the debate moves to its successor).
func CanTakeStance(d *Decision) error {
	if d.Status == DecisionSuperseded {
		msg := fmt.Sprintf("%s is superseded by %s; state your stance on %s.",
			d.Ref(), DecisionNumber(d.SupersededByNumber), DecisionNumber(d.SupersededByNumber))
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"form": msg}}
	}
	return nil
}

// Decision link targets: what a decision can be about.
const (
	TargetEpic    = "epic"
	TargetItem    = "item"
	TargetConcern = "concern"
	TargetShift   = "shift"
)

// DecisionTargetTypes lists the link targets in display order.
var DecisionTargetTypes = []string{TargetEpic, TargetItem, TargetConcern, TargetShift}

// ValidDecisionTarget reports whether t is a known link target type.
func ValidDecisionTarget(t string) bool {
	for _, x := range DecisionTargetTypes {
		if x == t {
			return true
		}
	}
	return false
}

// DecisionTargetLabel names a target type: "Epic", "Architecture item"…
func DecisionTargetLabel(t string) string {
	switch t {
	case TargetEpic:
		return "Epic"
	case TargetItem:
		return "Architecture item"
	case TargetConcern:
		return "NFR concern"
	case TargetShift:
		return "Strategy shift"
	}
	return t
}

// DecisionTargetPlural names a target type in headings: "Epics"…
func DecisionTargetPlural(t string) string {
	switch t {
	case TargetEpic:
		return "Epics"
	case TargetItem:
		return "Architecture items"
	case TargetConcern:
		return "NFR concerns"
	case TargetShift:
		return "Strategy shifts"
	}
	return t
}

// DecisionLink is one thing a decision is about.
type DecisionLink struct {
	Type   string // epic, item, concern, shift
	ID     int64
	Title  string
	Detail string // epic status, item kind, concern category, shift date
}

// DecisionChoices are the options of the decision page's selects.
type DecisionChoices struct {
	Epics    []Choice
	Items    []Choice
	Concerns []Choice
	Shifts   []Choice
	Members  []MemberChoice
}

// Targets returns the choices of one target type.
func (c *DecisionChoices) Targets(t string) []Choice {
	if c == nil {
		return nil
	}
	switch t {
	case TargetEpic:
		return c.Epics
	case TargetItem:
		return c.Items
	case TargetConcern:
		return c.Concerns
	case TargetShift:
		return c.Shifts
	}
	return nil
}

// DetailLabel shows a link's detail in words: an epic's status label, a
// shift's date as "1 Jun 2026", an item's kind or a concern's category.
func (l DecisionLink) DetailLabel() string {
	switch l.Type {
	case TargetEpic:
		return EpicStatus(l.Detail).Label()
	case TargetShift:
		if t, err := time.Parse("2006-01-02", l.Detail); err == nil {
			return t.Format("2 Jan 2006")
		}
	}
	return strings.ReplaceAll(l.Detail, "_", " ")
}

// DecisionDraft is the text of a decision form as typed (propose and edit
// share it; status, people and dates are read by the edit form).
type DecisionDraft struct {
	Title, Context, Options, Decision, Consequences, Tradeoff string
}

// Parse is the draft as a decision; the store checks it (CheckDecision)
// with the rest of the form.
func (d DecisionDraft) Parse() Decision {
	return Decision{Title: d.Title, Context: d.Context, Options: d.Options, Decision: d.Decision,
		Consequences: d.Consequences, Tradeoff: d.Tradeoff}
}

package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/postgres"
)

// demoEpic is one demo epic; initiative and pains refer to the lists below by index.
type demoEpic struct {
	kind, title, problem, whyNow, enables, success, status string
	initiative                                             int // 1-based, 0 = none
	impact, effort                                         int
	quarter, committed                                     string
	estimate, estimateNote, estimator                      string // estimator: "engineer" or "architect"
	feasibility, feasibilityNote                           string
	techOwner                                              string // "architect" or "engineer"
	shift                                                  int
}

var demoEpics = []demoEpic{
	{kind: "product", title: "Collaborators on a to-do list", initiative: 2, status: "discovery", impact: 5, effort: 4, quarter: "2027-Q1",
		problem:     "Only the owner of a list can edit it. Teams **copy tasks into chat** to work on them together, and the list goes stale.",
		whyNow:      "Team accounts are the growth target of the upmarket shift; every lost team is a lost seat expansion.",
		success:     "- 40% of team lists have 2+ editors within 60 days\n- Support tickets about \"can't edit list\" drop by half",
		feasibility: "requested", techOwner: "architect", shift: 2},
	{kind: "product", title: "GIF attachments", initiative: 2, status: "idea", impact: 2, effort: 2, quarter: "2027-Q2",
		problem: "People want to react to finished tasks with something lighter than a comment."},
	{kind: "product", title: "Usage metering dashboard for admins", initiative: 1, status: "discovery", impact: 4, effort: 3, quarter: "2027-Q1",
		problem:     "Admins on usage-based plans cannot see what they will pay until the invoice arrives.",
		whyNow:      "Engagement-based pricing launches in Q1; surprise invoices would kill trust.",
		feasibility: "requested", techOwner: "engineer", shift: 1},
	{kind: "product", title: "Plan picker with usage tiers", initiative: 1, status: "ready", impact: 4, effort: 3, quarter: "2027-Q1", committed: "2027-02-15",
		problem:  "Customers on the fixed price plan have no way to move to a plan that matches how much their team uses Taskly.",
		success:  "Self-serve plan changes with no support ticket; 15% of teams on a usage tier by end of Q2.",
		estimate: "M", estimateNote: "Pricing rules live in three places today; the checkout flow needs a migration path for annual plans.", estimator: "engineer",
		feasibility: "done", feasibilityNote: "Fine once the billing engine exposes tier quotes; no change to the task API.", techOwner: "engineer", shift: 1},
	{kind: "product", title: "Mentions and notifications in task comments", initiative: 2, status: "in_progress", impact: 4, effort: 4, quarter: "2026-Q4",
		problem:  "People miss questions asked in task comments and reply days later.",
		estimate: "L", estimateNote: "Fan-out to email and mobile push; the notification worker is already near capacity.", estimator: "engineer",
		feasibility: "waived", feasibilityNote: "Same pattern as assignment notifications; waived by PM after a chat with Arjun.", techOwner: "engineer"},
	{kind: "product", title: "Shared team templates", initiative: 2, status: "idea", impact: 3, effort: 2, quarter: "2027-Q2",
		problem: "Every team rebuilds the same onboarding checklist by hand."},
	{kind: "product", title: "Bulk edit tasks", initiative: 3, status: "ready", impact: 3, effort: 1, quarter: "2026-Q4", committed: "2026-12-15",
		problem:  "Moving 40 tasks to a new assignee takes 40 edits.",
		estimate: "S", estimateNote: "One new endpoint; the risk is the audit trail per task.", estimator: "engineer",
		feasibility: "done", feasibilityNote: "Batch through the existing update path; no schema change.", techOwner: "engineer"},
	{kind: "product", title: "Offline mode for mobile", status: "idea", impact: 3, effort: 5, quarter: "2027-Q3",
		problem: "Field teams lose edits made without signal."},
	{kind: "product", title: "Workspace audit log for admins", initiative: 4, status: "discovery", impact: 3, effort: 3, quarter: "2027-Q2",
		problem: "Admins of larger teams cannot answer \"who deleted this list?\" without asking support.", shift: 1},
	{kind: "product", title: "SSO with SAML", initiative: 4, status: "idea", impact: 4, effort: 4, quarter: "2027-Q3",
		problem: "IT departments of 200+ seat prospects require SSO before a pilot."},
	{kind: "product", title: "Faster task board loading", initiative: 3, status: "done", impact: 4, effort: 3, quarter: "2026-Q3",
		problem:  "Boards with 500+ tasks take 4 seconds to open.",
		estimate: "M", estimateNote: "Query shape and payload size; no new infrastructure.", estimator: "architect",
		feasibility: "done", feasibilityNote: "Paginate the board query and cache column counts.", techOwner: "architect"},
	{kind: "product", title: "Recurring tasks", status: "dropped", impact: 2, effort: 3,
		problem: "Weekly chores must be re-created by hand. Dropped: covered by templates for now."},
	{kind: "enabler", title: "Usage-based billing engine", initiative: 1, status: "discovery", impact: 5, effort: 5, quarter: "2027-Q1",
		problem:  "Billing only knows seats and a fixed price; it cannot count usage.",
		enables:  "Plan picker with usage tiers and the usage metering dashboard: every billable event counted exactly once, idempotently.",
		estimate: "XL", estimateNote: "New service, idempotent metering, invoice reconciliation and a migration of every existing subscription.", estimator: "architect",
		feasibility: "done", feasibilityNote: "A separate billing service consuming usage events; metering must be idempotent.", techOwner: "architect", shift: 1},
	{kind: "enabler", title: "Pay down the user-management debt", initiative: 2, status: "ready", impact: 4, effort: 4, quarter: "2027-Q1",
		problem:  "User management assumes one owner per list; sharing bolted on top of it would be fragile.",
		enables:  "Collaborators on a to-do list, shared team templates and the admin audit log.",
		estimate: "L", estimateNote: "Ownership is baked into permissions checks in 30+ places.", estimator: "engineer",
		feasibility: "done", feasibilityNote: "Introduce list memberships with roles; migrate owners.", techOwner: "architect"},
	{kind: "enabler", title: "Event bus for task changes", initiative: 3, status: "discovery", impact: 4, effort: 3, quarter: "2027-Q1",
		problem: "Each consumer of task changes polls the database.",
		enables: "Mentions, notifications and usage metering: task updates published once and consumed by many.", techOwner: "architect"},
	{kind: "enabler", title: "Cut p99 task-update latency", initiative: 3, status: "in_progress", impact: 5, effort: 3, quarter: "2026-Q4",
		problem:  "p99 task-update latency is 640 ms at Monday peaks; customers notice.",
		enables:  "A credible enterprise SLA and faster boards.",
		estimate: "M", estimateNote: "Lock contention on the lists table; needs careful rollout.", estimator: "architect",
		feasibility: "done", feasibilityNote: "Move list counters off the hot row.", techOwner: "architect"},
	{kind: "enabler", title: "Tracing on the task API", initiative: 3, status: "idea", impact: 3, effort: 2, quarter: "2027-Q1",
		problem: "We cannot tell where the latency goes.",
		enables: "Finding the latency hot spots before the enterprise pilots."},
	{kind: "enabler", title: "Split the notification worker", status: "idea", impact: 3, effort: 3, quarter: "2027-Q2",
		problem: "One worker sends every email and push; a burst of mentions delays everything.",
		enables: "Mentions at scale without delaying assignment notifications."},
}

type demoPain struct {
	quote, source, customer, segment, frequency, heardBy, heardOn, quality string
	severity                                                               int
	firsthand                                                              bool
	epics                                                                  []int // 1-based indexes into demoEpics
}

var demoPains = []demoPain{
	{"This takes too long every day and blocks my team.", "interview", "Northwind Logistics", "mid-market", "daily", "Priya PM", "2026-10-02", "performance", 5, true, []int{16, 11}},
	{"Customers complain about latency in task updates.", "support", "(several)", "mid-market", "weekly", "Support team", "2026-10-20", "performance", 4, false, []int{16}},
	{"I have to paste tasks into Slack so my designer can edit them.", "interview", "Brightside Studio", "smb", "daily", "Priya PM", "2026-09-12", "", 4, true, []int{1, 14}},
	{"Only I can edit our sprint list. I'm the bottleneck.", "interview", "Acme Robotics", "mid-market", "daily", "Priya PM", "2026-09-18", "", 5, true, []int{1, 14}},
	{"We'd pay more if the price followed how much we use it.", "sales", "Globex", "enterprise", "once", "Sam (sales)", "2026-08-28", "", 3, false, []int{4, 13}},
	{"I got an invoice I didn't expect and had no way to see it coming.", "support", "Initech", "mid-market", "monthly", "Support team", "2026-10-05", "", 4, false, []int{3}},
	{"Our IT won't approve a pilot without SSO.", "sales", "Umbrella Health", "enterprise", "once", "Sam (sales)", "2026-10-11", "security", 5, false, []int{10}},
	{"Who deleted our launch checklist? Nobody knows.", "support", "Hooli", "mid-market", "monthly", "Support team", "2026-09-30", "", 3, false, []int{9}},
	{"I answer questions in comments three days late because I never see them.", "interview", "Brightside Studio", "smb", "weekly", "Emma Engineer", "2026-09-12", "", 4, true, []int{5}},
	{"The board takes forever to open on Monday mornings.", "survey", "(survey)", "mid-market", "weekly", "Survey Q3", "2026-09-01", "performance", 4, false, []int{11, 16}},
	{"Reassigning tasks when someone leaves takes an afternoon.", "interview", "Acme Robotics", "mid-market", "monthly", "Priya PM", "2026-09-18", "usability", 3, true, []int{7}},
	{"Our field crew loses updates when there's no signal.", "sales", "Terra Builders", "mid-market", "daily", "Sam (sales)", "2026-10-14", "availability", 4, false, []int{8}},
	{"Every new hire gets the same checklist and I rebuild it each time.", "interview", "Northwind Logistics", "mid-market", "monthly", "Priya PM", "2026-10-02", "", 2, true, []int{6}},
	{"Notifications arrive minutes after the change — sometimes never.", "support", "(several)", "smb", "weekly", "Support team", "2026-10-22", "reliability", 3, false, []int{18, 5}},
	{"I want to celebrate done tasks with my team, it's too dry.", "survey", "(survey)", "smb", "once", "Survey Q3", "2026-09-01", "", 1, false, []int{2}},
	{"We compare three tools; the one with usage pricing wins.", "sales", "Globex", "enterprise", "once", "Sam (sales)", "2026-10-30", "", 3, false, []int{13}},
	{"Usage data: 38% of team lists have exactly one editor and 5+ viewers.", "usage_data", "(all teams)", "mid-market", "constant", "Arjun Architect", "2026-10-08", "", 4, true, []int{1}},
	{"Usage data: p99 update latency 640 ms at Monday 9:00 peaks.", "usage_data", "(all teams)", "", "weekly", "Arjun Architect", "2026-10-26", "performance", 4, true, []int{16, 17}},
	{"I can't tell our finance team what next month will cost.", "interview", "Initech", "mid-market", "monthly", "Priya PM", "2026-10-06", "", 4, true, []int{3}},
	{"Bulk moving tasks would save my Fridays.", "survey", "(survey)", "smb", "weekly", "Survey Q3", "2026-09-01", "usability", 3, false, []int{7}},
	{"Sharing a list means sharing my whole account password. Not great.", "support", "Pied Piper", "smb", "weekly", "Support team", "2026-10-09", "security", 5, false, []int{1, 14}},
	{"We recreate the same weekly tasks by hand.", "survey", "(survey)", "smb", "weekly", "Survey Q3", "2026-09-01", "", 2, false, []int{12, 6}},
	{"When Taskly was down for an hour our standup fell apart.", "interview", "Acme Robotics", "mid-market", "once", "Emma Engineer", "2026-10-19", "availability", 4, true, nil},
	{"Exports time out for our biggest workspace.", "support", "Hooli", "mid-market", "monthly", "Support team", "2026-10-27", "scalability", 3, false, nil},
	{"The mobile app forgets my filters.", "support", "(several)", "smb", "daily", "Support team", "2026-10-29", "usability", 2, false, nil},
	{"We need to know who changed a task's due date.", "sales", "Umbrella Health", "enterprise", "once", "Sam (sales)", "2026-10-11", "compliance", 4, false, []int{9}},
	{"I'd move my whole company over if guests could comment.", "interview", "Terra Builders", "mid-market", "once", "Priya PM", "2026-11-03", "", 3, true, []int{1}},
	{"Our admins want seat usage per team before renewal.", "sales", "Globex", "enterprise", "once", "Sam (sales)", "2026-11-05", "", 3, false, []int{3}},
	{"Comments load slowly on long tasks.", "support", "(several)", "mid-market", "weekly", "Support team", "2026-11-06", "performance", 3, false, []int{16}},
	{"I don't trust the numbers on the dashboard when updates lag.", "interview", "Northwind Logistics", "mid-market", "weekly", "Arjun Architect", "2026-11-07", "reliability", 3, true, []int{15, 17}},
	{"Every Monday the board spins for ten seconds.", "interview", "Brightside Studio", "smb", "weekly", "Priya PM", "2026-11-10", "performance", 4, true, []int{16}},
	{"We lost a deal because invoices are seat-only.", "sales", "Soylent", "enterprise", "once", "Sam (sales)", "2026-11-12", "", 4, false, []int{13, 4}},
}

// demoRefs are the ids the architecture side of the demo links to.
type demoRefs struct {
	epics  []int64 // 1-based, as demoEpics
	shifts [3]int64
}

// demoProduct adds the product side of the demo: shifts (one acknowledged by
// the architect, one not yet), goals, initiatives, epics and pain notes.
func demoProduct(ctx context.Context, db *postgres.DB, wsID int64, users map[string]int64) (refs demoRefs, err error) {
	err = pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		var shift1, shift2 int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO strategy_shifts (workspace_id, title, narrative, from_phase, to_phase, shifted_on, logged_by, updated_by)
			VALUES ($1, 'Moving upmarket: monetize engagement instead of a fixed price',
			 $2, 'retention', 'growth', '2026-06-01', $3, $3) RETURNING id`, wsID,
			"Small teams love Taskly but pay a flat price. Larger teams use it **ten times more**. We move upmarket and price by engagement: active collaborators and automation runs.\n\n- Growth target: paid team workspaces\n- New revenue line: usage-based plans",
			users["pm"]).Scan(&shift1); err != nil {
			return fmt.Errorf("seed shift: %w", err)
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO strategy_shifts (workspace_id, title, narrative, from_phase, to_phase, shifted_on, logged_by, updated_by)
			VALUES ($1, 'Double down on team collaboration for mid-market', $2, 'growth', 'growth', '2026-11-02', $3, $3) RETURNING id`, wsID,
			"Pilots with 50–200 seat teams show sharing and mentions decide the deal, not price. Collaboration features move ahead of admin features.",
			users["pm"]).Scan(&shift2); err != nil {
			return fmt.Errorf("seed shift: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO shift_acknowledgements (workspace_id, shift_id, user_id, assessment) VALUES ($1, $2, $3, $4)`,
			wsID, shift1, users["architect"], "Billing engine needs idempotent metering; scale of the task API becomes the risk."); err != nil {
			return err
		}

		goal := func(title, metric, unit string, base, target, cur float64, due string) (id int64, err error) {
			err = tx.QueryRow(ctx, `INSERT INTO goals (workspace_id, title, metric, unit, baseline, target, current_value, due_on, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, wsID, title, metric, unit, base, target, cur, due, users["pm"]).Scan(&id)
			return id, err
		}
		g1, err := goal("Grow paid team accounts", "paying team workspaces", "", 1200, 2000, 1450, "2027-06-30")
		if err != nil {
			return err
		}
		g2, err := goal("Make task updates feel instant", "p99 task-update latency", "ms", 850, 200, 640, "2027-03-31")
		if err != nil {
			return err
		}
		g3, err := goal("Revenue from engagement", "MRR from usage-based plans", "k$", 0, 150, 12, "2027-09-30")
		if err != nil {
			return err
		}

		initiative := func(title, desc, driver, horizon string, goalID, shiftID, owner int64, stale bool) (id int64, err error) {
			err = tx.QueryRow(ctx, `INSERT INTO initiatives (workspace_id, title, description, driver, horizon, goal_id, shift_id, owner_id, validated_at, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0), $8, CASE WHEN $9 THEN now() - interval '30 days' ELSE now() END, $8, $8) RETURNING id`,
				wsID, title, desc, driver, horizon, goalID, shiftID, owner, stale).Scan(&id)
			return id, err
		}
		var inits [5]int64
		specs := []struct {
			title, desc, driver, horizon string
			goal, shift, owner           int64
			stale                        bool
		}{
			{"Engagement-based billing", "Price by active collaborators and automation runs instead of a flat fee.", "growth", "now", g3, shift1, users["pm"], false},
			{"Team collaboration", "Make a list a shared space: collaborators, mentions, templates.", "growth", "now", g1, shift2, users["pm"], false},
			{"Fast and reliable core", "Keep the task API fast at Monday peaks while usage grows.", "stability", "next", g2, 0, users["architect"], false},
			{"Self-serve admin for larger teams", "Audit log, SSO and seat reports so admins of 200-seat teams can run Taskly without us.", "retention", "later", g1, shift1, users["pm"], true},
		}
		for i, s := range specs {
			if inits[i+1], err = initiative(s.title, s.desc, s.driver, s.horizon, s.goal, s.shift, s.owner, s.stale); err != nil {
				return fmt.Errorf("seed initiative: %w", err)
			}
		}

		epicIDs := make([]int64, len(demoEpics)+1)
		for i, e := range demoEpics {
			var initID, shiftID *int64
			if e.initiative > 0 {
				initID = &inits[e.initiative]
			}
			switch e.shift {
			case 1:
				shiftID = &shift1
			case 2:
				shiftID = &shift2
			}
			var impact, effort *int
			if e.impact > 0 {
				impact = &e.impact
			}
			if e.effort > 0 {
				effort = &e.effort
			}
			feas := e.feasibility
			if feas == "" {
				feas = "not_requested"
			}
			var estBy, feasBy, techOwner *int64
			if e.estimate != "" {
				id := users[e.estimator]
				estBy = &id
			}
			if feas == "done" || feas == "waived" {
				id := users["architect"]
				if feas == "waived" {
					id = users["pm"]
				}
				feasBy = &id
			}
			if e.techOwner != "" {
				id := users[e.techOwner]
				techOwner = &id
			}
			if err := tx.QueryRow(ctx, `
				INSERT INTO epics (workspace_id, initiative_id, kind, title, problem, why_now, enables, success_criteria, status,
				  pm_owner_id, tech_owner_id, estimate_size, estimate_note, estimated_by, estimated_at, impact, effort, target_quarter,
				  committed_on, feasibility, feasibility_note, feasibility_by, feasibility_at, shift_id, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13, $14, CASE WHEN $14::bigint IS NULL THEN NULL ELSE now() END,
				  $15, $16, NULLIF($17, ''), NULLIF($18, '')::date, $19, $20, $21, CASE WHEN $21::bigint IS NULL THEN NULL ELSE now() END, $22, $23, $23)
				RETURNING id`,
				wsID, initID, e.kind, e.title, e.problem, e.whyNow, e.enables, e.success, e.status,
				users["pm"], techOwner, e.estimate, e.estimateNote, estBy, impact, effort, e.quarter,
				e.committed, feas, e.feasibilityNote, feasBy, shiftID, users["pm"]).Scan(&epicIDs[i+1]); err != nil {
				return fmt.Errorf("seed epic %q: %w", e.title, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary) VALUES ($1, $2, 'epic.created', 'epic', $3, $4)`,
				wsID, users["pm"], epicIDs[i+1], e.title); err != nil {
				return err
			}
		}

		for _, p := range demoPains {
			var id int64
			if err := tx.QueryRow(ctx, `
				INSERT INTO pain_notes (workspace_id, quote, source, customer, segment, severity, frequency, firsthand, heard_by, heard_on, quality_attribute, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
				wsID, p.quote, p.source, p.customer, p.segment, p.severity, p.frequency, p.firsthand, p.heardBy, p.heardOn, p.quality, users["pm"]).Scan(&id); err != nil {
				return fmt.Errorf("seed pain: %w", err)
			}
			for _, e := range p.epics {
				if _, err := tx.Exec(ctx, `INSERT INTO epic_pains (workspace_id, epic_id, pain_id, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
					wsID, epicIDs[e], id, users["pm"]); err != nil {
					return err
				}
			}
		}
		refs = demoRefs{epics: epicIDs, shifts: [3]int64{0, shift1, shift2}}
		_, err = tx.Exec(ctx, `INSERT INTO activity (workspace_id, actor_id, verb, item_type, item_id, summary) VALUES
			($1, $2, 'shift.logged', 'shift', $3, 'Moving upmarket: monetize engagement instead of a fixed price'),
			($1, $4, 'shift.acknowledged', 'shift', $3, 'Moving upmarket: monetize engagement instead of a fixed price'),
			($1, $2, 'shift.logged', 'shift', $5, 'Double down on team collaboration for mid-market')`,
			wsID, users["pm"], shift1, users["architect"], shift2)
		return err
	})
	return refs, err
}

package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/postgres"
)

type demoItem struct {
	key, kind, name, parent, tech, team, health, desc, debt string
}

var demoItems = []demoItem{
	{"taskly", "system", "Taskly", "", "", "Platform", "strained", "The Taskly product: web and mobile clients, the task API and the services behind it.", ""},
	{"web", "container", "Web app", "taskly", "TypeScript, React", "Web", "healthy", "The browser client.", ""},
	{"api", "container", "Task API", "taskly", "Go", "Core", "at_risk", "Creates, updates and queries tasks and lists. Every client talks to it.", "- List counters updated on the hot row: lock contention at Monday peaks\n- No tracing beyond request logs"},
	{"users", "container", "User-management service", "taskly", "Java, Spring", "Identity", "strained", "Accounts, sign-in, list ownership and permissions.", "Ownership is **one owner per list**, checked in 30+ places. Sharing bolted on top would be fragile."},
	{"notify", "container", "Notification worker", "taskly", "Go", "Core", "strained", "Sends email and mobile push for assignments and due dates.", "One worker for every channel; a burst of one kind delays all."},
	{"db", "container", "PostgreSQL", "taskly", "PostgreSQL 15", "Platform", "healthy", "System of record for tasks, lists and users.", ""},
	{"billing", "container", "Billing service", "taskly", "Go", "Monetization", "healthy", "New: counts usage events idempotently and produces invoices for usage-based plans.", ""},
	{"update", "component", "Task update handler", "api", "Go", "Core", "at_risk", "Applies task changes and updates list counters.", ""},
	{"board", "component", "Board query", "api", "Go, SQL", "Core", "healthy", "Loads a board page by page.", ""},
	{"publisher", "component", "Usage event publisher", "api", "Go", "Monetization", "healthy", "Publishes billable events once per change.", ""},
	{"ownership", "component", "List ownership", "users", "Java", "Identity", "strained", "Decides who may edit a list.", ""},
	{"auth", "component", "Authentication", "users", "Java", "Identity", "healthy", "Password sign-in; SSO is requested by enterprise prospects.", ""},
	{"stripe", "external", "Stripe", "", "HTTPS API", "", "healthy", "Payments and invoices.", ""},
	{"email", "external", "Email provider", "", "HTTPS API", "", "healthy", "Transactional email.", ""},
	{"push", "external", "Mobile push", "", "FCM / APNs", "", "healthy", "Push notifications to the mobile apps.", ""},
}

var demoRelations = []struct{ from, to, label, tech string }{
	{"web", "api", "reads and writes tasks", "HTTPS/JSON"},
	{"api", "db", "stores tasks and lists", "SQL"},
	{"api", "users", "checks list permissions", "gRPC"},
	{"api", "billing", "publishes usage events", "Kafka"},
	{"api", "notify", "enqueues notifications", "queue"},
	{"notify", "email", "sends email", "HTTPS"},
	{"notify", "push", "sends push", "HTTPS"},
	{"billing", "stripe", "creates invoices", "HTTPS"},
	{"billing", "db", "stores usage", "SQL"},
	{"users", "db", "stores accounts", "SQL"},
	{"update", "publisher", "hands over changes", "in-process"},
}

var demoConcerns = []struct {
	key, category, title, stimulus, response, measure, target, current, status string
	items                                                                      []string
}{
	{"latency", "performance", "p99 task-update latency under 200 ms", "10× task updates during a Monday 9:00 peak", "the update is stored and visible to every viewer", "p99 update latency", "200 ms", "640 ms", "violated", []string{"api", "update", "db"}},
	{"owner", "maintainability", "User management supports one owner per list", "a team asks to share a list with collaborators", "collaborators are added without changes across services", "changes needed outside user management", "0", "30+ ownership checks", "at_risk", []string{"users", "ownership"}},
	{"avail", "availability", "Task API 99.9% monthly availability", "a node or zone fails", "requests fail over", "monthly availability", "99.9%", "99.95%", "met", []string{"api"}},
	{"metering", "scalability", "Meter 5,000 usage events per second", "end-of-month automation bursts", "every event counted exactly once", "events/s without loss or duplicates", "5,000/s", "not measured", "open", []string{"billing", "publisher"}},
	{"sso", "security", "SSO for enterprise tenants", "an enterprise IT admin requires SAML", "users sign in through the customer's IdP", "share of enterprise pilots blocked on SSO", "0", "2 of 3", "open", []string{"auth"}},
	{"notifycost", "cost", "Notification cost under $0.02 per active team per month", "mentions multiply notifications", "batching keeps cost flat", "$ per active team per month", "$0.02", "$0.015", "met", []string{"notify"}},
	{"tracing", "observability", "Trace every task update end to end", "a latency regression ships", "we find the slow hop in minutes", "share of updates traced", "100%", "0%", "at_risk", []string{"api", "update"}},
}

// impacts: epic index (1-based, demoEpics) → impacts on it.
var demoImpacts = []struct {
	epic                     int
	category, concern, level string
	note, work               string
}{
	{1, "maintainability", "owner", "blocking", "Collaborators need list memberships; today ownership is single.", "Pay down the user-management debt first."},
	{1, "performance", "latency", "high", "Every collaborator's edit is a task update; sharing multiplies Monday peaks.", "Cut p99 task-update latency before the beta."},
	{3, "scalability", "metering", "high", "The dashboard reads usage at the rate it is produced.", "Pre-aggregate usage per hour."},
	{4, "compliance", "", "medium", "Prices shown must match invoices.", "Quote tiers from the billing service only."},
	{5, "cost", "notifycost", "medium", "Mentions multiply notifications.", "Batch mention digests."},
	{5, "performance", "latency", "medium", "Mentions parse comments on the update path.", "Move parsing to the event consumer."},
	{7, "performance", "latency", "low", "Bulk edits are many updates at once.", "Batch in one transaction."},
	{9, "compliance", "", "medium", "Audit entries must be immutable.", "Append-only audit table."},
	{10, "security", "sso", "blocking", "No SAML support; building it ourselves was rejected (ADR-0006).", "Pick an identity provider integration."},
	{11, "performance", "latency", "medium", "Board loads compete with updates on the same rows.", "Paginate the board query."},
	{13, "scalability", "metering", "blocking", "Idempotent metering at peak rates is unproven.", "Load test the publisher and the billing consumer."},
	{13, "resilience", "", "high", "Billing must not lose events when the service restarts.", "Outbox pattern in the Task API."},
	{14, "maintainability", "owner", "high", "30+ ownership checks to replace.", "Introduce list memberships behind one permission check."},
	{15, "resilience", "", "medium", "A new moving part on the update path.", "Publish after commit via an outbox."},
	{16, "performance", "latency", "high", "Hot-row lock contention.", "Move counters off the list row."},
	{17, "observability", "tracing", "medium", "No spans today.", "OpenTelemetry in the Task API."},
	{18, "availability", "", "low", "Splitting the worker adds deploy units.", "One worker per channel."},
}

var demoLinks = []struct {
	epic             int
	item, kind, note string
}{
	{1, "ownership", "change", "Lists get memberships with roles."},
	{1, "api", "extend", "Sharing endpoints."},
	{1, "web", "extend", "Share dialog."},
	{2, "web", "extend", "GIF picker."},
	{3, "billing", "extend", "Usage read model."},
	{3, "web", "extend", "Admin dashboard."},
	{4, "billing", "depends_on", "Tier quotes."},
	{4, "stripe", "change", "New price objects."},
	{5, "notify", "extend", "Mention notifications."},
	{5, "api", "change", "Parse mentions."},
	{7, "update", "change", "Batch updates."},
	{9, "users", "extend", "Admin audit log."},
	{10, "auth", "new", "SAML sign-in."},
	{11, "board", "change", "Paginated board query."},
	{13, "billing", "new", "The billing service itself."},
	{13, "publisher", "new", "Usage events from the Task API."},
	{14, "ownership", "retire", "Single ownership goes away."},
	{14, "users", "change", "List memberships."},
	{15, "api", "change", "Publish task changes."},
	{15, "notify", "depends_on", "Consumes task changes."},
	{16, "update", "change", "Counters off the hot row."},
	{16, "db", "change", "New counter table."},
	{17, "api", "extend", "Tracing."},
	{18, "notify", "change", "One worker per channel."},
}

// demoArchitecture adds the architecture side of the demo: the Taskly
// system, its containers and components, relations, concerns, NFR impacts
// and links on most epics, three roadmap items and seven decisions.
func demoArchitecture(ctx context.Context, db *postgres.DB, wsID int64, users map[string]int64, refs demoRefs) error {
	return pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		items := map[string]int64{}
		for _, it := range demoItems {
			var parent *int64
			if it.parent != "" {
				id := items[it.parent]
				parent = &id
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO arch_items (workspace_id, kind, name, parent_id, technology, owner_team, health, description, tech_debt, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				wsID, it.kind, it.name, parent, it.tech, it.team, it.health, it.desc, it.debt, users["architect"]).Scan(&id); err != nil {
				return fmt.Errorf("seed item %s: %w", it.name, err)
			}
			items[it.key] = id
		}
		for _, r := range demoRelations {
			if _, err := tx.Exec(ctx, `INSERT INTO arch_relations (workspace_id, source_id, target_id, label, technology, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, wsID, items[r.from], items[r.to], r.label, r.tech, users["architect"]); err != nil {
				return fmt.Errorf("seed relation %s: %w", r.label, err)
			}
		}
		concerns := map[string]int64{}
		for _, c := range demoConcerns {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO nfr_concerns (workspace_id, category, title, stimulus, response, measure, target, current_value, status, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				wsID, c.category, c.title, c.stimulus, c.response, c.measure, c.target, c.current, c.status, users["architect"]).Scan(&id); err != nil {
				return fmt.Errorf("seed concern: %w", err)
			}
			concerns[c.key] = id
			for _, it := range c.items {
				if _, err := tx.Exec(ctx, `INSERT INTO concern_items (workspace_id, concern_id, item_id) VALUES ($1, $2, $3)`, wsID, id, items[it]); err != nil {
					return err
				}
			}
		}
		for _, im := range demoImpacts {
			var concern *int64
			if im.concern != "" {
				id := concerns[im.concern]
				concern = &id
			}
			if _, err := tx.Exec(ctx, `INSERT INTO nfr_impacts (workspace_id, epic_id, category, concern_id, level, note, required_work, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, wsID, refs.epics[im.epic], im.category, concern, im.level, im.note, im.work, users["architect"]); err != nil {
				return fmt.Errorf("seed impact: %w", err)
			}
		}
		for _, l := range demoLinks {
			if _, err := tx.Exec(ctx, `INSERT INTO epic_arch_links (workspace_id, epic_id, item_id, change_kind, note, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, wsID, refs.epics[l.epic], items[l.item], l.kind, l.note, users["architect"]); err != nil {
				return fmt.Errorf("seed link: %w", err)
			}
		}

		roadmap := []struct {
			kind, title, desc, start, end, confidence string
			epics                                     []int
		}{
			{"release", "2026.12 — Collaboration beta", "Shared lists and mentions for beta teams.", "2026-12-01", "2026-12-19", "committed", []int{5, 7, 16}},
			{"release", "2027.02 — Usage-based pricing", "Plan picker, metering dashboard and the billing engine.", "2027-01-11", "2027-02-26", "planned", []int{3, 4, 13, 1, 14}},
			{"milestone", "Enterprise pilot readiness", "What 200-seat pilots need: SSO, audit log, tracing.", "2027-03-01", "2027-03-31", "exploring", []int{9, 10, 17}},
		}
		for _, ri := range roadmap {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO roadmap_items (workspace_id, kind, title, description, starts_on, ends_on, confidence, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, wsID, ri.kind, ri.title, ri.desc, ri.start, ri.end, ri.confidence, users["pm"]).Scan(&id); err != nil {
				return fmt.Errorf("seed roadmap item: %w", err)
			}
			for _, e := range ri.epics {
				if _, err := tx.Exec(ctx, `INSERT INTO epic_roadmap_items (workspace_id, epic_id, roadmap_item_id, created_by) VALUES ($1, $2, $3, $4)`,
					wsID, refs.epics[e], id, users["pm"]); err != nil {
					return err
				}
			}
		}
		return demoDecisions(ctx, tx, wsID, users, refs, items, concerns)
	})
}

func demoDecisions(ctx context.Context, tx pgx.Tx, wsID int64, users map[string]int64, refs demoRefs, items, concerns map[string]int64) error {
	type stance struct{ who, stance, reason string }
	decisions := []struct {
		title, status, context, options, decision, consequences, tradeoff, decidedOn, revisitOn string
		stances                                                                                 []stance
		epics                                                                                   []int
		items, concerns                                                                         []string
		shift                                                                                   int
	}{
		{title: "Use PostgreSQL as the system of record", status: "accepted", decidedOn: "2025-03-10", revisitOn: "2026-10-01",
			context: "Tasks, lists and users need transactions and flexible queries.", options: "- PostgreSQL\n- A document store",
			decision: "PostgreSQL 15 for every service's state.", consequences: "One operational skill set; we must watch hot rows.",
			tradeoff: "Flexibility of a document store given up for transactions and one tool to operate.",
			stances:  []stance{{"architect", "agree", ""}, {"engineer", "agree", ""}}, items: []string{"db"}},
		{title: "Meter usage in the Task API and bill in a separate service", status: "accepted", decidedOn: "2026-06-20", revisitOn: "2027-06-30",
			context: "Engagement-based pricing needs every billable event counted once.", options: "1. Bill inside the Task API\n2. **Publish usage events to a separate billing service**\n3. Buy a metering SaaS",
			decision: "The Task API publishes usage events; a new billing service meters them idempotently.", consequences: "A new service to run; billing can change without touching the task path.",
			tradeoff: "Speed of shipping (option 1) given up for isolation of billing from the update path.",
			stances:  []stance{{"architect", "agree", ""}, {"engineer", "object", "Adds a network hop and a failure mode to every task update while p99 is already violated."}, {"pm", "agree", ""}},
			epics:    []int{13, 4, 3}, items: []string{"billing", "publisher"}, concerns: []string{"metering"}, shift: 1},
		{title: "Poll the database for notifications", status: "superseded", decidedOn: "2024-11-02",
			context: "The notification worker needs to learn about task changes.", decision: "The worker polls the tasks table every 10 seconds.",
			consequences: "Simple; adds load and delay.", tradeoff: "Latency and database load given up for simplicity.",
			items: []string{"notify", "db"}},
		{title: "Publish task changes on an event bus", status: "accepted", decidedOn: "2026-09-15",
			context: "Mentions, notifications and metering all need task changes; polling does not scale.", options: "- Keep polling\n- Outbox + event bus",
			decision: "The Task API writes an outbox in the update transaction; a relay publishes to the bus.", consequences: "At-least-once delivery: consumers must be idempotent.",
			tradeoff: "Delivery of mentions delayed by a sprint for a sound base.",
			stances:  []stance{{"architect", "agree", ""}, {"pm", "disagree_and_commit", "It delays mentions by a sprint, but we need it for billing anyway."}, {"engineer", "agree", ""}},
			epics:    []int{15, 5}, items: []string{"api", "notify"}},
		{title: "List memberships with roles replace single ownership", status: "proposed", revisitOn: "2026-12-15",
			context: "Collaborators on a list need more than one editor.", options: "- Keep one owner and add share links\n- Memberships with roles",
			decision: "Introduce list memberships (owner, editor, viewer) behind one permission check.", consequences: "30+ call sites change; migration of every list.",
			tradeoff: "A slower first release for sharing that lasts.",
			stances:  []stance{{"architect", "agree", ""}}, epics: []int{14, 1}, items: []string{"users", "ownership"}, concerns: []string{"owner"}, shift: 2},
		{title: "Build our own SAML SSO", status: "rejected", decidedOn: "2026-10-20",
			context: "Enterprise pilots require SSO.", options: "- Build SAML ourselves\n- Integrate an identity provider",
			decision: "Rejected: we integrate an identity provider instead.", consequences: "Vendor cost per enterprise seat.",
			tradeoff: "Control given up for time to market.", epics: []int{10}, items: []string{"auth"}, concerns: []string{"sso"}},
		{title: "Deprecate the v1 board endpoint", status: "deprecated", decidedOn: "2025-08-01",
			context: "The v1 board endpoint returns whole boards.", decision: "Clients move to the paginated v2 endpoint.",
			consequences: "Old mobile apps must update.", tradeoff: "Backward compatibility given up for board performance.",
			epics: []int{11}, items: []string{"board"}},
	}
	ids := make([]int64, len(decisions))
	for i, d := range decisions {
		var decidedBy *int64
		if d.decidedOn != "" {
			id := users["architect"]
			decidedBy = &id
		}
		if err := tx.QueryRow(ctx, `INSERT INTO decisions (workspace_id, number, title, status, context, options, decision, consequences, tradeoff,
				decided_by, decided_on, revisit_on, created_by, updated_by)
			VALUES ($1, $2, $3, CASE WHEN $4 = 'superseded' THEN 'proposed' ELSE $4 END, $5, $6, $7, $8, $9, $10, NULLIF($11, '')::date, NULLIF($12, '')::date, $13, $13) RETURNING id`,
			wsID, i+1, d.title, d.status, d.context, d.options, d.decision, d.consequences, d.tradeoff, decidedBy, d.decidedOn, d.revisitOn, users["architect"]).Scan(&ids[i]); err != nil {
			return fmt.Errorf("seed decision %q: %w", d.title, err)
		}
		for _, s := range d.stances {
			if _, err := tx.Exec(ctx, `INSERT INTO decision_stances (workspace_id, decision_id, user_id, stance, reason) VALUES ($1, $2, $3, $4, $5)`,
				wsID, ids[i], users[s.who], s.stance, s.reason); err != nil {
				return err
			}
		}
		for _, e := range d.epics {
			if _, err := tx.Exec(ctx, `INSERT INTO decision_epics (workspace_id, decision_id, epic_id) VALUES ($1, $2, $3)`, wsID, ids[i], refs.epics[e]); err != nil {
				return err
			}
		}
		for _, it := range d.items {
			if _, err := tx.Exec(ctx, `INSERT INTO decision_items (workspace_id, decision_id, item_id) VALUES ($1, $2, $3)`, wsID, ids[i], items[it]); err != nil {
				return err
			}
		}
		for _, c := range d.concerns {
			if _, err := tx.Exec(ctx, `INSERT INTO decision_concerns (workspace_id, decision_id, concern_id) VALUES ($1, $2, $3)`, wsID, ids[i], concerns[c]); err != nil {
				return err
			}
		}
		if d.shift > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO decision_shifts (workspace_id, decision_id, shift_id) VALUES ($1, $2, $3)`, wsID, ids[i], refs.shifts[d.shift]); err != nil {
				return err
			}
		}
	}
	// ADR-0003 (polling) was superseded by ADR-0004 (event bus).
	if _, err := tx.Exec(ctx, `UPDATE decisions SET status = 'superseded', superseded_by_id = $3 WHERE workspace_id = $1 AND id = $2`, wsID, ids[2], ids[3]); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO decision_counters (workspace_id, last_number) VALUES ($1, $2)`, wsID, len(decisions))
	return err
}

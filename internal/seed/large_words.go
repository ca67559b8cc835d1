package seed

// Word lists for the generated workspace (seed.Large): a task-management
// company at scale, "Globex". Combined at random they give titles, problems,
// quotes and names that read like a real backlog.

var (
	epicActions = []string{
		"Bulk edit", "Offline sync for", "Audit trail for", "Faster search across", "SSO-gated access to",
		"Usage-based limits on", "Granular permissions on", "Live presence in", "CSV export of", "Recurring schedules for",
		"Templates for", "Push reminders for", "Approval flows for", "Custom fields on", "Dependencies between",
		"Time tracking on", "Guest access to", "Archiving rules for", "Webhooks for", "Insights dashboard for",
		"Jira import into", "Keyboard-first editing of", "Accessibility pass on", "Threaded comments on", "Share links for",
		"Retention policies for", "Version history of", "Smart due dates on", "AI summaries of", "Drag-and-drop planning of",
	}
	epicObjects = []string{
		"tasks", "projects", "boards", "to-do lists", "sprints", "workspaces", "portfolios", "time sheets",
		"attachments", "calendars", "goals", "reports", "intake forms", "automations", "checklists", "milestones",
		"documents", "team spaces", "client portals", "recurring tasks",
	}
	epicQualifiers = []string{
		"", "", "", " for enterprise admins", " on mobile", " at 10× volume", " for EU tenants", " in the web app",
		" for guests", " for large teams", " via the public API", " in Slack", " for agencies", " with offline support",
	}
	enablerTemplates = []string{
		"Pay down the {sys} debt", "Split {sys} out of the monolith", "Partition the {sys} tables", "Idempotent processing in {sys}",
		"Observability for {sys}", "Upgrade {sys} to the supported runtime", "Rate limiting in front of {sys}", "Contract tests for {sys}",
		"Move {sys} to the event bus", "Cache warm-up for {sys}", "Zero-downtime migrations for {sys}", "Replace the cron jobs of {sys}",
	}
	problemTemplates = []string{
		"Teams with more than {n} {obj} wait several seconds for every change, and {seg} customers tell us they go back to spreadsheets.",
		"{seg} admins cannot see who changed their {obj}, so every audit question becomes a support ticket ({n} last quarter).",
		"People copy {obj} into chat to work on them together; the originals go stale within {n} days for {seg} accounts.",
		"Setting up {obj} takes nine steps where competitors need two; {n} trials from {seg} prospects stalled at this step last month.",
		"Support closes {n} tickets a month about {obj}; {seg} accounts raise it in every renewal call.",
	}
	whyNowTemplates = []string{
		"Renewals of our largest {seg} accounts are due next quarter.",
		"The upmarket shift makes this a blocker in {seg} deals.",
		"Competitors shipped this in the last release; {seg} prospects ask for it in every demo.",
		"Usage doubled since the spring; the current design will not hold another doubling.",
		"",
	}
	enablesTemplates = []string{
		"Lets the {obj} epics ship without a freeze; removes the top paging cause of last quarter.",
		"Unblocks usage-based billing and every feature that meters {obj}.",
		"Makes {sys} scale past 10× today's volume so the enterprise roadmap can land.",
		"Cuts the lead time of changes to {sys} from weeks to days.",
	}
	successTemplates = []string{
		"- 30% of active teams use it within 60 days\n- support tickets about {obj} drop by half",
		"- p95 under 300 ms for {obj}\n- no increase in error rate",
		"- admins answer audit questions about {obj} without support",
		"",
	}
	estimateNotes = []string{
		"Touches the task API and the notification worker; the schema change needs a backfill.",
		"Mostly UI work; the risk is permissions on shared items.",
		"New queue consumer and a migration path for existing data.",
		"Needs a decision on the event format first; three teams involved.",
		"Small change in one service, plus the audit trail.",
	}
	feasibilityNotes = []string{
		"Fits the current design once the billing engine exposes quotes.",
		"Needs a read replica for the reporting queries; agreed with the platform team.",
		"Feasible; watch the fan-out on the notification worker.",
		"Waived: same pattern as an epic we shipped last quarter.",
	}

	customers = []string{
		"Acme Corp", "Initech", "Umbrella Health", "Hooli", "Vandelay Industries", "Stark Logistics", "Wayne Foundation",
		"Soylent Foods", "Cyberdyne Systems", "Tyrell Design", "Wonka Labs", "Gringotts Finance", "Oceanic Air",
		"Pied Piper", "Dunder Mifflin", "Massive Dynamic", "Aperture Research", "Black Mesa", "Monarch Studios",
		"Nakatomi Trading", "Oscorp", "Prestige Worldwide", "Sterling Cooper", "Bluth Company", "Los Pollos Hermanos",
		"Krusty Krab", "Planet Express", "Rekall", "Vought", "Weyland Yutani", "Zorg Industries", "Cogswell Cogs",
		"Spacely Sprockets", "Globo Gym", "Duff Brewing", "Blue Sun", "InGen", "Virtucon", "Gekko & Co", "Hanso Foundation",
	}
	segments   = []string{"SMB", "SMB", "Mid-market", "Mid-market", "Enterprise", "Education", "Non-profit"}
	hearers    = []string{"Priya (PM)", "Sam (sales)", "Lee (support)", "Noor (CSM)", "Ravi (PM)", "Ana (research)", "Tom (sales)"}
	painQuotes = []string{
		"This takes too long every day and blocks my team.",
		"Customers complain about latency in task updates.",
		"I can never find the {obj} from last quarter.",
		"We lose track of who owns what in {obj}.",
		"Our auditors asked for a history of every change to {obj} and we had nothing to show.",
		"Loading {obj} with a few hundred items takes forever on my laptop.",
		"I export {obj} to Excel every Monday just to see the big picture.",
		"The mobile app drops my edits to {obj} when the signal is bad.",
		"We pay for seats that only look at {obj} once a month.",
		"Guests keep asking for access to {obj} and I have to add them one by one.",
		"Notifications about {obj} arrive hours late, or twice.",
		"Permissions on {obj} are all or nothing; we need read-only for contractors.",
		"Our IT team will not roll this out without SSO.",
		"Setting up the same {obj} for every new client is pure busywork.",
		"When two people edit {obj} at once, one of them loses their work.",
		"The search does not find {obj} by their custom fields.",
		"I would pay more if the invoice matched what we actually used.",
		"We had to move {obj} back to spreadsheets during the outage.",
	}
	painFrequencies   = []string{"once", "monthly", "weekly", "weekly", "daily", "daily", "constant"}
	painSources       = []string{"interview", "support", "support", "sales", "survey", "usage_data", "other"}
	qualityAttributes = []string{"", "", "", "performance", "availability", "usability", "security", "scalability", "reliability"}
	nfrCategories     = []string{"scalability", "availability", "resilience", "performance", "cost", "security", "maintainability", "observability", "compliance"}
	initiativeTitles  = []string{"Engagement-based billing", "Team collaboration", "Enterprise readiness", "Performance at scale", "Mobile-first field teams", "Integrations marketplace", "Admin and governance", "Self-serve onboarding", "Reporting and insights", "AI planning assistant", "Platform reliability", "Cost efficiency", "Data residency (EU)", "Accessibility", "Partner ecosystem", "Security certifications", "Search everywhere", "Notifications overhaul", "Workflow automation", "Customer success tooling"}
	systemNames       = []string{"Work Management", "Billing", "Identity", "Collaboration", "Search and Insights", "Integrations", "Notifications", "Data Platform"}
	containerRoles    = []string{"API", "Web App", "Worker", "Database", "Cache", "Event Bus", "Admin Console", "Scheduler", "Gateway", "Read Replica"}
	containerTech     = map[string]string{"API": "Go", "Web App": "TypeScript, React", "Worker": "Go", "Database": "PostgreSQL 17", "Cache": "Redis", "Event Bus": "Kafka", "Admin Console": "TypeScript", "Scheduler": "Go", "Gateway": "Envoy", "Read Replica": "PostgreSQL 17"}
	componentNouns    = []string{"Request Router", "Auth Middleware", "Task Store", "Query Planner", "Usage Meter", "Invoice Renderer", "Permission Checker", "Event Publisher", "Event Consumer", "Rate Limiter", "Search Indexer", "Export Builder", "Import Parser", "Webhook Dispatcher", "Notification Fan-out", "Presence Tracker", "Audit Writer", "Session Manager", "Feature Flags", "Report Aggregator", "Schedule Runner", "Attachment Store", "Comment Service", "Template Engine", "Sync Engine", "Billing Calculator", "Quota Enforcer", "Tenant Router", "Cache Loader", "Migration Runner"}
	componentTech     = []string{"Go package", "Go package", "SQL", "Go, gRPC", "TypeScript", "Python"}
	externalNames     = []string{"Stripe", "SendGrid", "Okta", "Salesforce", "Slack", "Google Calendar", "Twilio", "Amazon S3", "Datadog", "Zendesk", "GitHub", "Microsoft Teams", "Segment", "Auth0", "PagerDuty", "Intercom"}
	teams             = []string{"Core Tasks", "Billing", "Platform", "Identity", "Collaboration", "Mobile", "Insights", "Integrations", "SRE"}
	relationLabels    = []string{"calls", "publishes events to", "reads from", "writes to", "authenticates with", "syncs with", "queries", "sends notifications through"}
	relationTech      = []string{"HTTPS/JSON", "gRPC", "Kafka", "SQL", "Redis protocol", "Webhooks", ""}
	techDebtNotes     = []string{"Shared tables with the monolith; every schema change needs three teams.", "No back-pressure: a slow consumer stalls the publisher.", "Runs on an unsupported runtime; security patches lag.", "Hand-rolled retries without idempotency keys.", "One oversized table holds every tenant's history."}
	decisionTemplates = []string{"Use {tech} for {sys}", "Adopt {tech} in {sys}", "Retire {sys}", "Split {sys} by tenant", "Introduce idempotency keys in {sys}", "Cache {sys} reads at the edge", "Move {sys} to event sourcing", "Keep {sys} in the monolith for now"}
	decisionTech      = []string{"PostgreSQL partitioning", "Kafka", "Redis", "gRPC", "the outbox pattern", "feature flags", "a read replica", "OpenTelemetry", "row-level security", "a job queue"}
	tradeoffs         = []string{"speed vs quality", "consistency vs availability", "cost vs latency", "build vs buy", "flexibility vs simplicity", "time to market vs scalability"}
	concernTemplates  = map[string]string{"performance": "p99 latency of %s under peak load", "availability": "%s survives the loss of one zone", "scalability": "%s handles 10× today's traffic", "cost": "Monthly cost of %s per active team", "security": "Access to %s is audited", "resilience": "%s recovers from a bad deploy in minutes", "observability": "%s emits traces for every request", "compliance": "%s keeps EU data in the EU", "maintainability": "%s can be changed by one team in a day"}
	roadmapThemes     = []string{"Upmarket foundations", "Billing on usage", "Reliability first", "Collaboration everywhere"}
	goalTemplates     = []struct {
		title, metric, unit       string
		baseline, target, current float64
	}{
		{"Grow paid seats in mid-market accounts", "paid seats (mid-market)", "seats", 12000, 30000, 17500},
		{"Cut task-update latency", "p95 task update latency", "ms", 900, 250, 610},
		{"Raise weekly active teams", "weekly active teams", "teams", 8000, 14000, 9800},
		{"Reduce enterprise churn", "monthly churn (enterprise)", "%", 2.4, 1.2, 1.9},
		{"Lower infrastructure cost per active team", "infrastructure cost per team", "$", 4.1, 2.5, 3.6},
	}
	shiftTemplates = []struct{ title, narrative, from, to string }{
		{"Double down on small-team growth", "Self-serve sign-ups carry the company; optimize the first week of a new team.", "retention", "growth"},
		{"Outages cost us two enterprise deals: stabilize first", "Two multi-hour outages in a month. Reliability over features until the error budget is back.", "growth", "stability"},
		{"Moving upmarket: monetize engagement instead of a fixed price", "Mid-market teams are the next growth step; price by engagement, not by a flat fee.", "stability", "growth"},
		{"A path to profitability by FY28", "The board asks for positive margins: cost per active team becomes a first-class metric.", "growth", "profitability"},
		{"Retain the accounts we won", "Renewals over new logos this year: the enterprise accounts must stay and expand.", "profitability", "retention"},
		{"AI assistants change how teams plan: grow usage again", "Planning assistants bring back daily use; growth is the phase again.", "retention", "growth"},
	}
)

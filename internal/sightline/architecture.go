package sightline

import "time"

// ItemKind is the C4 level of an architecture item.
type ItemKind string

// Item kinds.
const (
	ItemSystem    ItemKind = "system"
	ItemContainer ItemKind = "container"
	ItemComponent ItemKind = "component"
	ItemExternal  ItemKind = "external"
)

// ItemKinds lists the kinds in C4 order.
var ItemKinds = []ItemKind{ItemSystem, ItemContainer, ItemComponent, ItemExternal}

// Health is how an architecture item is doing.
type Health string

// Health states.
const (
	HealthHealthy  Health = "healthy"
	HealthStrained Health = "strained"
	HealthAtRisk   Health = "at_risk"
)

// Healths lists the states from best to worst.
var Healths = []Health{HealthHealthy, HealthStrained, HealthAtRisk}

// ArchItem is a C4-style architecture item.
type ArchItem struct {
	ID          int64
	WorkspaceID int64
	Kind        ItemKind
	Name        string
	ParentID    *int64
	ParentName  string
	Technology  string
	OwnerTeam   string
	Health      Health
	Description string // markdown
	TechDebt    string // markdown
	ReviewedAt  time.Time
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ArchRelation is a labelled arrow between two items.
type ArchRelation struct {
	ID          int64
	WorkspaceID int64
	SourceID    int64
	SourceName  string
	TargetID    int64
	TargetName  string
	Label       string
	Technology  string
	Version     int
}

// NFRCategories are the categories of the NFR register.
var NFRCategories = []string{"scalability", "availability", "resilience", "performance", "cost",
	"security", "maintainability", "observability", "compliance"}

// ConcernStatuses are the states of a concern.
var ConcernStatuses = []string{"open", "met", "at_risk", "violated"}

// Concern is an entry of the NFR register: a quality-attribute scenario.
type Concern struct {
	ID          int64
	WorkspaceID int64
	Category    string
	Title       string
	Stimulus    string
	Response    string
	Measure     string
	Target      string
	Current     string
	Status      string
	Items       []ArchItem // attached items (id, name, kind), where loaded
	Version     int
	UpdatedAt   time.Time
}

// ImpactLevels are the levels of an NFR impact, lowest first.
var ImpactLevels = []string{"low", "medium", "high", "blocking"}

// ImpactRank orders impact levels: low 1 … blocking 4, 0 if unknown.
func ImpactRank(level string) int {
	for i, l := range ImpactLevels {
		if l == level {
			return i + 1
		}
	}
	return 0
}

// NFRImpact is what an epic demands of the system in one quality attribute.
type NFRImpact struct {
	ID           int64
	WorkspaceID  int64
	EpicID       int64
	EpicTitle    string
	Category     string
	ConcernID    *int64
	ConcernTitle string
	Level        string
	Note         string
	RequiredWork string
	Version      int
	CreatedBy    string
	UpdatedAt    time.Time
}

// ChangeKinds are how an epic affects an architecture item.
var ChangeKinds = []string{"new", "change", "extend", "retire", "depends_on"}

// ArchLink is an epic ↔ architecture item link.
type ArchLink struct {
	ID          int64
	WorkspaceID int64
	EpicID      int64
	EpicTitle   string
	EpicKind    EpicKind
	EpicStatus  EpicStatus
	EpicQuarter string
	ItemID      int64
	ItemName    string
	ItemKind    ItemKind
	ChangeKind  string
	Note        string
	Version     int
}

// RoadmapKinds and Confidences of roadmap items.
var (
	RoadmapKinds = []string{"release", "milestone", "theme"}
	Confidences  = []string{"committed", "planned", "exploring"}
)

// RoadmapItem is a release, milestone or theme on the roadmap timeline.
type RoadmapItem struct {
	ID          int64
	WorkspaceID int64
	Kind        string
	Title       string
	Description string
	StartsOn    time.Time
	EndsOn      time.Time
	Confidence  string
	EpicCount   int
	Version     int
	UpdatedAt   time.Time
}

// DecisionStatuses are the states of a decision.
var DecisionStatuses = []string{"proposed", "accepted", "rejected", "superseded", "deprecated"}

// Stances a participant can take on a decision.
var Stances = []string{"agree", "disagree_and_commit", "object"}

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

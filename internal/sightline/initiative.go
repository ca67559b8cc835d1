package sightline

import (
	"strconv"
	"time"
)

// Limits of an initiative's text fields, in characters (the database checks them too).
const (
	MaxInitiativeTitle       = 200
	MaxInitiativeDescription = 10000
)

// Valid reports whether h is a known horizon.
func (h Horizon) Valid() bool {
	for _, x := range Horizons {
		if x == h {
			return true
		}
	}
	return false
}

// Label is the horizon as people say it.
func (h Horizon) Label() string {
	switch h {
	case HorizonNow:
		return "Now"
	case HorizonNext:
		return "Next"
	case HorizonLater:
		return "Later"
	}
	return string(h)
}

// InitiativeOverview is an initiative with what its list and page show
// around it: its epics by kind and the shift that supersedes its prompting one.
type InitiativeOverview struct {
	Initiative
	ProductEpics int
	EnablerEpics int
	// SupersededBy is the title of the newest shift logged after the
	// initiative was last confirmed and dated after its prompting shift; set
	// exactly when Revalidate is.
	SupersededBy string
	ValidatedAt  time.Time
	CreatedAt    time.Time
}

// LabeledID is one entry of a picker: an id and what to call it.
type LabeledID struct {
	ID    int64
	Label string
}

// InitiativeDraft is an initiative as typed into a form, before it is checked.
type InitiativeDraft struct {
	Title       string
	Description string
	Driver      string
	Horizon     string
	GoalID      string // "" for none
	ShiftID     string // "" for none
	OwnerID     string // a user id; "" for none
}

// Parse checks a draft and returns the initiative it describes, or an
// EINVALID error with a message per bad field. Whether the goal, shift and
// owner belong to the workspace is the store's check.
func (d InitiativeDraft) Parse() (Initiative, error) {
	p := Problems{}
	var in Initiative
	CheckText(p, "title", d.Title, true, MaxInitiativeTitle)
	in.Title = d.Title
	CheckText(p, "description", d.Description, false, MaxInitiativeDescription)
	in.Description = d.Description
	in.Driver = Phase(d.Driver)
	if !in.Driver.Valid() {
		p.Add("driver", "Choose what drives it: growth, retention, stability or profitability.")
	}
	in.Horizon = Horizon(d.Horizon)
	if !in.Horizon.Valid() {
		p.Add("horizon", "Choose a horizon: now, next or later.")
	}
	var ok bool
	if in.GoalID, ok = optionalID(d.GoalID); !ok {
		p.Add("goal_id", "Choose one of the listed goals.")
	}
	if in.ShiftID, ok = optionalID(d.ShiftID); !ok {
		p.Add("shift_id", "Choose one of the listed strategy shifts.")
	}
	if in.OwnerID, ok = optionalID(d.OwnerID); !ok {
		p.Add("owner_id", "Choose one of the workspace's members.")
	}
	return in, p.Err()
}

// InitiativeDraftOf turns a saved initiative back into form values.
func InitiativeDraftOf(in Initiative) InitiativeDraft {
	return InitiativeDraft{
		Title: in.Title, Description: in.Description, Driver: string(in.Driver), Horizon: string(in.Horizon),
		GoalID: idString(in.GoalID), ShiftID: idString(in.ShiftID), OwnerID: idString(in.OwnerID),
	}
}

func optionalID(s string) (*int64, bool) {
	if s == "" {
		return nil, true
	}
	id, err := ParseIDValue(s)
	if err != nil || id < 1 {
		return nil, false
	}
	return &id, true
}

func idString(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// Horizon is when an initiative is meant to happen.
type Horizon string

// Horizons.
const (
	HorizonNow   Horizon = "now"
	HorizonNext  Horizon = "next"
	HorizonLater Horizon = "later"
)

// Horizons lists the horizons in order.
var Horizons = []Horizon{HorizonNow, HorizonNext, HorizonLater}

// Initiative is a strategic investment area.
type Initiative struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Description string // markdown
	Driver      Phase
	Horizon     Horizon
	GoalID      *int64
	GoalTitle   string
	ShiftID     *int64
	ShiftTitle  string
	OwnerID     *int64
	OwnerName   string
	// Revalidate is set when a later shift supersedes the prompting shift and
	// no PM has confirmed the initiative since.
	Revalidate bool
	Version    int
	UpdatedAt  time.Time
}

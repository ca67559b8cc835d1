package sightline

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

// ArchLinkDraft is an epic ↔ item link as typed into a form; the side the
// form came from fills its own id.
type ArchLinkDraft struct {
	EpicID, ItemID, ChangeKind, Note string
}

// Parse checks a draft and returns the link it describes.
func (d ArchLinkDraft) Parse() (ArchLink, error) {
	p := Problems{}
	l := ArchLink{ChangeKind: d.ChangeKind, Note: d.Note}
	l.EpicID = nfrFormID(p, "epic_id", d.EpicID, "Choose the epic that affects this item.")
	l.ItemID = nfrFormID(p, "item_id", d.ItemID, "Choose the architecture item the epic affects.")
	for k, v := range CheckArchLink(&l) {
		p.Add(k, v)
	}
	return l, p.Err()
}

func nfrFormID(p Problems, field, v, missing string) int64 {
	if v == "" {
		p.Add(field, missing)
		return 0
	}
	id, err := ParseIDValue(v)
	if err != nil || id < 1 {
		p.Add(field, "Choose one of the options.")
		return 0
	}
	return id
}

// CheckArchLink checks a link's kind of change and note.
func CheckArchLink(l *ArchLink) Problems {
	p := Problems{}
	if !ValidChangeKind(l.ChangeKind) {
		p.Add("change_kind", "Choose how the epic affects the item: new, change, extend, retire or depends on.")
	}
	CheckText(p, "note", l.Note, false, MaxArchLinkNote)
	return p
}

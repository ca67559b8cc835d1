package sightline

import "fmt"

// Limits of a roadmap item's text fields (the database checks the same).
const (
	MaxRoadmapTitle       = 200
	MaxRoadmapDescription = 10000
)

// ValidRoadmapKind reports whether k is release, milestone or theme.
func ValidRoadmapKind(k string) bool {
	for _, x := range RoadmapKinds {
		if x == k {
			return true
		}
	}
	return false
}

// RoadmapKindLabel is a kind as people say it.
func RoadmapKindLabel(k string) string {
	switch k {
	case "release":
		return "Release"
	case "milestone":
		return "Milestone"
	case "theme":
		return "Theme"
	}
	return k
}

// ValidConfidence reports whether c is committed, planned or exploring.
func ValidConfidence(c string) bool {
	for _, x := range Confidences {
		if x == c {
			return true
		}
	}
	return false
}

// ConfidenceLabel is a confidence as people say it.
func ConfidenceLabel(c string) string {
	switch c {
	case "committed":
		return "Committed"
	case "planned":
		return "Planned"
	case "exploring":
		return "Exploring"
	}
	return c
}

// CheckRoadmapItem checks a roadmap item's fields: kind, title, description,
// confidence, both dates, and an end that does not come before the start
// (the message sits next to the end date). Dates the form could not read
// are reported by the form and left zero here.
func CheckRoadmapItem(it *RoadmapItem) Problems {
	p := Problems{}
	if !ValidRoadmapKind(it.Kind) {
		p.Add("kind", "Choose release, milestone or theme.")
	}
	CheckText(p, "title", it.Title, true, MaxRoadmapTitle)
	CheckText(p, "description", it.Description, false, MaxRoadmapDescription)
	if !ValidConfidence(it.Confidence) {
		p.Add("confidence", "Choose committed, planned or exploring.")
	}
	if it.StartsOn.IsZero() {
		p.Add("starts_on", "Enter the start date (YYYY-MM-DD).")
	}
	if it.EndsOn.IsZero() {
		p.Add("ends_on", "Enter the end date (YYYY-MM-DD).")
	}
	if !it.StartsOn.IsZero() && !it.EndsOn.IsZero() && dayOf(it.EndsOn).Before(dayOf(it.StartsOn)) {
		p.Add("ends_on", fmt.Sprintf("The end date cannot come before the start date (%s).", it.StartsOn.Format("2 Jan 2006")))
	}
	return p
}

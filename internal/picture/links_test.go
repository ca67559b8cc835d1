package picture

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/sightline/sightline/internal/sightline"
)

// testLinks are the app's addresses under base ("/w/demo"), spelled out
// here so the pictures' tests need no other package.
func testLinks(base string) Links {
	return Links{
		Epic: func(id int64) string { return fmt.Sprintf("%s/epics/%d", base, id) },
		Epics: func(f sightline.EpicFilter) string {
			v := url.Values{}
			if f.InitiativeID != 0 {
				v.Set("initiative", strconv.FormatInt(f.InitiativeID, 10))
			}
			v.Set("quarter", f.Quarter)
			if f.Kind != "" {
				v.Set("kind", string(f.Kind))
			}
			if f.Status != "" {
				v.Set("status", string(f.Status))
			}
			return base + "/epics?" + v.Encode()
		},
		Initiative:  func(id int64) string { return fmt.Sprintf("%s/initiatives/%d", base, id) },
		RoadmapItem: func(id int64) string { return fmt.Sprintf("%s/roadmap/%d", base, id) },
		Shift:       func(id int64) string { return fmt.Sprintf("%s/shifts/%d", base, id) },
	}
}

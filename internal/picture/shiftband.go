package picture

import (
	"sort"
	"time"

	"github.com/sightline/sightline/internal/sightline"
)

// BandMark is one shift on the phase band.
type BandMark struct {
	X     float64
	N     int
	Shift sightline.StrategyShift
	Label bool // the number fits without overlapping the previous one
}

// BandSeg is a stretch of time spent in one phase; LabelX is where its
// name is centred.
type BandSeg struct {
	X, W, LabelX float64
	Phase        sightline.Phase
}

// ShiftBand is the geometry of the strategy page's phase band (a 1000×96
// SVG): the template only writes it out.
type ShiftBand struct {
	Marks      []BandMark
	Segs       []BandSeg
	Start, End time.Time
}

const bandLeft, bandRight = 20.0, 980.0

// BuildShiftBand lays shifts out on a time axis from just before the
// first shift to today (or the last shift, if later). The band between two
// shifts takes the phase the earlier one moved to.
func BuildShiftBand(shifts []sightline.StrategyShift, nums map[int64]int, today time.Time) ShiftBand {
	var tl ShiftBand
	if len(shifts) == 0 {
		return tl
	}
	sorted := append([]sightline.StrategyShift(nil), shifts...)
	sort.SliceStable(sorted, func(i, j int) bool { return nums[sorted[i].ID] < nums[sorted[j].ID] })
	first, last := sorted[0].ShiftedOn, sorted[len(sorted)-1].ShiftedOn
	end := today.UTC().Truncate(24 * time.Hour)
	if last.After(end) {
		end = last
	}
	span := end.Sub(first)
	pad := span / 10
	if pad < 7*24*time.Hour {
		pad = 7 * 24 * time.Hour
	}
	start := first.Add(-pad)
	end = end.Add(pad / 2)
	tl.Start, tl.End = start, end
	x := func(t time.Time) float64 {
		return bandLeft + (bandRight-bandLeft)*float64(t.Sub(start))/float64(end.Sub(start))
	}
	prev := bandLeft
	phase := sorted[0].FromPhase
	lastLabel := -100.0
	for _, s := range sorted {
		sx := x(s.ShiftedOn)
		if sx > prev {
			tl.Segs = append(tl.Segs, BandSeg{X: prev, W: sx - prev, LabelX: prev + (sx-prev)/2, Phase: phase})
		}
		prev, phase = sx, s.ToPhase
		m := BandMark{X: sx, N: nums[s.ID], Shift: s}
		if sx-lastLabel >= 22 {
			m.Label, lastLabel = true, sx
		}
		tl.Marks = append(tl.Marks, m)
	}
	tl.Segs = append(tl.Segs, BandSeg{X: prev, W: bandRight - prev, LabelX: prev + (bandRight-prev)/2, Phase: phase})
	return tl
}

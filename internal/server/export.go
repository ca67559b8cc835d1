package server

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// CSV downloads of the lists, with the list's current filters, every
// matching row streamed (not one page), every free-text cell defused
// against spreadsheet formulas (sightline.CSVSafe).

// streamCSV answers a CSV download: the header row, then each row write
// gives; a failure after the first bytes can only end the download early
// (it is logged).
func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, filename string, header []string, rows func(write func([]string) error) error) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	started := false
	write := func(rec []string) error {
		started = true
		return cw.Write(rec)
	}
	if err := rows(func(rec []string) error {
		if !started {
			if err := write(header); err != nil {
				return err
			}
		}
		return write(rec)
	}); err != nil {
		if !started {
			return err
		}
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "csv download cut short", slog.String("file", filename), slog.String("err", err.Error()))
		return nil
	}
	if !started {
		_ = write(header)
	}
	cw.Flush()
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// handlePainsCSV downloads the pain notes the list's filter matches.
func (s *Server) handlePainsCSV(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f := painFilter(r.URL.Query())
	base := s.baseURL(r)
	return s.streamCSV(w, r, "pain-notes.csv",
		[]string{"id", "quote", "customer", "segment", "source", "severity", "frequency", "firsthand", "heard_by", "heard_on", "quality_attribute", "epics", "url"},
		func(write func([]string) error) error {
			return s.db.ExportPains(r.Context(), st.workspace.ID, f, func(n *sightline.PainNote) error {
				return write([]string{strconv.FormatInt(n.ID, 10), sightline.CSVSafe(n.Quote), sightline.CSVSafe(n.Customer), sightline.CSVSafe(n.Segment),
					string(n.Source), strconv.Itoa(n.Severity), n.Frequency, yesNo(n.Firsthand), sightline.CSVSafe(n.HeardBy),
					n.HeardOn.Format("2006-01-02"), sightline.CSVSafe(n.QualityAttribute), strconv.Itoa(n.EpicCount),
					base + paths.Pain(st.workspace.Slug, n.ID)})
			})
		})
}

// handleEpicsCSV downloads the backlog the filter matches, in its order.
func (s *Server) handleEpicsCSV(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f := epicFilterFromQuery(r.URL.Query()).Normalize()
	base := s.baseURL(r)
	return s.streamCSV(w, r, "backlog.csv",
		[]string{"id", "title", "kind", "status", "initiative", "pm_owner", "tech_owner", "estimate", "impact", "effort",
			"target_quarter", "committed_on", "feasibility", "pains", "url"},
		func(write func([]string) error) error {
			return s.db.ExportEpics(r.Context(), st.workspace.ID, f, func(e *sightline.Epic) error {
				committed := ""
				if e.CommittedOn != nil {
					committed = e.CommittedOn.Format("2006-01-02")
				}
				score := func(p *int) string {
					if p == nil {
						return ""
					}
					return strconv.Itoa(*p)
				}
				return write([]string{strconv.FormatInt(e.ID, 10), sightline.CSVSafe(e.Title), string(e.Kind), string(e.Status),
					sightline.CSVSafe(e.InitiativeTitle), sightline.CSVSafe(e.PMOwnerName), sightline.CSVSafe(e.TechOwnerName),
					e.EstimateSize, score(e.Impact), score(e.Effort), e.TargetQuarter, committed, string(e.Feasibility),
					strconv.Itoa(e.PainCount), base + paths.Epic(st.workspace.Slug, e.ID)})
			})
		})
}

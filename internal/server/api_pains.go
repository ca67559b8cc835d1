package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/sightline"
)

// apiPain is a customer-pain note as the API shows it.
type apiPain struct {
	ID               int64     `json:"id"`
	Quote            string    `json:"quote"`
	Source           string    `json:"source"`
	Customer         string    `json:"customer"`
	Segment          string    `json:"segment"`
	Severity         int       `json:"severity"`
	Frequency        string    `json:"frequency"`
	Firsthand        bool      `json:"firsthand"`
	HeardBy          string    `json:"heard_by"`
	HeardOn          string    `json:"heard_on"`
	QualityAttribute string    `json:"quality_attribute"`
	EpicCount        int       `json:"epic_count"`
	Version          int       `json:"version"`
	UpdatedAt        time.Time `json:"updated_at"`
	URL              string    `json:"url"`
}

func toAPIPain(slug string, n *sightline.PainNote) apiPain {
	return apiPain{ID: n.ID, Quote: n.Quote, Source: string(n.Source), Customer: n.Customer, Segment: n.Segment,
		Severity: n.Severity, Frequency: n.Frequency, Firsthand: n.Firsthand, HeardBy: n.HeardBy,
		HeardOn: n.HeardOn.Format(time.DateOnly), QualityAttribute: n.QualityAttribute, EpicCount: n.EpicCount,
		Version: n.Version, UpdatedAt: n.UpdatedAt, URL: paths.Pain(slug, n.ID)}
}

// apiPainFilter reads the pain list's filters, refusing values the page
// would ignore.
func apiPainFilter(q url.Values) (sightline.PainFilter, error) {
	p := sightline.Problems{}
	f := sightline.PainFilter{Source: sightline.PainSource(q.Get("source")), Segment: q.Get("segment"), Firsthand: q.Get("firsthand")}
	if f.Source != "" && !f.Source.Valid() {
		p.Add("source", "Not a source of pain notes.")
	}
	if raw := q.Get("min_severity"); raw != "" {
		n, err := sightline.Atoi(raw)
		if err != nil || n < 1 || n > 5 {
			p.Add("min_severity", "A severity is 1 to 5.")
		}
		f.MinSeverity = n
	}
	switch f.Firsthand {
	case "", "yes", "no":
	default:
		p.Add("firsthand", "Send yes or no.")
	}
	switch raw := q.Get("unlinked"); raw {
	case "", "false":
	case "true":
		f.Unlinked = true
	default:
		p.Add("unlinked", "Send true or false.")
	}
	return f, p.Err()
}

func (s *Server) apiPains(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	f, ferr := apiPainFilter(r.URL.Query())
	after, limit, perr := apiPage(r)
	if err := joinProblems(ferr, perr); err != nil {
		return err
	}
	list, err := s.db.ListPainsAfter(r.Context(), st.workspace.ID, f, after, limit+1)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(w, r, list, limit, func(n *sightline.PainNote) int64 { return n.ID },
		func(n *sightline.PainNote) apiPain { return toAPIPain(st.workspace.Slug, n) }))
}

func writePain(w http.ResponseWriter, r *http.Request, status int, n *sightline.PainNote) error {
	w.Header().Set("ETag", versionTag(n.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", apiPrefix+"/w/"+wsSlug(r)+"/pains/"+strconv.FormatInt(n.ID, 10))
	}
	return writeJSON(w, status, toAPIPain(wsSlug(r), n))
}

func (s *Server) apiPain(w http.ResponseWriter, r *http.Request) error {
	n, err := byPath(r, "painID", s.db.PainByID)
	if err != nil {
		return err
	}
	return writePain(w, r, http.StatusOK, n)
}

// apiPainFields are a pain note's fields, as the form's.
var apiPainFields = []string{"quote", "source", "customer", "segment", "severity", "frequency", "firsthand",
	"heard_by", "heard_on", "quality_attribute"}

// painDraftOf reads a body over a note's current values (a new note: none;
// heard today unless said).
func (s *Server) painDraftOf(b apiBody, p sightline.Problems, cur *sightline.PainNote) sightline.PainDraft {
	d := sightline.PainDraft{HeardOn: sightline.Today(s.Now()).Format(time.DateOnly), Firsthand: "firsthand"}
	if cur != nil {
		d = sightline.PainDraft{Quote: cur.Quote, Source: string(cur.Source), Customer: cur.Customer, Segment: cur.Segment,
			Severity: strconv.Itoa(cur.Severity), Frequency: cur.Frequency, Firsthand: map[bool]string{true: "firsthand", false: "relayed"}[cur.Firsthand],
			HeardBy: cur.HeardBy, HeardOn: cur.HeardOn.Format(time.DateOnly), QualityAttribute: cur.QualityAttribute}
	}
	d.Quote, d.Source = b.str(p, "quote", d.Quote), b.str(p, "source", d.Source)
	d.Customer, d.Segment = b.str(p, "customer", d.Customer), b.str(p, "segment", d.Segment)
	d.Severity, d.Frequency = b.num(p, "severity", d.Severity), b.str(p, "frequency", d.Frequency)
	if b.has("firsthand") {
		d.Firsthand = map[bool]string{true: "firsthand", false: "relayed"}[b.boolean(p, "firsthand", d.Firsthand == "firsthand")]
	}
	d.HeardBy, d.HeardOn = b.str(p, "heard_by", d.HeardBy), b.str(p, "heard_on", d.HeardOn)
	d.QualityAttribute = b.str(p, "quality_attribute", d.QualityAttribute)
	return d
}

// parsePainBody checks a body's note as the form does.
func (s *Server) parsePainBody(b apiBody, cur *sightline.PainNote) (sightline.PainNote, error) {
	in := sightline.Problems{}
	n, err := s.painDraftOf(b, in, cur).Parse(s.Now())
	if len(in) > 0 {
		for k, v := range sightline.FieldErrors(err) {
			in.Add(k, v)
		}
		return n, in.Err()
	}
	return n, err
}

func (s *Server) apiPainCreate(w http.ResponseWriter, r *http.Request) error {
	b, err := readAPIBody(w, r, apiPainFields...)
	if err != nil {
		return err
	}
	n, err := s.parsePainBody(b, nil)
	if err != nil {
		return err
	}
	saved, err := s.db.CreatePain(r.Context(), actor(r), state(r).workspace.ID, n)
	if err != nil {
		return err
	}
	return writePain(w, r, http.StatusCreated, saved)
}

func (s *Server) apiPainUpdate(w http.ResponseWriter, r *http.Request) error {
	cur, err := byPath(r, "painID", s.db.PainByID)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r)
	if err != nil {
		return err
	}
	b, err := readAPIBody(w, r, apiPainFields...)
	if err != nil {
		return err
	}
	n, err := s.parsePainBody(b, cur)
	if err != nil {
		return err
	}
	saved, err := s.db.UpdatePain(r.Context(), actor(r), state(r).workspace.ID, cur.ID, version, n)
	if err != nil {
		return stale(err)
	}
	return writePain(w, r, http.StatusOK, saved)
}

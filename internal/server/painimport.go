package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sightline/sightline/internal/painimport"
	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// Pain import: upload an export (streamed into the store, never whole in
// memory), preview it with a preset or a hand-made mapping (the first 20
// rows with their problems), then import it all or nothing.

const (
	previewRows     = 20
	maxImportErrors = 100
)

// handlePainImportForm is the upload form.
func (s *Server) handlePainImportForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, web.PainImportPage(s.page(r, "Import pain notes", "pains"), ui.NewForm()))
	return nil
}

// handlePainUpload streams the uploaded file into the store and opens its preview.
func (s *Server) handlePainUpload(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	r.Body = http.MaxBytesReader(w, r.Body, sightline.MaxPainUpload+1<<20)
	refuse := func(msg string) error {
		f := ui.NewForm()
		f = s.withErrors(r, f, sightline.Problems{"file": msg}.Err())
		s.render(w, r, http.StatusUnprocessableEntity, web.PainImportPage(s.page(r, "Import pain notes", "pains"), f))
		return nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return refuse("Choose a CSV file to upload.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return refuse("Choose a CSV file to upload.")
		}
		if err != nil {
			return refuse("The upload could not be read (it may be larger than 50 MB).")
		}
		if part.FormName() != "file" {
			continue
		}
		name := filepath.Base(part.FileName())
		if name == "." || name == "/" || name == "" {
			return refuse("Choose a CSV file to upload.")
		}
		if len(name) > 200 {
			name = name[:200]
		}
		up, err := s.db.SaveUpload(r.Context(), st.workspace.ID, st.user.ID, name, part)
		if code := sightline.ErrorCode(err); code == sightline.EINVALID {
			var se *sightline.Error
			if errors.As(err, &se) && se.Fields["file"] != "" {
				return refuse(se.Fields["file"])
			}
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return refuse("The file is larger than 50 MB.")
		}
		if err != nil {
			return err
		}
		return redirect(w, r, paths.PainUpload(st.workspace.Slug, up.ID, paths.Values{"preset": {"generic"}}))
	}
}

// importChoice is what the preview and the import read: preset, encoding
// and the hand-made mapping.
type importChoice struct {
	Preset   painimport.Preset
	Encoding painimport.Encoding
	Manual   map[painimport.Field]string
	Values   url.Values
}

func readImportChoice(v url.Values) importChoice {
	c := importChoice{Manual: map[painimport.Field]string{}, Values: url.Values{}}
	p, ok := painimport.PresetByKey(v.Get("preset"))
	if !ok {
		p, _ = painimport.PresetByKey("generic")
	}
	c.Preset = p
	c.Values.Set("preset", p.Key)
	c.Encoding = painimport.UTF8
	if v.Get("encoding") == string(painimport.Windows1252) {
		c.Encoding = painimport.Windows1252
	}
	c.Values.Set("encoding", string(c.Encoding))
	for _, f := range painimport.Fields {
		if col := strings.TrimSpace(v.Get("map_" + string(f.Field))); col != "" {
			c.Manual[f.Field] = col
			c.Values.Set("map_"+string(f.Field), col)
		}
	}
	return c
}

// preview reads the upload's header and its first rows under the choice.
func (s *Server) preview(r *http.Request, up *postgres.Upload, c importChoice) (web.PainPreviewData, error) {
	d := web.PainPreviewData{UploadID: up.ID, Filename: up.Filename, Size: up.Size, Preset: c.Preset.Key, Encoding: string(c.Encoding),
		Manual: map[string]string{}, Form: ui.NewForm()}
	for f, col := range c.Manual {
		d.Manual[string(f)] = col
	}
	rd, err := painimport.NewReader(s.db.OpenUpload(r.Context(), up), c.Encoding)
	if err != nil {
		d.Form.Errors["file"] = "The file cannot be read as CSV: " + err.Error() + "."
		return d, nil
	}
	d.Header = rd.Header
	d.Separator = string(rd.Separator)
	m, problems := painimport.Map(rd.Header, c.Preset, c.Manual)
	for k, v := range problems {
		d.Form.Errors[k] = v
	}
	d.Mapped = map[string]string{}
	for f, cols := range m.Columns {
		var names []string
		for _, i := range cols {
			names = append(names, rd.Header[i])
		}
		d.Mapped[string(f)] = strings.Join(names, " or ")
	}
	if len(problems) > 0 {
		return d, nil
	}
	today := sightline.Today(s.Now())
	for len(d.Rows) < previewRows {
		rec, line, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.Form.Errors["file"] = err.Error()
			break
		}
		row, errs := m.Row(rec, line, today)
		d.Rows = append(d.Rows, web.PreviewRow{Line: line, Row: row.PainImportRow, Errors: errs})
	}
	return d, nil
}

// handlePainImportPreview shows how the upload reads.
func (s *Server) handlePainImportPreview(w http.ResponseWriter, r *http.Request) error {
	up, err := s.uploadFromPath(r)
	if err != nil {
		return err
	}
	d, err := s.preview(r, up, readImportChoice(r.URL.Query()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.PainPreviewPage(s.page(r, "Import "+up.Filename, "pains"), d))
	return nil
}

func (s *Server) uploadFromPath(r *http.Request) (*postgres.Upload, error) {
	id, err := pathID(r, "uploadID")
	if err != nil {
		return nil, err
	}
	return pageNotFound(s.db.UploadByID(r.Context(), state(r).workspace.ID, id))
}

// handlePainImport imports the upload, all or nothing.
func (s *Server) handlePainImport(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	up, err := s.uploadFromPath(r)
	if err != nil {
		return err
	}
	if _, err := readForm(w, r); err != nil {
		return err
	}
	c := readImportChoice(r.PostForm)
	refused := func(errs []painimport.RowError, total int, msg string) error {
		d, err := s.preview(r, up, c)
		if err != nil {
			return err
		}
		d.ImportErrors, d.ImportErrorCount = errs, total
		d.Form = s.withErrors(r, d.Form, sightline.Problems{"form": msg}.Err())
		s.render(w, r, http.StatusUnprocessableEntity, web.PainPreviewPage(s.page(r, "Import "+up.Filename, "pains"), d))
		return nil
	}
	if r.PostForm.Get("confirm") != "import" {
		return refused(nil, 0, "Import from the preview's button. Nothing was imported.")
	}
	rd, err := painimport.NewReader(s.db.OpenUpload(r.Context(), up), c.Encoding)
	if err != nil {
		return refused(nil, 0, "The file cannot be read as CSV: "+err.Error()+". Nothing was imported.")
	}
	m, problems := painimport.Map(rd.Header, c.Preset, c.Manual)
	if len(problems) > 0 {
		return refused(nil, 0, "Map the columns first. Nothing was imported.")
	}
	today := sightline.Today(s.Now())
	var rowErrs []painimport.RowError
	var readErr error
	bad, rows := 0, 0
	next := func() (*sightline.PainImportRow, bool, error) {
		for {
			rec, line, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return nil, false, nil
			}
			if err != nil {
				readErr = err
				return nil, false, err
			}
			rows++
			row, errs := m.Row(rec, line, today)
			if len(errs) == 0 {
				return &row.PainImportRow, true, nil
			}
			bad++
			for _, e := range errs {
				if len(rowErrs) < maxImportErrors {
					rowErrs = append(rowErrs, e)
				}
			}
		}
	}
	check := func() error {
		if bad > 0 {
			return errBadRows
		}
		return nil
	}
	rep, err := s.db.ImportPains(r.Context(), actor(r), st.workspace.ID, up.Filename, next, check)
	switch {
	case errors.Is(err, errBadRows):
		return refused(rowErrs, bad, fmt.Sprintf("%d of %d rows have problems, listed below with their lines. Nothing was imported; fix the file (or the mapping) and import again.", bad, rows))
	case readErr != nil:
		return refused(nil, 0, readErr.Error()+". Nothing was imported.")
	case err != nil:
		var se *sightline.Error
		if errors.As(err, &se) && se.Code == sightline.EINVALID {
			return refused(nil, 0, se.Fields["file"]+" Nothing was imported.")
		}
		return err
	}
	_ = s.db.DeleteUpload(r.Context(), up.ID)
	s.flash(r, "success", fmt.Sprintf("Imported %s: %d new, %d updated, %d unchanged.", up.Filename, rep.New, rep.Updated, rep.Skipped))
	return redirect(w, r, paths.Pains(st.workspace.Slug))
}

var errBadRows = errors.New("rows with problems")

// Package painimport reads customer pain from the CSV exports of support
// and feedback tools (Productboard, Zendesk, Intercom, Canny, UserVoice, or
// any file with a header row): the file's encoding and separator, a preset
// or a hand-made mapping of columns to pain fields, and each row checked by
// the domain's pain rules, with its line number. It reads a row at a time,
// never the whole file. Loading the rows is the store's (postgres).
package painimport

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sightline/sightline/internal/sightline"
)

// Field is a pain note's field a column can fill.
type Field string

// The fields, in the order the mapping form lists them.
const (
	Quote      Field = "quote"
	Customer   Field = "customer"
	Segment    Field = "segment"
	Source     Field = "source"
	Severity   Field = "severity"
	Frequency  Field = "frequency"
	Firsthand  Field = "firsthand"
	HeardBy    Field = "heard_by"
	HeardOn    Field = "heard_on"
	ExternalID Field = "external_id"
	Link       Field = "link"
)

// Fields are every field with its label.
var Fields = []struct {
	Field Field
	Label string
}{
	{Quote, "Quote (the customer's words)"}, {Customer, "Customer"}, {Segment, "Segment"}, {Source, "Source"},
	{Severity, "Severity"}, {Frequency, "Frequency"}, {Firsthand, "Firsthand or relayed"}, {HeardBy, "Heard by"},
	{HeardOn, "Heard on"}, {ExternalID, "External id"}, {Link, "Link"},
}

// Encoding is how the file's bytes are read.
type Encoding string

// The encodings a file may be in. UTF-8 may start with a byte-order mark.
const (
	UTF8        Encoding = "utf-8"
	Windows1252 Encoding = "windows-1252"
)

// Reader reads a CSV export a record at a time: the header first.
type Reader struct {
	csv       *csv.Reader
	Header    []string
	Separator rune
}

// sniffBytes is how much of the file's start is looked at for its
// separator (and the read buffer's size).
const sniffBytes = 64 << 10

// NewReader reads the header of a CSV export in enc (a UTF-8 byte-order
// mark is skipped), detecting whether fields are separated by "," or ";".
func NewReader(r io.Reader, enc Encoding) (*Reader, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	var src io.Reader = br
	switch enc {
	case UTF8, "":
	case Windows1252:
		src = charmap.Windows1252.NewDecoder().Reader(br)
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	sr := bufio.NewReaderSize(src, sniffBytes)
	head, _ := sr.Peek(sniffBytes)
	sep := detectSeparator(head)
	c := csv.NewReader(sr)
	c.Comma = sep
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	header, err := c.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	h := make([]string, len(header))
	for i, x := range header {
		h[i] = strings.TrimSpace(x)
	}
	return &Reader{csv: c, Header: h, Separator: sep}, nil
}

// detectSeparator counts "," and ";" outside quotes on the first line.
func detectSeparator(b []byte) rune {
	comma, semi, quoted := 0, 0, false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if comma+semi > 0 {
				goto done
			}
		case c == ',':
			comma++
		case c == ';':
			semi++
		}
	}
done:
	if semi > comma {
		return ';'
	}
	return ','
}

// Next returns the next record and the line it starts on; io.EOF at the end.
// The record is reused by the following call.
func (r *Reader) Next() ([]string, int, error) {
	rec, err := r.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, fmt.Errorf("line %d: %s", pe.StartLine, pe.Err)
		}
		return nil, 0, err
	}
	line, _ := r.csv.FieldPos(0)
	return rec, line, nil
}

// Preset is a tool's export: which of its columns fill which field (the
// first non-empty of the listed columns a file has), and what a row of it
// is when no column says (source, firsthand).
type Preset struct {
	Key, Label string
	Columns    map[Field][]string
	Source     sightline.PainSource
	Firsthand  bool
}

// Presets are the tools whose exports import as they are. Header names
// are matched without regard to case, spaces or underscores.
var Presets = []Preset{
	{Key: "productboard", Label: "Productboard notes", Source: "other", Firsthand: false, Columns: map[Field][]string{
		Quote: {"note_text", "Note text", "Content", "title"}, Customer: {"company_name", "Company", "user_name", "Customer"},
		Segment: {"company_segment", "Segment"}, HeardBy: {"owner_name", "Owner"}, HeardOn: {"created_at", "Created at", "Date"},
		ExternalID: {"note_id", "id", "Note ID"}, Link: {"display_url", "source_url", "URL"}}},
	{Key: "zendesk", Label: "Zendesk tickets", Source: "support", Firsthand: true, Columns: map[Field][]string{
		Quote: {"Description", "Subject"}, Customer: {"Organization", "Requester", "Requester name"}, Segment: {"Group", "Segment"},
		Severity: {"Priority"}, HeardBy: {"Assignee"}, HeardOn: {"Created at", "Created"}, ExternalID: {"Id", "Ticket ID", "ID"},
		Link: {"Ticket URL", "URL"}}},
	{Key: "intercom", Label: "Intercom conversations", Source: "support", Firsthand: true, Columns: map[Field][]string{
		Quote: {"Conversation first message", "First message", "Conversation body", "Message"}, Customer: {"Company name", "User name", "User email"},
		Segment: {"Company plan", "Plan"}, HeardBy: {"Teammate assigned", "Assignee"}, HeardOn: {"Conversation started at", "Created at"},
		ExternalID: {"Conversation ID", "ID"}, Link: {"Conversation URL", "URL"}}},
	{Key: "canny", Label: "Canny posts", Source: "other", Firsthand: true, Columns: map[Field][]string{
		Quote: {"Details", "Title"}, Customer: {"Company Name", "Author Name", "Author Email"}, Segment: {"Board"},
		HeardOn: {"Created At", "Date"}, ExternalID: {"ID", "Post ID"}, Link: {"URL", "Post URL"}}},
	{Key: "uservoice", Label: "UserVoice suggestions", Source: "other", Firsthand: true, Columns: map[Field][]string{
		Quote: {"Description", "Title", "Suggestion"}, Customer: {"Creator Account", "Creator Name", "Creator Email"}, Segment: {"Forum", "Category"},
		HeardOn: {"Created At", "Created", "Date"}, ExternalID: {"Suggestion ID", "Id", "ID"}, Link: {"URL", "Portal URL"}}},
	{Key: "generic", Label: "Generic (columns named like the fields)", Source: "other", Firsthand: false, Columns: map[Field][]string{
		Quote: {"quote"}, Customer: {"customer"}, Segment: {"segment"}, Source: {"source"}, Severity: {"severity"}, Frequency: {"frequency"},
		Firsthand: {"firsthand", "firsthand/relayed"}, HeardBy: {"heard_by", "heard by"}, HeardOn: {"heard_on", "heard on", "date"},
		ExternalID: {"external_id", "external id", "id"}, Link: {"link", "url"}}},
}

// PresetByKey finds a preset.
func PresetByKey(key string) (Preset, bool) {
	for _, p := range Presets {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}

func headerKey(s string) string {
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// Mapping says, for each field, which columns fill it (the first non-empty
// wins) and the defaults where no column does.
type Mapping struct {
	Columns   map[Field][]int
	Header    []string
	Source    sightline.PainSource
	Firsthand bool
}

// Map resolves a preset against a file's header; manual, when it names a
// column for a field (by header text; "-" for none), replaces the preset's
// choice for that field. A file that gives no quote or no date is refused
// with what to map.
func Map(header []string, p Preset, manual map[Field]string) (Mapping, sightline.Problems) {
	m := Mapping{Columns: map[Field][]int{}, Header: header, Source: p.Source, Firsthand: p.Firsthand}
	index := map[string]int{}
	for i, h := range header {
		if _, dup := index[headerKey(h)]; !dup {
			index[headerKey(h)] = i
		}
	}
	problems := sightline.Problems{}
	for _, f := range Fields {
		if col, ok := manual[f.Field]; ok && col != "" {
			if col == "-" {
				continue
			}
			i, found := index[headerKey(col)]
			if !found {
				problems["map_"+string(f.Field)] = fmt.Sprintf("The file has no column %q.", col)
				continue
			}
			m.Columns[f.Field] = []int{i}
			continue
		}
		for _, name := range p.Columns[f.Field] {
			if i, ok := index[headerKey(name)]; ok {
				m.Columns[f.Field] = append(m.Columns[f.Field], i)
			}
		}
	}
	if len(m.Columns[Quote]) == 0 {
		problems.Add("map_quote", "Choose the column that holds the customer's words.")
	}
	if len(m.Columns[HeardOn]) == 0 {
		problems.Add("map_heard_on", "Choose the column that says when it was heard (a date).")
	}
	return m, problems
}

// Row is one pain note read from the file, and its line. Its Key is what
// a re-import recognises it by: the source and the external id, or a hash
// of its content when the export has no id.
type Row struct {
	Line int
	sightline.PainImportRow
}

// RowError is why a row cannot be imported.
type RowError struct {
	Line    int
	Field   Field
	Message string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message) }

func (m Mapping) get(rec []string, f Field) string {
	for _, i := range m.Columns[f] {
		if i < len(rec) {
			if v := strings.TrimSpace(rec[i]); v != "" {
				return v
			}
		}
	}
	return ""
}

// Row reads one record into a pain note, checked by the domain's rules;
// today bounds "heard on". The errors name the line and the field.
func (m Mapping) Row(rec []string, line int, today time.Time) (Row, []RowError) {
	d := sightline.PainDraft{
		Quote: m.get(rec, Quote), Customer: m.get(rec, Customer), Segment: m.get(rec, Segment), HeardBy: m.get(rec, HeardBy),
		Source: string(m.Source), Severity: "3", Frequency: "once", Firsthand: "relayed",
	}
	if m.Firsthand {
		d.Firsthand = "firsthand"
	}
	var errs []RowError
	if v := m.get(rec, Source); v != "" {
		d.Source = normSource(v)
	}
	if v := m.get(rec, Severity); v != "" {
		d.Severity = normSeverity(v)
	}
	if v := m.get(rec, Frequency); v != "" {
		d.Frequency = strings.ToLower(v)
	}
	if v := m.get(rec, Firsthand); v != "" {
		d.Firsthand = normFirsthand(v)
	}
	if v := m.get(rec, HeardOn); v != "" {
		if t, ok := parseDate(v); ok {
			d.HeardOn = t.Format("2006-01-02")
		} else {
			errs = append(errs, RowError{line, HeardOn, fmt.Sprintf("%q is not a date this import reads (use 2026-03-14).", v)})
			d.HeardOn = today.Format("2006-01-02") // checked above; keep the other messages
		}
	}
	n, err := d.Parse(today)
	var se *sightline.Error
	if errors.As(err, &se) && len(se.Fields) > 0 {
		for _, f := range Fields {
			if msg, ok := se.Fields[string(f.Field)]; ok {
				errs = append(errs, RowError{line, f.Field, msg})
			}
		}
	} else if err != nil {
		errs = append(errs, RowError{line, Quote, err.Error()})
	}
	row := Row{Line: line, PainImportRow: sightline.PainImportRow{Note: n, ExternalID: m.get(rec, ExternalID), Link: m.get(rec, Link)}}
	if utf8.RuneCountInString(row.ExternalID) > 200 {
		errs = append(errs, RowError{line, ExternalID, "At most 200 characters."})
	}
	if utf8.RuneCountInString(row.Link) > 2000 || row.Link != "" && !strings.HasPrefix(row.Link, "https://") && !strings.HasPrefix(row.Link, "http://") {
		errs = append(errs, RowError{line, Link, "A link starts with https:// (at most 2,000 characters)."})
	}
	if row.ExternalID != "" {
		row.Key = "id:" + string(n.Source) + ":" + row.ExternalID
	} else {
		sum := sha256.Sum256([]byte(strings.Join([]string{string(n.Source), n.Customer, n.Quote, d.HeardOn}, "\x00")))
		row.Key = "hash:" + hex.EncodeToString(sum[:16])
	}
	return row, errs
}

func normSource(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "usage", "usage data", "analytics":
		return "usage_data"
	case "ticket", "email", "chat", "zendesk", "intercom":
		return "support"
	}
	return strings.ReplaceAll(v, " ", "_")
}

func normSeverity(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "urgent", "critical", "blocker", "p0", "p1":
		return "5"
	case "high", "major", "p2":
		return "4"
	case "normal", "medium", "p3":
		return "3"
	case "low", "minor", "p4":
		return "2"
	case "trivial", "lowest", "p5":
		return "1"
	}
	return v
}

func normFirsthand(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true", "1", "firsthand", "first-hand", "direct":
		return "firsthand"
	case "no", "n", "false", "0", "relayed", "second-hand", "secondhand", "indirect":
		return "relayed"
	}
	return v
}

// dateLayouts are the dates the tools write: ISO dates and timestamps
// first, then the US forms some exports use (month first).
var dateLayouts = []string{
	"2006-01-02", time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700 MST", "2006-01-02 15:04", "2006-01-02 15:04 MST", "2006/01/02",
	"01/02/2006", "1/2/2006", "01/02/2006 15:04", "1/2/2006 15:04", "Jan 2, 2006", "January 2, 2006", "2 Jan 2006", "02 Jan 2006 15:04",
}

func parseDate(v string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 1e9 && n < 1e11 {
		t := time.Unix(n, 0).UTC() // a Unix timestamp in seconds
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

package painimport

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

type readRow struct {
	Row
	errs []RowError
}

// readAll reads a fixture with a preset (and a manual mapping).
func readAll(t *testing.T, path, preset string, enc Encoding, manual map[Field]string) (*Reader, []readRow) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, enc)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := PresetByKey(preset)
	if !ok {
		t.Fatalf("no preset %s", preset)
	}
	m, problems := Map(r.Header, p, manual)
	if len(problems) > 0 {
		t.Fatalf("%s: mapping refused: %v", path, problems)
	}
	var out []readRow
	for {
		rec, line, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		row, errs := m.Row(rec, line, today)
		out = append(out, readRow{row, errs})
	}
	return r, out
}

// TestPresetsReadTheirTools: each tool's export, shaped like the real one,
// imports with its preset: the customer's words, who, when, the id and
// link, the source and the defaults the preset knows.
func TestPresetsReadTheirTools(t *testing.T) {
	for _, c := range []struct {
		file, preset                            string
		enc                                     Encoding
		rows                                    int
		quote, customer, heardOn, extID, source string
		severity                                int
		firsthand                               bool
	}{
		{"productboard.csv", "productboard", UTF8, 2, "Our weekly export of 40k tasks times out every Monday, we lose an hour.", "Globex", "2026-10-02", "pb-101", "other", 3, false},
		{"zendesk.csv", "zendesk", UTF8, 2, "Syncing takes 3 minutes after every change.\nIt used to be instant.", "Acme Corp", "2026-11-03", "1041", "support", 5, true},
		{"intercom.csv", "intercom", UTF8, 2, "The mobile app logs me out every day, very annoying", "Hooli", "2026-11-10", "215001", "support", 3, true},
		{"canny.csv", "canny", UTF8, 2, "Please add a dark mode, my eyes hurt at night", "Pied Piper", "2026-09-01", "5f1a", "other", 3, true},
		{"uservoice.csv", "uservoice", Windows1252, 1, "Offline mode for the café without Wi–Fi", "Wayne Enterprises", "2026-09-14", "88", "other", 3, true},
		{"generic.csv", "generic", UTF8, 2, "Invoices are wrong\nwhen the plan changes mid-month", "Globex", "2026-08-20", "", "sales", 4, true},
	} {
		t.Run(c.preset, func(t *testing.T) {
			r, rows := readAll(t, "testdata/"+c.file, c.preset, c.enc, nil)
			if strings.HasPrefix(r.Header[0], "\ufeff") {
				t.Errorf("the byte-order mark stayed in the header: %q", r.Header[0])
			}
			if len(rows) != c.rows {
				t.Fatalf("%d rows, want %d", len(rows), c.rows)
			}
			for _, row := range rows {
				if len(row.errs) > 0 {
					t.Errorf("line %d refused: %v", row.Line, row.errs)
				}
			}
			n := rows[0].Note
			if n.Quote != c.quote || n.Customer != c.customer || n.HeardOn.Format("2006-01-02") != c.heardOn ||
				rows[0].ExternalID != c.extID || string(n.Source) != c.source || n.Severity != c.severity || n.Firsthand != c.firsthand {
				t.Errorf("first row: %+v (id %q)", n, rows[0].ExternalID)
			}
			if rows[0].Key == "" || (len(rows) > 1 && rows[0].Key == rows[1].Key) {
				t.Errorf("keys %q", rows[0].Key)
			}
		})
	}
	// Line numbers count the lines a quoted field spans; the generic file
	// is ";"-separated.
	r, rows := readAll(t, "testdata/generic.csv", "generic", UTF8, nil)
	if r.Separator != ';' || rows[0].Line != 2 || rows[1].Line != 4 {
		t.Errorf("separator %q, lines %d and %d (want ';', 2 and 4)", r.Separator, rows[0].Line, rows[1].Line)
	}
	if rows[1].Link != "https://crm.example.com/g-2" || rows[1].Key != "id:interview:g-2" || !strings.HasPrefix(rows[0].Key, "hash:") {
		t.Errorf("link %q keys %q %q", rows[1].Link, rows[1].Key, rows[0].Key)
	}
	// Canny's post without details takes its title.
	_, rows = readAll(t, "testdata/canny.csv", "canny", UTF8, nil)
	if rows[1].Note.Quote != "Gantt view" {
		t.Errorf("canny fallback quote %q", rows[1].Note.Quote)
	}
}

// TestRowsNameWhatIsWrong: a row's problems come with its line and field;
// a file without a quote or date column is refused before any row; a
// manual mapping replaces the preset's.
func TestRowsNameWhatIsWrong(t *testing.T) {
	src := "quote,severity,heard_on,source,link\n" +
		"fine,3,2026-01-02,support,\n" +
		",3,2026-01-02,support,\n" +
		"bad date,3,yesterday,support,\n" +
		"bad severity,9,2026-01-02,support,\n" +
		"future,3,2030-01-01,support,\n" +
		"bad source,3,2026-01-02,carrier pigeon,\n" +
		"bad link,3,2026-01-02,support,javascript:alert(1)\n"
	r, err := NewReader(strings.NewReader(src), UTF8)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := PresetByKey("generic")
	m, problems := Map(r.Header, p, nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	want := map[int]Field{3: Quote, 4: HeardOn, 5: Severity, 6: HeardOn, 7: Source, 8: Link}
	for {
		rec, line, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		_, errs := m.Row(rec, line, today)
		f, bad := want[line]
		switch {
		case !bad && len(errs) > 0:
			t.Errorf("line %d refused: %v", line, errs)
		case bad && (len(errs) == 0 || errs[0].Field != f || errs[0].Line != line):
			t.Errorf("line %d: %v, want a %s problem", line, errs, f)
		}
	}
	// No quote column: refused with what to map; a manual mapping fixes it.
	r, _ = NewReader(strings.NewReader("text,when\nhello,2026-01-02\n"), UTF8)
	if _, problems := Map(r.Header, p, nil); problems["map_quote"] == "" || problems["map_heard_on"] == "" {
		t.Fatalf("unmapped file: %v", problems)
	}
	m, problems = Map(r.Header, p, map[Field]string{Quote: "Text", HeardOn: "when"})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	rec, line, _ := r.Next()
	if row, errs := m.Row(rec, line, today); len(errs) > 0 || row.Note.Quote != "hello" {
		t.Fatalf("manual mapping: %+v %v", row, errs)
	}
	if _, problems := Map(r.Header, p, map[Field]string{Quote: "nope"}); problems["map_quote"] == "" {
		t.Error("a manual mapping to a missing column is not refused")
	}
	// A broken quote is a line-numbered error, not a crash.
	r, _ = NewReader(strings.NewReader("quote,heard_on\n\"open,2026-01-02\nx\"y,2026-01-02\n"), UTF8)
	if _, _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("broken quote: %v", err)
	}
}

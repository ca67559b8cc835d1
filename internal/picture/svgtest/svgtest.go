// Package svgtest is the one SVG parser of the tests: a picture is checked
// by a real XML parser (encoding/xml), never by string comparison alone.
package svgtest

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// Doc is a parsed SVG: its text (character data, titles included, one
// piece per line) and its elements in document order.
type Doc struct {
	Text  string
	Elems []xml.StartElement
}

// Parse checks that s is well-formed, balanced XML with an <svg> root and
// returns its text and elements; anything else fails the test.
func Parse(t testing.TB, s string) Doc {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var d Doc
	var text strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%.800s", err, s)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if len(d.Elems) == 0 && x.Name.Local != "svg" {
				t.Fatalf("root element %q", x.Name.Local)
			}
			d.Elems = append(d.Elems, x.Copy())
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(x)
			text.WriteString("\n")
		}
	}
	if depth != 0 || len(d.Elems) == 0 {
		t.Fatalf("unbalanced SVG (depth %d, %d elements)", depth, len(d.Elems))
	}
	d.Text = text.String()
	return d
}

// Attr is an element's attribute, "" when it has none.
func Attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// WithTestID returns the elements whose data-testid is id.
func (d Doc) WithTestID(id string) []xml.StartElement {
	var out []xml.StartElement
	for _, e := range d.Elems {
		if Attr(e, "data-testid") == id {
			out = append(out, e)
		}
	}
	return out
}

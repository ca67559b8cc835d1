package picture

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sightline/sightline/internal/sightline"
)

// Writing SVG text: escaping, numbers, cutting and wrapping names. Shared
// by the timeline and the matrix.

// svgWriter builds SVG text.
type svgWriter struct{ strings.Builder }

func (w *svgWriter) printf(format string, args ...any) {
	if len(args) == 0 {
		w.WriteString(format)
		return
	}
	fmt.Fprintf(w, format, args...)
}

func (w *svgWriter) raw(s string) { w.WriteString(s) }

func (w *svgWriter) int(i int64) {
	var buf [20]byte
	w.Write(strconv.AppendInt(buf[:0], i, 10))
}

// num writes a coordinate rounded to a tenth (svgNum).
func (w *svgWriter) num(f float64) { w.WriteString(svgNum(f)) }

// esc writes text for an XML text node or a double-quoted attribute: & < >
// " ' become references (tab, newline and return too, as encoding/xml
// does), and what XML cannot hold (control characters, invalid UTF-8)
// becomes U+FFFD.
func (w *svgWriter) esc(s string) {
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var rep string
		switch {
		case r == '&':
			rep = "&amp;"
		case r == '<':
			rep = "&lt;"
		case r == '>':
			rep = "&gt;"
		case r == '"':
			rep = "&#34;"
		case r == '\'':
			rep = "&#39;"
		case r == '\t':
			rep = "&#x9;"
		case r == '\n':
			rep = "&#xA;"
		case r == '\r':
			rep = "&#xD;"
		case r < 0x20 || (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF:
			rep = "\uFFFD"
		default:
			i += size
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(rep)
		i += size
		last = i
	}
	w.WriteString(s[last:])
}

// svgEsc escapes text for an XML text node or a double-quoted attribute.
func svgEsc(s string) string {
	var w svgWriter
	w.esc(s)
	return w.String()
}

// svgCut shortens s to n characters with an ellipsis ("" when n < 2).
func svgCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 2 {
		return ""
	}
	i, k := 0, 0
	for k < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return strings.TrimSpace(s[:i]) + "…"
}

// svgWrap breaks s into at most lines lines of about width characters;
// the last line ends with an ellipsis when s does not fit.
func svgWrap(s string, width, lines int) []string {
	words := strings.Fields(s)
	var out []string
	cur := ""
	for i, wd := range words {
		next := wd
		if cur != "" {
			next = cur + " " + wd
		}
		if len([]rune(next)) <= width || cur == "" {
			cur = next
			continue
		}
		out = append(out, cur)
		cur = wd
		if len(out) == lines-1 {
			cur = strings.Join(words[i:], " ")
			break
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	for i := range out {
		out[i] = svgCut(out[i], width)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// svgNum writes a coordinate rounded to a tenth, without a needless
// fraction or a negative zero: "142", "142.5", "0".
func svgNum(f float64) string {
	v := math.Round(f * 10)
	if math.IsNaN(v) || math.Abs(v) > 1e15 {
		return strconv.FormatFloat(v/10, 'f', -1, 64)
	}
	n := int64(v)
	if n%10 == 0 {
		return strconv.FormatInt(n/10, 10)
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)
}

func svgPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// DateSpan writes a span of days as people read it: "11 Jan 2027 – 26 Feb
// 2027", or one date when it starts and ends the same day.
func DateSpan(start, end time.Time) string {
	if start.Equal(end) {
		return dateText(start)
	}
	return dateText(start) + " – " + dateText(end)
}

func dateText(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// Links builds the addresses a picture links to. The server fills it with
// internal/paths' builders; pictures never spell a URL themselves.
type Links struct {
	Epic        func(id int64) string
	Epics       func(f sightline.EpicFilter) string // the backlog under a filter
	Initiative  func(id int64) string
	RoadmapItem func(id int64) string
	Shift       func(id int64) string
}

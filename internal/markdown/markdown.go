// Package markdown renders user-written markdown (vision, narratives,
// problems, pain quotes, comments) to HTML that is safe to embed: goldmark
// renders CommonMark + GFM without raw HTML, then bluemonday keeps only an
// allow-list of elements and attributes.
package markdown

import (
	"bytes"
	"context"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithInlineParsers(mentionInline)),
		// goldmark's default already drops raw HTML ("<!-- raw HTML omitted -->").
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^mention$`)).OnElements("a")
	p.AllowStandardURLs()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("align").OnElements("th", "td")
	p.AllowAttrs("start").OnElements("ol")
	return p
}

// HTML renders markdown to sanitized HTML.
func HTML(src string) string { return htmlWith(src, nil) }

// htmlWith renders markdown with members' handles resolved by r (nil: none).
func htmlWith(src string, r Resolver) string {
	var buf bytes.Buffer
	var opts []parser.ParseOption
	if r != nil {
		pc := parser.NewContext()
		pc.Set(mentionContextKey, r)
		opts = append(opts, parser.WithContext(pc))
	}
	if err := md.Convert([]byte(src), &buf, opts...); err != nil {
		return policy.Sanitize(templ.EscapeString(src))
	}
	return policy.Sanitize(buf.String())
}

// PlainText renders markdown and keeps only its text, on one line: what a
// history entry or a summary shows of a problem or a narrative ("> Task
// updates **take** too long" reads "Task updates take too long").
func PlainText(src string) string {
	var buf bytes.Buffer
	text := src
	if err := md.Convert([]byte(src), &buf); err == nil {
		text = html.UnescapeString(textOnly.Sanitize(buf.String()))
	}
	return strings.Join(strings.Fields(text), " ")
}

// textOnly strips every element, leaving a space where one was.
var textOnly = func() *bluemonday.Policy {
	p := bluemonday.StrictPolicy()
	p.AddSpaceWhenStrippingTag(true)
	return p
}()

// Render is a templ component for markdown, wrapped in a div with class "md".
func Render(src string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, `<div class="md">`); err != nil {
			return err
		}
		r, _ := ctx.Value(resolverKey{}).(Resolver)
		if _, err := io.WriteString(w, htmlWith(src, r)); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</div>`)
		return err
	})
}

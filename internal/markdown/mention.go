package markdown

import (
	"context"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Mentions: "@handle" of a member of the workspace renders as a link to
// that person (class "mention"); any other "@word" stays text. The page's
// context carries who the members are (WithMentions); without it nothing
// is a mention.

// Resolver answers whether handle (lower case) is a member of the page's
// workspace, and the address of their page.
type Resolver func(handle string) (href string, ok bool)

type resolverKey struct{}

// WithMentions makes Render link the members' handles, resolved by r.
func WithMentions(ctx context.Context, r Resolver) context.Context {
	return context.WithValue(ctx, resolverKey{}, r)
}

var mentionContextKey = parser.NewContextKey()

type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func handleChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

func (mentionParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	resolve, _ := pc.Get(mentionContextKey).(Resolver)
	if resolve == nil {
		return nil
	}
	if prev := block.PrecendingCharacter(); prev == '@' || prev < 128 && handleChar(byte(prev)) && prev != '-' {
		return nil // inside an email address or a word, not a mention
	}
	line, seg := block.PeekLine()
	if len(line) < 2 || !(line[1] >= 'a' && line[1] <= 'z' || line[1] >= 'A' && line[1] <= 'Z' || line[1] >= '0' && line[1] <= '9') {
		return nil
	}
	n := 1
	for n < len(line) && n <= 31 && handleChar(line[n]) {
		n++
	}
	h := strings.TrimRight(string(line[1:n]), "._-")
	if h == "" {
		return nil
	}
	href, ok := resolve(strings.ToLower(h))
	if !ok {
		return nil
	}
	n = 1 + len(h)
	block.Advance(n)
	link := ast.NewLink()
	link.Destination = []byte(href)
	link.SetAttributeString("class", []byte("mention"))
	link.AppendChild(link, ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n)))
	return link
}

// mentionInline runs before the autolinks, so an "@" is looked at as a
// mention first.
var mentionInline = util.Prioritized(mentionParser{}, 150)

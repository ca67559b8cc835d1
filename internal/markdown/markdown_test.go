package markdown

import (
	"strings"
	"testing"
)

func TestHTMLSanitizes(t *testing.T) {
	for _, tc := range []struct{ in, mustNot, must string }{
		{"<script>alert(1)</script>", "<script", ""},
		{"hello <img src=x onerror=alert(1)>", "onerror", "hello"},
		{"[click](javascript:alert(1))", "javascript:", "click"},
		{"<a href=\"https://x.example\" onclick=\"evil()\">x</a>", "onclick", ""},
		{"**bold** and _em_", "<script", "<strong>bold</strong>"},
		{"- one\n- two", "", "<li>one</li>"},
		{"[site](https://example.com)", "", `href="https://example.com"`},
		{"<iframe src=https://evil.example></iframe>", "<iframe", ""},
		{"<style>body{display:none}</style>", "<style", ""},
	} {
		out := HTML(tc.in)
		if tc.mustNot != "" && strings.Contains(out, tc.mustNot) {
			t.Errorf("HTML(%q) = %q contains %q", tc.in, out, tc.mustNot)
		}
		if tc.must != "" && !strings.Contains(out, tc.must) {
			t.Errorf("HTML(%q) = %q lacks %q", tc.in, out, tc.must)
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"> Task updates **take** too long\n\nfor *everyone*": "Task updates take too long for everyone",
		"- one\n- two":                   "one two",
		"`code` & <script>x</script> ok": "code & x ok",
		"Tom &amp; Jerry":                "Tom & Jerry",
		"":                               "",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMentionsLinkMembersOnly(t *testing.T) {
	r := Resolver(func(h string) (string, bool) {
		if h == "arjun" {
			return "/w/demo/members/arjun", true
		}
		return "", false
	})
	got := htmlWith("@arjun can you check? @nobody too, mail arjun@example.com, `@arjun` in code, **@Arjun.**", r)
	for _, want := range []string{
		`<a href="/w/demo/members/arjun" class="mention" rel="nofollow noreferrer">@arjun</a> can you check?`,
		`@nobody too`,
		`<code>@arjun</code>`,
		`<strong><a href="/w/demo/members/arjun" class="mention" rel="nofollow noreferrer">@Arjun</a>.</strong>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Count(got, `class="mention"`) != 2 {
		t.Errorf("want exactly two mention links (not the email, not the code):\n%s", got)
	}
	// Without a resolver (or from user markup) no class survives.
	if got := HTML(`@arjun <a class="mention" href="/x">x</a> [y](/y "t")`); strings.Contains(got, "class=") {
		t.Errorf("a class got through without a resolver: %s", got)
	}
}

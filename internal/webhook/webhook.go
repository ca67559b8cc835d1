// Package webhook sends Sightline's events to chat tools and to programs:
// the message of each kind of target (Slack Block Kit, a Microsoft Teams
// Workflows Adaptive Card, a signed generic JSON document), and an HTTP
// client that never reaches loopback, link-local or private addresses
// unless the owner allowed one, with timeouts and a size limit. No SQL and
// no HTTP handlers: the server's worker reads the outbox and calls Send.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Kinds of webhook.
const (
	KindSlack   = "slack"
	KindTeams   = "teams"
	KindGeneric = "generic"
)

// Kinds are the kinds of webhook, in the order a form offers them.
var Kinds = []string{KindSlack, KindTeams, KindGeneric}

// Events a webhook may be sent, and how a message says each.
var Events = []string{"shift_logged", "shift_acknowledged", "epic_committed", "epic_ready", "blocking_impact",
	"decision_accepted", "objection_recorded"}

// EventLabel is how a person reads an event.
func EventLabel(e string) string {
	switch e {
	case "shift_logged":
		return "Strategy shift logged"
	case "shift_acknowledged":
		return "Shift acknowledged"
	case "epic_committed":
		return "Epic committed to a date"
	case "epic_ready":
		return "Epic moved to ready"
	case "blocking_impact":
		return "Blocking NFR impact added"
	case "decision_accepted":
		return "Decision accepted"
	case "objection_recorded":
		return "Objection recorded"
	case "test":
		return "Test message"
	}
	return e
}

// ValidEvent reports whether e is an event a webhook can choose.
func ValidEvent(e string) bool {
	for _, x := range Events {
		if x == e {
			return true
		}
	}
	return false
}

// Event is one delivery's content, as the outbox holds it.
type Event struct {
	ID            int64     `json:"delivery_id"`
	Event         string    `json:"event"`
	Workspace     string    `json:"workspace"`
	WorkspaceName string    `json:"workspace_name"`
	Actor         string    `json:"actor"`
	Summary       string    `json:"summary"`
	ItemType      string    `json:"item_type"`
	ItemID        int64     `json:"item_id"`
	URL           string    `json:"url"` // the item's page, absolute when the public address is set
	At            time.Time `json:"at"`
	// Changes are the item's fields as they changed ({"status": {"from": …, "to": …}}).
	Changes map[string]Change `json:"changes"`
}

// Change is one field's change.
type Change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// Text is the event in one line, for a notification and a fallback.
func (e Event) Text() string {
	who := e.Actor
	if who == "" {
		who = "Someone"
	}
	switch e.Event {
	case "shift_logged":
		return fmt.Sprintf("%s logged a strategy shift: %s", who, e.Summary)
	case "shift_acknowledged":
		return fmt.Sprintf("%s acknowledged the shift %s", who, e.Summary)
	case "epic_committed":
		return fmt.Sprintf("%s committed %s to %v", who, e.Summary, e.Changes["committed_on"].To)
	case "epic_ready":
		return fmt.Sprintf("%s moved %s to ready", who, e.Summary)
	case "blocking_impact":
		return fmt.Sprintf("%s added a blocking NFR impact: %s", who, e.Summary)
	case "decision_accepted":
		return fmt.Sprintf("%s accepted %s", who, e.Summary)
	case "objection_recorded":
		reason, _ := e.Changes["reason"].To.(string)
		return strings.TrimSpace(fmt.Sprintf("%s objected to %s. %s", who, e.Summary, reason))
	case "test":
		return fmt.Sprintf("Test message from Sightline (%s), sent by %s", e.WorkspaceName, who)
	}
	return who + ": " + e.Summary
}

// Body is the request body for a kind of webhook.
func Body(kind string, e Event) ([]byte, error) {
	switch kind {
	case KindSlack:
		return json.Marshal(Slack(e))
	case KindTeams:
		return json.Marshal(Teams(e))
	case KindGeneric:
		return json.Marshal(e)
	}
	return nil, fmt.Errorf("webhook: unknown kind %q", kind)
}

// mrkdwnEscape escapes the three characters Slack's mrkdwn reads as markup.
func mrkdwnEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Slack is a Block Kit message with a text fallback (the notification).
func Slack(e Event) map[string]any {
	title := "*" + mrkdwnEscape(EventLabel(e.Event)) + "*"
	if e.URL != "" && strings.HasPrefix(e.URL, "http") {
		title = "*<" + e.URL + "|" + mrkdwnEscape(EventLabel(e.Event)) + ">*"
	}
	return map[string]any{
		"text": e.Text(),
		"blocks": []any{
			map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": title + "\n" + mrkdwnEscape(e.Text())}},
			map[string]any{"type": "context", "elements": []any{
				map[string]any{"type": "mrkdwn", "text": mrkdwnEscape(e.WorkspaceName) + " · Sightline"},
			}},
		},
	}
}

// Teams is a message for a Teams Workflows webhook ("When a Teams webhook
// request is received"): one Adaptive Card 1.4 attachment.
func Teams(e Event) map[string]any {
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": EventLabel(e.Event), "weight": "Bolder", "size": "Medium", "wrap": true},
			map[string]any{"type": "TextBlock", "text": e.Text(), "wrap": true},
			map[string]any{"type": "TextBlock", "text": e.WorkspaceName + " · Sightline", "isSubtle": true, "spacing": "Small", "wrap": true},
		},
	}
	if strings.HasPrefix(e.URL, "http") {
		card["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": "Open in Sightline", "url": e.URL}}
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}

// Signature is the X-Sightline-Signature of a body sent at t: "t=<unix
// seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>". A
// receiver recomputes it and refuses a t more than five minutes old.
func Signature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature against a body, at most tolerance old at now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	at := time.Unix(sec, 0)
	if now.Sub(at) > tolerance || at.Sub(now) > tolerance {
		return false
	}
	want := Signature(secret, at, body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

// Private reports whether an address is one a webhook may not reach
// unless allowed: loopback, link-local, private (RFC 1918, unique local
// fc00::/7), shared (100.64.0.0/10), unspecified, multicast, and the IPv4
// ones hidden in IPv6 forms.
func Private(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is4In6() {
		a = netip.AddrFrom4(a.As4())
	}
	if a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsPrivate() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range blocked {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 of any IPv4 address
	netip.MustParsePrefix("2002::/16"),    // 6to4
}

// ErrPrivate is the refusal of an address not allowed.
var ErrPrivate = errors.New("the address is private, loopback or link-local; an owner must allow it explicitly")

// CheckURL checks a webhook's address as typed: https (or http), a host,
// no credentials.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("write the full address, starting with https://")
	}
	if u.User != nil {
		return nil, errors.New("an address may not carry a user name or password")
	}
	return u, nil
}

// Client sends webhook requests (one per webhook: its allowed address is
// checked against the address actually dialled).
type Client struct {
	http  *http.Client
	limit int64
}

// MaxResponse is how much of a response is read (the rest is dropped).
const MaxResponse = 64 << 10

// NewClient returns a client that dials only public addresses, or the
// allowed one, with the timeout for the whole request.
func NewClient(timeout time.Duration, allowed string) *Client {
	allow, _ := netip.ParseAddr(strings.TrimSpace(allowed))
	d := &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if Private(ap.Addr()) && (!allow.IsValid() || allow.Unmap() != ap.Addr().Unmap()) {
			return ErrPrivate
		}
		return nil
	}}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout,
		// A client lives for one delivery: nothing is kept open after it.
		DisableKeepAlives: true, Proxy: nil}
	return &Client{limit: MaxResponse, http: &http.Client{Transport: tr, Timeout: timeout,
		// A redirect could lead anywhere: it is a failed delivery.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Result is how a delivery went.
type Result struct {
	Status int    // the response's status (0: none)
	Body   string // its first bytes, for the delivery log
}

// OK reports whether the receiver took it (2xx).
func (r Result) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Send posts body to target with the headers.
func (c *Client) Send(ctx context.Context, target string, body []byte, header http.Header) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Result{}, err
	}
	req.Header = header.Clone()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Sightline-Webhooks/1")
	res, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, ErrPrivate) {
			return Result{}, ErrPrivate
		}
		return Result{}, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, c.limit))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	text := string(b)
	if len(text) > 500 {
		text = text[:500]
	}
	return Result{Status: res.StatusCode, Body: text}, nil
}

// Backoff is the wait before the attempt after attempt (1-based): 30 s
// doubling to an hour, so 24 hours hold about 30 attempts.
func Backoff(attempt int, base time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Draft is a webhook as typed into the settings form.
type Draft struct {
	Name, Kind, URL, AllowedAddress string
	Events                          []string
}

// Check reads a draft: a message per bad field. Resolve looks a host up
// (nil: only literal addresses are checked); an address that resolves to
// a private one is refused unless it is the allowed one.
func (d Draft) Check(ctx context.Context, resolve func(ctx context.Context, host string) ([]netip.Addr, error)) map[string]string {
	p := map[string]string{}
	if n := len([]rune(strings.TrimSpace(d.Name))); n == 0 || n > 100 {
		p["name"] = "Give the webhook a name of 1 to 100 characters, e.g. “#roadmap channel”."
	}
	known := false
	for _, k := range Kinds {
		known = known || k == d.Kind
	}
	if !known {
		p["kind"] = "Choose Slack, Microsoft Teams or generic JSON."
	}
	if len(d.Events) == 0 {
		p["events"] = "Choose at least one event to send."
	}
	for _, e := range d.Events {
		if !ValidEvent(e) {
			p["events"] = "Choose among the events listed."
		}
	}
	var allow netip.Addr
	if a := strings.TrimSpace(d.AllowedAddress); a != "" {
		var err error
		if allow, err = netip.ParseAddr(a); err != nil {
			p["allowed_address"] = "Write one IP address, e.g. 10.0.0.5, or leave it empty."
		}
	}
	u, err := CheckURL(d.URL)
	if err != nil {
		p["url"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:] + "."
		return p
	}
	if len(d.URL) > 2000 {
		p["url"] = "An address of at most 2,000 characters."
		return p
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if resolve != nil {
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if addrs, err = resolve(rctx, host); err != nil || len(addrs) == 0 {
			p["url"] = "The name " + host + " could not be found; check the address."
			return p
		}
	}
	for _, a := range addrs {
		if Private(a) && (!allow.IsValid() || allow.Unmap() != a.Unmap()) {
			p["url"] = "This address reaches " + a.String() + ", a private, loopback or link-local address. If the receiver is yours, write that address below to allow it."
			return p
		}
	}
	return p
}

// Resolve looks a host's addresses up with the system's resolver.
func Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

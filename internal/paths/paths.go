// Package paths builds every URL of the app. Pages, handlers and pictures
// link through these functions only, so an address is written once, next to
// its siblings, and a test (internal/server/paths_test.go) checks that each
// builder's output is served by a route of the route table.
//
// ws is always the workspace's slug. A list takes its filter as an optional
// Query: the filter's own Values() encode it, so the page's links and its
// filter form agree on the parameter names.
package paths

import (
	"net/url"
	"strconv"
)

// Query is a list filter that encodes itself as a query string.
type Query interface{ Values() url.Values }

// Values is a ready query string, for the few links that are not a filter.
type Values url.Values

// Values returns v.
func (v Values) Values() url.Values { return url.Values(v) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// with appends the non-empty query strings of qs to p.
func with(p string, qs []Query) string {
	v := url.Values{}
	for _, q := range qs {
		if q == nil {
			continue
		}
		for k, vals := range q.Values() {
			v[k] = append(v[k], vals...)
		}
	}
	if len(v) == 0 {
		return p
	}
	return p + "?" + v.Encode()
}

// The signed-in user's pages and the access pages.

func Home() string            { return "/" }
func Login(q ...Query) string { return with("/login", q) }
func Logout() string          { return "/logout" }
func Setup() string           { return "/setup" }
func Account() string         { return "/account" }
func AccountPassword() string { return "/account/password" }
func AccountTokens() string   { return "/account/tokens" }
func AccountTokenRevoke(id int64) string {
	return "/account/tokens/" + strconv.FormatInt(id, 10) + "/revoke"
}

// OpenAPI is the API's OpenAPI document.
func OpenAPI() string { return "/api/v1/openapi.json" }

// MCP is the MCP endpoint (a token's workspace).
func MCP() string { return "/mcp" }

// LLMsText is the workspace summarised for agents (llmstxt.org).
func LLMsText(ws string) string { return workspace(ws, "/llms.txt") }

// SettingsWebhooks is where an owner adds a webhook.
func SettingsWebhooks(ws string) string { return workspace(ws, "/settings/webhooks") }

// SettingsWebhook is a webhook's page with its delivery log.
func SettingsWebhook(ws string, id int64) string {
	return SettingsWebhooks(ws) + "/" + strconv.FormatInt(id, 10)
}

// SettingsWebhookTest queues a test message.
func SettingsWebhookTest(ws string, id int64) string { return SettingsWebhook(ws, id) + "/test" }

// SettingsWebhookPause pauses or resumes a webhook.
func SettingsWebhookPause(ws string, id int64) string { return SettingsWebhook(ws, id) + "/pause" }

// SettingsWebhookDelete removes a webhook.
func SettingsWebhookDelete(ws string, id int64) string { return SettingsWebhook(ws, id) + "/delete" }

func APIDocs() string                  { return "/api/docs" }
func Invite(token string) string       { return "/invite/" + url.PathEscape(token) }
func Workspace(ws string) string       { return "/w/" + url.PathEscape(ws) }
func workspace(ws, rest string) string { return Workspace(ws) + rest }

// Settings: members and invitations.

func Settings(ws string) string          { return workspace(ws, "/settings") }
func SettingsWorkspace(ws string) string { return workspace(ws, "/settings/workspace") }
func SettingsTokenRevoke(ws string, id int64) string {
	return workspace(ws, "/settings/tokens/"+strconv.FormatInt(id, 10)+"/revoke")
}
func MemberRole(ws string, memberID int64) string {
	return workspace(ws, "/settings/members/"+id(memberID)+"/role")
}
func MemberRemove(ws string, memberID int64) string {
	return workspace(ws, "/settings/members/"+id(memberID)+"/remove")
}
func Invitations(ws string) string { return workspace(ws, "/settings/invitations") }
func InvitationRevoke(ws string, invitationID int64) string {
	return workspace(ws, "/settings/invitations/"+id(invitationID)+"/revoke")
}

// Strategy and the shift log.

func Strategy(ws string) string          { return workspace(ws, "/strategy") }
func StrategyVision(ws string) string    { return workspace(ws, "/strategy/vision") }
func StrategyPressures(ws string) string { return workspace(ws, "/strategy/pressures") }
func Shifts(ws string) string            { return workspace(ws, "/shifts") }
func Shift(ws string, shiftID int64) string {
	return workspace(ws, "/shifts/"+id(shiftID))
}
func ShiftAck(ws string, shiftID int64) string { return Shift(ws, shiftID) + "/ack" }

// Goals and initiatives.

func Goals(ws string) string              { return workspace(ws, "/goals") }
func Goal(ws string, goalID int64) string { return Goals(ws) + "/" + id(goalID) }
func Initiatives(ws string) string        { return workspace(ws, "/initiatives") }
func Initiative(ws string, initiativeID int64) string {
	return Initiatives(ws) + "/" + id(initiativeID)
}
func InitiativeRevalidate(ws string, initiativeID int64) string {
	return Initiative(ws, initiativeID) + "/revalidate"
}

// Epics and what hangs off one epic.

func Epics(ws string, q ...Query) string { return with(workspace(ws, "/epics"), q) }
func EpicNew(ws string, q ...Query) string {
	return with(workspace(ws, "/epics/new"), q)
}
func EpicsCSV(ws string, q ...Query) string          { return with(workspace(ws, "/epics.csv"), q) }
func Epic(ws string, epicID int64) string            { return workspace(ws, "/epics/"+id(epicID)) }
func EpicTechnical(ws string, epicID int64) string   { return Epic(ws, epicID) + "/technical" }
func EpicStatus(ws string, epicID int64) string      { return Epic(ws, epicID) + "/status" }
func EpicEstimate(ws string, epicID int64) string    { return Epic(ws, epicID) + "/estimate" }
func EpicCommit(ws string, epicID int64) string      { return Epic(ws, epicID) + "/commit" }
func EpicFeasibility(ws string, epicID int64) string { return Epic(ws, epicID) + "/feasibility" }
func EpicPains(ws string, epicID int64) string       { return Epic(ws, epicID) + "/pains" }
func EpicPainUnlink(ws string, epicID, painID int64) string {
	return EpicPains(ws, epicID) + "/" + id(painID) + "/unlink"
}
func EpicImpacts(ws string, epicID int64) string { return Epic(ws, epicID) + "/impacts" }
func EpicImpact(ws string, epicID, impactID int64) string {
	return EpicImpacts(ws, epicID) + "/" + id(impactID)
}
func EpicImpactDelete(ws string, epicID, impactID int64) string {
	return EpicImpact(ws, epicID, impactID) + "/delete"
}
func EpicLinks(ws string, epicID int64) string   { return Epic(ws, epicID) + "/links" }
func EpicRoadmap(ws string, epicID int64) string { return Epic(ws, epicID) + "/roadmap" }

// Customer pain.

func Pains(ws string, q ...Query) string { return with(workspace(ws, "/pains"), q) }
func PainImport(ws string) string        { return workspace(ws, "/pains/import") }
func PainUpload(ws string, uploadID int64, q ...Query) string {
	return with(PainImport(ws)+"/"+id(uploadID), q)
}
func PainsCSV(ws string, q ...Query) string    { return with(workspace(ws, "/pains.csv"), q) }
func Pain(ws string, painID int64) string      { return workspace(ws, "/pains/"+id(painID)) }
func PainEpics(ws string, painID int64) string { return Pain(ws, painID) + "/epics" }

// Architecture items and their relations.

func Architecture(ws string, q ...Query) string {
	return with(workspace(ws, "/architecture"), q)
}
func ArchItem(ws string, itemID int64) string {
	return workspace(ws, "/architecture/"+id(itemID))
}
func ArchItemRelations(ws string, itemID int64) string { return ArchItem(ws, itemID) + "/relations" }
func RelationDelete(ws string, itemID, relationID int64) string {
	return ArchItemRelations(ws, itemID) + "/" + id(relationID) + "/delete"
}
func ArchItemLinks(ws string, itemID int64) string { return ArchItem(ws, itemID) + "/links" }

// Epic ↔ architecture item links.

func ArchLink(ws string, linkID int64) string       { return workspace(ws, "/links/"+id(linkID)) }
func ArchLinkDelete(ws string, linkID int64) string { return ArchLink(ws, linkID) + "/delete" }

// The NFR register.

func Concerns(ws string, q ...Query) string { return with(workspace(ws, "/concerns"), q) }
func Concern(ws string, concernID int64) string {
	return workspace(ws, "/concerns/"+id(concernID))
}
func ConcernItems(ws string, concernID int64) string { return Concern(ws, concernID) + "/items" }
func ConcernItemDetach(ws string, concernID, itemID int64) string {
	return ConcernItems(ws, concernID) + "/" + id(itemID) + "/detach"
}

// Roadmap items.

func Roadmap(ws string, q ...Query) string { return with(workspace(ws, "/roadmap"), q) }
func RoadmapItem(ws string, roadmapItemID int64) string {
	return workspace(ws, "/roadmap/"+id(roadmapItemID))
}
func RoadmapItemEpics(ws string, roadmapItemID int64) string {
	return RoadmapItem(ws, roadmapItemID) + "/epics"
}
func RoadmapEpicUnlink(ws string, roadmapItemID, epicID int64) string {
	return RoadmapItemEpics(ws, roadmapItemID) + "/" + id(epicID) + "/unlink"
}

// Decisions, by their number.

func Decisions(ws string, q ...Query) string { return with(workspace(ws, "/decisions"), q) }
func Decision(ws string, number int) string {
	return workspace(ws, "/decisions/"+strconv.Itoa(number))
}
func DecisionADR(ws string, number int) string       { return Decision(ws, number) + "/adr.md" }
func DecisionSupersede(ws string, number int) string { return Decision(ws, number) + "/supersede" }
func DecisionStance(ws string, number int) string    { return Decision(ws, number) + "/stance" }
func DecisionLinks(ws string, number int) string     { return Decision(ws, number) + "/links" }
func DecisionUnlink(ws string, number int, targetType string, targetID int64) string {
	return DecisionLinks(ws, number) + "/" + url.PathEscape(targetType) + "/" + id(targetID) + "/unlink"
}

// The review views.

func Review(ws string, q ...Query) string    { return with(workspace(ws, "/review"), q) }
func ReviewCSV(ws string, q ...Query) string { return with(workspace(ws, "/review/matrix.csv"), q) }
func ReviewMark(ws string) string            { return workspace(ws, "/review/mark") }
func Matrix(ws string, q ...Query) string    { return with(workspace(ws, "/matrix"), q) }

// Page is the page parameter of a list without a filter of its own
// ("page=N", nothing for the first page); name is its parameter.
func Page(name string, n int) Query {
	v := Values{}
	if n > 1 {
		v[name] = []string{strconv.Itoa(n)}
	}
	return v
}

// Handle is where the signed-in member changes their handle in a workspace.
func Handle(ws string) string { return workspace(ws, "/handle") }

// The inbox: mentions of the signed-in member.

func Inbox(ws string, q ...Query) string { return with(workspace(ws, "/inbox"), q) }
func InboxRead(ws string) string         { return Inbox(ws) + "/read" }
func InboxEntryRead(ws string, entryID int64) string {
	return Inbox(ws) + "/" + id(entryID) + "/read"
}

// Search finds anything in the workspace (?q=, &kind=, &page=).
func Search(ws string, q ...Query) string { return with(workspace(ws, "/search"), q) }

// Handles are the "@…" suggestions for a text field (?q=the typed start).
func Handles(ws string, q ...Query) string { return with(workspace(ws, "/handles"), q) }

// Member is a person's page in the workspace, by handle (where "@handle" links).
func Member(ws, handle string) string { return workspace(ws, "/members/"+url.PathEscape(handle)) }

func InboxBadge(ws string) string { return Inbox(ws) + "/badge" }

// Live updates: the workspace's event stream and the fragments it refreshes.

// Live is what an open page follows on the event stream besides its
// member's inbox: an item ("epic", 12) and topics ("epics", "shifts", "activity").
type Live struct {
	ItemType string
	ItemID   int64
	Topics   []string
}

// Values encodes the stream's query.
func (l Live) Values() url.Values {
	v := url.Values{}
	if l.ItemType != "" {
		v.Set("item", l.ItemType+":"+id(l.ItemID))
	}
	for _, t := range l.Topics {
		v.Add("topic", t)
	}
	return v
}

func Events(ws string, q ...Query) string { return with(workspace(ws, "/events"), q) }
func ItemWatch(ws, itemType string, itemID int64) string {
	return workspace(ws, "/items/"+url.PathEscape(itemType)+"/"+id(itemID)+"/watch")
}
func EpicRequests(ws string, epicID int64) string   { return Epic(ws, epicID) + "/requests" }
func DecisionRequests(ws string, number int) string { return Decision(ws, number) + "/requests" }
func ItemPresence(ws, itemType string, itemID int64) string {
	return workspace(ws, "/items/"+url.PathEscape(itemType)+"/"+id(itemID)+"/presence")
}
func ItemChanged(ws, itemType string, itemID int64) string {
	return workspace(ws, "/items/"+url.PathEscape(itemType)+"/"+id(itemID)+"/changed")
}

// Comments: posted on an item, then edited, deleted or resolved by their id.

func ItemComments(ws, itemType string, itemID int64) string {
	return workspace(ws, "/items/"+url.PathEscape(itemType)+"/"+id(itemID)+"/comments")
}
func Comment(ws string, commentID int64) string        { return workspace(ws, "/comments/"+id(commentID)) }
func CommentDelete(ws string, commentID int64) string  { return Comment(ws, commentID) + "/delete" }
func CommentResolve(ws string, commentID int64) string { return Comment(ws, commentID) + "/resolve" }

// Item is the page of an item of a kind that takes comments, by the number
// its page is addressed by (a decision's number, any other item's id).
func Item(ws, itemType string, ref int64) string {
	switch itemType {
	case "epic":
		return Epic(ws, ref)
	case "pain":
		return Pain(ws, ref)
	case "shift":
		return Shift(ws, ref)
	case "initiative":
		return Initiative(ws, ref)
	case "goal":
		return Goal(ws, ref)
	case "arch_item":
		return ArchItem(ws, ref)
	case "concern":
		return Concern(ws, ref)
	case "decision":
		return Decision(ws, int(ref))
	case "roadmap_item":
		return RoadmapItem(ws, ref)
	}
	return Workspace(ws)
}

package server

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/web/static"
)

// route is one entry of the route table: who may call it and what handles it.
type route struct {
	method  string
	pattern string
	access  Access
	handle  appHandler
}

// routes is the whole route table, top to bottom. Every route names its
// access rule; workspace routes name the action from the permission table.
func (s *Server) routes() []route {
	rs := []route{
		// Probes and assets: no session.
		{"GET", "/healthz", Static, s.handleHealthz},
		{"GET", "/readyz", Static, s.handleReadyz},
		{"GET", "/static/*", Static, s.handleStatic()},

		// Access.
		{"GET", "/login", Public, s.handleLoginForm},
		{"POST", "/login", Public, s.handleLogin},
		{"POST", "/logout", Public, s.handleLogout},
		{"GET", "/setup", Public, s.handleSetupForm},
		{"POST", "/setup", Public, s.handleSetup},
		{"GET", "/invite/{token}", Public, s.handleInviteForm},
		{"POST", "/invite/{token}", Public, s.handleInviteAccept},

		// The signed-in user's own pages.
		{"GET", "/", SignedIn, s.handleHome},
		{"GET", "/account", SignedIn, s.handleAccount},
		{"POST", "/account/password", SignedIn, s.handlePasswordChange},
		{"POST", "/account/tokens", SignedIn, s.handleTokenCreate},
		{"POST", "/account/tokens/{tokenID}/revoke", SignedIn, s.handleTokenRevoke},
		{"GET", "/api/docs", Public, s.handleAPIDocs},

		// A workspace.
		{"GET", "/w/{ws}", Can(sightline.ActionViewWorkspace), s.handleDashboard},
		{"GET", "/w/{ws}/settings", Can(sightline.ActionManageMembers), s.handleSettings},
		{"POST", "/w/{ws}/settings/webhooks", Can(sightline.ActionManageHooks), s.handleWebhookCreate},
		{"GET", "/w/{ws}/settings/webhooks/{webhookID}", Can(sightline.ActionManageHooks), s.handleWebhook},
		{"POST", "/w/{ws}/settings/webhooks/{webhookID}/test", Can(sightline.ActionManageHooks), s.handleWebhookTest},
		{"POST", "/w/{ws}/settings/webhooks/{webhookID}/pause", Can(sightline.ActionManageHooks), s.handleWebhookPause},
		{"POST", "/w/{ws}/settings/webhooks/{webhookID}/delete", Can(sightline.ActionManageHooks), s.handleWebhookDelete},
		{"POST", "/w/{ws}/settings/workspace", Can(sightline.ActionEditWorkspace), s.handleWorkspaceRename},
		{"POST", "/w/{ws}/settings/members/{memberID}/role", Can(sightline.ActionManageMembers), s.handleMemberRole},
		{"POST", "/w/{ws}/settings/members/{memberID}/remove", Can(sightline.ActionManageMembers), s.handleMemberRemove},
		{"POST", "/w/{ws}/settings/invitations", Can(sightline.ActionManageInvites), s.handleInvitationCreate},
		{"POST", "/w/{ws}/settings/invitations/{invitationID}/revoke", Can(sightline.ActionManageInvites), s.handleInvitationRevoke},
		{"POST", "/w/{ws}/settings/tokens/{tokenID}/revoke", Can(sightline.ActionManageMembers), s.handleSettingsTokenRevoke},

		// Strategy: vision, phase and its NFR pressure, the shift log.
		{"GET", "/w/{ws}/strategy", Can(sightline.ActionViewWorkspace), s.handleStrategy},
		{"POST", "/w/{ws}/strategy/vision", Can(sightline.ActionEditStrategy), s.handleVisionUpdate},
		{"POST", "/w/{ws}/strategy/pressures", Can(sightline.ActionEditStrategy), s.handlePressuresUpdate},
		{"POST", "/w/{ws}/shifts", Can(sightline.ActionLogShift), s.handleShiftCreate},
		{"GET", "/w/{ws}/shifts/{shiftID}", Can(sightline.ActionViewWorkspace), s.handleShift},
		{"POST", "/w/{ws}/shifts/{shiftID}", Can(sightline.ActionLogShift), s.handleShiftUpdate},
		{"POST", "/w/{ws}/shifts/{shiftID}/ack", Can(sightline.ActionAcknowledgeShift), s.handleShiftAcknowledge},

		// Goals.
		{"GET", "/w/{ws}/goals", Can(sightline.ActionViewWorkspace), s.handleGoals},
		{"POST", "/w/{ws}/goals", Can(sightline.ActionEditGoals), s.handleGoalCreate},
		{"GET", "/w/{ws}/goals/{goalID}", Can(sightline.ActionViewWorkspace), s.handleGoal},
		{"POST", "/w/{ws}/goals/{goalID}", Can(sightline.ActionEditGoals), s.handleGoalUpdate},

		// Initiatives.
		{"GET", "/w/{ws}/initiatives", Can(sightline.ActionViewWorkspace), s.handleInitiatives},
		{"POST", "/w/{ws}/initiatives", Can(sightline.ActionEditInitiatives), s.handleInitiativeCreate},
		{"GET", "/w/{ws}/initiatives/{initiativeID}", Can(sightline.ActionViewWorkspace), s.handleInitiative},
		{"POST", "/w/{ws}/initiatives/{initiativeID}", Can(sightline.ActionEditInitiatives), s.handleInitiativeUpdate},
		{"POST", "/w/{ws}/initiatives/{initiativeID}/revalidate", Can(sightline.ActionEditInitiatives), s.handleInitiativeRevalidate},

		// Epics: the unified backlog and everything about one epic.
		{"GET", "/w/{ws}/epics", Can(sightline.ActionViewWorkspace), s.handleEpics},
		{"GET", "/w/{ws}/epics.csv", Can(sightline.ActionViewWorkspace), s.handleEpicsCSV},
		{"GET", "/w/{ws}/epics/new", Can(sightline.ActionCreateEpic), s.handleEpicNew},
		{"POST", "/w/{ws}/epics", Can(sightline.ActionCreateEpic), s.handleEpicCreate},
		{"GET", "/w/{ws}/epics/{epicID}", Can(sightline.ActionViewWorkspace), s.handleEpic},
		{"POST", "/w/{ws}/epics/{epicID}", Can(sightline.ActionEditEpicProduct), s.handleEpicUpdate},
		{"POST", "/w/{ws}/epics/{epicID}/technical", Can(sightline.ActionEditEpicTech), s.handleEpicTechnical},
		{"POST", "/w/{ws}/epics/{epicID}/status", Can(sightline.ActionSetEpicStatus), s.handleEpicStatus},
		{"POST", "/w/{ws}/epics/{epicID}/estimate", Can(sightline.ActionEstimateEpic), s.handleEpicEstimate},
		{"POST", "/w/{ws}/epics/{epicID}/commit", Can(sightline.ActionCommitEpic), s.handleEpicCommit},
		{"POST", "/w/{ws}/epics/{epicID}/feasibility", Can(sightline.ActionFeasibility), s.handleEpicFeasibility},
		{"POST", "/w/{ws}/epics/{epicID}/pains", Can(sightline.ActionLinkPains), s.handleEpicPainLink},
		{"POST", "/w/{ws}/epics/{epicID}/requests", Can(sightline.ActionAskForInput), s.handleEpicAsk},
		{"POST", "/w/{ws}/epics/{epicID}/pains/{painID}/unlink", Can(sightline.ActionLinkPains), s.handleEpicPainUnlink},

		// Customer pain.
		{"GET", "/w/{ws}/pains", Can(sightline.ActionViewWorkspace), s.handlePains},
		{"GET", "/w/{ws}/pains.csv", Can(sightline.ActionViewWorkspace), s.handlePainsCSV},
		{"GET", "/w/{ws}/pains/import", Can(sightline.ActionEditPains), s.handlePainImportForm},
		{"POST", "/w/{ws}/pains/import", Can(sightline.ActionEditPains), s.handlePainUpload},
		{"GET", "/w/{ws}/pains/import/{uploadID}", Can(sightline.ActionEditPains), s.handlePainImportPreview},
		{"POST", "/w/{ws}/pains/import/{uploadID}", Can(sightline.ActionEditPains), s.handlePainImport},
		{"POST", "/w/{ws}/pains", Can(sightline.ActionEditPains), s.handlePainCreate},
		{"GET", "/w/{ws}/pains/{painID}", Can(sightline.ActionViewWorkspace), s.handlePain},
		{"POST", "/w/{ws}/pains/{painID}", Can(sightline.ActionEditPains), s.handlePainUpdate},
		{"POST", "/w/{ws}/pains/{painID}/epics", Can(sightline.ActionLinkPains), s.handlePainEpicLink},

		// Architecture items, their relations and diagram.
		{"GET", "/w/{ws}/architecture", Can(sightline.ActionViewWorkspace), s.handleArchitecture},
		{"POST", "/w/{ws}/architecture", Can(sightline.ActionProposeArchItem), s.handleArchItemCreate},
		{"GET", "/w/{ws}/architecture/{itemID}", Can(sightline.ActionViewWorkspace), s.handleArchItem},
		{"POST", "/w/{ws}/architecture/{itemID}", Can(sightline.ActionEditArchitecture), s.handleArchItemUpdate},
		{"POST", "/w/{ws}/architecture/{itemID}/relations", Can(sightline.ActionEditArchitecture), s.handleRelationCreate},
		{"POST", "/w/{ws}/architecture/{itemID}/relations/{relationID}/delete", Can(sightline.ActionEditArchitecture), s.handleRelationDelete},
		{"POST", "/w/{ws}/architecture/{itemID}/links", Can(sightline.ActionEditArchLinks), s.handleItemLinkCreate},

		// The NFR register, NFR impacts on epics, epic ↔ item links.
		{"GET", "/w/{ws}/concerns", Can(sightline.ActionViewWorkspace), s.handleConcerns},
		{"POST", "/w/{ws}/concerns", Can(sightline.ActionEditConcerns), s.handleConcernCreate},
		{"GET", "/w/{ws}/concerns/{concernID}", Can(sightline.ActionViewWorkspace), s.handleConcern},
		{"POST", "/w/{ws}/concerns/{concernID}", Can(sightline.ActionEditConcerns), s.handleConcernUpdate},
		{"POST", "/w/{ws}/concerns/{concernID}/items", Can(sightline.ActionEditConcerns), s.handleConcernItemAttach},
		{"POST", "/w/{ws}/concerns/{concernID}/items/{itemID}/detach", Can(sightline.ActionEditConcerns), s.handleConcernItemDetach},
		{"POST", "/w/{ws}/epics/{epicID}/impacts", Can(sightline.ActionEditImpacts), s.handleImpactCreate},
		{"POST", "/w/{ws}/epics/{epicID}/impacts/{impactID}", Can(sightline.ActionEditImpacts), s.handleImpactUpdate},
		{"POST", "/w/{ws}/epics/{epicID}/impacts/{impactID}/delete", Can(sightline.ActionEditImpacts), s.handleImpactDelete},
		{"POST", "/w/{ws}/epics/{epicID}/links", Can(sightline.ActionEditArchLinks), s.handleEpicLinkCreate},
		{"POST", "/w/{ws}/links/{linkID}", Can(sightline.ActionEditArchLinks), s.handleArchLinkUpdate},
		{"POST", "/w/{ws}/links/{linkID}/delete", Can(sightline.ActionEditArchLinks), s.handleArchLinkDelete},

		// Roadmap items and the epics they deliver.
		{"GET", "/w/{ws}/roadmap", Can(sightline.ActionViewWorkspace), s.handleRoadmapTimeline},
		{"POST", "/w/{ws}/roadmap", Can(sightline.ActionEditRoadmap), s.handleRoadmapItemCreate},
		{"GET", "/w/{ws}/roadmap/{roadmapItemID}", Can(sightline.ActionViewWorkspace), s.handleRoadmapItem},
		{"POST", "/w/{ws}/roadmap/{roadmapItemID}", Can(sightline.ActionEditRoadmap), s.handleRoadmapItemUpdate},
		{"POST", "/w/{ws}/roadmap/{roadmapItemID}/epics", Can(sightline.ActionEditRoadmap), s.handleRoadmapEpicLink},
		{"POST", "/w/{ws}/roadmap/{roadmapItemID}/epics/{epicID}/unlink", Can(sightline.ActionEditRoadmap), s.handleRoadmapEpicUnlink},
		{"POST", "/w/{ws}/epics/{epicID}/roadmap", Can(sightline.ActionEditRoadmap), s.handleEpicRoadmapLink},

		// Decisions (ADRs) with stances and links.
		{"GET", "/w/{ws}/decisions", Can(sightline.ActionViewWorkspace), s.handleDecisions},
		{"POST", "/w/{ws}/decisions", Can(sightline.ActionProposeDecision), s.handleDecisionCreate},
		{"GET", "/w/{ws}/decisions/{number}", Can(sightline.ActionViewWorkspace), s.handleDecision},
		{"GET", "/w/{ws}/decisions/{number}/adr.md", Can(sightline.ActionViewWorkspace), s.handleDecisionMarkdown},
		{"POST", "/w/{ws}/decisions/{number}", Can(sightline.ActionEditDecisions), s.handleDecisionUpdate},
		{"POST", "/w/{ws}/decisions/{number}/supersede", Can(sightline.ActionEditDecisions), s.handleDecisionSupersede},
		{"POST", "/w/{ws}/decisions/{number}/stance", Can(sightline.ActionTakeStance), s.handleDecisionStance},
		{"POST", "/w/{ws}/decisions/{number}/requests", Can(sightline.ActionAskStances), s.handleDecisionAsk},
		{"POST", "/w/{ws}/decisions/{number}/links", Can(sightline.ActionEditDecisions), s.handleDecisionLink},
		{"POST", "/w/{ws}/decisions/{number}/links/{targetType}/{targetID}/unlink", Can(sightline.ActionEditDecisions), s.handleDecisionUnlink},

		// The review views: side by side, impact vs effort.
		{"GET", "/w/{ws}/review", Can(sightline.ActionViewWorkspace), s.handleReview},
		{"GET", "/w/{ws}/review/matrix.csv", Can(sightline.ActionViewWorkspace), s.handleReviewCSV},
		{"POST", "/w/{ws}/review/mark", Can(sightline.ActionMarkReviewed), s.handleReviewMark},
		{"GET", "/w/{ws}/matrix", Can(sightline.ActionViewWorkspace), s.handleMatrix},

		// The signed-in member's handle and inbox.
		{"POST", "/w/{ws}/handle", Can(sightline.ActionViewWorkspace), s.handleHandleChange},
		{"GET", "/w/{ws}/members/{handle}", Can(sightline.ActionViewWorkspace), s.handleMember},
		{"GET", "/w/{ws}/handles", Can(sightline.ActionViewWorkspace), s.handleHandleSuggestions},
		{"GET", "/w/{ws}/search", Can(sightline.ActionViewWorkspace), s.handleSearch},
		{"GET", "/w/{ws}/inbox", Can(sightline.ActionViewWorkspace), s.handleInbox},
		{"GET", "/w/{ws}/inbox/badge", Can(sightline.ActionViewWorkspace), s.handleInboxBadge},
		{"POST", "/w/{ws}/inbox/read", Can(sightline.ActionViewWorkspace), s.handleInboxRead},
		{"POST", "/w/{ws}/inbox/{entryID}/read", Can(sightline.ActionViewWorkspace), s.handleInboxRead},

		// Comments on every kind of item: threads, replies, resolve, edit, delete.
		{"POST", "/w/{ws}/items/{targetType}/{targetID}/comments", Can(sightline.ActionComment), s.handleCommentCreate},
		{"GET", "/w/{ws}/comments/{commentID}", Can(sightline.ActionViewWorkspace), s.handleComment},
		{"POST", "/w/{ws}/comments/{commentID}", Can(sightline.ActionComment), s.handleCommentEdit},
		{"POST", "/w/{ws}/comments/{commentID}/delete", Can(sightline.ActionComment), s.handleCommentDelete},
		{"POST", "/w/{ws}/comments/{commentID}/resolve", Can(sightline.ActionComment), s.handleCommentResolve},

		// The REST API (api.go): a token, never a cookie; the same actions.
		{"GET", "/api/v1/openapi.json", Static, s.handleOpenAPI},
		{"POST", "/mcp", MCP(sightline.ActionViewWorkspace), s.handleMCP},
		{"GET", "/mcp", MCP(sightline.ActionViewWorkspace), s.handleMCP},    // 405: no stream (stateless)
		{"DELETE", "/mcp", MCP(sightline.ActionViewWorkspace), s.handleMCP}, // 405: no session (stateless)
		{"GET", "/w/{ws}/llms.txt", Can(sightline.ActionViewWorkspace), s.handleLLMsText},
		{"GET", "/api/v1/w/{ws}/llms.txt", API(sightline.ActionViewWorkspace), s.handleLLMsText},
		{"GET", "/api/v1/w/{ws}/epics", API(sightline.ActionViewWorkspace), s.apiEpics},
		{"POST", "/api/v1/w/{ws}/epics", API(sightline.ActionCreateEpic), s.apiEpicCreate},
		{"GET", "/api/v1/w/{ws}/epics/{epicID}", API(sightline.ActionViewWorkspace), s.apiEpic},
		{"PATCH", "/api/v1/w/{ws}/epics/{epicID}", API(sightline.ActionEditEpicProduct), s.apiEpicUpdate},
		{"PATCH", "/api/v1/w/{ws}/epics/{epicID}/technical", API(sightline.ActionEditEpicTech), s.apiEpicTechnical},
		{"POST", "/api/v1/w/{ws}/epics/{epicID}/status", API(sightline.ActionSetEpicStatus), s.apiEpicStatus},
		{"POST", "/api/v1/w/{ws}/epics/{epicID}/estimate", API(sightline.ActionEstimateEpic), s.apiEpicEstimate},
		{"POST", "/api/v1/w/{ws}/epics/{epicID}/commit", API(sightline.ActionCommitEpic), s.apiEpicCommit},
		{"GET", "/api/v1/w/{ws}/pains", API(sightline.ActionViewWorkspace), s.apiPains},
		{"POST", "/api/v1/w/{ws}/pains", API(sightline.ActionEditPains), s.apiPainCreate},
		{"GET", "/api/v1/w/{ws}/pains/{painID}", API(sightline.ActionViewWorkspace), s.apiPain},
		{"PATCH", "/api/v1/w/{ws}/pains/{painID}", API(sightline.ActionEditPains), s.apiPainUpdate},

		// Live updates: the event stream, and the fragments it refreshes.
		{"GET", streamPattern, Can(sightline.ActionViewWorkspace), s.handleEvents},
		{"GET", "/w/{ws}/items/{targetType}/{targetID}/comments", Can(sightline.ActionViewWorkspace), s.handleItemComments},
		{"POST", "/w/{ws}/items/{targetType}/{targetID}/watch", Can(sightline.ActionViewWorkspace), s.handleItemWatch},
		{"GET", "/w/{ws}/items/{targetType}/{targetID}/presence", Can(sightline.ActionViewWorkspace), s.handleItemPresence},
		{"POST", "/w/{ws}/items/{targetType}/{targetID}/presence", Can(sightline.ActionViewWorkspace), s.handleItemEditing},
		{"GET", "/w/{ws}/items/{targetType}/{targetID}/changed", Can(sightline.ActionViewWorkspace), s.handleItemChanged},
	}
	for _, k := range s.apiResources() {
		rs = append(rs, k.apiRoutes()...)
	}
	return append(rs, s.apiLinkRoutes()...)
}

// streamPattern is the event stream's route: it lives as long as its page,
// so it alone is not bounded by the request deadline.
const streamPattern = "/w/{ws}/events"

// longRoutes may take longer than a page: an upload of 50 MB over a slow
// link, an import of a million rows.
var longRoutes = map[string]time.Duration{
	"POST /w/{ws}/pains/import":            5 * time.Minute,
	"POST /w/{ws}/pains/import/{uploadID}": 15 * time.Minute,
}

// buildRouter wires the middleware chain and mounts every route behind its
// access rule.
func (s *Server) buildRouter() chi.Router {
	r := chi.NewRouter()
	r.Use(s.requestID, s.clientIP, s.logRequests, s.trackRequests, compress(), s.recoverPanics, securityHeaders, s.crossOriginProtection(), s.checkURL)
	notFound := s.guard(Public, s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return sightline.Errorf(sightline.ENOTFOUND, "Page not found.")
	}))
	notFound = s.withDeadline(notFound)
	r.NotFound(notFound.ServeHTTP)
	r.MethodNotAllowed(notFound.ServeHTTP)
	s.rules = map[string]Access{}
	for _, rt := range s.routes() {
		s.rules[rt.method+" "+rt.pattern] = rt.access
		var h http.Handler = s.adapt(rt.handle)
		if tagged(rt) {
			h = s.conditional(h)
		}
		if rt.access.Kind == accessAPI {
			h = s.retryReads(s.guardAPI(rt.access, h))
		} else {
			h = s.retryReads(s.guard(rt.access, h))
		}
		switch d, long := longRoutes[rt.method+" "+rt.pattern]; {
		case rt.pattern == streamPattern:
		case long:
			h = s.withDeadlineOf(d, h)
		default:
			h = s.withDeadline(h)
		}
		r.Method(rt.method, rt.pattern, h)
	}
	return r
}

func (s *Server) handleStatic() appHandler {
	files := http.StripPrefix("/static/", http.FileServerFS(filesOnly{static.FS}))
	return func(w http.ResponseWriter, r *http.Request) error {
		// Under its content-hashed name (what pages link to) an asset never
		// changes: cached for a year, immutable. Under its plain name, an hour.
		if name, ok := static.File(strings.TrimPrefix(r.URL.Path, "/static/")); ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/static/" + name
			r2.URL.RawPath = ""
			files.ServeHTTP(w, r2)
			return nil
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
		return nil
	}
}

// filesOnly serves the files of a tree and nothing about its folders: a
// folder does not exist, so /static/ is a 404, not a listing.
type filesOnly struct{ fsys fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if info, err := file.Stat(); err != nil || info.IsDir() {
		file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

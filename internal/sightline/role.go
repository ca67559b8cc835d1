package sightline

// Role is a member's role in one workspace.
type Role string

// The roles, from most to least powerful.
const (
	RoleOwner     Role = "owner"
	RolePM        Role = "pm"
	RoleArchitect Role = "architect"
	RoleEngineer  Role = "engineer"
	RoleViewer    Role = "viewer"
)

// Roles lists every role in display order.
var Roles = []Role{RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer:
		return true
	}
	return false
}

// Label is the role's name as people say it.
func (r Role) Label() string {
	switch r {
	case RoleOwner:
		return "Owner"
	case RolePM:
		return "Product manager"
	case RoleArchitect:
		return "Architect"
	case RoleEngineer:
		return "Engineer"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// Action is something a member may or may not do in a workspace.
type Action string

// Actions. Every workspace route names exactly one.
const (
	ActionViewWorkspace Action = "workspace.view"  // read anything in the workspace
	ActionManageMembers Action = "members.manage"  // change roles, remove members
	ActionManageInvites Action = "invites.manage"  // create and revoke invitations
	ActionEditWorkspace Action = "workspace.edit"  // rename the workspace
	ActionManageHooks   Action = "webhooks.manage" // add, pause, test and remove webhooks

	ActionEditStrategy     Action = "strategy.edit"       // vision, business phase, phase → NFR pressure mapping
	ActionLogShift         Action = "shift.log"           // log and correct strategy shifts
	ActionAcknowledgeShift Action = "shift.acknowledge"   // acknowledge a shift with an assessment
	ActionEditGoals        Action = "goal.edit"           // create and edit goals
	ActionEditInitiatives  Action = "initiative.edit"     // create, edit and re-validate initiatives
	ActionCreateEpic       Action = "epic.create"         // create epics (engineers and architects: enablers only)
	ActionEditEpicProduct  Action = "epic.edit_product"   // problem, why now, owners, impact, quarter…
	ActionEditEpicTech     Action = "epic.edit_technical" // technical owner, effort, what an enabler enables
	ActionSetEpicStatus    Action = "epic.status"         // move an epic through its statuses
	ActionEstimateEpic     Action = "epic.estimate"       // t-shirt estimate with why it is complex
	ActionCommitEpic       Action = "epic.commit"         // commit (or un-commit) a date
	ActionFeasibility      Action = "epic.feasibility"    // request, record (architects) or waive the check-in
	ActionEditPains        Action = "pain.edit"           // capture and edit customer-pain notes
	ActionLinkPains        Action = "pain.link"           // link pains and epics

	ActionProposeArchItem  Action = "arch.propose"     // create architecture items (engineers propose)
	ActionEditArchitecture Action = "arch.edit"        // edit items and relations
	ActionEditConcerns     Action = "concern.edit"     // the NFR register
	ActionEditImpacts      Action = "impact.edit"      // NFR impacts on epics
	ActionEditArchLinks    Action = "archlink.edit"    // epic ↔ architecture item links
	ActionEditRoadmap      Action = "roadmap.edit"     // roadmap items and the epics they deliver
	ActionProposeDecision  Action = "decision.propose" // propose a decision
	ActionEditDecisions    Action = "decision.edit"    // edit, accept, reject, supersede, link decisions
	ActionTakeStance       Action = "decision.stance"  // record one's own stance on a decision
	ActionMarkReviewed     Action = "review.mark"      // record that a roadmap/architecture review happened

	ActionAskForInput Action = "request.epic"   // ask for an estimate or a feasibility check-in on an epic
	ActionAskStances  Action = "request.stance" // ask members for their stance on a decision

	ActionComment          Action = "comment.write"    // comment, reply, resolve threads; edit and delete one's own comments
	ActionModerateComments Action = "comment.moderate" // delete anyone's comment
)

// permissions is the one table of who may do what. A role not listed for an
// action is refused it. Later features add their actions here.
var permissions = map[Action][]Role{
	ActionViewWorkspace: {RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer},
	ActionManageMembers: {RoleOwner},
	ActionManageHooks:   {RoleOwner},
	ActionManageInvites: {RoleOwner},
	ActionEditWorkspace: {RoleOwner},

	ActionEditStrategy:     {RoleOwner, RolePM},
	ActionLogShift:         {RoleOwner, RolePM},
	ActionAcknowledgeShift: {RoleArchitect},
	ActionEditGoals:        {RoleOwner, RolePM},
	ActionEditInitiatives:  {RoleOwner, RolePM},
	ActionCreateEpic:       {RoleOwner, RolePM, RoleArchitect, RoleEngineer},
	ActionEditEpicProduct:  {RoleOwner, RolePM},
	ActionEditEpicTech:     {RoleOwner, RoleArchitect, RoleEngineer},
	ActionSetEpicStatus:    {RoleOwner, RolePM, RoleArchitect, RoleEngineer},
	// Estimates are engineering input: owners who are not engineers do not count.
	ActionEstimateEpic: {RoleArchitect, RoleEngineer},
	ActionCommitEpic:   {RoleOwner, RolePM},
	// Who may request, record or waive is refined by FeasibilityAllowed.
	ActionFeasibility: {RoleOwner, RolePM, RoleArchitect},
	ActionEditPains:   {RoleOwner, RolePM},
	ActionLinkPains:   {RoleOwner, RolePM},

	ActionProposeArchItem:  {RoleOwner, RoleArchitect, RoleEngineer},
	ActionEditArchitecture: {RoleOwner, RoleArchitect},
	ActionEditConcerns:     {RoleOwner, RoleArchitect},
	ActionEditImpacts:      {RoleOwner, RoleArchitect},
	ActionEditArchLinks:    {RoleOwner, RoleArchitect},
	ActionEditRoadmap:      {RoleOwner, RolePM},
	ActionProposeDecision:  {RoleOwner, RolePM, RoleArchitect},
	ActionEditDecisions:    {RoleOwner, RoleArchitect},
	ActionTakeStance:       {RoleOwner, RolePM, RoleArchitect, RoleEngineer},
	ActionMarkReviewed:     {RoleOwner, RolePM, RoleArchitect},

	ActionAskForInput: {RoleOwner, RolePM},
	ActionAskStances:  {RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer},

	ActionComment:          {RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer},
	ActionModerateComments: {RoleOwner},
}

// EngineeringInputActions are the actions reserved to engineers and
// architects: even an owner may not do them unless they hold that role.
var EngineeringInputActions = []Action{ActionEstimateEpic, ActionAcknowledgeShift}

// Can reports whether the role is allowed the action.
func (r Role) Can(a Action) bool {
	for _, allowed := range permissions[a] {
		if allowed == r {
			return true
		}
	}
	return false
}

// KnownAction reports whether the permission table has a rule for a.
func KnownAction(a Action) bool {
	_, ok := permissions[a]
	return ok
}

// RolesAllowed returns the roles allowed an action, for messages like
// "only an owner can do this".
func RolesAllowed(a Action) []Role {
	return append([]Role(nil), permissions[a]...)
}

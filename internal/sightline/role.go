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
	ActionViewWorkspace Action = "workspace.view" // read anything in the workspace
	ActionManageMembers Action = "members.manage" // change roles, remove members
	ActionManageInvites Action = "invites.manage" // create and revoke invitations
	ActionEditWorkspace Action = "workspace.edit" // rename the workspace
)

// permissions is the one table of who may do what. A role not listed for an
// action is refused it. Later features add their actions here.
var permissions = map[Action][]Role{
	ActionViewWorkspace: {RoleOwner, RolePM, RoleArchitect, RoleEngineer, RoleViewer},
	ActionManageMembers: {RoleOwner},
	ActionManageInvites: {RoleOwner},
	ActionEditWorkspace: {RoleOwner},
}

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

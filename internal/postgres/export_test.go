package postgres

import (
	"context"

	"github.com/sightline/sightline/internal/sightline"
)

// SetupFirstOwnerOrWorkspace creates an owner user and a workspace whether or
// not users exist yet (tests need several workspaces).
func (db *DB) SetupFirstOwnerOrWorkspace(ctx context.Context, email, slug string) (*sightline.User, *sightline.Workspace, error) {
	u, err := db.CreateUser(ctx, Actor{}, email, "Owner of "+slug, "hash", "", "")
	if err != nil {
		return nil, nil, err
	}
	w, err := db.CreateWorkspace(ctx, Actor{UserID: u.ID}, slug, "Workspace "+slug)
	return u, w, err
}

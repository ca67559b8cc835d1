// Package sightline holds the domain: its types, their validation rules, the
// error kinds every layer speaks, and the permission table. It imports neither
// the database driver nor net/http; storage and HTTP depend on it.
package sightline

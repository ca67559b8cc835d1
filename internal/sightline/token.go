package sightline

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Personal access tokens (issue 13): programs call the API with a token
// that acts for its owner in one workspace, with the owner's role at the
// time of each call, limited further by its scope.

// TokenScope is what a token may do beyond its owner's role: read only,
// or read and write.
type TokenScope string

// Token scopes.
const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
)

// Valid reports whether s is a known scope.
func (s TokenScope) Valid() bool { return s == ScopeRead || s == ScopeWrite }

// Label is the scope as people say it.
func (s TokenScope) Label() string {
	switch s {
	case ScopeRead:
		return "Read"
	case ScopeWrite:
		return "Read and write"
	}
	return string(s)
}

// TokenScopes lists the scopes.
var TokenScopes = []TokenScope{ScopeRead, ScopeWrite}

// Token limits: a name, and how long a token lives.
const (
	MaxTokenName      = 100
	DefaultTokenDays  = 90
	MaxTokenDays      = 365
	tokenPrefix       = "slt_"
	tokenLookupLen    = 12
	tokenSecretBytes  = 32
	tokenLookupLetter = "abcdefghijkmnpqrstuvwxyz23456789" // no 0/o, 1/l: read aloud safely
)

// Token is a personal access token as stored: never its secret.
type Token struct {
	ID          int64
	WorkspaceID int64
	Workspace   string // the workspace's name, for lists
	Slug        string // the workspace's slug
	UserID      int64
	UserName    string // the owner's name, for the owners' list
	Name        string
	Scope       TokenScope
	Lookup      string // the public part of the token: "slt_<lookup>_…"
	CreatedAt   time.Time
	ExpiresAt   time.Time
	LastUsedAt  *time.Time
	LastUsedIP  string
	RevokedAt   *time.Time
}

// Active reports whether the token can be used at now.
func (t *Token) Active(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// State is how the token stands at now, as people say it.
func (t *Token) State(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "Revoked"
	case !now.Before(t.ExpiresAt):
		return "Expired"
	}
	return "Active"
}

// Prefix is how the token starts, enough to recognise it in a secret store.
func (t *Token) Prefix() string { return tokenPrefix + t.Lookup + "_…" }

// NewToken is a token being created, as read from the form or the command line.
type NewToken struct {
	Name   string
	Scope  string
	Days   string // lifetime in days; empty: DefaultTokenDays
	Secret string // filled by Issue
}

// Check reads the new token's fields: its name, scope and lifetime.
func (n NewToken) Check() (name string, scope TokenScope, days int, p Problems) {
	p = Problems{}
	name = strings.TrimSpace(n.Name)
	switch {
	case name == "":
		p.Add("name", "Give the token a name, e.g. what will use it.")
	case utf8.RuneCountInString(name) > MaxTokenName:
		p.Add("name", "Keep the name to "+strconv.Itoa(MaxTokenName)+" characters.")
	}
	scope = TokenScope(n.Scope)
	if !scope.Valid() {
		p.Add("scope", "Choose read, or read and write.")
	}
	days = DefaultTokenDays
	if raw := strings.TrimSpace(n.Days); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 1 || v > MaxTokenDays {
			p.Add("days", "A token lives from 1 to "+strconv.Itoa(MaxTokenDays)+" days.")
		} else {
			days = v
		}
	}
	return name, scope, days, p
}

// IssueToken makes a new token's secret: the token as shown once, its
// public lookup part and the hash kept of it.
func IssueToken() (token, lookup string, hash [32]byte) {
	var b [tokenLookupLen]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = tokenLookupLetter[int(b[i])%len(tokenLookupLetter)]
	}
	lookup = string(b[:])
	secret := make([]byte, tokenSecretBytes)
	_, _ = rand.Read(secret)
	token = tokenPrefix + lookup + "_" + base64.RawURLEncoding.EncodeToString(secret)
	return token, lookup, sha256.Sum256([]byte(token))
}

// ParseToken splits a presented token into its lookup part; ok is false
// when it cannot be one of ours (then nothing is looked up).
func ParseToken(token string) (lookup string, ok bool) {
	rest, found := strings.CutPrefix(token, tokenPrefix)
	if !found || len(rest) != tokenLookupLen+1+base64.RawURLEncoding.EncodedLen(tokenSecretBytes) || rest[tokenLookupLen] != '_' {
		return "", false
	}
	lookup = rest[:tokenLookupLen]
	for i := 0; i < len(lookup); i++ {
		if !strings.ContainsRune(tokenLookupLetter, rune(lookup[i])) {
			return "", false
		}
	}
	return lookup, true
}

// TokenMatches compares a presented token with the hash kept, in constant time.
func TokenMatches(token string, hash []byte) bool {
	sum := sha256.Sum256([]byte(token))
	return len(hash) == len(sum) && subtle.ConstantTimeCompare(sum[:], hash) == 1
}

package sightline

import (
	"encoding/json"
	"time"
)

// Webhook sends chosen events of a workspace to a chat tool or a program
// (internal/webhook builds the messages and sends them).
type Webhook struct {
	ID             int64
	WorkspaceID    int64
	Kind           string // slack, teams or generic
	Name           string
	URL            string
	Events         []string
	Secret         string // generic: the signing key
	AllowedAddress string // one private address the owner allowed, or ""
	Failures       int    // failed attempts in a row
	PausedAt       *time.Time
	PausedReason   string
	Version        int
	CreatedAt      time.Time
	// Last is the newest delivery, where a list loads it.
	Last *WebhookDelivery
}

// Paused reports whether nothing is being sent.
func (w *Webhook) Paused() bool { return w.PausedAt != nil }

// WebhookDelivery is one event owed to a webhook, and how sending it went.
type WebhookDelivery struct {
	ID            int64
	WebhookID     int64
	Event         string
	State         string // pending, delivered or failed (given up)
	Attempts      int
	NextAttemptAt time.Time
	LastStatus    *int
	LastError     string
	DeliveredAt   *time.Time
	CreatedAt     time.Time
	Payload       json.RawMessage
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

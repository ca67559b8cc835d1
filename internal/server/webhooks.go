package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sightline/sightline/internal/paths"
	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/sightline"
	"github.com/sightline/sightline/internal/webhook"
	"github.com/sightline/sightline/web"
	"github.com/sightline/sightline/web/ui"
)

// Webhooks: owners add them in settings; every instance runs a worker that
// sends what the outbox owes (postgres.DeliverNext), retrying with backoff
// for up to a day and pausing a webhook after repeated failures.

// runWebhooks delivers until ctx ends: one delivery at a time, and a pause
// of WebhookPoll when none is due.
func (s *Server) runWebhooks(ctx context.Context) {
	policy := postgres.DeliveryPolicy{
		Backoff:    func(n int) time.Duration { return webhook.Backoff(n, s.cfg.WebhookBackoff) },
		GiveUp:     s.cfg.WebhookGiveUp,
		PauseAfter: s.cfg.WebhookPauseAfter,
	}
	for ctx.Err() == nil {
		found, err := s.db.DeliverNext(ctx, policy, func(h *sightline.Webhook, d *sightline.WebhookDelivery) postgres.DeliveryOutcome {
			return s.sendWebhook(ctx, h, d)
		})
		if err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "webhook delivery", slog.String("err", err.Error()))
		}
		if found && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(s.cfg.WebhookPoll):
		}
	}
}

// webhookEvent is a delivery's payload as the message builders read it.
func (s *Server) webhookEvent(d *sightline.WebhookDelivery) (webhook.Event, error) {
	var p struct {
		webhook.Event
		ItemRef int64 `json:"item_ref"`
	}
	if err := json.Unmarshal(d.Payload, &p); err != nil {
		return webhook.Event{}, err
	}
	ev := p.Event
	ev.ID, ev.Event = d.ID, d.Event
	if ev.ItemType != "" && p.ItemRef != 0 {
		ev.URL = s.absolute(paths.Item(ev.Workspace, ev.ItemType, p.ItemRef))
	} else {
		ev.URL = s.absolute(paths.Workspace(ev.Workspace))
	}
	return ev, nil
}

// sendWebhook sends one delivery and says how it went.
func (s *Server) sendWebhook(ctx context.Context, h *sightline.Webhook, d *sightline.WebhookDelivery) postgres.DeliveryOutcome {
	ev, err := s.webhookEvent(d)
	if err != nil {
		return postgres.DeliveryOutcome{Err: "unreadable payload: " + err.Error()}
	}
	body, err := webhook.Body(h.Kind, ev)
	if err != nil {
		return postgres.DeliveryOutcome{Err: err.Error()}
	}
	hdr := http.Header{"X-Sightline-Event": {d.Event}, "X-Sightline-Delivery": {strconv.FormatInt(d.ID, 10)}}
	if h.Kind == webhook.KindGeneric {
		hdr.Set("X-Sightline-Signature", webhook.Signature(h.Secret, time.Now(), body))
	}
	sctx, cancel := context.WithTimeout(ctx, s.cfg.WebhookTimeout)
	defer cancel()
	res, err := webhook.NewClient(s.cfg.WebhookTimeout, h.AllowedAddress).Send(sctx, h.URL, body, hdr)
	switch {
	case errors.Is(err, webhook.ErrPrivate):
		return postgres.DeliveryOutcome{Err: "refused: " + err.Error()}
	case err != nil:
		return postgres.DeliveryOutcome{Err: err.Error()}
	case !res.OK():
		return postgres.DeliveryOutcome{Status: res.Status, Err: fmt.Sprintf("HTTP %d: %s", res.Status, strings.TrimSpace(res.Body))}
	}
	return postgres.DeliveryOutcome{Status: res.Status, OK: true}
}

// webhookFormFields are the settings form's fields (events come as a list).
var webhookFormFields = []string{"name", "kind", "url", "allowed_address"}

// handleWebhookCreate adds a webhook; a generic one gets a signing secret,
// shown on its page.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	f, err := readForm(w, r, webhookFormFields...)
	if err != nil {
		return err
	}
	events := r.PostForm["events"]
	draft := webhook.Draft{Name: f.Get("name"), Kind: f.Get("kind"), URL: f.Get("url"), AllowedAddress: f.Get("allowed_address"), Events: events}
	p := sightline.Problems{}
	for k, v := range draft.Check(r.Context(), s.resolve) {
		p.Add(k, v)
	}
	f.Values["events"] = strings.Join(events, ",")
	ws := state(r).workspace
	if err := checked(f, p).Err(); err != nil {
		d, derr := s.settingsData(r)
		if derr != nil {
			return derr
		}
		d.WebhookForm = s.withErrors(r, f, err)
		s.renderSettings(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	h := sightline.Webhook{Kind: draft.Kind, Name: strings.TrimSpace(draft.Name), URL: strings.TrimSpace(draft.URL), Events: events,
		AllowedAddress: strings.TrimSpace(draft.AllowedAddress)}
	if h.Kind == webhook.KindGeneric {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		h.Secret = "whsec_" + base64.RawURLEncoding.EncodeToString(b)
	}
	saved, err := s.db.CreateWebhook(r.Context(), actor(r), ws.ID, h)
	if err != nil {
		return err
	}
	s.flash(r, "success", "Webhook “"+saved.Name+"” added. Send a test message to check it reaches its channel.")
	return redirect(w, r, paths.SettingsWebhook(ws.Slug, saved.ID))
}

// resolve is the webhook form's host lookup (Config.WebhookResolve in tests).
func (s *Server) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if s.cfg.WebhookResolve != nil {
		return s.cfg.WebhookResolve(ctx, host)
	}
	return webhook.Resolve(ctx, host)
}

// handleWebhook shows a webhook and its delivery log.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) error {
	h, err := byPath(r, "webhookID", s.db.WebhookByID)
	if err != nil {
		return err
	}
	log, err := s.db.Deliveries(r.Context(), state(r).workspace.ID, h.ID, 50)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, web.WebhookPage(s.page(r, h.Name+" · Webhook", "settings"), web.WebhookData{Hook: *h, Deliveries: log}))
	return nil
}

// handleWebhookTest owes the webhook a test message.
func (s *Server) handleWebhookTest(w http.ResponseWriter, r *http.Request) error {
	if _, err := readForm(w, r); err != nil {
		return err
	}
	h, err := byPath(r, "webhookID", s.db.WebhookByID)
	if err != nil {
		return err
	}
	if err := s.db.QueueTestDelivery(r.Context(), actor(r), state(r).workspace.ID, h.ID); err != nil {
		return err
	}
	msg := "Test message queued: it is sent within seconds; reload to see how it went."
	if h.Paused() {
		msg = "Test message queued; it is sent when you resume the webhook."
	}
	s.flash(r, "success", msg)
	return redirect(w, r, paths.SettingsWebhook(wsSlug(r), h.ID))
}

// handleWebhookPause pauses or resumes (paused=false) a webhook.
func (s *Server) handleWebhookPause(w http.ResponseWriter, r *http.Request) error {
	return s.webhookChange(w, r, func(h *sightline.Webhook, version int, f ui.Form) (string, error) {
		paused := f.Get("paused") != "false"
		if err := s.db.SetWebhookPaused(r.Context(), actor(r), state(r).workspace.ID, h.ID, version, paused); err != nil {
			return "", err
		}
		if paused {
			return "Webhook paused: events are kept and sent when you resume it (for up to a day).", nil
		}
		return "Webhook resumed.", nil
	}, "paused")
}

// handleWebhookDelete removes a webhook.
func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	return s.webhookChange(w, r, func(h *sightline.Webhook, version int, _ ui.Form) (string, error) {
		if err := s.db.DeleteWebhook(r.Context(), actor(r), state(r).workspace.ID, h.ID, version); err != nil {
			return "", err
		}
		return "Webhook “" + h.Name + "” removed.", nil
	})
}

// webhookChange reads a webhook's versioned form and applies change; a
// stale version says so and changes nothing.
func (s *Server) webhookChange(w http.ResponseWriter, r *http.Request, change func(*sightline.Webhook, int, ui.Form) (string, error), fields ...string) error {
	h, err := byPath(r, "webhookID", s.db.WebhookByID)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, append(fields, "version")...)
	if err != nil {
		return err
	}
	version, err := formVersion(f)
	if err == nil {
		var msg string
		if msg, err = change(h, version, f); err == nil {
			s.flash(r, "success", msg)
			return redirect(w, r, paths.Settings(wsSlug(r))+"#webhooks")
		}
	}
	if sightline.ErrorCode(err) == sightline.ECONFLICT {
		s.flash(r, "error", "Someone changed this webhook after you loaded the page; here it is as it is now. Nothing was changed.")
		return redirect(w, r, paths.SettingsWebhook(wsSlug(r), h.ID))
	}
	return err
}

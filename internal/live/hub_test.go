package live

import (
	"testing"

	"github.com/sightline/sightline/internal/sightline"
)

func ev(id, ws, user int64) sightline.Event {
	return sightline.Event{ID: id, WorkspaceID: ws, Kind: "epic.updated", UserID: user}
}

func drain(s *Sub) []int64 {
	var ids []int64
	for {
		select {
		case e := <-s.Events():
			ids = append(ids, e.ID)
		default:
			return ids
		}
	}
}

func TestHubDeliversToItsWorkspaceAndMemberOnly(t *testing.T) {
	h := NewHub(Options{})
	a, _, _ := h.Subscribe(1, 10, 0)
	b, _, _ := h.Subscribe(1, 11, 0)
	other, _, _ := h.Subscribe(2, 10, 0)
	h.Publish(ev(1, 1, 0))  // everyone in workspace 1
	h.Publish(ev(2, 1, 11)) // member 11's inbox
	h.Publish(ev(3, 2, 0))  // workspace 2
	if got := drain(a); len(got) != 1 || got[0] != 1 {
		t.Errorf("member 10 of workspace 1 got %v, want [1]", got)
	}
	if got := drain(b); len(got) != 2 {
		t.Errorf("member 11 got %v, want [1 2]", got)
	}
	if got := drain(other); len(got) != 1 || got[0] != 3 {
		t.Errorf("workspace 2 got %v, want [3]", got)
	}
}

func TestHubBoundsStreamsPerMemberAndEndsTheSlow(t *testing.T) {
	h := NewHub(Options{PerUser: 2, Buffer: 2})
	first, _, _ := h.Subscribe(1, 10, 0)
	second, _, _ := h.Subscribe(1, 10, 0)
	third, _, _ := h.Subscribe(1, 10, 0)
	select {
	case <-first.Done():
	default:
		t.Fatal("a third stream of one member did not end the oldest")
	}
	if first.Reason() != "too many open pages" || h.Streams() != 2 {
		t.Fatalf("reason %q, %d streams", first.Reason(), h.Streams())
	}
	// second never reads; third does: three events overflow second only.
	for i := int64(1); i <= 3; i++ {
		h.Publish(ev(i, 1, 0))
		drain(third)
	}
	select {
	case <-second.Done():
	default:
		t.Fatal("a stream that cannot keep up was not ended")
	}
	select {
	case <-third.Done():
		t.Fatal("a stream that keeps up was ended")
	default:
	}
	h.Close()
	if _, ok := <-third.Done(); ok || third.Reason() != "the server is stopping" {
		t.Fatalf("after Close: %q", third.Reason())
	}
}

func TestHubResumesFromWhatItRemembers(t *testing.T) {
	h := NewHub(Options{Remember: 4})
	for i := int64(1); i <= 6; i++ {
		h.Publish(ev(i, 1, 0))
	}
	h.Publish(ev(7, 2, 0))
	s, missed, ok := h.Subscribe(1, 10, 4)
	if !ok || len(missed) != 2 || missed[0].ID != 5 || missed[1].ID != 6 {
		t.Fatalf("resume after 4: %v %v (workspace 2's 7 must not show)", missed, ok)
	}
	h.Unsubscribe(s)
	// 2 fell out of memory: the caller reads the gap from the store.
	if _, missed, ok := h.Subscribe(1, 10, 2); ok || missed != nil {
		t.Fatalf("resume after a forgotten id: %v %v", missed, ok)
	}
}

package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sightline/sightline/internal/postgres"
	"github.com/sightline/sightline/internal/seed"
)

// The SSE fan-out: many open pages on one server process, following the
// large workspace's backlog, while another member writes at a steady rate.
// Delivery latency is measured from the moment the writing transaction took
// its event's id (events.created_at, a little before its commit: the figure
// errs high) to the moment a client read the event off its stream, on one
// machine and one clock.

// FanoutResult is what the fan-out run measured.
type FanoutResult struct {
	Streams    int           // streams open during the writes
	Writes     int           // comments committed
	Rate       int           // writes per second asked for
	Expected   int64         // deliveries due: every write to every stream
	Delivered  int64         // deliveries seen
	P50, P99   time.Duration // delivery latency
	Max        time.Duration
	RSSBefore  int64 // server resident memory with the streams open, before the writes
	RSSAfter   int64 // right after the writes
	RSSSettled int64 // 5 s after the streams closed
	Problem    string
}

type delivery struct {
	id int64
	at time.Time
}

// fanout opens streams pages (as many members as needed, PerUser streams
// each), writes rate comments per second for dur, and measures.
func fanout(ctx context.Context, base string, pid int, db *postgres.DB, rep seed.Report, streams, rate int, dur time.Duration, logf func(string, ...any)) FanoutResult {
	res := FanoutResult{Streams: streams, Rate: rate}
	fail := func(err error) FanoutResult { res.Problem = err.Error(); return res }
	const perUser = 10 // within the server's per-member bound
	users := (streams + perUser - 1) / perUser
	var hash string
	if err := db.Pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE email = $1`, seed.LargeEmail(rep.Slug, "pm")).Scan(&hash); err != nil {
		return fail(err)
	}
	// Readers of the workspace, with the demo password.
	if _, err := db.Pool.Exec(ctx, `
		WITH u AS (
			INSERT INTO users (email, name, password_hash)
			SELECT 'fanout-' || g || '@example.com', 'Reader ' || g, $2 FROM generate_series(1, $3) g
			ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name
			RETURNING id)
		INSERT INTO memberships (workspace_id, user_id, role) SELECT $1, id, 'viewer' FROM u
		ON CONFLICT DO NOTHING`, rep.WorkspaceID, hash, users); err != nil {
		return fail(err)
	}
	var epicID, writer int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM epics WHERE workspace_id = $1 ORDER BY id LIMIT 1`, rep.WorkspaceID).Scan(&epicID); err != nil {
		return fail(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, seed.LargeEmail(rep.Slug, "pm")).Scan(&writer); err != nil {
		return fail(err)
	}

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams, DisableCompression: true}}
	url := base + "/w/" + rep.Slug + "/events?topic=epics"
	got := make([][]delivery, streams)
	var open, connectErrs atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for u := range users {
		cookie, err := signIn(base, fmt.Sprintf("fanout-%d@example.com", u+1), seed.DemoPassword)
		if err != nil {
			return fail(err)
		}
		for k := range perUser {
			i := u*perUser + k
			if i >= streams {
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequestWithContext(sctx, "GET", url, nil)
				req.Header.Set("Cookie", cookie)
				r, err := client.Do(req)
				if err != nil || r.StatusCode != http.StatusOK {
					connectErrs.Add(1)
					if err == nil {
						err = fmt.Errorf("HTTP %d", r.StatusCode)
						r.Body.Close()
					}
					firstErr.CompareAndSwap(nil, err.Error())
					return
				}
				defer r.Body.Close()
				open.Add(1)
				sc := bufio.NewScanner(r.Body)
				var id int64
				for sc.Scan() {
					line := sc.Text()
					switch {
					case strings.HasPrefix(line, "id: "):
						id, _ = strconv.ParseInt(line[4:], 10, 64)
					case line == "event: epics":
						got[i] = append(got[i], delivery{id, time.Now()})
					}
				}
			}()
		}
	}
	for wait := time.Now().Add(60 * time.Second); open.Load()+connectErrs.Load() < int64(streams) && time.Now().Before(wait); {
		time.Sleep(50 * time.Millisecond)
	}
	if n := connectErrs.Load(); n > 0 {
		stop()
		wg.Wait()
		return fail(fmt.Errorf("%d streams did not open: %v", n, firstErr.Load()))
	}
	logf("fan-out: %d streams open (%d readers); writing %d comments/s for %s", open.Load(), users, rate, dur)
	time.Sleep(time.Second)
	_, res.RSSBefore, _ = memory(pid)

	var lastID int64
	if err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&lastID); err != nil {
		return fail(err)
	}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	end := time.Now().Add(dur)
	for time.Now().Before(end) {
		<-tick.C
		if _, err := db.AddComment(ctx, postgres.Actor{UserID: writer}, rep.WorkspaceID, "epic", epicID, nil, "fan-out "+strconv.Itoa(res.Writes)); err != nil {
			tick.Stop()
			return fail(err)
		}
		res.Writes++
	}
	tick.Stop()
	time.Sleep(2 * time.Second)
	_, res.RSSAfter, _ = memory(pid)
	stop()
	wg.Wait()

	taken := map[int64]time.Time{}
	rows, err := db.Pool.Query(ctx, `SELECT id, created_at FROM events WHERE id > $1 AND workspace_id = $2 AND item_type = 'epic'`, lastID, rep.WorkspaceID)
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return fail(err)
		}
		taken[id] = at
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	var lat []time.Duration
	for _, list := range got {
		for _, d := range list {
			if at, ok := taken[d.id]; ok {
				lat = append(lat, d.at.Sub(at))
			}
		}
	}
	res.Expected = int64(len(taken)) * int64(streams)
	res.Delivered = int64(len(lat))
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50, res.P99, res.Max = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)], lat[len(lat)-1]
	}
	time.Sleep(5 * time.Second)
	_, res.RSSSettled, _ = memory(pid)
	return res
}

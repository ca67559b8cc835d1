package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sightline/sightline/internal/sightline"
)

// Pain import: an uploaded export is kept in 1 MB chunks (any instance can
// read it back for the preview and the import); the import loads every
// checked row with COPY into a staging table inside one transaction, then
// inserts the new notes and updates the changed ones from it, and writes
// one activity entry with the counts. All or nothing.

const uploadChunk = 1 << 20

// Upload is a file waiting to be imported.
type Upload struct {
	ID       int64
	Filename string
	Size     int64
	Created  time.Time
}

// SaveUpload stores a file read from r (at most sightline.MaxPainUpload
// bytes) for a member, a chunk at a time.
func (db *DB) SaveUpload(ctx context.Context, wsID, userID int64, filename string, r io.Reader) (_ *Upload, err error) {
	defer translateErr(&err, "store.SaveUpload")
	up := &Upload{Filename: filename}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO pain_uploads (workspace_id, user_id, filename) VALUES ($1, $2, $3) RETURNING id, created_at`,
			wsID, userID, filename).Scan(&up.ID, &up.Created); err != nil {
			return err
		}
		buf := make([]byte, uploadChunk)
		seq := 0
		for {
			n, rerr := io.ReadFull(r, buf)
			if n > 0 {
				up.Size += int64(n)
				if up.Size > sightline.MaxPainUpload {
					return sightline.Problems{"file": "The file is larger than 50 MB."}.Err()
				}
				if _, err := tx.Exec(ctx, `INSERT INTO pain_upload_chunks (upload_id, seq, data) VALUES ($1, $2, $3)`, up.ID, seq, buf[:n]); err != nil {
					return err
				}
				seq++
			}
			if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
				break
			}
			if rerr != nil {
				return fmt.Errorf("read the upload: %w", rerr)
			}
		}
		if up.Size == 0 {
			return sightline.Problems{"file": "The file is empty."}.Err()
		}
		_, err := tx.Exec(ctx, `UPDATE pain_uploads SET size = $2, chunks = $3 WHERE id = $1`, up.ID, up.Size, seq)
		return err
	})
	return up, err
}

// UploadByID finds an upload of the workspace (another workspace's is not
// found): whoever may import pain there may finish an import.
func (db *DB) UploadByID(ctx context.Context, wsID, id int64) (_ *Upload, err error) {
	defer translateErr(&err, "store.UploadByID")
	up := &Upload{ID: id}
	err = db.Pool.QueryRow(ctx, `SELECT filename, size, created_at FROM pain_uploads WHERE workspace_id = $1 AND id = $2`,
		wsID, id).Scan(&up.Filename, &up.Size, &up.Created)
	return up, err
}

// OpenUpload reads an upload back, a chunk (one query) at a time.
func (db *DB) OpenUpload(ctx context.Context, up *Upload) io.Reader {
	return &chunkReader{ctx: ctx, db: db, id: up.ID}
}

type chunkReader struct {
	ctx  context.Context
	db   *DB
	id   int64
	seq  int
	buf  []byte
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.done {
			return 0, io.EOF
		}
		err := c.db.Pool.QueryRow(c.ctx, `SELECT data FROM pain_upload_chunks WHERE upload_id = $1 AND seq = $2`, c.id, c.seq).Scan(&c.buf)
		if errors.Is(err, pgx.ErrNoRows) {
			c.done = true
			continue
		}
		if err != nil {
			return 0, err
		}
		c.seq++
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// DeleteUpload drops an upload; PruneUploads those older than before.
func (db *DB) DeleteUpload(ctx context.Context, id int64) error {
	_, err := db.Pool.Exec(ctx, `DELETE FROM pain_uploads WHERE id = $1`, id)
	return err
}

// PruneUploads drops uploads older than the moment.
func (db *DB) PruneUploads(ctx context.Context, before time.Time) error {
	_, err := db.Pool.Exec(ctx, `DELETE FROM pain_uploads WHERE created_at < $1`, before)
	return err
}

// ImportRows yields the rows of an import: a row and true, or false at
// the end. A row the caller found bad is not handed over; the caller
// reports bad rows itself and ImportPains rolls everything back when
// check says so after the last row.
type ImportRows func() (*sightline.PainImportRow, bool, error)

// ImportPains loads every row next yields, all or nothing: when check
// (called after the last row) returns an error, nothing is saved. Rows the
// workspace has (same key) are updated where they differ and skipped where
// they do not; a key twice in the file counts once (its last row wins).
func (db *DB) ImportPains(ctx context.Context, actor Actor, wsID int64, filename string, next ImportRows, check func() error) (_ sightline.PainImportReport, err error) {
	defer translateErr(&err, "store.ImportPains")
	var rep sightline.PainImportReport
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// A million rows take longer than a page's statement: this
		// transaction alone has the request's own (long) deadline.
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '15min'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE pain_staging (
			line bigint, external_key text, external_id text, link text, quote text, source text, customer text, segment text,
			severity smallint, frequency text, firsthand boolean, heard_by text, heard_on date, quality_attribute text) ON COMMIT DROP`); err != nil {
			return err
		}
		src := &importSource{next: next}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"pain_staging"}, []string{"line", "external_key", "external_id", "link", "quote",
			"source", "customer", "segment", "severity", "frequency", "firsthand", "heard_by", "heard_on", "quality_attribute"}, src); err != nil {
			return err
		}
		if err := check(); err != nil {
			return err
		}
		if src.rows == 0 {
			return sightline.Problems{"file": "The file has no rows to import."}.Err()
		}
		err := tx.QueryRow(ctx, `
			WITH s AS (
				SELECT DISTINCT ON (external_key) * FROM pain_staging ORDER BY external_key, line DESC),
			existing AS (
				SELECT p.id, s.* FROM s JOIN pain_notes p ON p.workspace_id = $1 AND p.external_key = s.external_key),
			changed AS (
				UPDATE pain_notes p SET quote = e.quote, source = e.source, customer = e.customer, segment = e.segment,
				       severity = e.severity, frequency = e.frequency, firsthand = e.firsthand, heard_by = e.heard_by,
				       heard_on = e.heard_on, external_id = e.external_id, link = e.link,
				       version = p.version + 1, updated_at = now(), updated_by = NULLIF($2, 0)
				FROM existing e
				WHERE p.workspace_id = $1 AND p.id = e.id
				  AND (p.quote, p.source, p.customer, p.segment, p.severity, p.frequency, p.firsthand, p.heard_by, p.heard_on, p.external_id, p.link)
				      IS DISTINCT FROM (e.quote, e.source, e.customer, e.segment, e.severity, e.frequency, e.firsthand, e.heard_by, e.heard_on, e.external_id, e.link)
				RETURNING 1),
			added AS (
				INSERT INTO pain_notes (workspace_id, quote, source, customer, segment, severity, frequency, firsthand, heard_by, heard_on,
				                        quality_attribute, external_id, link, external_key, created_by, updated_by)
				SELECT $1, quote, source, customer, segment, severity, frequency, firsthand, heard_by, heard_on,
				       quality_attribute, external_id, link, external_key, NULLIF($2, 0), NULLIF($2, 0)
				FROM s WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.external_key = s.external_key)
				RETURNING 1)
			SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM changed), (SELECT count(*) FROM existing)`,
			wsID, actor.UserID).Scan(&rep.New, &rep.Updated, &rep.Skipped)
		if err != nil {
			return err
		}
		rep.Skipped -= rep.Updated
		return record(ctx, tx, actor, entry{WorkspaceID: wsID, Verb: "pain.imported", ItemType: "workspace", ItemID: wsID,
			Summary: fmt.Sprintf("%s: %d new, %d updated, %d unchanged", filename, rep.New, rep.Updated, rep.Skipped),
			Changes: map[string]sightline.Change{"imported": {To: fmt.Sprintf("%d new, %d updated, %d unchanged", rep.New, rep.Updated, rep.Skipped)}}})
	})
	return rep, err
}

// importSource feeds COPY from the rows, one at a time.
type importSource struct {
	next ImportRows
	line int64
	row  *sightline.PainImportRow
	rows int
	err  error
}

func (s *importSource) Next() bool {
	row, ok, err := s.next()
	if err != nil {
		s.err = err
		return false
	}
	if !ok {
		return false
	}
	s.row, s.line = row, s.line+1
	s.rows++
	return true
}

func (s *importSource) Values() ([]any, error) {
	n := s.row.Note
	return []any{s.line, s.row.Key, s.row.ExternalID, s.row.Link, n.Quote, string(n.Source), n.Customer, n.Segment,
		int16(n.Severity), n.Frequency, n.Firsthand, n.HeardBy, n.HeardOn, n.QualityAttribute}, nil
}

func (s *importSource) Err() error { return s.err }

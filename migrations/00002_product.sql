-- +goose Up

-- The NFR pressure each business phase implies: a small, editable mapping
-- per workspace (phase → quality attributes under pressure).
CREATE TABLE phase_pressures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    phase        text    NOT NULL CHECK (phase IN ('growth', 'retention', 'stability', 'profitability')),
    attribute    text    NOT NULL CHECK (length(attribute) BETWEEN 1 AND 60),
    position     integer NOT NULL DEFAULT 0,
    CONSTRAINT phase_pressures_unique UNIQUE (workspace_id, phase, attribute)
);

-- Default mapping for every existing workspace (new ones get it from the store).
INSERT INTO phase_pressures (workspace_id, phase, attribute, position)
SELECT w.id, d.phase, d.attribute, d.position
FROM workspaces w CROSS JOIN (VALUES
    ('growth', 'scalability', 1), ('growth', 'performance', 2), ('growth', 'innovation speed', 3),
    ('stability', 'availability', 1), ('stability', 'resilience', 2), ('stability', 'support load', 3),
    ('profitability', 'cost', 1),
    ('retention', 'reliability', 1), ('retention', 'performance', 2), ('retention', 'usability', 3)
) AS d (phase, attribute, position);

-- Strategy shifts are an append-only log: never deleted; corrections are
-- edits, recorded in the activity log.
CREATE TABLE strategy_shifts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    narrative    text        NOT NULL DEFAULT '' CHECK (length(narrative) <= 10000),
    from_phase   text        NOT NULL CHECK (from_phase IN ('growth', 'retention', 'stability', 'profitability')),
    to_phase     text        NOT NULL CHECK (to_phase IN ('growth', 'retention', 'stability', 'profitability')),
    shifted_on   date        NOT NULL,
    logged_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT strategy_shifts_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX strategy_shifts_timeline_idx ON strategy_shifts (workspace_id, shifted_on DESC, id DESC);

CREATE TABLE shift_acknowledgements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL,
    shift_id     bigint      NOT NULL,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assessment   text        NOT NULL CHECK (length(assessment) BETWEEN 1 AND 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT shift_ack_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT shift_ack_unique UNIQUE (shift_id, user_id)
);
CREATE INDEX shift_ack_user_idx ON shift_acknowledgements (workspace_id, user_id);

CREATE TABLE goals (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title         text          NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    metric        text          NOT NULL CHECK (length(metric) BETWEEN 1 AND 200),
    unit          text          NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    baseline      numeric(14,2) NOT NULL,
    target        numeric(14,2) NOT NULL,
    current_value numeric(14,2) NOT NULL,
    due_on        date,
    version       integer       NOT NULL DEFAULT 1,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    updated_at    timestamptz   NOT NULL DEFAULT now(),
    created_by    bigint        REFERENCES users (id) ON DELETE SET NULL,
    updated_by    bigint        REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT goals_target_differs CHECK (target <> baseline),
    CONSTRAINT goals_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX goals_list_idx ON goals (workspace_id, due_on NULLS LAST, id);

CREATE TABLE initiatives (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    driver       text        NOT NULL CHECK (driver IN ('growth', 'retention', 'stability', 'profitability')),
    horizon      text        NOT NULL CHECK (horizon IN ('now', 'next', 'later')),
    goal_id      bigint,
    shift_id     bigint,
    owner_id     bigint      REFERENCES users (id) ON DELETE SET NULL,
    -- when a PM last confirmed the initiative still holds (re-validation)
    validated_at timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT initiatives_goal_fk FOREIGN KEY (workspace_id, goal_id) REFERENCES goals (workspace_id, id) ON DELETE SET NULL (goal_id),
    CONSTRAINT initiatives_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id),
    CONSTRAINT initiatives_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX initiatives_list_idx ON initiatives (workspace_id, horizon, id);
CREATE INDEX initiatives_goal_idx ON initiatives (workspace_id, goal_id) WHERE goal_id IS NOT NULL;
CREATE INDEX initiatives_shift_idx ON initiatives (workspace_id, shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE epics (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    initiative_id    bigint,
    kind             text        NOT NULL CHECK (kind IN ('product', 'enabler')),
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    problem          text        NOT NULL CHECK (length(problem) BETWEEN 1 AND 10000),
    why_now          text        NOT NULL DEFAULT '' CHECK (length(why_now) <= 5000),
    enables          text        NOT NULL DEFAULT '' CHECK (length(enables) <= 5000),
    success_criteria text        NOT NULL DEFAULT '' CHECK (length(success_criteria) <= 5000),
    status           text        NOT NULL DEFAULT 'idea'
                                 CHECK (status IN ('idea', 'discovery', 'ready', 'in_progress', 'done', 'dropped')),
    pm_owner_id      bigint      REFERENCES users (id) ON DELETE SET NULL,
    tech_owner_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    estimate_size    text        CHECK (estimate_size IN ('XS', 'S', 'M', 'L', 'XL')),
    estimate_note    text        NOT NULL DEFAULT '' CHECK (length(estimate_note) <= 5000),
    estimated_by     bigint      REFERENCES users (id) ON DELETE SET NULL,
    estimated_at     timestamptz,
    impact           smallint    CHECK (impact BETWEEN 1 AND 5),
    effort           smallint    CHECK (effort BETWEEN 1 AND 5),
    target_quarter   text        CHECK (target_quarter ~ '^[0-9]{4}-Q[1-4]$'),
    committed_on     date,
    feasibility      text        NOT NULL DEFAULT 'not_requested'
                                 CHECK (feasibility IN ('not_requested', 'requested', 'done', 'waived')),
    feasibility_note text        NOT NULL DEFAULT '' CHECK (length(feasibility_note) <= 5000),
    feasibility_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    feasibility_at   timestamptz,
    shift_id         bigint,
    validated_at     timestamptz NOT NULL DEFAULT now(),
    version          integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by       bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT epics_initiative_fk FOREIGN KEY (workspace_id, initiative_id) REFERENCES initiatives (workspace_id, id) ON DELETE SET NULL (initiative_id),
    CONSTRAINT epics_shift_fk FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id),
    CONSTRAINT epics_workspace_id_key UNIQUE (workspace_id, id),
    -- Idea 5: no date without engineering input.
    CONSTRAINT epics_commit_needs_estimate CHECK (committed_on IS NULL OR estimate_size IS NOT NULL),
    -- Idea 6: architects join before stories harden.
    CONSTRAINT epics_ready_needs_feasibility CHECK (status NOT IN ('ready', 'in_progress', 'done') OR feasibility IN ('done', 'waived')),
    -- Idea 7: technical work is framed by what it enables.
    CONSTRAINT epics_enabler_says_what CHECK (kind <> 'enabler' OR length(btrim(enables)) > 0)
);
CREATE INDEX epics_backlog_idx ON epics (workspace_id, updated_at DESC, id DESC);
CREATE INDEX epics_status_idx ON epics (workspace_id, status);
CREATE INDEX epics_initiative_idx ON epics (workspace_id, initiative_id);
CREATE INDEX epics_quarter_idx ON epics (workspace_id, target_quarter);
CREATE INDEX epics_pm_owner_idx ON epics (workspace_id, pm_owner_id);
CREATE INDEX epics_tech_owner_idx ON epics (workspace_id, tech_owner_id);
CREATE INDEX epics_shift_idx ON epics (workspace_id, shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE pain_notes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    quote             text        NOT NULL CHECK (length(quote) BETWEEN 1 AND 5000),
    source            text        NOT NULL CHECK (source IN ('interview', 'support', 'sales', 'survey', 'usage_data', 'other')),
    customer          text        NOT NULL DEFAULT '' CHECK (length(customer) <= 200),
    segment           text        NOT NULL DEFAULT '' CHECK (length(segment) <= 100),
    severity          smallint    NOT NULL CHECK (severity BETWEEN 1 AND 5),
    frequency         text        NOT NULL CHECK (frequency IN ('once', 'monthly', 'weekly', 'daily', 'constant')),
    firsthand         boolean     NOT NULL,
    heard_by          text        NOT NULL DEFAULT '' CHECK (length(heard_by) <= 100),
    heard_on          date        NOT NULL,
    quality_attribute text        NOT NULL DEFAULT '' CHECK (length(quality_attribute) <= 60),
    version           integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    created_by        bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by        bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT pain_notes_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX pain_notes_list_idx ON pain_notes (workspace_id, heard_on DESC, id DESC);
CREATE INDEX pain_notes_source_idx ON pain_notes (workspace_id, source);
CREATE INDEX pain_notes_segment_idx ON pain_notes (workspace_id, segment);
CREATE INDEX pain_notes_severity_idx ON pain_notes (workspace_id, severity);

-- A pain can sit behind any number of epics; both sides must be of one workspace.
CREATE TABLE epic_pains (
    workspace_id bigint      NOT NULL,
    epic_id      bigint      NOT NULL,
    pain_id      bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (workspace_id, epic_id, pain_id),
    CONSTRAINT epic_pains_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT epic_pains_pain_fk FOREIGN KEY (workspace_id, pain_id) REFERENCES pain_notes (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX epic_pains_pain_idx ON epic_pains (workspace_id, pain_id);

-- +goose Down
DROP TABLE epic_pains;
DROP TABLE pain_notes;
DROP TABLE epics;
DROP TABLE initiatives;
DROP TABLE goals;
DROP TABLE shift_acknowledgements;
DROP TABLE strategy_shifts;
DROP TABLE phase_pressures;

-- +goose Up

-- C4-style architecture items: a component sits in a container, a container
-- in a system; external systems stand alone.
CREATE TABLE arch_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('system', 'container', 'component', 'external')),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    parent_id    bigint,
    technology   text        NOT NULL DEFAULT '' CHECK (length(technology) <= 120),
    owner_team   text        NOT NULL DEFAULT '' CHECK (length(owner_team) <= 120),
    health       text        NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'strained', 'at_risk')),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    tech_debt    text        NOT NULL DEFAULT '' CHECK (length(tech_debt) <= 20000),
    reviewed_at  timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT arch_items_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT arch_items_parent_fk FOREIGN KEY (workspace_id, parent_id) REFERENCES arch_items (workspace_id, id),
    CONSTRAINT arch_items_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT arch_items_name_key UNIQUE (workspace_id, name)
);
CREATE INDEX arch_items_tree_idx ON arch_items (workspace_id, parent_id, name);

-- Relations between items: "Task API → Billing service: publishes usage events (Kafka)".
CREATE TABLE arch_relations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    source_id    bigint      NOT NULL,
    target_id    bigint      NOT NULL,
    label        text        NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    technology   text        NOT NULL DEFAULT '' CHECK (length(technology) <= 120),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT arch_relations_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT arch_relations_source_fk FOREIGN KEY (workspace_id, source_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT arch_relations_target_fk FOREIGN KEY (workspace_id, target_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT arch_relations_not_self CHECK (source_id <> target_id)
);
CREATE INDEX arch_relations_source_idx ON arch_relations (workspace_id, source_id);
CREATE INDEX arch_relations_target_idx ON arch_relations (workspace_id, target_id);

-- The NFR register.
CREATE TABLE nfr_concerns (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    category      text        NOT NULL CHECK (category IN ('scalability', 'availability', 'resilience', 'performance', 'cost',
                                                           'security', 'maintainability', 'observability', 'compliance')),
    title         text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    stimulus      text        NOT NULL DEFAULT '' CHECK (length(stimulus) <= 2000),
    response      text        NOT NULL DEFAULT '' CHECK (length(response) <= 2000),
    measure       text        NOT NULL DEFAULT '' CHECK (length(measure) <= 2000),
    target        text        NOT NULL DEFAULT '' CHECK (length(target) <= 200),
    current_value text        NOT NULL DEFAULT '' CHECK (length(current_value) <= 200),
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'at_risk', 'violated')),
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT nfr_concerns_workspace_id_key UNIQUE (workspace_id, id)
);
CREATE INDEX nfr_concerns_list_idx ON nfr_concerns (workspace_id, category, status);

-- A concern is attached to any number of architecture items.
CREATE TABLE concern_items (
    workspace_id bigint NOT NULL,
    concern_id   bigint NOT NULL,
    item_id      bigint NOT NULL,
    PRIMARY KEY (workspace_id, concern_id, item_id),
    CONSTRAINT concern_items_concern_fk FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT concern_items_item_fk FOREIGN KEY (workspace_id, item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX concern_items_item_idx ON concern_items (workspace_id, item_id);

-- What an epic demands of the system, attached by an architect.
CREATE TABLE nfr_impacts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    epic_id       bigint      NOT NULL,
    category      text        NOT NULL CHECK (category IN ('scalability', 'availability', 'resilience', 'performance', 'cost',
                                                           'security', 'maintainability', 'observability', 'compliance')),
    concern_id    bigint,
    level         text        NOT NULL CHECK (level IN ('low', 'medium', 'high', 'blocking')),
    note          text        NOT NULL DEFAULT '' CHECK (length(note) <= 5000),
    required_work text        NOT NULL DEFAULT '' CHECK (length(required_work) <= 5000),
    version       integer     NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT nfr_impacts_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT nfr_impacts_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT nfr_impacts_concern_fk FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE SET NULL (concern_id)
);
CREATE INDEX nfr_impacts_epic_idx ON nfr_impacts (workspace_id, epic_id);
CREATE INDEX nfr_impacts_concern_idx ON nfr_impacts (workspace_id, concern_id) WHERE concern_id IS NOT NULL;
CREATE INDEX nfr_impacts_level_idx ON nfr_impacts (workspace_id, level);

-- How an epic affects an architecture item: the link the side-by-side review is built on.
CREATE TABLE epic_arch_links (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    epic_id      bigint      NOT NULL,
    item_id      bigint      NOT NULL,
    change_kind  text        NOT NULL CHECK (change_kind IN ('new', 'change', 'extend', 'retire', 'depends_on')),
    note         text        NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT epic_arch_links_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT epic_arch_links_pair_key UNIQUE (workspace_id, epic_id, item_id),
    CONSTRAINT epic_arch_links_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT epic_arch_links_item_fk FOREIGN KEY (workspace_id, item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX epic_arch_links_item_idx ON epic_arch_links (workspace_id, item_id);

-- Releases, milestones and themes on the roadmap timeline.
CREATE TABLE roadmap_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('release', 'milestone', 'theme')),
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    starts_on    date        NOT NULL,
    ends_on      date        NOT NULL,
    confidence   text        NOT NULL CHECK (confidence IN ('committed', 'planned', 'exploring')),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by   bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT roadmap_items_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT roadmap_items_dates CHECK (ends_on >= starts_on)
);
CREATE INDEX roadmap_items_timeline_idx ON roadmap_items (workspace_id, starts_on, id);

CREATE TABLE epic_roadmap_items (
    workspace_id    bigint      NOT NULL,
    epic_id         bigint      NOT NULL,
    roadmap_item_id bigint      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      bigint      REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (workspace_id, epic_id, roadmap_item_id),
    CONSTRAINT epic_roadmap_epic_fk FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT epic_roadmap_item_fk FOREIGN KEY (workspace_id, roadmap_item_id) REFERENCES roadmap_items (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX epic_roadmap_item_idx ON epic_roadmap_items (workspace_id, roadmap_item_id);

-- Decisions (ADRs), numbered per workspace. The counter row is taken with
-- the insert in one transaction: numbers are never reused, and a failed
-- transaction leaves no gap.
CREATE TABLE decision_counters (
    workspace_id bigint  PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    last_number  integer NOT NULL DEFAULT 0
);

CREATE TABLE decisions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number           integer     NOT NULL CHECK (number > 0),
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status           text        NOT NULL DEFAULT 'proposed'
                                 CHECK (status IN ('proposed', 'accepted', 'rejected', 'superseded', 'deprecated')),
    context          text        NOT NULL DEFAULT '' CHECK (length(context) <= 20000),
    options          text        NOT NULL DEFAULT '' CHECK (length(options) <= 20000),
    decision         text        NOT NULL DEFAULT '' CHECK (length(decision) <= 20000),
    consequences     text        NOT NULL DEFAULT '' CHECK (length(consequences) <= 20000),
    tradeoff         text        NOT NULL DEFAULT '' CHECK (length(tradeoff) <= 2000),
    decided_by       bigint      REFERENCES users (id) ON DELETE SET NULL,
    decided_on       date,
    revisit_on       date,
    superseded_by_id bigint,
    version          integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint      REFERENCES users (id) ON DELETE SET NULL,
    updated_by       bigint      REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT decisions_workspace_id_key UNIQUE (workspace_id, id),
    CONSTRAINT decisions_number_key UNIQUE (workspace_id, number),
    CONSTRAINT decisions_superseded_by_fk FOREIGN KEY (workspace_id, superseded_by_id) REFERENCES decisions (workspace_id, id),
    CONSTRAINT decisions_superseded_has_successor CHECK (status <> 'superseded' OR superseded_by_id IS NOT NULL)
);
CREATE INDEX decisions_status_idx ON decisions (workspace_id, status);
CREATE INDEX decisions_revisit_idx ON decisions (workspace_id, revisit_on) WHERE revisit_on IS NOT NULL;

-- Each participant's stance, with a reason: dissent is recorded, not blocking.
CREATE TABLE decision_stances (
    workspace_id bigint      NOT NULL,
    decision_id  bigint      NOT NULL,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stance       text        NOT NULL CHECK (stance IN ('agree', 'disagree_and_commit', 'object')),
    reason       text        NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, decision_id, user_id),
    CONSTRAINT decision_stances_decision_fk FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT decision_stances_reason CHECK (stance = 'agree' OR length(btrim(reason)) > 0)
);

-- What a decision is about: epics, architecture items, concerns, strategy shifts.
CREATE TABLE decision_epics (
    workspace_id bigint NOT NULL, decision_id bigint NOT NULL, epic_id bigint NOT NULL,
    PRIMARY KEY (workspace_id, decision_id, epic_id),
    FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, epic_id) REFERENCES epics (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX decision_epics_epic_idx ON decision_epics (workspace_id, epic_id);
CREATE TABLE decision_items (
    workspace_id bigint NOT NULL, decision_id bigint NOT NULL, item_id bigint NOT NULL,
    PRIMARY KEY (workspace_id, decision_id, item_id),
    FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, item_id) REFERENCES arch_items (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX decision_items_item_idx ON decision_items (workspace_id, item_id);
CREATE TABLE decision_concerns (
    workspace_id bigint NOT NULL, decision_id bigint NOT NULL, concern_id bigint NOT NULL,
    PRIMARY KEY (workspace_id, decision_id, concern_id),
    FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, concern_id) REFERENCES nfr_concerns (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX decision_concerns_concern_idx ON decision_concerns (workspace_id, concern_id);
CREATE TABLE decision_shifts (
    workspace_id bigint NOT NULL, decision_id bigint NOT NULL, shift_id bigint NOT NULL,
    PRIMARY KEY (workspace_id, decision_id, shift_id),
    FOREIGN KEY (workspace_id, decision_id) REFERENCES decisions (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, shift_id) REFERENCES strategy_shifts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX decision_shifts_shift_idx ON decision_shifts (workspace_id, shift_id);

-- +goose Down
DROP TABLE decision_shifts;
DROP TABLE decision_concerns;
DROP TABLE decision_items;
DROP TABLE decision_epics;
DROP TABLE decision_stances;
DROP TABLE decisions;
DROP TABLE decision_counters;
DROP TABLE epic_roadmap_items;
DROP TABLE roadmap_items;
DROP TABLE epic_arch_links;
DROP TABLE nfr_impacts;
DROP TABLE concern_items;
DROP TABLE nfr_concerns;
DROP TABLE arch_relations;
DROP TABLE arch_items;

"""Schema migrations. ``PRAGMA user_version`` holds the version reached.

Append new steps; never edit a step that has shipped.
"""

from __future__ import annotations

import json

MIGRATIONS: list[str] = [
    # 1: records, notes, the upload outbox, key/value settings, full-text search.
    """
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with ms, 'Z'
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL,                  -- secrets masked
        name TEXT NOT NULL,
        args TEXT NOT NULL DEFAULT '[]',
        switches TEXT NOT NULL DEFAULT '{}',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        keystrokes TEXT NOT NULL DEFAULT '[]',
        gross_wpm REAL,
        web_wpm REAL,
        extra TEXT NOT NULL DEFAULT '{}',
        remote_key TEXT UNIQUE,
        in_history INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX records_kind_id ON records(kind, id);
    CREATE INDEX records_created ON records(created_at);

    CREATE VIRTUAL TABLE records_fts USING fts5(
        line, response, content='records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    CREATE TRIGGER records_au AFTER UPDATE OF line, response ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;

    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        text TEXT NOT NULL,
        remote_key TEXT UNIQUE,              -- wrt/<epoch ms>
        source TEXT NOT NULL DEFAULT 'local'
    );
    CREATE INDEX notes_created ON notes(created_ms);

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,            -- the saveLog key, fixed at creation
        extension TEXT NOT NULL,
        record_id INTEGER REFERENCES records(id),
        note_id INTEGER REFERENCES notes(id),
        part TEXT NOT NULL DEFAULT 'record', -- record | keystrokes | note
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at REAL NOT NULL DEFAULT 0
    );

    CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: records fetched from the server that were not made here (the log browser merges
    # them with local records by time; local ids keep their own time order).
    """
    CREATE TABLE remote_records (
        id INTEGER PRIMARY KEY,
        remote_key TEXT NOT NULL UNIQUE,     -- command_<ISO UTC>
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with ms, 'Z'
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL DEFAULT '',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        web_wpm REAL,
        body TEXT NOT NULL,                  -- the object as fetched
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX remote_records_created ON remote_records(created_at, id);
    -- "is this record still waiting to upload?" for every row the browser shows
    CREATE INDEX outbox_record ON outbox(record_id);

    CREATE VIRTUAL TABLE remote_records_fts USING fts5(
        line, response, content='remote_records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER remote_records_ai AFTER INSERT ON remote_records BEGIN
        INSERT INTO remote_records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER remote_records_ad AFTER DELETE ON remote_records BEGIN
        INSERT INTO remote_records_fts(remote_records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    """,
    # 3: start-up finds the last `clear` (to restore the scrollback after it) by index.
    """
    CREATE INDEX records_name_id ON records(name, id);
    """,
    # 4: every item has an owner (core/owner.py): the profile it was made on and the account
    # signed in then (NULL: signed out). Items from before carry profile '?' (the default, so
    # no row is rewritten; new rows always name their profile): signed out on no known
    # profile, shown when nobody is signed in and offered to the next account holder.
    # Fetched server copies cannot be told apart by account, so they go (the server keeps
    # them and each account fetches its own again) and the table is keyed by account.
    """
    ALTER TABLE records ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE records ADD COLUMN account TEXT;
    CREATE INDEX records_account_id ON records(account, id);
    CREATE INDEX records_account_kind_id ON records(account, kind, id);

    ALTER TABLE notes ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE notes ADD COLUMN account TEXT;
    DELETE FROM notes WHERE source = 'remote';
    CREATE INDEX notes_account_created ON notes(account, created_ms);

    ALTER TABLE outbox ADD COLUMN profile TEXT NOT NULL DEFAULT '?';
    ALTER TABLE outbox ADD COLUMN account TEXT;
    CREATE INDEX outbox_account ON outbox(account, id);

    DROP TRIGGER remote_records_ai;
    DROP TRIGGER remote_records_ad;
    DROP TABLE remote_records_fts;
    DROP TABLE remote_records;
    CREATE TABLE remote_records (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,               -- the account that fetched it (its owner)
        remote_key TEXT NOT NULL,            -- command_<ISO UTC>
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL DEFAULT '',
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        web_wpm REAL,
        body TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        UNIQUE (account, remote_key)
    );
    CREATE INDEX remote_records_created ON remote_records(account, created_at, id);
    CREATE VIRTUAL TABLE remote_records_fts USING fts5(
        line, response, content='remote_records', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER remote_records_ai AFTER INSERT ON remote_records BEGIN
        INSERT INTO remote_records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER remote_records_ad AFTER DELETE ON remote_records BEGIN
        INSERT INTO remote_records_fts(remote_records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    """,
    # 5: keystroke timings in a compact blob (store/keycodec.py), ~3 bytes a key instead of
    # ~28 of JSON text; ``keystrokes`` stays '[]' for such rows. Older rows keep their JSON
    # (read as before; nothing is rewritten). records_kind_id goes: every query by kind
    # names the owner too, and records_account_kind_id serves those.
    """
    ALTER TABLE records ADD COLUMN keys BLOB;
    DROP INDEX records_kind_id;
    """,
    # 6: a `wrt` that writes a note is a record of its own kind, so the log browser can show
    # notes apart (few rows: only the writing ones are touched).
    """
    UPDATE records SET kind = 'note' WHERE name = 'wrt' AND kind = 'command' AND args != '[]';
    """,
    # 7: smaller records (issue 13: ~47 MiB per 100k command records, now ~33), nothing
    # anyone sees lost. What can be derived is no longer stored: ``args`` when they are the
    # line's words (:func:`default_args`), ``switches``/``extra`` when empty, the upload key
    # when it is ``command_<created_at>`` (``own_key`` keeps any other; ``remote_key`` is
    # now computed from the two). A UNIQUE index of every key went with it: the insert
    # trigger keeps keys unique, seeking the created_at index (still there for date
    # filters) and a partial index of the few keys of their own. ``records_name_id`` served
    # only "the last `clear`", now a partial index of those rows. A table rebuild: ids are
    # kept, so records_fts (external content, by rowid) stays as it is.
    """
    CREATE TABLE records_7 (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with ms, 'Z'
        kind TEXT NOT NULL DEFAULT 'command',
        line TEXT NOT NULL,                  -- secrets masked
        name TEXT NOT NULL,
        args TEXT,                           -- JSON; NULL: default_args(line)
        switches TEXT,                       -- JSON; NULL: {}
        response TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 200,
        keystrokes TEXT NOT NULL DEFAULT '[]',
        gross_wpm REAL,
        web_wpm REAL,
        extra TEXT,                          -- JSON; NULL: {}
        own_key TEXT,                        -- NULL: the default key; '': none; else the key
        in_history INTEGER NOT NULL DEFAULT 1,
        profile TEXT NOT NULL DEFAULT '?',
        account TEXT,
        keys BLOB,
        remote_key TEXT GENERATED ALWAYS AS (
            CASE WHEN own_key IS NULL THEN 'command_' || created_at ELSE nullif(own_key, '') END
        ) VIRTUAL
    );
    INSERT INTO records_7 (id, created_at, kind, line, name, args, switches, response, status,
        keystrokes, gross_wpm, web_wpm, extra, own_key, in_history, profile, account, keys)
    SELECT id, created_at, kind, line, name,
        CASE WHEN handterm_default_args(line, args) THEN NULL ELSE args END,
        nullif(switches, '{}'), response, status, keystrokes, gross_wpm, web_wpm,
        nullif(extra, '{}'),
        CASE WHEN remote_key IS NULL THEN ''
             WHEN remote_key = 'command_' || created_at THEN NULL
             ELSE remote_key END,
        in_history, profile, account, keys
    FROM records ORDER BY id;
    DROP TABLE records;
    ALTER TABLE records_7 RENAME TO records;

    CREATE INDEX records_created ON records(created_at);
    CREATE UNIQUE INDEX records_own_key ON records(own_key) WHERE own_key != '';
    CREATE INDEX records_account_id ON records(account, id);
    CREATE INDEX records_account_kind_id ON records(account, kind, id);
    CREATE INDEX records_clear ON records(account, id) WHERE name = 'clear' AND kind = 'command';

    CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
    END;
    CREATE TRIGGER records_au AFTER UPDATE OF line, response ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, line, response)
        VALUES ('delete', old.id, old.line, old.response);
        INSERT INTO records_fts(rowid, line, response) VALUES (new.id, new.line, new.response);
    END;
    CREATE TRIGGER records_key_taken BEFORE INSERT ON records
    WHEN (new.own_key IS NULL AND (
            EXISTS (SELECT 1 FROM records WHERE created_at = new.created_at AND own_key IS NULL)
            OR EXISTS (SELECT 1 FROM records
                       WHERE own_key = 'command_' || new.created_at AND own_key != '')))
        OR (new.own_key GLOB 'command_*' AND EXISTS (SELECT 1 FROM records
                WHERE created_at = substr(new.own_key, 9) AND own_key IS NULL))
    BEGIN
        SELECT RAISE(ABORT, 'UNIQUE constraint failed: records.remote_key');
    END;
    CREATE TRIGGER records_key_moved BEFORE UPDATE OF created_at, own_key ON records
    WHEN (new.own_key IS NULL AND (
            EXISTS (SELECT 1 FROM records WHERE created_at = new.created_at AND own_key IS NULL
                    AND id != new.id)
            OR EXISTS (SELECT 1 FROM records
                       WHERE own_key = 'command_' || new.created_at AND own_key != '')))
        OR (new.own_key GLOB 'command_*' AND EXISTS (SELECT 1 FROM records
                WHERE created_at = substr(new.own_key, 9) AND own_key IS NULL AND id != new.id))
    BEGIN
        SELECT RAISE(ABORT, 'UNIQUE constraint failed: records.remote_key');
    END;
    """,
]


def default_args(line: str) -> list[str]:
    """What a record's ``args`` are when stored as NULL (schema 7): the line's words, split at
    spaces, after the first. Stored rows depend on it: never change it (a new rule would
    need a new marker and a migration)."""
    return [word for word in line.split(" ") if word][1:]


def args_are_default(line: object, args: object) -> bool:
    """The SQL function ``handterm_default_args`` (migration 7): True when stored ``args``
    (JSON text) read back as :func:`default_args` of the line, so they need not be kept."""
    if not isinstance(line, str) or not isinstance(args, str):
        return False
    try:
        return bool(json.loads(args) == default_args(line))
    except ValueError:
        return False
